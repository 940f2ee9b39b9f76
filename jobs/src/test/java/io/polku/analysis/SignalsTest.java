package io.polku.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.rootcause.signals.IvrQueueTransfersSignal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Journey signals loaded from the configuration, and the errors for bad entries. */
class SignalsTest {
  private static PolkuConfig config(String signals) {
    return PolkuConfig.fromConfig(
        ConfigFactory.parseString(
            "polku.lake.root = \"file:///tmp/polku-signal-test\"\n"
                + "polku.rootcause.signals = "
                + signals),
        Map.of(),
        "test");
  }

  @Test
  void loadsTheExampleSignalFromConfig() {
    PolkuConfig c = config("[\"io.polku.rootcause.signals.IvrQueueTransfersSignal\"]");
    List<JourneySignal> s = Signals.load(c.rootCause().signals());
    assertEquals(1, s.size());
    assertTrue(s.get(0) instanceof IvrQueueTransfersSignal);
    assertEquals("ivr_queue_transfers", s.get(0).name());
  }

  @Test
  void aMissingClassIsAConfigErrorNamingTheClassAndTheKey() {
    PolkuConfig c = config("[\"io.polku.rootcause.signals.NoSuchSignal\", \"java.lang.String\"]");
    ConfigException e =
        assertThrows(ConfigException.class, () -> Signals.load(c.rootCause().signals()));
    assertTrue(
        e.getMessage()
            .contains(
                "polku.rootcause.signals entry"
                    + " 'io.polku.rootcause.signals.NoSuchSignal': class not found on the classpath"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "polku.rootcause.signals entry 'java.lang.String':"
                    + " java.lang.String does not implement io.polku.analysis.JourneySignal"),
        e.getMessage());
  }

  @Test
  void badCriticalRulesAreReportedTogether() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PolkuConfig.fromConfig(
                    ConfigFactory.parseString(
                        "polku.lake.root = \"file:///tmp/x\"\n"
                            + "polku.rootcause.critical.effort { min = 4, max = 2 }\n"
                            + "polku.rootcause.max-conditions = 4"),
                    Map.of(),
                    "test"));
    assertTrue(
        e.getMessage().contains("polku.rootcause.critical.effort has both min and max"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("polku.rootcause.max-conditions = 4 is more than 3"),
        e.getMessage());
  }
}
