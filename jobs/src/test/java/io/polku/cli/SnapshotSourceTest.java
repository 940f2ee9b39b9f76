package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot identity-links source (no time column): a range run and a following one-day run both
 * ingest every link (none is out of range), a pair keeps the observed_ts of the first run that read
 * it, and re-running a date leaves the table identical.
 */
class SnapshotSourceTest {
  private static final String HEADER = "link_type,from_id,customer_number\n";

  @TempDir Path dir;

  private final SparkSession spark = SparkTest.spark();

  static String linksSource(String path, String extra) {
    return "links {\n"
        + "  kind = identity_links, format = csv, paths = [\""
        + path
        + "\"]\n"
        + "  snapshot = true\n"
        + "  options { header = true }\n"
        + "  schema = \"link_type STRING, from_id STRING, customer_number STRING\"\n"
        + "  max-quarantine-share = 0.5\n"
        + "  columns {\n"
        + "    id_type_a = \"CASE link_type WHEN 'login_cookie' THEN 'anonymous_id' WHEN"
        + " 'device' THEN 'device_id' WHEN 'phone' THEN 'phone_hash' WHEN 'email' THEN"
        + " 'email_hash' END\"\n"
        + "    id_a = \"from_id\"\n"
        + "    id_type_b = \"'customer_id'\"\n"
        + "    id_b = \"customer_number\"\n"
        + extra
        + "  }\n"
        + "}\n";
  }

  @Test
  void aSnapshotIsIngestedWholeByARangeRunAndByTheNextOneDayRun() throws Exception {
    Path links = dir.resolve("links.csv");
    // 3 distinct pairs; one row without an id (MISSING_ID); one repeated pair (DUPLICATE_ID).
    String first =
        HEADER
            + "login_cookie,c1,C001\n"
            + "device,d1,C001\n"
            + "phone,p2,C002\n"
            + "device,,C003\n"
            + "device,d1,C001\n";
    Files.writeString(links, first);
    Path lakeDir = dir.resolve("lake");
    Path conf = dir.resolve("snapshot.conf");
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
            + linksSource(links.toString(), "")
            + "}\n");

    // Range run: read 5 = valid 3 + out of range 0 + quarantined 2.
    assertEquals("[5, 3, 0, 2]", ingest(conf, "--from", "2026-10-01", "--to", "2026-10-05"));
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Map<String, String> observed = observed(lake);
    assertEquals(
        Map.of(
            "anonymous_id:c1>customer_id:C001", "2026-10-01 00:00:00.0/2026-10-01",
            "device_id:d1>customer_id:C001", "2026-10-01 00:00:00.0/2026-10-01",
            "phone_hash:p2>customer_id:C002", "2026-10-01 00:00:00.0/2026-10-01"),
        observed);
    assertEquals(2, lake.read(Tables.QUARANTINE).count());
    Map<String, String> runsAfterRange = runs(lake);

    // The next night (the failure: "valid 0, out of range 3,000"): the snapshot has
    // gained one pair; all 4 valid, the old 3 keep their first observation and run.
    Files.writeString(links, first + "email,e3,C003\n");
    assertEquals("[6, 4, 0, 2]", ingest(conf, "--date", "2026-10-06"));
    Map<String, String> expected = new TreeMap<>(observed);
    expected.put("email_hash:e3>customer_id:C003", "2026-10-06 00:00:00.0/2026-10-06");
    assertEquals(expected, observed(lake));
    Map<String, String> runs = runs(lake);
    for (Map.Entry<String, String> e : runsAfterRange.entrySet()) {
      assertEquals(e.getValue(), runs.get(e.getKey()), "first run kept for " + e.getKey());
    }
    Row hash = Lake.contentHash(lake.read(Tables.IDENTITY_LINKS));
    long quarantine = lake.read(Tables.QUARANTINE).count();

    // Re-running the date (and the range) leaves the table identical.
    assertEquals("[6, 4, 0, 2]", ingest(conf, "--date", "2026-10-06"));
    assertEquals(hash, Lake.contentHash(lake.read(Tables.IDENTITY_LINKS)));
    assertEquals("[6, 4, 0, 2]", ingest(conf, "--from", "2026-10-01", "--to", "2026-10-05"));
    assertEquals(hash, Lake.contentHash(lake.read(Tables.IDENTITY_LINKS)));
    assertEquals(runs, runs(lake));
    assertEquals(quarantine, lake.read(Tables.QUARANTINE).count());
  }

  @Test
  void aTimeColumnOnASnapshotOrASnapshotOfEventsIsAConfigurationError() {
    ConfigException timed =
        assertThrows(
            ConfigException.class,
            () ->
                TestSources.config(
                    dir.resolve("lake"),
                    linksSource(dir + "/links.csv", "    observed_ts = \"current_timestamp()\"\n"),
                    ""));
    assertTrue(
        timed
            .getMessage()
            .contains(
                "polku.sources.links.columns.observed_ts ="
                    + " \"current_timestamp()\" is mapped on a snapshot source; expected no time column"),
        timed.getMessage());
    assertTrue(
        timed.getMessage().contains("remove the mapping, or remove snapshot = true"),
        timed.getMessage());
    ConfigException events =
        assertThrows(
            ConfigException.class,
            () ->
                TestSources.config(
                    dir.resolve("lake"),
                    TestSources.callsSource(dir + "/calls-*.csv") + "calls.snapshot = true\n",
                    ""));
    assertTrue(
        events
            .getMessage()
            .contains(
                "polku.sources.calls.snapshot = true on a source"
                    + " of kind events; expected snapshot only on identity_links or customers sources"),
        events.getMessage());
    assertTrue(
        events.getMessage().contains("remove snapshot = true from polku.sources.calls"),
        events.getMessage());
  }

  /** "type:id>type:id" to "observed_ts/observed_date" of every link. */
  private static Map<String, String> observed(Lake lake) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.read(Tables.IDENTITY_LINKS).collectAsList()) {
      out.put(
          r.getAs("id_type_a")
              + ":"
              + r.getAs("id_a")
              + ">"
              + r.getAs("id_type_b")
              + ":"
              + r.getAs("id_b"),
          r.getAs("observed_ts") + "/" + r.getAs("observed_date"));
    }
    return out;
  }

  private static Map<String, String> runs(Lake lake) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.read(Tables.IDENTITY_LINKS).collectAsList()) {
      out.put(r.getAs("link_id"), r.getAs("ingest_run_id"));
    }
    return out;
  }

  private static final Pattern LINE =
      Pattern.compile(
          "links\\s+read\\s+([\\d,]+)\\s+valid\\s+"
              + "([\\d,]+)\\s+out of range\\s+([\\d,]+)\\s+quarantined\\s+([\\d,]+)");

  /** Runs ingest; returns [read, valid, out of range, quarantined]. */
  private static String ingest(Path conf, String... dates) {
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
    long[] v = new long[4];
    for (int i = 0; i < 4; i++) {
      v[i] = Long.parseLong(m.group(i + 1).replace(",", ""));
    }
    return java.util.Arrays.toString(v);
  }
}
