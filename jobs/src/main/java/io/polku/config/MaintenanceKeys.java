package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.rule;

/** {@code bin/polku maintain} and {@code bin/polku forget} ({@code polku.maintenance}, …). */
public final class MaintenanceKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Maintenance and erasure",
          "polku.",
          "Compaction and vacuum (`bin/polku maintain`) and the right to erasure (`bin/polku"
              + " forget`); see [operations.md](operations.md#maintenance-compaction-and-vacuum).");

  public static final ConfigKey<Integer> RETENTION_HOURS =
      AREA.buildConf("maintenance.retention-hours")
          .doc(
              "VACUUM keeps every file a version of the last this many hours needs. Below Delta's"
                  + " safety default (168 h) `maintain` refuses unless `--force`: an older reader or run"
                  + " could lose its files, and time travel to older versions stops working.")
          .intConf()
          .checkValue(atLeast(0))
          .createWithDefault(168);
  public static final ConfigKey<Object> ZORDER =
      AREA.buildConf("maintenance.zorder")
          .doc(
              "OPTIMIZE Z-orders each table by these columns (the keys stages merge and look up"
                  + " by; never partition columns): `table = [columns]`.")
          .objectConf()
          .checkValue(rule("existing tables and non-partition columns"))
          .createWithDefaultString(
              """
          {
            events = ["customer_id"]
            feedback = ["customer_id"]
            identity_map = ["customer_key"]
            journeys = ["customer_key"]
            feedback_context = ["customer_key"]
            customer_profiles = ["customer_key"]
            followups = ["response_id"]
            quarantine = ["source"]
          }""");
  public static final ConfigKey<String> ERASURE_SALT =
      AREA.buildConf("erasure.salt")
          .doc(
              "Secret keying the HMAC-SHA256 of each erased customer id in `erasure_log` (never the"
                  + " id) and of each erased identifier in `erased_identifiers`; the same for every run,"
                  + " kept in the environment (e.g. `openssl rand -hex 32`). `forget` refuses to run"
                  + " without it, and so does `ingest` once anybody was erased. Redacted by `config"
                  + " show`, not part of the configuration hash. Default: `${?POLKU_ERASURE_SALT}`.")
          .stringConf()
          .checkValue(rule(">= 16 characters"))
          .createOptional();

  private MaintenanceKeys() {}
}
