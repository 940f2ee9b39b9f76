package io.polku.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row count and content hash of every table of a lake, without what names the run that wrote a row,
 * for "this lake equals that one" across runs (a crash and a re-run, another target).
 */
public final class LakeHashes {
  /** Columns that name the run or the moment that first wrote a row, by design. */
  public static final Set<String> RUN_IDENTITY = Set.of("ingest_run_id", "run_id", "ingested_ts");

  private LakeHashes() {}

  /**
   * Every existing contract table but run_audit (the log of runs), by name. In quarantine, a
   * FUTURE_TIMESTAMP reason names the start of the run that first quarantined the row, and {@code
   * source_file} is compared by its file name (a source may be read from elsewhere).
   */
  public static Map<String, Row> runIndependent(Lake lake) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (TableSpec t : Tables.ALL) {
      if (t.equals(Tables.RUN_AUDIT) || !lake.exists(t)) {
        continue;
      }
      Dataset<Row> rows = lake.read(t);
      for (String c : RUN_IDENTITY) {
        rows = rows.drop(c);
      }
      if (t.equals(Tables.QUARANTINE)) {
        rows =
            rows.withColumn(
                    "reason",
                    regexp_replace(
                        col("reason"), "the tolerance \\([^)]*\\)", "the tolerance (run start)"))
                .withColumn("source_file", regexp_extract(col("source_file"), "[^/]*$", 0));
      }
      out.put(t.name(), Lake.contentHash(rows));
    }
    return out;
  }
}
