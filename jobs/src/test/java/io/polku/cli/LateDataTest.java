package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late-arriving events: a file that lands after its date was processed is picked up by re-running
 * that date, and only that date; the rows already there stay as they were (same content, same first
 * ingest run), and nothing of other dates in the late file is taken.
 */
class LateDataTest {
  @TempDir Path dir;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void reRunningAnOldDatePicksUpItsLateEventsAndOnlyThose() throws Exception {
    Path calls = Files.createDirectories(dir.resolve("calls"));
    String header = "call_id;started_at;phone;transfers;topic;resolved";
    Files.writeString(
        calls.resolve("calls-2026-10-01.csv"),
        String.join(
            "\n",
            header,
            "c1;2026-10-01 08:00:00;ph1;0;billing;Y",
            "c2;2026-10-01 12:30:00;ph2;2;delivery;N",
            ""));
    Path lakeDir = dir.resolve("lake");
    Path conf = dir.resolve("late.conf");
    Files.writeString(
        conf,
        "polku.lake.root = \""
            + lakeDir.toUri()
            + "\"\n"
            + "polku.logs.dir = \""
            + dir.resolve("logs")
            + "\"\n"
            + "polku.spark.master = \"local[2]\"\n"
            + "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
            + " \"spark.databricks.delta.snapshotPartitions\" = \"2\" }\n"
            + "polku.sources {\n"
            + TestSources.callsSource(calls + "/calls-*.csv")
            + "}\n");

    assertEquals(0, ingest(conf, "2026-10-01"));
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Map<String, String> first = runOf(lake);
    assertEquals(List.of("call:c1", "call:c2"), List.copyOf(first.keySet()));

    // The telephony export of the 1st arrives late, on the 3rd, together with a call of the
    // 2nd (which the night of the 2nd will take).
    Files.writeString(
        calls.resolve("calls-late.csv"),
        String.join(
            "\n",
            header,
            "c3;2026-10-01 23:10:00;ph3;1;billing;N",
            "c4;2026-10-02 07:45:00;ph1;0;billing;Y",
            ""));
    assertEquals(0, ingest(conf, "2026-10-01"));
    Map<String, String> second = runOf(lake);
    assertEquals(
        List.of("call:c1", "call:c2", "call:c3"),
        List.copyOf(second.keySet()),
        "the late call of the 1st is in; the call of the 2nd is not");
    assertEquals(
        first.get("call:c1"),
        second.get("call:c1"),
        "an unchanged row keeps the run that first wrote it");
    assertEquals(first.get("call:c2"), second.get("call:c2"));
    assertEquals(
        1,
        second.values().stream().filter(r -> !r.equals(first.get("call:c1"))).count(),
        "only the late row names the re-run");
    assertEquals(
        0,
        lake.read(Tables.EVENTS)
            .filter(col("event_date").notEqual(Date.valueOf("2026-10-01")))
            .count());
  }

  /** event_id to ingest_run_id of the events of 2026-10-01, sorted by id. */
  private Map<String, String> runOf(Lake lake) {
    return lake
        .read(Tables.EVENTS)
        .filter(col("event_date").equalTo(Date.valueOf("2026-10-01")))
        .orderBy("event_id")
        .collectAsList()
        .stream()
        .collect(
            Collectors.toMap(
                r -> r.<String>getAs("event_id"),
                r -> r.<String>getAs("ingest_run_id"),
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  private static int ingest(Path conf, String date) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      return Polku.execute("ingest", "--date", date, "--conf", conf.toString());
    } finally {
      System.setOut(original);
    }
  }
}
