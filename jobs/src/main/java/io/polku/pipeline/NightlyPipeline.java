package io.polku.pipeline;

import io.polku.report.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;

/**
 * The nightly pipeline: runs every stage that exists, in order, for one date range, with a progress
 * line per stage and an audit row per stage and object. Stages never call each other's I/O; this
 * class wires them.
 */
public final class NightlyPipeline {
  private final List<Stage> stages;
  private final List<StageHook> hooks;

  public NightlyPipeline(List<Stage> stages) {
    this(stages, List.of());
  }

  private NightlyPipeline(List<Stage> stages, List<StageHook> hooks) {
    this.stages = List.copyOf(stages);
    this.hooks = List.copyOf(hooks);
  }

  /** This pipeline with {@code hook} called around each stage, after the hooks it has. */
  public NightlyPipeline withHook(StageHook hook) {
    List<StageHook> all = new ArrayList<>(hooks);
    all.add(hook);
    return new NightlyPipeline(stages, all);
  }

  /** The names of this pipeline's stages, in order. */
  public List<String> stageNames() {
    return stages.stream().map(Stage::name).toList();
  }

  /**
   * How one stage ended: {@code succeeded} with its result, or {@code failed} / {@code dq_failed}
   * with the error message (result null).
   */
  public record StageReport(
      String stage,
      String status,
      Instant started,
      Instant ended,
      StageResult result,
      String message) {}

  /**
   * Prints, after a run, each stage's explanations of why it wrote nothing or less than expected;
   * nothing when no stage has any.
   */
  static void explain(List<StageResult> results, java.util.function.Consumer<String> out) {
    List<String> lines = new ArrayList<>();
    for (StageResult r : results) {
      for (String e : r.explanations()) {
        lines.add("  " + r.stage() + ": " + e);
      }
    }
    if (!lines.isEmpty()) {
      out.accept("Stages that wrote nothing or less than expected, and why:");
      lines.forEach(out);
    }
  }

  /** Runs the stages in order, each one's hooks around it. */
  public List<StageResult> run(RunContext ctx) {
    RunAudit audit = new RunAudit(ctx);
    audit.runStarted();
    ctx.progress()
        .accept(
            "Run "
                + ctx.runId()
                + " for "
                + ctx.dateFrom()
                + (ctx.dateTo().equals(ctx.dateFrom()) ? "" : " .. " + ctx.dateTo())
                + " on "
                + ctx.lake().root());
    List<StageResult> results = new ArrayList<>();
    for (Stage stage : stages) {
      Instant started = Instant.now();
      ctx.progress().accept(stage.name() + " ...");
      StageResult result;
      try {
        hooks.forEach(h -> h.beforeStage(stage.name()));
        result = stage.run(ctx);
        if (result.rowsOut() == 0 && result.explanations().isEmpty()) {
          result =
              result.explained(
                  List.of(
                      String.format(
                          Locale.ROOT,
                          "%s wrote no rows (rows" + " in %,d)%s",
                          stage.name(),
                          result.rowsIn(),
                          result.warnings().isEmpty()
                              ? ""
                              : "; its warnings: " + String.join("; ", result.warnings()))));
        }
      } catch (DataQualityException e) {
        audit.stageFailed(stage.name(), started, "dq_failed", e.getMessage());
        audit.runEnded("dq_failed", e.getMessage());
        notifyHooks(
            new StageReport(
                stage.name(), "dq_failed", started, Instant.now(), null, e.getMessage()));
        throw e;
      } catch (RuntimeException e) {
        audit.stageFailed(stage.name(), started, "failed", String.valueOf(e.getMessage()));
        audit.runEnded("failed", stage.name() + ": " + e.getMessage());
        notifyHooks(
            new StageReport(
                stage.name(),
                "failed",
                started,
                Instant.now(),
                null,
                String.valueOf(e.getMessage())));
        throw e;
      }
      String warnings = result.warnings().isEmpty() ? null : String.join("; ", result.warnings());
      audit.stageEnded(result, started, "succeeded", warnings);
      for (String w : result.warnings()) {
        ctx.progress().accept("  warning: " + w);
      }
      ctx.progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "%s done: rows in %,d, out %,d, quarantined %,d (%.1f s)",
                  stage.name(),
                  result.rowsIn(),
                  result.rowsOut(),
                  result.rowsQuarantined(),
                  Duration.between(started, Instant.now()).toMillis() / 1000.0));
      results.add(result);
      notifyHooks(
          new StageReport(stage.name(), "succeeded", started, Instant.now(), result, warnings));
    }
    String reportFailure = ctx.config().reportEnabled() ? runReport(ctx, audit) : null;
    audit.runEnded("succeeded", reportFailure);
    ctx.lake().registerExisting();
    explain(results, ctx.progress());
    return results;
  }

  private void notifyHooks(StageReport report) {
    hooks.forEach(h -> h.afterStage(report));
  }

  /** The name of the report step in run_audit and the progress lines. */
  public static final String REPORT_STEP = "report";

  /**
   * Writes the run report as the last step, after every table is committed. A failure is logged,
   * recorded as a run_audit row (stage 'report', status failed) and returned as the run's warning
   * message: the night's data stands, so the run still succeeds.
   */
  private String runReport(RunContext ctx, RunAudit audit) {
    Instant started = Instant.now();
    ctx.progress().accept(REPORT_STEP + " ...");
    try {
      RunReport.Result r =
          RunReport.write(ctx.lake(), ctx.dateTo(), ctx.runId(), null, RunReport.Format.HTML);
      StageResult result =
          new StageResult(
              REPORT_STEP,
              List.of(
                  new StageResult.ObjectCounts(
                      r.files().get(0), 0, r.files().size(), 0, null, true)),
              List.of(),
              r.duration());
      audit.stageEnded(result, started, "succeeded", null);
      ctx.progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "%s done: %s (%.0f KB, %.1f s)",
                  REPORT_STEP,
                  r.files().get(0),
                  r.bytes() / 1024.0,
                  Duration.between(started, Instant.now()).toMillis() / 1000.0));
      notifyHooks(new StageReport(REPORT_STEP, "succeeded", started, Instant.now(), result, null));
      return null;
    } catch (RuntimeException e) {
      String message =
          "the run report failed ("
              + e
              + "); the run's tables are committed;"
              + " write the report again with `bin/polku report --date "
              + ctx.dateTo()
              + "`";
      LogManager.getLogger(NightlyPipeline.class).warn(message, e);
      ctx.progress().accept("  warning: " + message);
      audit.stageFailed(REPORT_STEP, started, "failed", message);
      notifyHooks(new StageReport(REPORT_STEP, "failed", started, Instant.now(), null, message));
      return message;
    }
  }
}
