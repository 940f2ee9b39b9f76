package io.polku.pipeline;

import io.polku.followup.FollowupStage;
import io.polku.identity.IdentityStage;
import io.polku.ingest.IngestStage;
import io.polku.journey.JourneyStage;
import io.polku.kpi.KpiStage;
import io.polku.profile.ProfileStage;
import io.polku.report.RunReport;
import io.polku.rootcause.RootCauseStage;
import io.polku.survey.SurveyStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;

/**
 * The nightly pipeline: runs every stage that exists, in order, for one date range, with a
 * progress line per stage and an audit row per stage and object. Stages never call each
 * other's I/O; this class wires them.
 */
public final class NightlyPipeline {
  private final List<Stage> stages;

  public NightlyPipeline(List<Stage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** The stages that exist today, in pipeline order. */
  public static NightlyPipeline standard() {
    return new NightlyPipeline(List.of(
        new IngestStage(IngestStage.Options.all()),
        new IdentityStage(),
        new JourneyStage(),
        new RootCauseStage(),
        new FollowupStage(),
        new ProfileStage(),
        new SurveyStage(),
        new KpiStage()));
  }

  /** The names of the standard stages, in order. */
  public static final List<String> STAGE_NAMES = List.of(IngestStage.NAME,
      IdentityStage.NAME, JourneyStage.NAME, RootCauseStage.NAME, FollowupStage.NAME,
      ProfileStage.NAME, SurveyStage.NAME, KpiStage.NAME);

  /** The exit status of a process stopped by {@code polku.debug.halt-after-stage}. */
  public static final int HALT_STATUS = 99;

  /**
   * How one stage ended: {@code succeeded} with its result, or {@code failed} /
   * {@code dq_failed} with the error message (result null).
   */
  public record StageReport(String stage, String status, Instant started, Instant ended,
      StageResult result, String message) {}

  public List<StageResult> run(RunContext ctx) {
    return run(ctx, () -> { }, r -> { });
  }

  /**
   * Runs the stages; {@code beforeEachStage} runs before each (the CLI checks there that the
   * run still holds the lake's lock) and {@code onStageEnd} gets each stage's report (the
   * CLI's --json summary).
   */
  public List<StageResult> run(RunContext ctx, Runnable beforeEachStage,
      java.util.function.Consumer<StageReport> onStageEnd) {
    String halt = ctx.config().haltAfterStage();
    if (halt != null && !STAGE_NAMES.contains(halt)) {
      throw new io.polku.config.ConfigException("polku.debug.halt-after-stage = '" + halt
          + "' is not a stage; expected one of " + STAGE_NAMES + "; fix it or unset it");
    }
    RunAudit audit = new RunAudit(ctx);
    audit.runStarted();
    ctx.progress().accept("Run " + ctx.runId() + " for " + ctx.dateFrom()
        + (ctx.dateTo().equals(ctx.dateFrom()) ? "" : " .. " + ctx.dateTo()) + " on "
        + ctx.lake().root());
    List<StageResult> results = new ArrayList<>();
    for (Stage stage : stages) {
      Instant started = Instant.now();
      ctx.progress().accept(stage.name() + " ...");
      StageResult result;
      try {
        beforeEachStage.run();
        result = stage.run(ctx);
      } catch (DataQualityException e) {
        onStageEnd.accept(new StageReport(stage.name(), "dq_failed", started, Instant.now(),
            null, e.getMessage()));
        audit.stageFailed(stage.name(), started, "dq_failed", e.getMessage());
        audit.runEnded("dq_failed", e.getMessage());
        throw e;
      } catch (RuntimeException e) {
        onStageEnd.accept(new StageReport(stage.name(), "failed", started, Instant.now(),
            null, String.valueOf(e.getMessage())));
        audit.stageFailed(stage.name(), started, "failed", String.valueOf(e.getMessage()));
        audit.runEnded("failed", stage.name() + ": " + e.getMessage());
        throw e;
      }
      audit.stageEnded(result, started, "succeeded",
          result.warnings().isEmpty() ? null : String.join("; ", result.warnings()));
      for (String w : result.warnings()) {
        ctx.progress().accept("  warning: " + w);
      }
      ctx.progress().accept(String.format(Locale.ROOT,
          "%s done: rows in %,d, out %,d, quarantined %,d (%.1f s)", stage.name(),
          result.rowsIn(), result.rowsOut(), result.rowsQuarantined(),
          Duration.between(started, Instant.now()).toMillis() / 1000.0));
      results.add(result);
      onStageEnd.accept(new StageReport(stage.name(), "succeeded", started, Instant.now(),
          result, result.warnings().isEmpty() ? null : String.join("; ", result.warnings())));
      if (stage.name().equals(halt)) {
        // Fault injection for the crash tests: die like kill -9, right after the commit.
        ctx.progress().accept("Halting after stage " + stage.name()
            + " (polku.debug.halt-after-stage; testing only)");
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
      }
    }
    String reportFailure = ctx.config().reportEnabled() ? report(ctx, audit, onStageEnd) : null;
    audit.runEnded("succeeded", reportFailure);
    ctx.lake().registerExisting();
    return results;
  }

  /** The name of the report step in run_audit and the progress lines. */
  public static final String REPORT_STEP = "report";

  /**
   * Writes the run report as the last step, after every table is committed. A failure is
   * logged, recorded as a run_audit row (stage 'report', status failed) and returned as the
   * run's warning message: the night's data stands, so the run still succeeds.
   */
  private static String report(RunContext ctx, RunAudit audit,
      java.util.function.Consumer<StageReport> onStageEnd) {
    Instant started = Instant.now();
    ctx.progress().accept(REPORT_STEP + " ...");
    try {
      RunReport.Result r = RunReport.write(ctx.lake(), ctx.dateTo(), ctx.runId(), null,
          RunReport.Format.HTML);
      StageResult result = new StageResult(REPORT_STEP, List.of(new StageResult.ObjectCounts(
          r.files().get(0), 0, r.files().size(), 0, null, true)), List.of(), r.duration());
      audit.stageEnded(result, started, "succeeded", null);
      ctx.progress().accept(String.format(Locale.ROOT, "%s done: %s (%.0f KB, %.1f s)",
          REPORT_STEP, r.files().get(0), r.bytes() / 1024.0,
          Duration.between(started, Instant.now()).toMillis() / 1000.0));
      onStageEnd.accept(new StageReport(REPORT_STEP, "succeeded", started, Instant.now(),
          result, null));
      return null;
    } catch (RuntimeException e) {
      String message = "the run report failed (" + e + "); the run's tables are committed;"
          + " write the report again with `bin/polku report --date " + ctx.dateTo() + "`";
      LogManager.getLogger(NightlyPipeline.class).warn(message, e);
      ctx.progress().accept("  warning: " + message);
      audit.stageFailed(REPORT_STEP, started, "failed", message);
      onStageEnd.accept(new StageReport(REPORT_STEP, "failed", started, Instant.now(), null,
          message));
      return message;
    }
  }
}
