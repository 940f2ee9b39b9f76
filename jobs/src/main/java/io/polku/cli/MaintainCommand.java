package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.LakeLock;
import io.polku.lake.Maintenance;
import io.polku.pipeline.RunContext;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Compacts and vacuums the lake's tables. */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Compact small files (Delta OPTIMIZE, Z-ordered by polku.maintenance.zorder)"
          + " and remove files no version within the retention needs (VACUUM), table by table;"
          + " prints files and sizes before and after.",
      "Takes the lake's run lock: it never runs alongside a nightly. Retention below Delta's"
          + " safety default (168 h) needs --force."
    })
public final class MaintainCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "Only these tables (repeatable). Default: every table that exists.")
  List<String> tables = List.of();

  @Option(
      names = "--retention-hours",
      paramLabel = "H",
      description = "VACUUM retention (overrides polku.maintenance.retention-hours).")
  Integer retentionHours;

  @Option(names = "--no-optimize", description = "Skip OPTIMIZE.")
  boolean noOptimize;

  @Option(names = "--no-vacuum", description = "Skip VACUUM.")
  boolean noVacuum;

  @Option(
      names = "--force",
      description =
          "Allow a retention below 168 h (only when nothing"
              + " else reads or writes the lake: older versions lose their files).")
  boolean force;

  @Override
  public Integer call() {
    PolkuConfig config = env.config();
    Maintenance.Options options = Maintenance.Options.from(config.raw());
    List<TableSpec> chosen = new ArrayList<>();
    for (String name : tables) {
      chosen.add(
          Tables.byName(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--table "
                              + name
                              + " is not a Polku table; expected one of "
                              + Tables.ALL.stream().map(TableSpec::name).toList())));
    }
    Integer retention =
        noVacuum ? null : retentionHours != null ? retentionHours : options.retentionHours();
    if (retention != null) {
      // Before the lock and Spark: the same check the maintenance makes, failing fast.
      Maintenance.checkRetention(retention, force);
    }
    Instant started = Instant.now();
    String runId = RunContext.newRunId(started);
    try (LakeLock lock =
            LakeLock.acquire(
                LakeLock.hadoopConf(config.sparkConf()),
                config.lakeRoot(),
                LakeLock.Owner.ofThisProcess(runId, "maintain", started),
                config.lock().heartbeat(),
                config.lock().staleAfter(),
                LakeLock.ProcessProbe.LOCAL,
                System.out::println);
        PolkuSession.Opened opened = PolkuSession.open(config, "maintain")) {
      Maintenance m = new Maintenance(opened.lake());
      List<TableSpec> todo =
          chosen.isEmpty() ? Tables.ALL.stream().filter(opened.lake()::exists).toList() : chosen;
      List<List<String>> rows = new ArrayList<>();
      long bytesBefore = 0;
      long bytesAfter = 0;
      for (TableSpec t : todo) {
        if (!opened.lake().exists(t)) {
          throw new IllegalArgumentException(
              "--table "
                  + t.name()
                  + " does not exist in "
                  + opened.lake().root()
                  + " yet; run the nightly first");
        }
        lock.checkStillHeld();
        long t0 = System.nanoTime();
        Maintenance.Report r =
            m.maintain(
                t,
                options.zorder().getOrDefault(t.name(), List.of()),
                !noOptimize,
                retention,
                force);
        bytesBefore += r.before().bytes();
        bytesAfter += r.after().bytes();
        rows.add(
            List.of(
                r.table(),
                String.valueOf(r.before().files()),
                String.valueOf(r.after().files()),
                mb(r.before().bytes()),
                mb(r.after().bytes()),
                r.zorderedBy().isEmpty() ? "-" : String.join(",", r.zorderedBy()),
                String.valueOf(r.vacuumedFiles()),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9)));
        System.out.println(t.name() + " done");
      }
      System.out.print(
          TextTable.render(
              List.of(
                  "table",
                  "files before",
                  "files after",
                  "MB before",
                  "MB after",
                  "z-order",
                  "files vacuumed",
                  "seconds"),
              rows));
      System.out.printf(
          Locale.ROOT,
          "%d tables: %s MB -> %s MB in the current versions;" + " VACUUM retention %s.%n",
          rows.size(),
          mb(bytesBefore),
          mb(bytesAfter),
          retention == null ? "skipped" : retention + " h");
      return ExitCodes.OK;
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / 1048576.0);
  }
}
