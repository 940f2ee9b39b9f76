package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.LakeLock;
import io.polku.pipeline.DataQualityException;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.Stage;
import io.polku.pipeline.StageResult;
import io.polku.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nightly --json}: one JSON document on stdout for orchestrators, also on failure. */
class RunSummaryTest {
  private final SparkSession spark = SparkTest.spark();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path tmp;

  private Environment env(Path lake) throws Exception {
    Path file = tmp.resolve(lake.getFileName() + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "polku.lake.root = \"" + lake.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\"",
            "polku.spark.master = \"local[2]\"",
            // The summary of the stages; the run report step has its own tests.
            "polku.report.enabled = false",
            "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
                + " \"spark.databricks.delta.snapshotPartitions\" = \"2\" }"));
    Environment env = new Environment();
    env.conf = file.toString();
    return env;
  }

  private static DateRange range(String from, String to) {
    DateRange d = new DateRange();
    d.from = java.time.LocalDate.parse(from);
    d.to = java.time.LocalDate.parse(to);
    return d;
  }

  /** A stage reporting fixed counts over two objects, one of them not counted. */
  private record FixedStage(String name, long in, long out, long quarantined) implements Stage {
    @Override
    public StageResult run(RunContext ctx) {
      return new StageResult(
          name,
          List.of(
              new StageResult.ObjectCounts("a", in, out, quarantined, null, true),
              new StageResult.ObjectCounts("table_x", 0, 999, 0, null, false)),
          List.of("w-" + name),
          Duration.ZERO);
    }
  }

  private record FailingStage(String name) implements Stage {
    @Override
    public StageResult run(RunContext ctx) {
      throw new DataQualityException(List.of("source s: 50% quarantined"));
    }
  }

  @Test
  void aSucceededRunPrintsOneDocumentWithItsStagesAndTheAuditRunId() throws Exception {
    Path lakeDir = tmp.resolve("ok-lake");
    NightlyPipeline pipeline =
        new NightlyPipeline(
            List.of(new FixedStage("first", 10, 7, 3), new FixedStage("second", 7, 5, 0)));
    Out out =
        capture(
            () ->
                NightlyCommand.run(
                    env(lakeDir), range("2026-09-01", "2026-09-03"), pipeline, "nightly", true));
    assertEquals(0, out.code);
    JsonNode doc = json.readTree(out.out);
    assertEquals(out.out.strip(), doc.toString(), "stdout is exactly one JSON document");
    assertEquals("succeeded", doc.get("status").asText());
    assertEquals(0, doc.get("exit_code").asInt());
    assertEquals("nightly", doc.get("command").asText());
    assertEquals("2026-09-01", doc.get("date_from").asText());
    assertEquals("2026-09-03", doc.get("date_to").asText());
    assertEquals(
        new org.apache.hadoop.fs.Path(lakeDir.toUri().toString()).toString(),
        doc.get("lake").asText());
    JsonNode stages = doc.get("stages");
    assertEquals(2, stages.size());
    assertEquals("first", stages.get(0).get("stage").asText());
    assertEquals("succeeded", stages.get(0).get("status").asText());
    assertEquals(10, stages.get(0).get("rows_in").asLong());
    assertEquals(7, stages.get(0).get("rows_out").asLong(), "only counted objects add up");
    assertEquals(3, stages.get(0).get("rows_quarantined").asLong());
    assertEquals("w-first", stages.get(0).get("warnings").get(0).asText());
    assertEquals(5, stages.get(1).get("rows_out").asLong());
    assertTrue(stages.get(1).get("seconds").asDouble() >= 0);
    assertTrue(doc.get("seconds").asDouble() >= stages.get(0).get("seconds").asDouble());
    assertTrue(doc.get("log").asText().contains("polku-nightly-"), doc.toString());
    assertTrue(doc.get("took_over_lock_of").isNull());
    // The run id is the one in run_audit; progress went to stderr.
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Row run = lake.read(Tables.RUN_AUDIT).filter(col("stage").equalTo("run")).first();
    assertEquals(run.getAs("run_id"), doc.get("run_id").asText());
    // Stage rows are appended and the run row's status replaced: one row per key, the run's
    // 'running' row gone (run + 2 stages, each with its '*' row and its objects' rows).
    List<Row> audit = lake.read(Tables.RUN_AUDIT).collectAsList();
    assertEquals(
        audit.size(),
        lake.read(Tables.RUN_AUDIT).select("run_id", "stage", "object").distinct().count(),
        audit.toString());
    assertEquals(
        List.of("succeeded"),
        audit.stream()
            .filter(r -> "run".equals(r.getAs("stage")))
            .map(r -> (String) r.getAs("status"))
            .toList());
    assertTrue(
        audit.stream().allMatch(r -> "succeeded".equals(r.getAs("status"))), audit.toString());
    assertTrue(out.err.contains("first done: rows in 10, out 7, quarantined 3"), out.err);
  }

  @Test
  void aFailedRunStillPrintsItsSummaryWithTheFailedStage() throws Exception {
    Path lakeDir = tmp.resolve("dq-lake");
    NightlyPipeline pipeline =
        new NightlyPipeline(
            List.of(
                new FixedStage("first", 4, 4, 0),
                new FailingStage("second"),
                new FixedStage("third", 1, 1, 0)));
    Environment env = env(lakeDir);
    Out out =
        capture(
            () -> {
              DataQualityException e =
                  assertThrows(
                      DataQualityException.class,
                      () ->
                          NightlyCommand.run(
                              env, range("2026-09-05", "2026-09-05"), pipeline, "nightly", true));
              return Polku.exitCode(e);
            });
    assertEquals(ExitCodes.DATA_QUALITY, out.code);
    JsonNode doc = json.readTree(out.out);
    assertEquals("dq_failed", doc.get("status").asText());
    assertEquals(3, doc.get("exit_code").asInt());
    assertEquals(2, doc.get("stages").size(), "the third stage never ran");
    JsonNode failed = doc.get("stages").get(1);
    assertEquals("second", failed.get("stage").asText());
    assertEquals("dq_failed", failed.get("status").asText());
    assertTrue(failed.get("rows_in").isNull());
    assertTrue(failed.get("error").asText().contains("source s: 50% quarantined"));
    assertTrue(doc.get("error").asText().contains("source s: 50% quarantined"));
  }

  @Test
  void aLockedRunPrintsTheHolderAndExitsFour() throws Exception {
    Path lakeDir = tmp.resolve("locked-lake");
    LakeLock.Owner holder =
        new LakeLock.Owner(
            "20261126T030000Z-holder",
            "nightly",
            java.net.InetAddress.getLocalHost().getHostName(),
            ProcessHandle.current().pid(),
            Instant.now(),
            Instant.now());
    LakeLock.writeForTest(new Configuration(), lakeDir.toUri().toString(), holder);
    Out out =
        capture(
            () ->
                Polku.execute(
                    "nightly", "--json", "--date", "2026-09-05", "--conf", env(lakeDir).conf));
    assertEquals(ExitCodes.LOCKED, out.code, out.err);
    JsonNode doc = json.readTree(out.out);
    assertEquals("locked", doc.get("status").asText());
    assertEquals(4, doc.get("exit_code").asInt());
    assertEquals(holder.runId(), doc.get("locked_by").get("run_id").asText());
    assertEquals(holder.started().toString(), doc.get("locked_by").get("started").asText());
    assertEquals(0, doc.get("stages").size());
    assertTrue(doc.get("log").isNull());
    assertTrue(out.err.contains("is locked by run 20261126T030000Z-holder"), out.err);
  }

  private record Out(int code, String out, String err) {}

  private interface Call {
    int call() throws Exception;
  }

  private static Out capture(Call call) throws Exception {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = call.call();
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    return new Out(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
