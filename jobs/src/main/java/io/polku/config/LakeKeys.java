package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.oneOf;
import static io.polku.config.ConfigKey.rule;

import java.time.Duration;

/** The lake, the logs, the run lock and the crash-test switch ({@code polku.lake}, …). */
public final class LakeKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Lake, logs and the run lock",
          "polku.",
          "Where the lake is, how its tables are registered, where each process logs, and the"
              + " lake's run lock.");

  public static final ConfigKey<String> BASE_DIR =
      AREA.buildConf("base-dir")
          .doc(
              "Directory that relative paths in this configuration are resolved against."
                  + " `bin/polku` sets `POLKU_HOME` to the checkout; unset, a relative path is a"
                  + " configuration error. Default: `${?POLKU_HOME}`.")
          .stringConf()
          .createOptional();
  public static final ConfigKey<String> LAKE_ROOT =
      AREA.buildConf("lake.root")
          .doc(
              "Root URI of the lake: `file:///data/lake`, `s3a://bucket/prefix`, or a path"
                  + " relative to `polku.base-dir`. Every table lives at `<root>/<zone>/<table>`."
                  + " Required (`conf/local.conf` sets `lake`).")
          .stringConf()
          .checkValue(rule("a URI or a path"))
          .createOptional();
  public static final ConfigKey<String> DATABASE =
      AREA.buildConf("lake.database")
          .doc("Database the tables are registered in, in each process's own session catalog.")
          .stringConf()
          .checkValue(rule("letters, digits and _"))
          .createWithDefault("default");
  public static final ConfigKey<String> CATALOG =
      AREA.buildConf("lake.catalog")
          .doc(
              "`session`: each process registers the tables by location at start (no metastore;"
                  + " `sql` and a running nightly never block each other). `hive`: an external Hive"
                  + " metastore at `metastore-uri`; `glue`: the AWS Glue Data Catalog (both need the"
                  + " client jars on the classpath, as on EMR).")
          .stringConf()
          .checkValue(oneOf("session", "hive", "glue"))
          .createWithDefault("session");
  public static final ConfigKey<String> METASTORE_URI =
      AREA.buildConf("lake.metastore-uri")
          .doc(
              "The Hive metastore's `thrift://host:port`; required when `catalog = hive`."
                  + " Default: `${?POLKU_METASTORE_URI}`.")
          .stringConf()
          .createOptional();
  public static final ConfigKey<String> LOGS_DIR =
      AREA.buildConf("logs.dir")
          .doc(
              "Local directory for the full Spark/Polku log of each process (one file per run);"
                  + " unset: `<java.io.tmpdir>/polku-logs`.")
          .stringConf()
          .createOptional();
  public static final ConfigKey<Integer> LOGS_RETENTION_DAYS =
      AREA.buildConf("logs.retention-days")
          .doc(
              "Log files (`polku-*.log*`) in `logs.dir` older than this many days are deleted at"
                  + " each process start and at each rollover.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(14);
  public static final ConfigKey<Integer> LOGS_MAX_FILE_MB =
      AREA.buildConf("logs.max-file-mb")
          .doc(
              "A process's log rolls over into a compressed file at this size (MB) and at"
                  + " midnight.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(64);
  public static final ConfigKey<Duration> LOCK_HEARTBEAT =
      AREA.buildConf("lock.heartbeat")
          .doc(
              "The holder of the lake's run lock (`<lake root>/_polku/nightly.lock`, taken by"
                  + " `nightly` and `ingest`) rewrites its heartbeat this often.")
          .durationConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("30s");
  public static final ConfigKey<Duration> LOCK_STALE_AFTER =
      AREA.buildConf("lock.stale-after")
          .doc(
              "A lock whose heartbeat is older than this (or whose owner's pid is dead on this"
                  + " host) is stale and taken over. Well above the heartbeat: a GC pause is not a"
                  + " death.")
          .durationConf()
          .checkValue(rule(">= 3 x lock.heartbeat"))
          .createWithDefaultString("10m");
  public static final ConfigKey<String> HALT_AFTER_STAGE =
      AREA.buildConf("debug.halt-after-stage")
          .doc(
              "Testing only: stop the process hard (`Runtime.halt`, status 99, no clean-up) right"
                  + " after the named stage has committed, to prove crash safety. Never set it in"
                  + " production.")
          .stringConf()
          .checkValue(
              oneOf(
                  "ingest",
                  "identity",
                  "journeys",
                  "rootcause",
                  "followups",
                  "profiles",
                  "surveys",
                  "kpis"))
          .createOptional();

  private LakeKeys() {}
}
