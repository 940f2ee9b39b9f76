package io.polku.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis inputs built in one place: the window's dates from polku.rootcause.window-days, the
 * repeat window in hours from polku.journeys.repeat-window (not the journey gap), no customer
 * attributes without customers, a signal added without changing the original, and the critical flag
 * of the prepared responses. Expected values are worked out by hand.
 */
class AnalysisInputsTest {
  @TempDir Path tmp;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void theWindowTheRepeatHoursAndTheCriticalFlagFollowTheConfiguration() {
    Path lakeDir = tmp.resolve("lake");
    PolkuConfig config =
        PolkuConfig.fromConfig(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "polku.lake.root = \"" + lakeDir.toUri() + "\"",
                    "polku.logs.dir = \"" + lakeDir.resolve("logs") + "\"",
                    "polku.rootcause.window-days = 10",
                    "polku.journeys.repeat-window = 2d")),
            Map.of(),
            "test");
    Lake lake = new Lake(spark, config.lakeRoot(), config.database());
    // Run date 10-30, a 10-day window: 10-21 .. 10-30. NPS 0-6 is critical.
    lake.replaceWhere(
        Tables.FEEDBACK_CONTEXT,
        new ContextRows()
            .add("before", "2026-10-20", "web", "nps", 2.0, "web:view")
            .add("first", "2026-10-21", "web", "nps", 6.0, "web:view")
            .add("middle", "2026-10-25", "app", "nps", 7.0, "app:view")
            .add("last", "2026-10-30", "phone", "nps", 9.0, "phone:call")
            .add("after", "2026-10-31", "web", "nps", 0.0, "web:view")
            .toDataset(spark),
        "true");

    AnalysisInputs inputs = AnalysisInputs.load(config, lake, LocalDate.parse("2026-10-30"));

    assertEquals(LocalDate.parse("2026-10-21"), inputs.from());
    assertEquals(LocalDate.parse("2026-10-30"), inputs.runDate());
    assertEquals(48.0, inputs.repeatWindowHours(), 1e-9, "2 days of repeat window");
    assertNull(inputs.attributes(), "no customers table: no customer attributes");
    assertEquals(
        new TreeSet<>(java.util.List.of("first", "middle", "last")),
        new TreeSet<>(
            inputs
                .context()
                .select("response_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()));

    Map<String, Boolean> critical = new TreeMap<>();
    for (Row r : inputs.prepared().select("response_id", "critical").collectAsList()) {
      critical.put(r.getString(0), r.getBoolean(1));
    }
    assertEquals(Map.of("first", true, "middle", false, "last", false), critical);

    JourneySignal mine =
        new JourneySignal() {
          @Override
          public String name() {
            return "mine";
          }

          @Override
          public Column condition() {
            return org.apache.spark.sql.functions.lit(true);
          }

          @Override
          public String phrase(String value) {
            return "always";
          }
        };
    AnalysisInputs more = inputs.withSignal(mine);
    assertEquals(inputs.signals().size() + 1, more.signals().size());
    assertEquals("mine", more.signals().get(more.signals().size() - 1).name());
    assertEquals(inputs.from(), more.from());
  }
}
