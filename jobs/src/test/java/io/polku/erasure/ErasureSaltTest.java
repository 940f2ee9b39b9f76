package io.polku.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.config.ConfigException;
import io.polku.config.ConfigRedaction;
import io.polku.config.PolkuConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** polku.erasure.salt: required by forget, a secret, not part of the config hash; no Spark. */
class ErasureSaltTest {
  private static PolkuConfig parse(String hocon) {
    return PolkuConfig.fromConfig(
        ConfigFactory.parseString("polku.lake.root = \"/tmp/lake\"\n" + hocon),
        Map.of(),
        "test.conf");
  }

  @Test
  void anUnsetOrShortSaltIsRefusedNamingTheKeyAndTheFix() {
    if (System.getenv(Erasure.SALT_ENV) == null) {
      ConfigException e = assertThrows(ConfigException.class, () -> Erasure.salt(parse("").raw()));
      assertTrue(
          e.getMessage()
              .contains(
                  "polku.erasure.salt is not set; expected a secret"
                      + " of at least 16 characters"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains("set the environment variable POLKU_ERASURE_SALT"),
          e.getMessage());
    }
    ConfigException shortSalt =
        assertThrows(
            ConfigException.class, () -> Erasure.salt(parse("polku.erasure.salt = \"abc\"").raw()));
    assertTrue(
        shortSalt.getMessage().contains("has 3 characters; expected at least 16"),
        shortSalt.getMessage());
    assertEquals(
        "0123456789abcdef", Erasure.salt(parse("polku.erasure.salt = \"0123456789abcdef\"").raw()));
  }

  @Test
  void theHashIsKeyedAndTheSaltStaysOutOfConfigHashAndConfigShow() {
    String a = Erasure.hash("0123456789abcdef", "C1");
    assertEquals(64, a.length());
    assertEquals(a, Erasure.hash("0123456789abcdef", "C1"));
    assertNotEquals(a, Erasure.hash("0123456789abcdef-other", "C1"));
    assertNotEquals(a, Erasure.hash("0123456789abcdef", "C2"));
    assertEquals(parse("").hash(), parse("polku.erasure.salt = \"0123456789abcdef\"").hash());
    assertTrue(ConfigRedaction.sensitive("salt"));
  }
}
