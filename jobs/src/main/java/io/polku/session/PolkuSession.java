package io.polku.session;

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
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Opening a process's environment from a loaded configuration: the log file, the SparkSession and
 * the lake (with its tables registered, or not). Shared by the command line, the SQL endpoint and
 * notebooks ({@code NotebookEnv}), so that none of them depends on another.
 */
public final class PolkuSession {
  public static final String LOG_FILE_PROPERTY = "polku.log.file";
  public static final String LOG_DIR_PROPERTY = "polku.log.dir";

  /** Configuration keys, also the system properties log4j2.properties reads. */
  public static final String RETENTION_KEY = "polku.logs.retention-days";

  public static final String MAX_FILE_KEY = "polku.logs.max-file-mb";

  private PolkuSession() {}

  /** Opens Spark and the lake with every table and view registered; the caller stops it. */
  public static Opened open(PolkuConfig config, String logName) {
    Opened opened = openUnregistered(config, logName);
    opened.lake().registerExisting();
    return opened;
  }

  /**
   * Opens Spark and the lake with nothing registered: for commands that read tables by location or
   * register only what they need ({@code sql}, {@code tables}); registering all ~30 tables and
   * views reads every Delta log and costs tens of seconds on 2 cores.
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
    throw new io.polku.config.ConfigException(
        key
            + " = "
            + value
            + " is not a whole number of"
            + " at least 1; expected e.g. "
            + key
            + " = "
            + (key.equals(RETENTION_KEY) ? "14" : "64")
            + " in the --conf file");
  }

  /**
   * Deletes the log files ({@code polku-*.log*}) in {@code dir} last modified more than {@code
   * retentionDays} before {@code now}: each process writes its own file, so log4j's rollover alone
   * (which runs only when a file rolls) would never remove earlier runs' files.
   */
  public static List<Path> deleteOldLogs(Path dir, int retentionDays, Instant now) {
    Instant cutoff = now.minus(Duration.ofDays(retentionDays));
    List<Path> deleted = new java.util.ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "polku-*.log*")) {
      for (Path f : files) {
        if (Files.isRegularFile(f) && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
          Files.delete(f);
          deleted.add(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot delete old log files in "
              + dir
              + " ("
              + RETENTION_KEY
              + " = "
              + retentionDays
              + "): "
              + e.getMessage()
              + "; check the"
              + " folder's permissions (polku.logs.dir)",
          e);
    }
    return deleted;
  }

  /**
   * Opens Spark only, its log in the temporary folder ({@code <tmp>/polku-logs}), not in {@code
   * polku.logs.dir}, which is often inside the lake: for commands that must leave the lake
   * untouched ({@code preview}). The returned lake object is never used to read or write.
   */
  public static Opened openWithoutLake(PolkuConfig config, String logName) {
    redirectLogs(config, logName, System.getProperty("java.io.tmpdir") + "/polku-logs");
    boolean owned = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.build(config);
    return new Opened(config, spark, new Lake(spark, config.lakeRoot(), config.database()), owned);
  }

  /** Sends the full Spark and Polku log to a file in the configured log folder. */
  public static void redirectLogs(PolkuConfig config, String logName) {
    redirectLogs(config, logName, null);
  }

  private static void redirectLogs(PolkuConfig config, String logName, String folder) {
    String dir =
        folder != null
            ? folder
            : config.logsDir() != null
                ? config.logsDir()
                : System.getProperty("java.io.tmpdir") + "/polku-logs";
    try {
      Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the log folder "
              + dir
              + " (polku.logs.dir)"
              + "; set polku.logs.dir to a writable local folder",
          e);
    }
    int retentionDays = positiveInt(config.raw(), RETENTION_KEY);
    int maxFileMb = positiveInt(config.raw(), MAX_FILE_KEY);
    deleteOldLogs(Path.of(dir), retentionDays, Instant.now());
    System.setProperty(LOG_DIR_PROPERTY, dir);
    System.setProperty(RETENTION_KEY, String.valueOf(retentionDays));
    System.setProperty(MAX_FILE_KEY, String.valueOf(maxFileMb));
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now(ZoneOffset.UTC));
    String file = dir + "/polku-" + logName + "-" + stamp + ".log";
    System.setProperty(LOG_FILE_PROPERTY, file);
    org.apache.logging.log4j.core.LoggerContext ctx =
        (org.apache.logging.log4j.core.LoggerContext)
            org.apache.logging.log4j.LogManager.getContext(false);
    ctx.reconfigure();
  }
}
