package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.lake.LakeLock;
import io.polku.lake.LockHeldException;
import io.polku.nightly.StandardStages;
import io.polku.pipeline.Backfill;
import io.polku.pipeline.DataQualityException;
import io.polku.pipeline.HaltAfterStage;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.RunAudit;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageHook;
import io.polku.session.PolkuSession;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs every stage that exists, in order, for one date or a range. */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description =
        "Run the nightly pipeline (every stage, in order) for --date D or"
            + " --from D1 --to D2. Re-running a date gives the same tables. Takes the lake's run"
            + " lock (<lake>/_polku/nightly.lock): while another live run holds it, exits 4 and"
            + " does nothing; a stale lock (dead owner) is taken over.")
public final class NightlyCommand implements Callable<Integer> {
  @Mixin Environment env;

  @ArgGroup(exclusive = false)
  DateRange dates = new DateRange();

  @Option(
      names = "--json",
      description =
          "Print one JSON document with the run's summary (run"
              + " id, dates, status, exit code, per-stage rows and seconds, abandoned runs, lock"
              + " takeover) on stdout, also when the run fails; progress lines go to stderr.")
  boolean json;

  @Option(
      names = "--resume",
      description =
          "Skip the dates whose latest run (run_audit)"
              + " succeeded with the same configuration (config_hash); run only the others. Prints"
              + " which dates are skipped and why.")
  boolean resume;

  @Option(
      names = "--batch-days",
      paramLabel = "N",
      description =
          "Process the range in"
              + " consecutive batches of N days, in date order, each a run with its own run id and"
              + " audit rows; a failing batch stops the backfill and says how to resume. Default: the"
              + " whole range in one run. Batches do not give the same tables as one run over the"
              + " range (see docs/operations.md, Backfills).")
  Integer batchDays;

  @Override
  public Integer call() {
    return run(env, dates, StandardStages.pipeline(), "nightly", json, resume, batchDays);
  }

  static int run(Environment env, DateRange dates, NightlyPipeline pipeline, String name) {
    return run(env, dates, pipeline, name, false);
  }

  static int run(
      Environment env, DateRange dates, NightlyPipeline pipeline, String name, boolean json) {
    return run(env, dates, pipeline, name, json, false, null);
  }

