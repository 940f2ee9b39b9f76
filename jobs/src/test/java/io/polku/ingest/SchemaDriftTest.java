package io.polku.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.cli.ExitCodes;
import io.polku.cli.Polku;
import io.polku.config.SourceConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.SourceSchemaException;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema drift: a source that gains a column runs unchanged; one that loses a declared column or
 * (typed formats) changes a column's type fails before anything is written, naming the source, the
 * column, the expected and found types and the keys to fix.
 */
class SchemaDriftTest {
  private final SparkSession spark = SparkTest.spark();

  @TempDir Path dir;

  /** A parquet order source declaring order_id, ordered_at, amount INT, customer. */
  private static String parquetSource(String path) {
    return "orders {\n kind = events, format = parquet, paths = [\""
        + path
        + "\"]\n"
        + " schema = \"order_id STRING, ordered_at TIMESTAMP, amount INT, customer STRING\"\n"
        + " columns { event_id = \"order_id\", event_ts = \"ordered_at\","
        + " channel = \"'shop'\", event_type = \"'purchase'\", customer_id = \"customer\","
        + " properties = \"map('amount', cast(amount AS STRING))\" }\n}\n";
  }

  private void writeParquet(Path path, String ddl, List<Row> rows) {
    spark
        .createDataFrame(rows, StructType.fromDDL(ddl))
        .coalesce(1)
        .write()
        .parquet(path.toString());
  }

  private static java.sql.Timestamp ts(String s) {
    return java.sql.Timestamp.valueOf(s);
  }

  @Test
  void aParquetSourceThatGainedAColumnOrWidenedATypeReadsUnchanged() {
    Path p = dir.resolve("gained");
    // The export gained a column, in first position.
    writeParquet(
        p,
        "coupon STRING, order_id STRING, ordered_at TIMESTAMP, amount INT," + " customer STRING",
        List.of(
            RowFactory.create("X1", "o1", ts("2026-10-01 10:00:00"), 25, "C1"),
            RowFactory.create(null, "o2", ts("2026-10-01 11:00:00"), 40, "C2")));
    SourceConfig source = TestSources.source(dir, parquetSource(p.toString()), "orders");
    assertEquals(List.of(), SourceReader.driftProblems(spark, source));
    List<Row> rows =
        SourceReader.read(spark, source)
            .orderBy("order_id")
            .select("order_id", "amount", "customer")
            .collectAsList();
    assertEquals(
        List.of(RowFactory.create("o1", 25, "C1"), RowFactory.create("o2", 40, "C2")), rows);

    // Declared BIGINT, found INT: a safe up-cast, read as BIGINT.
    String widened = parquetSource(p.toString()).replace("amount INT", "amount BIGINT");
    SourceConfig wide = TestSources.source(dir, widened, "orders");
    assertEquals(List.of(), SourceReader.driftProblems(spark, wide));
    assertEquals(
        List.of(25L, 40L),
        SourceReader.read(spark, wide)
            .orderBy("order_id")
            .select("amount")
            .as(org.apache.spark.sql.Encoders.LONG())
            .collectAsList());
  }

  @Test
  void aParquetSourceThatLostAColumnOrChangedATypeFailsNamingColumnTypesAndKeys() {
    Path lost = dir.resolve("lost");
    writeParquet(
        lost,
        "order_id STRING, ordered_at TIMESTAMP, customer STRING",
        List.of(RowFactory.create("o1", ts("2026-10-01 10:00:00"), "C1")));
    SourceConfig lostSource = TestSources.source(dir, parquetSource(lost.toString()), "orders");
    SourceSchemaException e =
        assertThrows(SourceSchemaException.class, () -> SourceReader.read(spark, lostSource));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertEquals(
        "source orders: column 'amount' (declared INT in polku.sources.orders.schema)"
            + " is missing from parquet files ["
            + lostSource.paths().get(0)
            + "]; found columns"
            + " [order_id, ordered_at, customer]. Fix: restore the column in the source, or remove"
            + " it from polku.sources.orders.schema and from the mappings that use it:"
            + " polku.sources.orders.columns.properties",
        e.problems().get(0));

    Path changed = dir.resolve("changed");
    writeParquet(
        changed,
        "order_id STRING, ordered_at STRING, amount DECIMAL(12,2)," + " customer STRING",
        List.of(
            RowFactory.create(
                "o1", "2026-10-01 10:00:00", new java.math.BigDecimal("25.50"), "C1")));
    SourceConfig changedSource =
        TestSources.source(dir, parquetSource(changed.toString()), "orders");
    List<String> problems = SourceReader.driftProblems(spark, changedSource);
    assertEquals(2, problems.size(), problems.toString());
    assertEquals(
        "source orders: column 'ordered_at' has type STRING in parquet files ["
            + changedSource.paths().get(0)
            + "], expected TIMESTAMP as declared in"
            + " polku.sources.orders.schema (Spark cannot up-cast STRING to TIMESTAMP without"
            + " loss). Fix: declare 'ordered_at' as STRING in polku.sources.orders.schema and adapt"
            + " the mappings that use it: polku.sources.orders.columns.event_ts, or restore the"
            + " source's type",
        problems.get(0));
    assertTrue(
        problems
            .get(1)
            .startsWith(
                "source orders: column 'amount' has type" + " DECIMAL(12,2) in parquet files"),
        problems.get(1));
    assertTrue(
        problems.get(1).contains("expected INT as declared in" + " polku.sources.orders.schema"),
        problems.get(1));
  }

