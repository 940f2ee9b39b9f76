package io.polku.lake;

import com.typesafe.config.Config;
import io.delta.tables.DeltaTable;
import io.polku.config.ConfigException;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Table maintenance: compaction of small files (Delta {@code OPTIMIZE}, Z-ordered by the keys
 * stages merge and look up by) and removal of files no version needs any more ({@code VACUUM} with
 * a retention). Each step is a Delta command: readers keep seeing a consistent snapshot; OPTIMIZE
 * commits a new version with the same rows.
 */
public final class Maintenance {
  /** Delta's own safety floor for VACUUM (delta.deletedFileRetentionDuration's default). */
  public static final int DELTA_SAFE_RETENTION_HOURS = 168;

  /**
   * {@code polku.maintenance}.
   *
   * @param retentionHours VACUUM keeps files a version younger than this needs
   * @param zorder table name to Z-order columns (never partition columns)
   */
  public record Options(int retentionHours, Map<String, List<String>> zorder) {
    public static Options from(Config root) {
      Config c = root.getConfig("polku.maintenance");
      List<String> problems = new ArrayList<>();
      int hours = c.getInt("retention-hours");
      if (hours < 0) {
        problems.add(
            "polku.maintenance.retention-hours = "
                + hours
                + " is negative; expected"
                + " hours, e.g. "
                + DELTA_SAFE_RETENTION_HOURS);
      }
      Map<String, List<String>> zorder = new LinkedHashMap<>();
      Config z = c.getConfig("zorder");
      for (String name : z.root().keySet()) {
        TableSpec t = Tables.byName(name).orElse(null);
        List<String> cols = z.getStringList(name);
        if (t == null) {
          problems.add(
              "polku.maintenance.zorder."
                  + name
                  + ": no such table; expected one of"
                  + " the tables in docs/tables.md");
          continue;
        }
        for (String col : cols) {
          if (!t.columnNames().contains(col) || t.partitionColumns().contains(col)) {
            problems.add(
                "polku.maintenance.zorder."
                    + name
                    + " = "
                    + cols
                    + ": "
                    + col
                    + " is not a non-partition column of "
                    + name
                    + "; expected some of "
                    + t.columnNames().stream()
                        .filter(n -> !t.partitionColumns().contains(n))
                        .toList());
          }
        }
        zorder.put(name, cols);
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return new Options(hours, Map.copyOf(zorder));
    }
  }

  /** Files and bytes of a table's current version. */
  public record Size(long files, long bytes) {}

  /** What one table's maintenance did. */
  public record Report(
      String table,
      Size before,
      Size after,
      long filesRemoved,
      long filesAdded,
      List<String> zorderedBy,
      long vacuumedFiles) {}

  private final SparkSession spark;
  private final Lake lake;

  public Maintenance(Lake lake) {
    this.lake = lake;
    this.spark = lake.spark();
  }

  public Size size(TableSpec table) {
    Row d =
        DeltaTable.forPath(spark, lake.location(table))
            .detail()
            .select("numFiles", "sizeInBytes")
            .first();
    return new Size(d.getLong(0), d.getLong(1));
  }

  /**
   * OPTIMIZE (Z-ordered when columns are given), then VACUUM with the retention. Retention below
   * Delta's safety floor needs {@code force}: a reader or writer still on an older version could
   * lose its files.
   */
  public Report maintain(
      TableSpec table,
      List<String> zorderBy,
      boolean optimize,
      Integer retentionHours,
      boolean force) {
    if (retentionHours != null) {
      checkRetention(retentionHours, force);
    }
    Size before = size(table);
    long removed = 0;
    long added = 0;
    String path = lake.location(table).replace("`", "``");
    if (optimize) {
      String sql =
          "OPTIMIZE delta.`"
              + path
              + "`"
              + (zorderBy.isEmpty() ? "" : " ZORDER BY (" + String.join(", ", zorderBy) + ")");
      Row metrics =
          spark.sql(sql).select("metrics.numFilesRemoved", "metrics.numFilesAdded").first();
      removed = metrics.getLong(0);
      added = metrics.getLong(1);
    }
    long vacuumed = 0;
    if (retentionHours != null) {
      String key = "spark.databricks.delta.retentionDurationCheck.enabled";
      String previous = spark.conf().get(key, "true");
      try {
        if (force) {
          spark.conf().set(key, "false");
        }
        long filesBefore = physicalFiles(table);
        spark.sql("VACUUM delta.`" + path + "` RETAIN " + retentionHours + " HOURS").collect();
        vacuumed = filesBefore - physicalFiles(table);
      } finally {
        spark.conf().set(key, previous);
      }
    }
    return new Report(table.name(), before, size(table), removed, added, zorderBy, vacuumed);
  }

  /** Refuses a retention below Delta's safety floor unless forced, naming the fix. */
  public static void checkRetention(int retentionHours, boolean force) {
    if (retentionHours < DELTA_SAFE_RETENTION_HOURS && !force) {
      throw new ConfigException(
          "retention "
              + retentionHours
              + " h is below Delta's safety"
              + " default of "
              + DELTA_SAFE_RETENTION_HOURS
              + " h: a reader or a run still on an"
              + " older version could lose its files; use at least "
              + DELTA_SAFE_RETENTION_HOURS
              + " (polku.maintenance.retention-hours / --retention-hours), or pass --force when"
              + " nothing else reads or writes the lake");
    }
  }

  /** Data files on storage (every version's), not only the current version's. */
  public long physicalFiles(TableSpec table) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(lake.location(table));
      org.apache.hadoop.fs.FileSystem fs =
          root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long n = 0;
      var it = fs.listFiles(root, true);
      while (it.hasNext()) {
        org.apache.hadoop.fs.Path p = it.next().getPath();
        if (p.getName().endsWith(".parquet") && !p.toString().contains("/_delta_log/")) {
          n++;
        }
      }
      return n;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list " + lake.location(table), e);
    }
  }
}
