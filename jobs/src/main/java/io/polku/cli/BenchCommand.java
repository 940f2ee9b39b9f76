package io.polku.cli;

import io.polku.bench.Bench;
import io.polku.bench.BenchResult;
import io.polku.config.PolkuConfig;
import io.polku.session.PolkuSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks the journey engine against a bare scan and a hand-written range join. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = BenchNightlyCommand.class,
    description = {
      "Benchmark the journey engine. Per size: generate (or reuse) samples, ingest them into a"
          + " bench lake and run identity (untimed setup), then time (a) a bare scan of events"
          + " and feedback, (b) Polku's journey engine to the noop sink, (b') the real journey"
          + " stage with its Delta writes, (c) a hand-written range join to the noop sink;"
          + " check that (b) and (c) agree on a sample; print the figures and the targets"
          + " and write them as JSON.",
      "Targets (reported, never failing the command): (b) <= 5 x (a) at the largest size;"
          + " 2x data costs (b) <= 2.2x time; (c) >= 3 x (b) at the largest size.",
      "Exit code 1 when (b) and (c) disagree.",
      "`bench nightly --customers N` benchmarks the whole nightly instead: a full run, then"
          + " one more night on that lake."
    })
public final class BenchCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--customers",
      paramLabel = "N",
      description = "Customers of a single size (or use --sizes).")
  Integer customers;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N1,N2,...",
      description =
          "Several sizes in one process, run smallest first, e.g." + " 25000,50000,100000.")
  List<Integer> sizes;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "Days of data. Default: ${DEFAULT-VALUE}.")
  int days;

  @Mixin BenchWork work;

  @Option(
      names = "--sample-responses",
      defaultValue = "2000",
      paramLabel = "N",
      description =
          "About this many responses are compared by the agreement check (all at"
              + " small sizes). Default: ${DEFAULT-VALUE}.")
  int sampleResponses;

  @Override
  public Integer call() {
    if (customers != null && sizes != null) {
      throw new IllegalArgumentException(
          "--customers "
              + customers
              + " and --sizes "
              + sizes
              + " were both given; expected one of them; pass --sizes alone to run several sizes");
    }
    List<Integer> list = sizes != null ? sizes : customers != null ? List.of(customers) : List.of();
    PolkuConfig config = env.config();
    Path workDir = work.dir(config.lakeRoot());
    Bench.Options options = new Bench.Options(list, days, work.seed, workDir, sampleResponses);
    try (PolkuSession.Opened opened = PolkuSession.open(config, "bench")) {
      String log = System.getProperty(PolkuSession.LOG_FILE_PROPERTY);
      System.out.println(
          "Benchmark of "
              + options.sizes()
              + " customers x "
              + days
              + " days in "
              + options.workDir()
              + ". Log: "
              + log);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("command", "bench");
      facts.put("sizes", options.sizes());
      facts.put("days", days);
      facts.put("seed", work.seed);
      facts.put("conf", env.conf);
      facts.put("overrides", env.overrides);
      facts.put("log_file", log);
      Bench bench =
          new Bench(
              opened.spark(), extra -> configWith(extra), options, System.out::println, facts);
      BenchResult result = bench.run();
      Path file = bench.resultsFile(result.started());
      result.write(file);
      System.out.println();
      result.lines().forEach(System.out::println);
      System.out.println("Results: " + file);
      System.out.println("Log: " + log);
      if (!result.agreed()) {
        System.err.println(
            "The journey engine (b) and the range join (c) disagree; see the"
                + " examples above and in "
                + file);
        return ExitCodes.FAILURE;
      }
      return ExitCodes.OK;
    }
  }

  /** The --conf file with the --set overrides, then {@code extra} on top. */
  private PolkuConfig configWith(Map<String, String> extra) {
    Environment copy = new Environment();
    copy.conf = env.conf;
    List<String> all = new ArrayList<>(env.overrides);
    extra.forEach((k, v) -> all.add(k + "=" + v));
    copy.overrides = all;
    return copy.config();
  }
}
