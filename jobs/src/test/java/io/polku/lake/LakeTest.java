package io.polku.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.testing.SparkTest;
import io.polku.testing.TableRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration by location when a process meets several lakes, one of them gone. */
class LakeTest {
  private final SparkSession spark = SparkTest.spark();

  @TempDir Path dir;

  @Test
  void aRegistrationOfAVanishedLakeIsReplacedAndTheOtherDataIsUntouched() throws IOException {
    Lake first = new Lake(spark, dir.resolve("first").toUri().toString(), "default");
    first.ensure(Tables.CUSTOMERS);
    try (Stream<Path> files = Files.walk(dir.resolve("first"))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Lake second = new Lake(spark, dir.resolve("second").toUri().toString(), "default");
    second.ensure(Tables.CUSTOMERS);
    assertEquals(
        second.location(Tables.CUSTOMERS),
        spark.sql("DESCRIBE DETAIL default.customers").select("location").first().getString(0));

    Lake third = new Lake(spark, dir.resolve("third").toUri().toString(), "default");
    third.ensure(Tables.CUSTOMERS);
    assertEquals(
        third.location(Tables.CUSTOMERS),
        spark.sql("DESCRIBE DETAIL default.customers").select("location").first().getString(0));
    assertEquals(0, second.read(Tables.CUSTOMERS).count(), "the second lake is still there");
  }

  /**
   * A run killed while it created a table (kill -9 between Delta's temporary commit file and its
   * rename) leaves a folder with a _delta_log holding no commit: the next run creates the table
   * there.
   */
  @Test
  void ensureCreatesATableOverTheRemainsOfAnInterruptedCreation() throws IOException {
    Lake lake = new Lake(spark, dir.resolve("interrupted").toUri().toString(), "default");
    Path log = Path.of(java.net.URI.create(lake.location(Tables.FOLLOWUPS))).resolve("_delta_log");
    Files.createDirectories(log);
    Files.writeString(log.resolve(".00000000000000000000.json.0f1e2d3c.tmp"), "{\"commitIn");
    lake.ensure(Tables.FOLLOWUPS);
    assertEquals(0L, lake.read(Tables.FOLLOWUPS).count());
    // An empty _delta_log (killed right after the folder was made) too.
    Path log2 =
        Path.of(java.net.URI.create(lake.location(Tables.FIX_EFFECTS))).resolve("_delta_log");
    Files.createDirectories(log2);
    lake.ensure(Tables.FIX_EFFECTS);
    assertEquals(0L, lake.read(Tables.FIX_EFFECTS).count());
    // What a kill -9 141 ms into the followups stage left (CrashRecoveryTest, seed
    // 73623450245118): the temporary commit, its Hadoop checksum and an empty _commits.
    // Delta took that folder for a table: the creation was skipped and the read failed.
    Path log3 =
        Path.of(java.net.URI.create(lake.location(Tables.FOLLOWUP_SUMMARY))).resolve("_delta_log");
    Files.createDirectories(log3.resolve("_commits"));
    Files.writeString(log3.resolve(".00000000000000000000.json.c2a0dab8.tmp"), "{\"commitIn");
    Files.writeString(log3.resolve("..00000000000000000000.json.c2a0dab8.tmp.crc"), "crc");
    lake.ensure(Tables.FOLLOWUP_SUMMARY);
    assertEquals(0L, lake.read(Tables.FOLLOWUP_SUMMARY).count());
    // A log with a file in _commits is not remains: it is never removed, and the error says
    // which folder to look at and what to do.
    Path log4 =
        Path.of(java.net.URI.create(lake.location(Tables.FOLLOWUP_UPDATES))).resolve("_delta_log");
    Files.createDirectories(log4.resolve("_commits"));
    Path kept = log4.resolve("_commits/00000000000000000000.0f1e2d3c.json");
    Files.writeString(kept, "{}");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> lake.ensure(Tables.FOLLOWUP_UPDATES));
    assertTrue(
        e.getMessage().contains(lake.location(Tables.FOLLOWUP_UPDATES))
            && e.getMessage().contains("move that _delta_log folder aside"),
        e.getMessage());
    assertTrue(Files.exists(kept), "a commit file is never removed");
  }

  /** readDates keeps the rows of [from, to] by the table's date partition, both ends included. */
  @Test
  void readDatesKeepsTheDatesOfTheRangeByTheDatePartition() {
    Lake lake = new Lake(spark, dir.resolve("dates").toUri().toString(), "default");
    lake.ensure(Tables.JOURNEYS);
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (int day = 1; day <= 5; day++) {
      rows.add(
          TableRows.m(
              "journey_id", "j" + day,
              "journey_date", java.sql.Date.valueOf("2026-10-0" + day),
              "journey_start", java.sql.Timestamp.valueOf("2026-10-0" + day + " 10:00:00"),
              "journey_end", java.sql.Timestamp.valueOf("2026-10-0" + day + " 10:05:00")));
    }
    lake.replaceWhere(Tables.JOURNEYS, TableRows.rows(spark, Tables.JOURNEYS, rows), "true");
    List<String> ids =
        lake.readDates(
                Tables.JOURNEYS, LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-04"))
            .orderBy("journey_id")
            .select("journey_id")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertEquals(List.of("j2", "j3", "j4"), ids);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> lake.readDates(Tables.IDENTITY_MAP, LocalDate.MIN, LocalDate.MAX));
    assertTrue(e.getMessage().startsWith("identity_map is partitioned by []"), e.getMessage());
  }
}
