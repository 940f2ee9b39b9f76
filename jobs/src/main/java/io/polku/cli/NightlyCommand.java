package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.lake.LakeLock;
import io.polku.lake.LockHeldException;
import io.polku.pipeline.DataQualityException;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.RunAudit;
import io.polku.pipeline.RunContext;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs every stage that exists, in order, for one date or a range. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Run the nightly pipeline (every stage, in order) for --date D or"
        + " --from D1 --to D2. Re-running a date gives the same tables. Takes the lake's run"
        + " lock (<lake>/_polku/nightly.lock): while another live run holds it, exits 4 and"
        + " does nothing; a stale lock (dead owner) is taken over.")
public final class NightlyCommand implements Callable<Integer> {
  @Mixin
  Environment env;

  @ArgGroup(exclusive = false)
  DateRange dates = new DateRange();

  @Option(names = "--json", description = "Print one JSON document with the run's summary (run"
      + " id, dates, status, exit code, per-stage rows and seconds, abandoned runs, lock"
      + " takeover) on stdout, also when the run fails; progress lines go to stderr.")
  boolean json;

  @Override
  public Integer call() {
    return run(env, dates, NightlyPipeline.standard(), "nightly", json);
  }

  static int run(Environment env, DateRange dates, NightlyPipeline pipeline, String name) {
    return run(env, dates, pipeline, name, false);
  }

  static int run(Environment env, DateRange dates, NightlyPipeline pipeline, String name,
      boolean json) {
    PolkuConfig config = env.config();
    java.time.LocalDate from = dates.from();
    java.time.LocalDate to = dates.to();
    Instant started = Instant.now();
    String runId = RunContext.newRunId(started);
    // With --json, stdout carries only the summary.
    PrintStream progress = json ? System.err : System.out;
    RunSummary summary = new RunSummary(runId, name,
        new org.apache.hadoop.fs.Path(config.lakeRoot()).toString(), from, to, started);
    boolean opened = false;
    try {
      // The lock first: a refused run starts no Spark and touches no table.
      try (LakeLock lock = LakeLock.acquire(LakeLock.hadoopConf(config.sparkConf()),
          config.lakeRoot(), LakeLock.Owner.ofThisProcess(runId, name, started),
          config.lock().heartbeat(), config.lock().staleAfter(), LakeLock.ProcessProbe.LOCAL,
          progress::println);
          Environment.Opened session = Environment.open(config, name + "-" + runId)) {
        opened = true;
        lock.tookOver().ifPresent(summary::tookOver);
        RunContext ctx = new RunContext(session.spark(), config, session.lake(), runId, from, to,
            started, progress::println);
        List<String> abandoned = new RunAudit(ctx).markAbandoned(
            lock.tookOver().map(LakeLock.Owner::runId).orElse(null),
            lock.tookOver().map(LakeLock.Owner::heartbeat).orElse(null));
        summary.abandoned(abandoned);
        for (String id : abandoned) {
          progress.println("Marked run " + id + " as abandoned in run_audit: it was still"
              + " 'running' but held no lock");
        }
        pipeline.run(ctx, lock::checkStillHeld, summary::stage);
      }
      progress.printf("Run %s succeeded in %.1f s. Log: %s%n", runId,
          (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0,
          System.getProperty(Environment.LOG_FILE_PROPERTY));
      if (json) {
        System.out.println(summary.toJson("succeeded", ExitCodes.OK, null,
            System.getProperty(Environment.LOG_FILE_PROPERTY)));
      }
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      if (json) {
        if (e instanceof LockHeldException held) {
          summary.lockedBy(held.holder());
        }
        int code = Polku.exitCode(e);
        String status = e instanceof LockHeldException ? "locked"
            : e instanceof DataQualityException ? "dq_failed"
            : code == ExitCodes.USAGE ? "config_error" : "failed";
        System.out.println(summary.toJson(status, code, String.valueOf(e.getMessage()),
            opened ? System.getProperty(Environment.LOG_FILE_PROPERTY) : null));
      }
      throw e;
    }
  }
}
