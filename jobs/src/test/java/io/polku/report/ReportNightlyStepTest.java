package io.polku.report;

import static io.polku.report.ReportFixture.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.RunContext;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as the nightly's last step (a pipeline without stages, so only the run's audit rows
 * and the report are written): it leaves reports/D.html and latest.html and an audit row; a report
 * that cannot be written is a warning and an audit row, and the run succeeds.
 */
class ReportNightlyStepTest {
  @TempDir Path tmp;

  private List<Row> audit(Lake lake, String runId) {
    return lake.read(Tables.RUN_AUDIT)
        .filter("run_id = '" + runId + "' AND object = '*'")
        .orderBy("stage")
        .select("stage", "status", "message")
        .collectAsList();
  }

  @Test
  void theNightlyWritesTheReportAndRecordsIt() throws Exception {
    Path root = tmp.resolve("lake");
    Lake lake = new Lake(SparkTest.spark(), root.toUri().toString(), "default");
    new NightlyPipeline(List.of())
        .run(
            new RunContext(
                SparkTest.spark(),
                SparkTest.config(root),
                lake,
                "run-ok",
                D,
                D,
                Instant.now(),
                m -> {}));
    assertTrue(
        Files.readString(root.resolve("reports/" + D + ".html"))
            .contains("Run run-ok has no finished stage in run_audit."));
    assertEquals(
        Files.readString(root.resolve("reports/" + D + ".html")),
        Files.readString(root.resolve("reports/latest.html")));
    List<Row> rows = audit(lake, "run-ok");
    assertEquals("[[report,succeeded,null], [run,succeeded,null]]", rows.toString());
  }

  @Test
  void aReportThatFailsIsAWarningAndTheRunSucceeds() throws Exception {
    Path root = tmp.resolve("lake");
    Files.createDirectories(root);
    Files.writeString(root.resolve("reports"), "a file where the report folder should be");
    Lake lake = new Lake(SparkTest.spark(), root.toUri().toString(), "default");
    List<String> progress = new ArrayList<>();
    new NightlyPipeline(List.of())
        .run(
            new RunContext(
                SparkTest.spark(),
                SparkTest.config(root),
                lake,
                "run-bad",
                D,
                D,
                Instant.now(),
                progress::add));
    List<Row> rows = audit(lake, "run-bad");
    assertEquals(
        List.of("report failed", "run succeeded"),
        rows.stream().map(r -> r.getString(0) + " " + r.getString(1)).toList());
    String expectedEnd =
        "the run's tables are committed; write the report again with"
            + " `bin/polku report --date "
            + D
            + "`";
    assertTrue(
        rows.get(0).getString(2).startsWith("the run report failed ("), rows.get(0).getString(2));
    assertTrue(rows.get(0).getString(2).endsWith(expectedEnd), rows.get(0).getString(2));
    assertEquals(
        rows.get(0).getString(2), rows.get(1).getString(2), "the run's row carries the warning");
    assertTrue(
        progress.stream().anyMatch(p -> p.startsWith("  warning: the run report failed")),
        progress.toString());
  }
}