  /** A ';' CSV call log declaring call_id, started_at, transfers INT, topic. */
  private static String csvSource(String path) {
    return "calls {\n kind = events, format = csv, paths = [\""
        + path
        + "\"]\n"
        + " options { header = true, sep = \";\" }\n"
        + " schema = \"call_id STRING, started_at STRING, transfers INT, topic STRING\"\n"
        + " columns { event_id = \"call_id\", event_ts = \"to_timestamp(started_at)\","
        + " channel = \"'phone'\", event_type = \"'call'\", touchpoint = \"topic\","
        + " phone_hash = \"'h'\" }\n}\n";
  }

  @Test
  void aCsvSourceThatGainedAColumnIsReadByItsHeaderOldAndNewFilesTogether() throws Exception {
    Path folder = dir.resolve("calls");
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("calls-1.csv"),
        String.join(
            "\n", "call_id;started_at;transfers;topic", "c1;2026-10-01 08:00:00;2;billing", ""));
    // The export gained 'agent' in the middle and capitalised a name: read by name (any
    // case, as Spark resolves names), not by position.
    Files.writeString(
        folder.resolve("calls-2.csv"),
        String.join(
            "\n",
            "call_id;started_at;agent;Transfers;topic",
            "c2;2026-10-02 09:00:00;A7;0;delivery",
            ""));
    SourceConfig source = TestSources.source(dir, csvSource(folder + "/calls-*.csv"), "calls");
    assertEquals(List.of(), SourceReader.driftProblems(spark, source));
    List<Row> rows =
        SourceReader.read(spark, source)
            .orderBy("call_id")
            .select(
                "call_id",
                "started_at",
                "transfers",
                "topic",
                SourceReader.CORRUPT,
                SourceReader.BAD_TYPE)
            .collectAsList();
    assertEquals(
        List.of(
            RowFactory.create("c1", "2026-10-01 08:00:00", 2, "billing", null, null),
            RowFactory.create("c2", "2026-10-02 09:00:00", 0, "delivery", null, null)),
        rows);
  }

  @Test
  void aCsvSourceThatLostAMappedColumnExitsTwoBeforeAnythingIsWritten() throws Exception {
    Path file = dir.resolve("calls.csv");
    Files.writeString(
        file, String.join("\n", "call_id;started_at;transfers", "c1;2026-10-01 08:00:00;2", ""));
    Path lakeDir = dir.resolve("lake");
    Path conf = dir.resolve("drift.conf");
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
            + csvSource(file.toString())
            + "}\n");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Polku.execute("ingest", "--date", "2026-10-01", "--conf", conf.toString());
    } finally {
      System.setErr(original);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.USAGE, code, message);
    assertTrue(message.contains("Source schema drift; nothing was written:"), message);
    assertTrue(
        message.contains(
            "source calls: column 'topic' (declared STRING in"
                + " polku.sources.calls.schema) is missing from the header of file:"
                + file
                + "; found columns [call_id, started_at, transfers]. Fix: restore the column in the"
                + " source, or remove it from polku.sources.calls.schema and from the mappings that"
                + " use it: polku.sources.calls.columns.touchpoint"),
        message);
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    for (var t :
        List.of(
            Tables.EVENTS,
            Tables.FEEDBACK,
            Tables.QUARANTINE,
            Tables.CUSTOMERS,
            Tables.IDENTITY_LINKS)) {
      assertTrue(!lake.exists(t), t.name() + " was not even created");
    }
    Row run = lake.read(Tables.RUN_AUDIT).filter("stage = 'run'").first();
    assertEquals("failed", run.getAs("status"));
    assertTrue(
        run.<String>getAs("message").contains("column 'topic'"), run.<String>getAs("message"));
  }

  @Test
  void aZeroByteCsvBesideAValidFileIsAWarningAndTheValidFileIsIngested() throws Exception {
    Path folder = dir.resolve("calls");
    Files.createDirectories(folder);
    Path empty = folder.resolve("calls-0.csv");
    Files.write(empty, new byte[0]);
    Files.writeString(
        folder.resolve("calls-1.csv"),
        String.join(
            "\n", "call_id;started_at;transfers;topic", "c1;2026-10-01 08:00:00;2;billing", ""));
    Path lakeDir = dir.resolve("lake");
    Path conf = dir.resolve("empty.conf");
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
            + csvSource(folder + "/calls-*.csv")
            + "}\n");
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    int code;
    try {
      code = Polku.execute("ingest", "--date", "2026-10-01", "--conf", conf.toString());
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    String output = out.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.OK, code, output);
    assertTrue(
        output.contains(
            "source calls: file file:"
                + empty
                + " is empty (0 bytes) and was"
                + " read as no rows"),
        output);
    assertTrue(!output.contains("schema drift"), output);
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    List<Row> events = lake.read(Tables.EVENTS).select("event_id", "touchpoint").collectAsList();
    assertEquals(List.of(RowFactory.create("c1", "billing")), events);
    assertEquals(0, lake.read(Tables.QUARANTINE).count());
  }
}