  static int run(
      Environment env,
      DateRange dates,
      NightlyPipeline pipeline,
      String name,
      boolean json,
      boolean resume,
      Integer batchDays) {
    PolkuConfig config = env.config();
    java.time.LocalDate from = dates.from();
    java.time.LocalDate to = dates.to();
    boolean backfill = resume || batchDays != null;
    if (backfill && json) {
      throw new IllegalArgumentException(
          "--json describes one run; it cannot be combined with"
              + " --resume or --batch-days (several runs); leave out --json and read run_audit");
    }
    if (batchDays != null && batchDays < 1) {
      throw new IllegalArgumentException(
          "--batch-days "
              + batchDays
              + " is not a number of"
              + " days; expected 1 or more, or leave it out for one run over the range");
    }
    Instant started = Instant.now();
    String runId = RunContext.newRunId(started);
    // With --json, stdout carries only the summary.
    PrintStream progress = json ? System.err : System.out;
    RunSummary summary =
        new RunSummary(
            runId,
            name,
            new org.apache.hadoop.fs.Path(config.lakeRoot()).toString(),
            from,
            to,
            started);
    boolean opened = false;
    try {
      // The lock first: a refused run starts no Spark and touches no table.
      try (LakeLock lock =
              LakeLock.acquire(
                  LakeLock.hadoopConf(config.sparkConf()),
                  config.lakeRoot(),
                  LakeLock.Owner.ofThisProcess(runId, name, started),
                  config.lock().heartbeat(),
                  config.lock().staleAfter(),
                  LakeLock.ProcessProbe.LOCAL,
                  progress::println);
          PolkuSession.Opened session = PolkuSession.open(config, name + "-" + runId)) {
        opened = true;
        lock.tookOver().ifPresent(summary::tookOver);
        RunContext ctx =
            new RunContext(
                session.spark(),
                config,
                session.lake(),
                runId,
                from,
                to,
                started,
                progress::println);
        List<String> abandoned =
            new RunAudit(ctx)
                .markAbandoned(
                    lock.tookOver().map(LakeLock.Owner::runId).orElse(null),
                    lock.tookOver().map(LakeLock.Owner::heartbeat).orElse(null));
        summary.abandoned(abandoned);
        for (String id : abandoned) {
          progress.println(
              "Marked run "
                  + id
                  + " as abandoned in run_audit: it was still"
                  + " 'running' but held no lock");
        }
        NightlyPipeline hooked =
            pipeline.withHook(
                new StageHook() {
                  @Override
                  public void beforeStage(String stage) {
                    lock.checkStillHeld();
                  }

                  @Override
                  public void afterStage(NightlyPipeline.StageReport report) {
                    summary.stage(report);
                  }
                });
        if (config.haltAfterStage() != null) {
          hooked =
              hooked.withHook(
                  HaltAfterStage.of(
                      config.haltAfterStage(), StandardStages.NAMES, progress::println));
        }
        if (!backfill) {
          hooked.run(ctx);
        } else {
          runBatches(ctx, hooked, lock, progress, resume, batchDays);
          return ExitCodes.OK;
        }
      }
      progress.printf(
          "Run %s succeeded in %.1f s. Log: %s%n",
          runId,
          (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0,
          System.getProperty(PolkuSession.LOG_FILE_PROPERTY));
      if (json) {
        System.out.println(
            summary.toJson(
                "succeeded",
                ExitCodes.OK,
                null,
                System.getProperty(PolkuSession.LOG_FILE_PROPERTY)));
      }
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      if (json) {
        if (e instanceof LockHeldException held) {
          summary.lockedBy(held.holder());
        }
        int code = Polku.exitCode(e);
        String status =
            e instanceof LockHeldException
                ? "locked"
                : e instanceof DataQualityException
                    ? "dq_failed"
                    : code == ExitCodes.USAGE ? "config_error" : "failed";
        System.out.println(
            summary.toJson(
                status,
                code,
                String.valueOf(e.getMessage()),
                opened ? System.getProperty(PolkuSession.LOG_FILE_PROPERTY) : null));
      }
      throw e;
    }
  }

  /**
   * The backfill: plans the batches ({@link Backfill}), prints the skipped dates, and runs each
   * batch as its own run under the lock this process holds; the first batch uses {@code first}'s
   * run id. A failing batch prints the command line that resumes from it.
   */
  private static void runBatches(
      RunContext first,
      NightlyPipeline pipeline,
      LakeLock lock,
      PrintStream progress,
      boolean resume,
      Integer batchDays) {
    java.time.LocalDate from = first.dateFrom();
    java.time.LocalDate to = first.dateTo();
    List<Backfill.AuditRun> runs = resume ? auditRuns(first.lake()) : List.of();
    String hash = first.config().hash();
    Backfill.Plan plan = Backfill.plan(from, to, runs, hash, resume, batchDays);
    for (Backfill.Skipped s : plan.skipped()) {
      progress.println(
          "Skipping "
              + range(s.from(), s.to())
              + ": its latest run "
              + s.runId()
              + " succeeded with this configuration (run_audit)");
    }
    if (resume) {
      for (Backfill.Batch b : plan.batches()) {
        for (java.time.LocalDate d = b.from(); !d.isAfter(b.to()); d = d.plusDays(1)) {
          String why = Backfill.notSkippedBecause(d, runs, hash).orElse(null);
          if (why != null) {
            progress.println("Running " + d + " again: " + why);
          }
        }
      }
    }
    if (plan.batches().isEmpty()) {
      progress.println(
          "Nothing to run: every date of "
              + range(from, to)
              + " is covered by a"
              + " succeeded run with this configuration");
      return;
    }
    Instant started = Instant.now();
    int n = plan.batches().size();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Backfill.Batch b = plan.batches().get(i);
      Instant batchStart = i == 0 ? first.startedAt() : Instant.now();
      String id = i == 0 ? first.runId() : RunContext.newRunId(batchStart);
      RunContext ctx =
          new RunContext(
              first.spark(),
              first.config(),
              first.lake(),
              id,
              b.from(),
              b.to(),
              batchStart,
              first.progress());
      progress.printf("Batch %d/%d: %s (run %s)%n", i + 1, n, range(b.from(), b.to()), id);
      try {
        lock.checkStillHeld();
        pipeline.run(ctx);
      } catch (RuntimeException e) {
        System.err.println(
            "Backfill stopped at batch "
                + (i + 1)
                + "/"
                + n
                + " ("
                + range(b.from(), b.to())
                + ", run "
                + id
                + "); the batches before it are"
                + " committed. Fix the cause, then resume with:");
        System.err.println(
            "  bin/polku nightly --from "
                + b.from()
                + " --to "
                + to
                + " --resume"
                + (batchDays == null ? "" : " --batch-days " + batchDays)
                + " [the same --conf/--set]");
        throw e;
      }
      ids.add(id);
      progress.printf(
          java.util.Locale.ROOT,
          "Batch %d/%d succeeded in %.1f s%n",
          i + 1,
          n,
          (Instant.now().toEpochMilli() - batchStart.toEpochMilli()) / 1000.0);
    }
    progress.printf(
        java.util.Locale.ROOT,
        "Backfill of %s succeeded: %d runs (%s) in %.1f s." + " Log: %s%n",
        range(from, to),
        n,
        String.join(", ", ids),
        (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0,
        System.getProperty(PolkuSession.LOG_FILE_PROPERTY));
  }

  private static String range(java.time.LocalDate a, java.time.LocalDate b) {
    return a.equals(b) ? a.toString() : a + " .. " + b;
  }

  /** The run rows of run_audit (one per run: a handful per night). */
  static List<Backfill.AuditRun> auditRuns(io.polku.lake.Lake lake) {
    if (!lake.exists(io.polku.contract.Tables.RUN_AUDIT)) {
      return List.of();
    }
    List<Backfill.AuditRun> out = new java.util.ArrayList<>();
    for (org.apache.spark.sql.Row r :
        lake.read(io.polku.contract.Tables.RUN_AUDIT)
            .filter("stage = 'run' AND object = '*'")
            .select("run_id", "date_from", "date_to", "started_ts", "status", "config_hash")
            .collectAsList()) {
      out.add(
          new Backfill.AuditRun(
              r.getString(0),
              r.getDate(1).toLocalDate(),
              r.getDate(2).toLocalDate(),
              r.getTimestamp(3).toInstant(),
              r.getString(4),
              r.getString(5)));
    }
    return out;
  }
}
