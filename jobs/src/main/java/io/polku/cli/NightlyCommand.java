package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.lake.LakeLock;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.RunAudit;
import io.polku.pipeline.RunContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

  @Override
  public Integer call() {
    return run(env, dates, NightlyPipeline.standard(), "nightly");
  }

  static int run(Environment env, DateRange dates, NightlyPipeline pipeline, String name) {
    PolkuConfig config = env.config();
    java.time.LocalDate from = dates.from();
    java.time.LocalDate to = dates.to();
    Instant started = Instant.now();
    String runId = RunContext.newRunId(started);
    // The lock first: a refused run starts no Spark and touches no table.
    try (LakeLock lock = LakeLock.acquire(LakeLock.hadoopConf(config.sparkConf()),
        config.lakeRoot(), LakeLock.Owner.ofThisProcess(runId, name, started),
        config.lock().heartbeat(), config.lock().staleAfter(), LakeLock.ProcessProbe.LOCAL,
        System.out::println);
        Environment.Opened opened = Environment.open(config, name + "-" + runId)) {
      RunContext ctx = new RunContext(opened.spark(), config, opened.lake(), runId, from, to,
          started, System.out::println);
      List<String> abandoned = new RunAudit(ctx).markAbandoned(
          lock.tookOver().map(LakeLock.Owner::runId).orElse(null),
          lock.tookOver().map(LakeLock.Owner::heartbeat).orElse(null));
      for (String id : abandoned) {
        System.out.println("Marked run " + id + " as abandoned in run_audit: it was still"
            + " 'running' but held no lock");
      }
      pipeline.run(ctx, lock::checkStillHeld);
      System.out.printf("Run %s succeeded in %.1f s. Log: %s%n", runId,
          (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0,
          System.getProperty(Environment.LOG_FILE_PROPERTY));
      return ExitCodes.OK;
    }
  }
}
