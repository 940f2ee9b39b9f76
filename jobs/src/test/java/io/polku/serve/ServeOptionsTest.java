package io.polku.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.polku.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {
  private static Config conf(String serve) {
    return ConfigFactory.parseString("polku.serve { " + serve + " }")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void defaultsBindToLoopbackWithoutAuthentication() {
    ServeOptions o = ServeOptions.from(conf(""));
    assertEquals("127.0.0.1", o.host());
    assertEquals(10000, o.port());
    assertEquals("none", o.authMode());
    assertEquals("jdbc:hive2://127.0.0.1:10000/default", o.jdbcUrl("default"));
  }

  @Test
  void anotherAddressWithoutAuthenticationIsRefusedWithTheFix() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ServeOptions.from(conf("host = \"0.0.0.0\"")));
    assertTrue(e.getMessage().contains("polku.serve.host = 0.0.0.0"), e.getMessage());
    assertTrue(e.getMessage().contains("polku.serve.auth.mode = password"), e.getMessage());
  }

  @Test
  void anotherAddressWithPasswordsStarts() {
    String hash = PasswordHash.create("correct horse".toCharArray());
    ServeOptions o =
        ServeOptions.from(
            conf(
                "host = \"0.0.0.0\", auth { mode = password,"
                    + " users = [{ name = bi, password-hash = \""
                    + hash
                    + "\" }] }"));
    assertEquals(Map.of("bi", hash), o.users());
  }

  @Test
  void everyProblemIsReportedAndTheHashIsNeverPrinted() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ServeOptions.from(
                    conf(
                        "port = 70000, auth { mode = password, users = [{ name = bi, password-hash ="
                            + " \"secret-in-plain-text\" }] }")));
    assertEquals(2, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("polku.serve.port = 70000"), e.getMessage());
    assertTrue(e.getMessage().contains("--hash-password"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-in-plain-text"), e.getMessage());
  }

  @Test
  void ldapNeedsAUrl() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ServeOptions.from(conf("auth.mode = ldap")));
    assertTrue(e.getMessage().contains("polku.serve.auth.ldap.url"), e.getMessage());
  }

  @Test
  void passwordHashesVerifyOnlyTheirPassword() {
    String hash = PasswordHash.create("s3cret-pass".toCharArray());
    assertTrue(hash.startsWith("pbkdf2-sha256$210000$"), hash);
    assertTrue(PasswordHash.verify("s3cret-pass".toCharArray(), hash));
    assertFalse(PasswordHash.verify("s3cret-pasS".toCharArray(), hash));
    assertFalse(PasswordHash.verify("s3cret-pass".toCharArray(), "plain"));
    // Salted: the same password hashes differently each time.
    assertFalse(hash.equals(PasswordHash.create("s3cret-pass".toCharArray())));
  }

  @Test
  void theAuthenticatorChecksUserAndPassword() throws Exception {
    PasswordAuthenticator.configure(Map.of("bi", PasswordHash.create("pw-123456".toCharArray())));
    new PasswordAuthenticator().Authenticate("bi", "pw-123456");
    assertThrows(
        javax.security.sasl.AuthenticationException.class,
        () -> new PasswordAuthenticator().Authenticate("bi", "pw-1234567"));
    assertThrows(
        javax.security.sasl.AuthenticationException.class,
        () -> new PasswordAuthenticator().Authenticate("other", "pw-123456"));
  }

  @Test
  void loopbackIsDecidedByTheLiteralAddressNeverByAPrefixOfAName() {
    for (String yes :
        new String[] {"localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
      assertTrue(ServeOptions.isLoopback(yes), yes);
    }
    for (String no :
        new String[] {
          "127.example.com",
          "127.0.0.1.nip.io",
          "127.0.0.256",
          "10.0.0.1",
          "0.0.0.0",
          "::",
          "example.com",
          "::ffff:10.0.0.1"
        }) {
      assertFalse(ServeOptions.isLoopback(no), no);
    }
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ServeOptions.from(conf("host = \"127.example.com\"")));
    assertTrue(
        e.getMessage().contains("polku.serve.host = 127.example.com is not a loopback"),
        e.getMessage());
  }

  @Test
  void timeoutAndRowCapMustBePositive() {
    ServeOptions o = ServeOptions.from(conf(""));
    assertEquals(600, o.queryTimeoutSeconds());
    assertEquals(1_000_000L, o.maxResultRows());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ServeOptions.from(conf("query-timeout-seconds = 0, max-result-rows = -1")));
    assertTrue(
        e.getMessage().contains("polku.serve.query-timeout-seconds = 0 must be at least" + " 1"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("polku.serve.max-result-rows = -1 must be at least 1"),
        e.getMessage());
  }
}
