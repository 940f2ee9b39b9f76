package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nightly --batch-days and --resume with a recording stage over a real run_audit: a failing batch
 * stops the backfill and prints the resume command; the resume skips the dates that succeeded and
 * re-runs the failed batch; another configuration runs everything again.
 */
class BackfillCommandTest {
  private final SparkSession spark = SparkTest.spark();

  @TempDir Path tmp;

  /** Records each run's range; fails for a range containing {@code failOn}. */
  private static final class Recording implements Stage {
    final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    LocalDate failOn;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public StageResult run(RunContext ctx) {
      ranges.add(ctx.dateFrom() + ".." + ctx.dateTo());
      if (failOn != null && !failOn.isBefore(ctx.dateFrom()) && !failOn.isAfter(ctx.dateTo())) {
        throw new IllegalStateException("source unreachable for " + failOn);
      }
      return new StageResult(name(), List.of(), List.of(), Duration.ZERO);
    }
  }

  private Environment env(Path lake, String... overrides) throws Exception {
    Path file = tmp.resolve("backfill.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "polku.lake.root = \"" + lake.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\""));
    Environment env = new Environment();
    env.conf = file.toString();
    env.overrides = List.of(overrides);
    return env;
  }

  private static DateRange range(String from, String to) {
    DateRange d = new DateRange();
    d.from = LocalDate.parse(from);
    d.to = LocalDate.parse(to);
    return d;
  }

  @Test
  void aFailedBatchStopsTheBackfillAndResumeRunsOnlyWhatIsLeft() throws Exception {
    // Created first: Path.toUri() of an existing folder ends with '/', which would change the
    // configuration (polku.lake.root) and so its hash between the runs.
    Path lakeDir = Files.createDirectories(tmp.resolve("lake"));
    Recording stage = new Recording();
    NightlyPipeline pipeline = new NightlyPipeline(List.of(stage));
    stage.failOn = LocalDate.parse("2026-09-04");

    String[] err = new String[1];
    String out =
        capture(
            () -> {
              IllegalStateException e =
                  assertThrows(
                      IllegalStateException.class,
                      () ->
                          NightlyCommand.run(
                              env(lakeDir),
                              range("2026-09-01", "2026-09-06"),
                              pipeline,
                              "nightly",
                              false,
                              false,
                              2));
              assertEquals("source unreachable for 2026-09-04", e.getMessage());
            },
            err);
    assertEquals(List.of("2026-09-01..2026-09-02", "2026-09-03..2026-09-04"), stage.ranges);
    assertTrue(out.contains("Batch 1/3: 2026-09-01 .. 2026-09-02 (run "), out);
    assertTrue(out.contains("Batch 1/3 succeeded in"), out);
    assertTrue(out.contains("Batch 2/3: 2026-09-03 .. 2026-09-04 (run "), out);
    assertTrue(err[0].contains("Backfill stopped at batch 2/3 (2026-09-03 .. 2026-09-04"), err[0]);
    assertTrue(
        err[0].contains(
            "  bin/polku nightly --from 2026-09-03 --to 2026-09-06 --resume" + " --batch-days 2"),
        err[0]);

    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    assertEquals(
        2,
        lake.read(Tables.RUN_AUDIT).filter("stage = 'run'").select("run_id").distinct().count(),
        "each batch is a run of its own");
    assertEquals(
        1,
        lake.read(Tables.RUN_AUDIT)
            .filter(col("stage").equalTo("run").and(col("status").equalTo("failed")))
            .count());

    // The resume, as printed but over the whole range: 1-2 skipped, 3-4 again, then 5-6.
    stage.ranges.clear();
    stage.failOn = null;
    out =
        capture(
            () ->
                assertEquals(
                    ExitCodes.OK,
                    NightlyCommand.run(
                        env(lakeDir),
                        range("2026-09-01", "2026-09-06"),
                        pipeline,
                        "nightly",
                        false,
                        true,
                        2)),
            err);
    assertEquals(List.of("2026-09-03..2026-09-04", "2026-09-05..2026-09-06"), stage.ranges);
    assertTrue(out.contains("Skipping 2026-09-01 .. 2026-09-02: its latest run "), out);
    assertTrue(out.contains("Running 2026-09-03 again: its latest run "), out);
    assertTrue(out.contains("ended failed"), out);
    assertTrue(out.contains("Backfill of 2026-09-01 .. 2026-09-06 succeeded: 2 runs"), out);

    // Everything done: nothing to run.
    stage.ranges.clear();
    out =
        capture(
            () ->
                assertEquals(
                    ExitCodes.OK,
                    NightlyCommand.run(
                        env(lakeDir),
                        range("2026-09-01", "2026-09-06"),
                        pipeline,
                        "nightly",
                        false,
                        true,
                        null)),
            err);
    assertEquals(List.of(), stage.ranges);
    assertTrue(
        out.contains("Nothing to run: every date of 2026-09-01 .. 2026-09-06 is" + " covered"),
        out);

    // Another configuration (config_hash): every date runs again, here in one run.
    out =
        capture(
            () ->
                assertEquals(
                    ExitCodes.OK,
                    NightlyCommand.run(
                        env(lakeDir, "polku.lock.heartbeat=31s"),
                        range("2026-09-01", "2026-09-06"),
                        pipeline,
                        "nightly",
                        false,
                        true,
                        null)),
            err);
    assertEquals(List.of("2026-09-01..2026-09-06"), stage.ranges);
    assertTrue(out.contains("had another configuration"), out);

    // --json describes one run: refused with --resume/--batch-days.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NightlyCommand.run(
                    env(lakeDir),
                    range("2026-09-01", "2026-09-06"),
                    pipeline,
                    "nightly",
                    true,
                    true,
                    null));
    assertTrue(e.getMessage().startsWith("--json describes one run"), e.getMessage());
  }

  private interface Body {
    void run() throws Exception;
  }

  private static String capture(Body body, String[] err) throws Exception {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(errBuf, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(o);
      System.setErr(e);
      err[0] = errBuf.toString(StandardCharsets.UTF_8);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
