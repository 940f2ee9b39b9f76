package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.oneOf;
import static io.polku.config.ConfigKey.rule;

/** The read-only SQL endpoint for BI tools, {@code bin/polku serve} ({@code polku.serve}). */
public final class ServeKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "SQL endpoint",
          "polku.serve.",
          "`bin/polku serve`: HiveServer2 binary protocol, JDBC URL"
              + " `jdbc:hive2://HOST:PORT/DATABASE` ([usage.md](usage.md#sql-for-bi-tools-binpolku-serve)).");

  public static final ConfigKey<String> HOST =
      AREA.buildConf("host")
          .doc(
              "Address to listen on. Loopback by default; any other address needs `auth.mode ="
                  + " password` or `ldap`.")
          .stringConf()
          .createWithDefault("127.0.0.1");
  public static final ConfigKey<Integer> PORT =
      AREA.buildConf("port")
          .doc("TCP port.")
          .intConf()
          .checkValue(between(1, 65535))
          .createWithDefault(10000);
  public static final ConfigKey<Integer> REFRESH_SECONDS =
      AREA.buildConf("refresh-seconds")
          .doc(
              "Tables that appear in the lake after the server started are registered this often;"
                  + " registered tables always answer with their latest Delta version.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(60);
  public static final ConfigKey<Integer> QUERY_TIMEOUT_SECONDS =
      AREA.buildConf("query-timeout-seconds")
          .doc("A client statement running longer than this is cancelled.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(600);
  public static final ConfigKey<Long> MAX_RESULT_ROWS =
      AREA.buildConf("max-result-rows")
          .doc(
              "A client query returns at most this many rows: a LIMIT is put on top of any query"
                  + " over the lake's tables that has none (or a larger one).")
          .longConf()
          .checkValue(atLeast(1))
          .createWithDefault(1000000L);
  public static final ConfigKey<String> AUTH_MODE =
      AREA.buildConf("auth.mode")
          .doc(
              "`none` (loopback only), `password` (the users below) or `ldap` (passed to"
                  + " HiveServer2).")
          .stringConf()
          .checkValue(oneOf("none", "password", "ldap"))
          .createWithDefault("none");
  public static final ConfigKey<Object> AUTH_USERS =
      AREA.buildConf("auth.users")
          .doc(
              "`[{ name = \"analyst\", password-hash = ${?POLKU_SQL_ANALYST_HASH} }]`; make a hash"
                  + " with `bin/polku serve --hash-password`. Keep hashes in the environment, not in"
                  + " git.")
          .objectListConf()
          .checkValue(rule("not empty when auth.mode = password"))
          .createWithDefaultString("[]");
  public static final ConfigKey<String> LDAP_URL =
      AREA.buildConf("auth.ldap.url")
          .doc("LDAP server URL; required when `auth.mode = ldap`.")
          .stringConf()
          .createOptional();
  public static final ConfigKey<String> LDAP_BASE_DN =
      AREA.buildConf("auth.ldap.base-dn").doc("LDAP base DN.").stringConf().createOptional();
  public static final ConfigKey<String> LDAP_DOMAIN =
      AREA.buildConf("auth.ldap.domain").doc("LDAP domain.").stringConf().createOptional();

  private ServeKeys() {}
}
