package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.LakeLock;
import io.polku.lake.Maintenance;
import io.polku.testing.Console;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/polku maintain on a table written in many small commits. */
class MaintainCommandTest {
  @TempDir Path tmp;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void compactsZOrdersAndVacuumsWithoutChangingARow() throws Exception {
    Path lakeDir = tmp.resolve("lake");
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    lake.ensure(Tables.FOLLOWUP_UPDATES);
    for (int i = 0; i < 6; i++) {
      spark
          .createDataFrame(
              List.of(
                  RowFactory.create(
                      "r" + i,
                      "in_progress",
                      Timestamp.valueOf("2026-10-0" + (i + 1) + " 10:00:00"),
                      "note " + i),
                  RowFactory.create(
                      "r" + (i + 10),
                      "closed",
                      Timestamp.valueOf("2026-10-0" + (i + 1) + " 11:00:00"),
                      null)),
              Tables.FOLLOWUP_UPDATES.schema())
          .coalesce(1)
          .write()
          .format("delta")
          .mode("append")
          .save(lake.location(Tables.FOLLOWUP_UPDATES));
    }
    Maintenance m = new Maintenance(lake);
    Row hash = Lake.contentHash(lake.read(Tables.FOLLOWUP_UPDATES));
    assertEquals(6, m.size(Tables.FOLLOWUP_UPDATES).files(), "six commits, one file each");
    assertEquals(6, m.physicalFiles(Tables.FOLLOWUP_UPDATES));

    Path conf = tmp.resolve("maintain.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "polku.lake.root = \"" + lakeDir.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\"",
            "polku.maintenance.zorder.followup_updates = [\"response_id\"]"));

    // Below Delta's safety floor without --force: refused, nothing touched.
    String refused =
        err(
            () ->
                assertEquals(
                    ExitCodes.USAGE,
                    Polku.execute(
                        "maintain", "--conf", conf.toString(), "--retention-hours", "0")));
    assertTrue(refused.contains("retention 0 h is below Delta's safety default of 168 h"), refused);
    assertTrue(refused.contains("--force"), refused);
    assertEquals(6, m.physicalFiles(Tables.FOLLOWUP_UPDATES));

    // A live run holds the lake: maintain waits its turn (exit 4), nothing touched.
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    LakeLock.writeForTest(
        hadoop,
        lake.root(),
        LakeLock.Owner.ofThisProcess("20261126T000000Z-other", "nightly", Instant.now()));
    assertEquals(ExitCodes.LOCKED, Polku.execute("maintain", "--conf", conf.toString()));
    assertEquals(6, m.size(Tables.FOLLOWUP_UPDATES).files());
    Files.delete(lakeDir.resolve(LakeLock.RELATIVE_PATH));

    String out =
        out(
            () ->
                assertEquals(
                    ExitCodes.OK,
                    Polku.execute(
                        "maintain",
                        "--conf",
                        conf.toString(),
                        "--retention-hours",
                        "0",
                        "--force")));
    assertTrue(out.contains("followup_updates"), out);
    assertEquals(1, m.size(Tables.FOLLOWUP_UPDATES).files(), "compacted to one file");
    assertEquals(1, m.physicalFiles(Tables.FOLLOWUP_UPDATES), "the six old files vacuumed");
    assertEquals(hash, Lake.contentHash(lake.read(Tables.FOLLOWUP_UPDATES)), "same rows");
    Row optimize =
        DeltaTable.forPath(spark, lake.location(Tables.FOLLOWUP_UPDATES))
            .history()
            .filter("operation = 'OPTIMIZE'")
            .select("operationParameters")
            .first();
    assertEquals("[\"response_id\"]", optimize.getMap(0).apply("zOrderBy"));
  }

  private static String out(Runnable r) {
    return capture(r, false);
  }

  private static String err(Runnable r) {
    return capture(r, true);
  }

  private static String capture(Runnable r, boolean stderr) {
    return Console.capture(r, stderr);
  }
}
