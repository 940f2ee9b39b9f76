package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.lake.Lake;
import io.polku.lake.SparkSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * Options every lake command shares (--conf, --set), and opening the process's environment:
 * configuration, the log file, the SparkSession and the lake with its tables registered.
 */
public final class Environment {
  static final String LOG_FILE_PROPERTY = "polku.log.file";
  static final String LOG_DIR_PROPERTY = "polku.log.dir";
  /** Configuration keys, also the system properties log4j2.properties reads. */
  static final String RETENTION_KEY = "polku.logs.retention-days";
  static final String MAX_FILE_KEY = "polku.logs.max-file-mb";

  @Option(names = "--conf", paramLabel = "FILE", defaultValue = "conf/local.conf",
      description = "Configuration file (HOCON). Default: ${DEFAULT-VALUE}, looked up in the"
          + " current directory, then in POLKU_HOME.")
  String conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one configuration key, e.g. --set polku.lake.root=/tmp/lake."
          + " A value starting with [, { or \" is HOCON: a list, e.g."
          + " --set 'polku.journeys.split-event-types=[purchase, cancel]'; any other value is"
          + " the string as written. Repeatable; wins over the file.")
  List<String> overrides = List.of();

  /** Loads the configuration with the command-line overrides. */
  public PolkuConfig config() {
    Map<String, String> over = new LinkedHashMap<>();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new io.polku.config.ConfigException("--set " + o + " is not KEY=VALUE; expected"
            + " e.g. --set polku.lake.root=/tmp/lake");
      }
      over.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    return PolkuConfig.load(confPath(), over);
  }

  private Path confPath() {
    Path p = Path.of(conf);
    if (!Files.exists(p) && !p.isAbsolute() && System.getenv("POLKU_HOME") != null) {
      Path home = Path.of(System.getenv("POLKU_HOME")).resolve(p);
      if (Files.exists(home)) {
        return home;
      }
    }
    return p;
  }

  /** Opens Spark and the lake with every table and view registered; the caller stops it. */
  public static Opened open(PolkuConfig config, String logName) {
    Opened opened = openUnregistered(config, logName);
    opened.lake().registerExisting();
    return opened;
  }

  /**
   * Opens Spark and the lake with nothing registered: for commands that read tables by
   * location or register only what they need ({@code sql}, {@code tables}); registering all
   * ~30 tables and views reads every Delta log and costs tens of seconds on 2 cores.
   */
  public static Opened openUnregistered(PolkuConfig config, String logName) {
    redirectLogs(config, logName);
    // A session that already exists (a test JVM, a notebook) belongs to its owner: reuse it
    // and leave it running.
    boolean owned = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.build(config);
    Lake lake = new Lake(spark, config.lakeRoot(), config.database());
    return new Opened(config, spark, lake, owned);
  }

  /** An open environment. */
  public record Opened(PolkuConfig config, SparkSession spark, Lake lake, boolean owned)
      implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  private static int positiveInt(com.typesafe.config.Config raw, String key) {
    String value = raw.hasPath(key) ? raw.getValue(key).unwrapped().toString() : "null";
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new io.polku.config.ConfigException(key + " = " + value + " is not a whole number of"
        + " at least 1; expected e.g. " + key + " = "
        + (key.equals(RETENTION_KEY) ? "14" : "64") + " in the --conf file");
  }

  /**
   * Deletes the log files ({@code polku-*.log*}) in {@code dir} last modified more than
   * {@code retentionDays} before {@code now}: each process writes its own file, so log4j's
   * rollover alone (which runs only when a file rolls) would never remove earlier runs' files.
   */
  static List<Path> deleteOldLogs(Path dir, int retentionDays, Instant now) {
    Instant cutoff = now.minus(Duration.ofDays(retentionDays));
    List<Path> deleted = new java.util.ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "polku-*.log*")) {
      for (Path f : files) {
        if (Files.isRegularFile(f)
            && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
          Files.delete(f);
          deleted.add(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete old log files in " + dir + " ("
          + RETENTION_KEY + " = " + retentionDays + "): " + e.getMessage() + "; check the"
          + " folder's permissions (polku.logs.dir)", e);
    }
    return deleted;
  }

  /**
   * Opens Spark only, its log in the temporary folder ({@code <tmp>/polku-logs}), not in
   * {@code polku.logs.dir}, which is often inside the lake: for commands that must leave the
   * lake untouched ({@code preview}). The returned lake object is never used to read or write.
   */
  public static Opened openWithoutLake(PolkuConfig config, String logName) {
    redirectLogs(config, logName, System.getProperty("java.io.tmpdir") + "/polku-logs");
    boolean owned = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.build(config);
    return new Opened(config, spark, new Lake(spark, config.lakeRoot(), config.database()),
        owned);
  }

  /** Sends the full Spark and Polku log to a file in the configured log folder. */
  static void redirectLogs(PolkuConfig config, String logName) {
    redirectLogs(config, logName, null);
  }

  private static void redirectLogs(PolkuConfig config, String logName, String folder) {
    String dir = folder != null ? folder : config.logsDir() != null ? config.logsDir()
        : System.getProperty("java.io.tmpdir") + "/polku-logs";
    try {
      Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the log folder " + dir + " (polku.logs.dir)"
          + "; set polku.logs.dir to a writable local folder", e);
    }
    int retentionDays = positiveInt(config.raw(), RETENTION_KEY);
    int maxFileMb = positiveInt(config.raw(), MAX_FILE_KEY);
    deleteOldLogs(Path.of(dir), retentionDays, Instant.now());
    System.setProperty(LOG_DIR_PROPERTY, dir);
    System.setProperty(RETENTION_KEY, String.valueOf(retentionDays));
    System.setProperty(MAX_FILE_KEY, String.valueOf(maxFileMb));
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .format(LocalDateTime.now(ZoneOffset.UTC));
    String file = dir + "/polku-" + logName + "-" + stamp + ".log";
    System.setProperty(LOG_FILE_PROPERTY, file);
    org.apache.logging.log4j.core.LoggerContext ctx =
        (org.apache.logging.log4j.core.LoggerContext)
            org.apache.logging.log4j.LogManager.getContext(false);
    ctx.reconfigure();
  }
}
