package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.ConfigException;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source with {@code file-date-pattern}: a one-day run reads only the files dated within the day
 * ± the margin (and the files whose name has no date), and leaves the table exactly as the
 * full-range run wrote it; a row dated beyond the margin from its file's date is quarantined by
 * every run, so runs over different ranges agree.
 */
class IncrementalIngestTest {
  private static final String HEADER = "call_id;started_at;phone;transfers;topic;resolved";

  @TempDir Path dir;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void aOneDayRunReadsOnlyTheFilesNearItsDateAndChangesNothing() throws Exception {
    Path calls = Files.createDirectories(dir.resolve("calls"));
    for (int d = 1; d <= 5; d++) {
      String day = "2026-10-0" + d;
      StringBuilder rows =
          new StringBuilder(HEADER)
              .append('\n')
              .append("a")
              .append(d)
              .append(';')
              .append(day)
              .append(" 10:00:00;ph")
              .append(d)
              .append(";0;billing;Y\n")
              .append("b")
              .append(d)
              .append(';')
              .append(day)
              .append(" 14:00:00;ph")
              .append(d)
              .append(";1;delivery;N\n");
      if (d == 4) {
        rows.append("late3;2026-10-03 22:00:00;ph9;0;billing;N\n"); // one day late: in margin
      }
      if (d == 5) {
        rows.append("far2;2026-10-02 09:00:00;ph8;0;billing;N\n"); // three days: beyond it
      }
      Files.writeString(calls.resolve("calls-" + day + ".csv"), rows.toString());
    }
    Files.writeString(
        calls.resolve("calls-extra.csv"),
        HEADER + "\n" + "x3;2026-10-03 12:00:00;ph7;0;billing;Y\n");
    Path lakeDir = dir.resolve("lake");
    Path conf = dir.resolve("incremental.conf");
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
            + "}\n"
            + "polku.sources.calls.max-quarantine-share = 0.5\n"
            + "polku.sources.calls.file-date-pattern = \"calls-(\\\\d{4}-\\\\d{2}-\\\\d{2})\"\n");

    // Full range: all 6 files, 13 rows; the row 3 days from its file's date is quarantined.
    long[] full = ingest(conf, "--from", "2026-10-01", "--to", "2026-10-05");
    assertArrayEquals(new long[] {13, 12, 0, 1, 6, 6}, full);
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Map<String, String> before = runs(lake);
    assertEquals(12, before.size());
    Row hashBefore = Lake.contentHash(lake.read(Tables.EVENTS));
    List<Row> quarantined = lake.read(Tables.QUARANTINE).collectAsList();
    assertEquals(1, quarantined.size());
    assertEquals("FILE_DATE_OUTSIDE_MARGIN", quarantined.get(0).getAs("reason_code"));
    String reason = quarantined.get(0).getAs("reason");
    assertTrue(
        reason.contains("event_date 2026-10-02")
            && reason.contains("2026-10-05")
            && reason.contains("polku.sources.calls.file-date-margin-days = 1"),
        reason);

    // One day: the files of 10-02, 10-03, 10-04 and the undated one; 2 + 2 + 3 + 1 rows,
    // of which 10-03's own two, the late one and the undated one's are in range.
    long[] day = ingest(conf, "--date", "2026-10-03");
    assertArrayEquals(new long[] {8, 4, 4, 0, 4, 6}, day);
    assertEquals(before, runs(lake), "every row keeps its first ingest run");
    assertEquals(hashBefore, Lake.contentHash(lake.read(Tables.EVENTS)));
    assertEquals(1, lake.read(Tables.QUARANTINE).count());
    assertEquals(
        4,
        lake.read(Tables.EVENTS)
            .filter(col("event_date").equalTo(java.sql.Date.valueOf("2026-10-03")))
            .count());
  }

  @Test
  void fileDatesAreReadFromTheFirstGroupInBothSpellings() {
    var source =
        TestSources.source(
            dir.resolve("lake"),
            TestSources.callsSource(dir + "/calls-*.csv")
                + "calls.file-date-pattern = \"calls[-_](\\\\d{8}|\\\\d{4}-\\\\d{2}-\\\\d{2})\"\n",
            "calls");
    assertEquals(
        LocalDate.of(2026, 10, 30),
        io.polku.ingest.SourceFiles.dateOf(source, "s3a://b/raw/calls_20261030.csv"));
    assertEquals(
        LocalDate.of(2026, 10, 30),
        io.polku.ingest.SourceFiles.dateOf(source, "file:/r/calls-2026-10-30.csv"));
    assertNull(io.polku.ingest.SourceFiles.dateOf(source, "file:/r/calls-latest.csv"));
    assertNull(
        io.polku.ingest.SourceFiles.dateOf(source, "file:/r/calls_20261399.csv"),
        "not a date: read like an undated file");
  }

  @Test
  void aBadPatternOrAPatternOnADeltaSourceIsAConfigurationError() {
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () ->
                TestSources.config(
                    dir.resolve("lake"),
                    TestSources.callsSource(dir + "/calls-*.csv")
                        + "calls.file-date-pattern = \"calls-(\\\\d{4}\"\n",
                    ""));
    assertTrue(
        bad.getMessage().contains("polku.sources.calls.file-date-pattern = \"calls-("),
        bad.getMessage());
    assertTrue(bad.getMessage().contains("is not a regular expression"), bad.getMessage());
    ConfigException margin =
        assertThrows(
            ConfigException.class,
            () ->
                TestSources.config(
                    dir.resolve("lake"),
                    TestSources.callsSource(dir + "/calls-*.csv")
                        + "calls.file-date-margin-days = -2\n",
                    ""));
    assertTrue(
        margin
            .getMessage()
            .contains(
                "polku.sources.calls.file-date-margin-days = -2 is not a whole number of days"),
        margin.getMessage());
  }

  private static void assertArrayEquals(long[] expected, long[] actual) {
    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual));
  }

  /** event_id to ingest_run_id, sorted. */
  private static Map<String, String> runs(Lake lake) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.read(Tables.EVENTS).collectAsList()) {
      out.put(r.getAs("event_id"), r.getAs("ingest_run_id"));
    }
    return out;
  }

  private static final Pattern LINE =
      Pattern.compile(
          "calls\\s+read\\s+([\\d,]+)\\s+valid\\s+"
              + "([\\d,]+)\\s+out of range\\s+([\\d,]+)\\s+quarantined\\s+([\\d,]+).*files (\\d+) of"
              + " (\\d+)");

  /** Runs ingest; returns read, valid, out of range, quarantined, files read, files listed. */
  private static long[] ingest(Path conf, String... dates) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      String[] args = new String[dates.length + 3];
      args[0] = "ingest";
      System.arraycopy(dates, 0, args, 1, dates.length);
      args[dates.length + 1] = "--conf";
      args[dates.length + 2] = conf.toString();
      code = Polku.execute(args);
    } finally {
      System.setOut(original);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    Matcher m = LINE.matcher(text);
    assertTrue(m.find(), text);
    long[] v = new long[6];
    for (int i = 0; i < 6; i++) {
      v[i] = Long.parseLong(m.group(i + 1).replace(",", ""));
    }
    return v;
  }
}
