package io.polku.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.identity.IdentityStage;
import io.polku.ingest.IngestStage;
import io.polku.journey.JourneyStage;
import io.polku.lake.Lake;
import io.polku.pipeline.RunContext;
import io.polku.samples.SampleGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The journey-engine benchmark. For each size (smallest first), in the one SparkSession of the
 * process: generates raw samples with {@link SampleGenerator} (or reuses them when their
 * MANIFEST.json has the same options), ingests them into a fresh bench lake with the real {@link
 * IngestStage} and runs {@link IdentityStage} (untimed setup, reported), then times, each after a
 * {@code System.gc()} and under a Spark job group named after it: (a) a bare scan of events and
 * feedback, (b) Polku's journey engine to the noop sink, (b') the real {@link JourneyStage} with
 * its Delta writes, (c) the hand-written range join ({@link RangeJoinContext}) to the noop sink;
 * and finally compares (b) with (c) on a sample of people ({@link Agreement}).
 *
 * <p>Cost: per size the generator (~15 s and ~400 MB per 100,000 customers x 60 days of disk), a
 * full ingest and identity run, and the four phases; (c) grows faster than the others. Disk: data
 * and lake per size under the work folder, kept for re-runs (the data is reused, the lake rebuilt).
 *
 * <p>Dangers: the work folder must be local (plain java.nio); the bench lake is deleted and rebuilt
 * at every run; it registers the bench lake's tables in the session catalog, replacing earlier
 * registrations of the same names; its ingest runs with {@code polku.ingest.max-quarantine-share =
 * 1.0}, because the generator plants bad rows on purpose (more than 5 % of some sources at tiny
 * sizes).
 */
public final class Bench {
  private static final org.apache.logging.log4j.Logger LOG =
      org.apache.logging.log4j.LogManager.getLogger(Bench.class);

  /** The generator's first day; fixed so that data folders are comparable across runs. */
  public static final LocalDate START = LocalDate.of(2026, 9, 1);

  /**
   * What to run.
   *
   * @param sizes customer counts, run smallest first
   * @param days days of data per size
   * @param seed generator seed
   * @param workDir local folder for the data, the bench lakes and the results
   * @param sampleResponses about this many responses are compared by the agreement check
   */
  public record Options(
      List<Integer> sizes, int days, long seed, Path workDir, int sampleResponses) {
    public Options {
      if (sizes == null || sizes.isEmpty()) {
        throw new IllegalArgumentException(
            "no benchmark size given; expected --customers N or"
                + " --sizes N1,N2,...; pass e.g. --sizes 25000,50000,100000");
      }
      for (int n : sizes) {
        if (n < 50 || n > 999_999) {
          throw new IllegalArgumentException(
              "benchmark size "
                  + n
                  + " customers is out of"
                  + " range; expected 50..999999 (the sample generator's limits); pass e.g."
                  + " --customers 25000");
        }
      }
      if (sizes.stream().distinct().count() != sizes.size()) {
        throw new IllegalArgumentException(
            "benchmark sizes "
                + sizes
                + " repeat a size;"
                + " expected distinct sizes; pass each size once");
      }
      sizes = sizes.stream().sorted().toList();
      if (days < 7 || days > 366) {
        throw new IllegalArgumentException(
            "--days "
                + days
                + " is out of range; expected"
                + " 7..366 (the sample generator's limits); pass e.g. --days 60");
      }
      if (sampleResponses < 1) {
        throw new IllegalArgumentException(
            "--sample-responses "
                + sampleResponses
                + " is below 1; expected a positive count such as 2000");
      }
      if (workDir == null) {
        throw new IllegalArgumentException("no work folder; pass --work DIR (a local folder)");
      }
      workDir = workDir.toAbsolutePath().normalize();
    }
  }

  private final SparkSession spark;
  private final Function<Map<String, String>, PolkuConfig> configs;
  private final Options options;
  private final Consumer<String> progress;
  private final Map<String, Object> environment;

  /**
   * @param configs loads the benchmark's configuration (the --conf file with its --set overrides)
   *     with extra overrides on top; used to point the sources at each size's data and the lake at
   *     its bench lake
   * @param environment descriptive facts for the JSON (log file, conf, ...)
   */
  public Bench(
      SparkSession spark,
      Function<Map<String, String>, PolkuConfig> configs,
      Options options,
      Consumer<String> progress,
      Map<String, Object> environment) {
    this.spark = spark;
    this.configs = configs;
    this.options = options;
    this.progress = progress;
    this.environment = new LinkedHashMap<>(environment);
  }

  /** Runs every size; the caller writes and prints the result. */
  public BenchResult run() {
    Instant started = Instant.now();
    List<BenchResult.Size> sizes = new ArrayList<>();
    try (HeapSampler heap = new HeapSampler()) {
      environment.put("spark_master", spark.sparkContext().master());
      environment.put("default_parallelism", spark.sparkContext().defaultParallelism());
      environment.put("shuffle_partitions", spark.conf().get("spark.sql.shuffle.partitions"));
      environment.put("aqe", spark.conf().get("spark.sql.adaptive.enabled"));
      environment.put("cores", Runtime.getRuntime().availableProcessors());
      environment.put("max_heap_bytes", heap.maxBytes());
      environment.put("java", System.getProperty("java.version"));
      environment.put("spark_version", spark.version());
      environment.put("work_dir", options.workDir().toString());
      for (int customers : options.sizes()) {
        sizes.add(runSize(customers, heap));
      }
    }
    return new BenchResult(started, Instant.now(), environment, sizes);
  }

  /** Where the results of a run started at {@code started} go. */
  public Path resultsFile(Instant started) {
    return options
        .workDir()
        .resolve(
            "results-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(ZoneOffset.UTC)
                    .format(started)
                + ".json");
  }

  private BenchResult.Size runSize(int customers, HeapSampler heap) {
    String tag = customers + "-" + options.days() + "-" + options.seed();
    Path dataDir = options.workDir().resolve("data-" + tag);
    Path samples = dataDir.resolve("data-samples");
    Path lakeDir = options.workDir().resolve("lake-" + tag);
    progress.accept(
        String.format(
            Locale.ROOT,
            "== %,d customers x %d days (seed %d)",
            customers,
            options.days(),
            options.seed()));

    // Setup (untimed, reported): data, ingest, identity.
    SampleGenerator.Options gen =
        new SampleGenerator.Options(customers, options.days(), options.seed(), START, true);
    boolean reused = sameManifest(samples.resolve("MANIFEST.json"), gen);
    long t0 = System.nanoTime();
    if (!reused) {
      progress.accept("  generating raw samples into " + samples + " ...");
      try {
        new SampleGenerator(gen).generate(samples);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot write the benchmark samples to "
                + samples
                + "; expected a writable local folder with ~4 GB free per 100,000 customers x 60"
                + " days; pass --work DIR elsewhere",
            e);
      }
    }
    double generateSeconds = seconds(t0);
    progress.accept(
        String.format(
            Locale.ROOT,
            "  data %s in %.1f s: %s",
            reused ? "reused" : "generated",
            generateSeconds,
            samples));

    Map<String, String> over = new LinkedHashMap<>();
    over.put("polku.base-dir", dataDir.toString());
    over.put("polku.lake.root", lakeDir.toUri().toString());
    // The generator plants bad rows on purpose; at tiny sizes they exceed the default 5 %.
    over.put("polku.ingest.max-quarantine-share", "1.0");
    PolkuConfig config = configs.apply(over);
    checkSourcesUnder(config, dataDir);
    dropRegistrations(config.database());
    deleteRecursively(lakeDir);
    Lake lake = new Lake(spark, config.lakeRoot(), config.database());
    LocalDate from = START;
    LocalDate to = START.plusDays(options.days() - 1L);
    Instant now = Instant.now();
    // The future-timestamp check's reference: at least the day after the data ends.
    Instant reference = to.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
    RunContext ctx =
        new RunContext(
            spark,
            config,
            lake,
            "bench-" + RunContext.newRunId(now),
            from,
            to,
            now.isAfter(reference) ? now : reference,
            line -> progress.accept("  " + line));

    t0 = System.nanoTime();
    progress.accept("  ingest into " + lake.root() + " ...");
    new IngestStage(IngestStage.Options.all()).run(ctx);
    double ingestSeconds = seconds(t0);
    progress.accept(String.format(Locale.ROOT, "  ingest done in %.1f s", ingestSeconds));
    t0 = System.nanoTime();
    new IdentityStage().run(ctx);
    double identitySeconds = seconds(t0);
    progress.accept(String.format(Locale.ROOT, "  identity done in %.1f s", identitySeconds));
    BenchResult.Setup setup =
        new BenchResult.Setup(
            dataDir.toString(),
            lake.root(),
            reused,
            generateSeconds,
            ingestSeconds,
            identitySeconds);

    // The measured phases.
    BenchPhases.Inputs in = BenchPhases.Inputs.read(lake, config.journeys(), from, to);
    heap.reset();
    BenchPhases.ScanResult[] scan = new BenchPhases.ScanResult[1];
    double a =
        timed(
            "bench-a-bare-scan",
            "(a) bare scan of events and feedback",
            () -> scan[0] = BenchPhases.bareScan(in));
    progress.accept(
        String.format(
            Locale.ROOT,
            "  (a) bare scan: %.1f s (%,d events, %,d" + " responses)",
            a,
            scan[0].events(),
            scan[0].responses()));
    double b =
        timed("bench-b-polku", "(b) Polku journey engine to noop", () -> BenchPhases.polku(in));
    progress.accept(String.format(Locale.ROOT, "  (b) Polku: %.1f s", b));
    double bPrime =
        timed(
            "bench-b-prime-journey-stage",
            "(b') JourneyStage with Delta writes",
            () -> new JourneyStage().run(ctx));
    progress.accept(String.format(Locale.ROOT, "  (b') JourneyStage: %.1f s", bPrime));
    double c =
        timed("bench-c-range-join", "(c) range join to noop", () -> BenchPhases.rangeJoin(in));
    progress.accept(String.format(Locale.ROOT, "  (c) range join: %.1f s", c));
    long peak = heap.peakBytes();

    // Agreement of (b) and (c) on a sample of people (untimed).
    long every = Math.max(1, scan[0].responses() / options.sampleResponses());
    spark.sparkContext().setJobGroup("bench-agreement", "agreement of (b) and (c)", false);
    Agreement.Result agreement;
    try {
      BenchPhases.Sample sample = BenchPhases.Sample.of(in, every);
      agreement = Agreement.compare(sample.polkuContext(), sample.referenceContext());
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "  agreement: %s on %,d responses%s",
            agreement.passed() ? "OK" : "DIFFERENT",
            agreement.compared(),
            agreement.passed() ? "" : " " + agreement.mismatches()));
    return new BenchResult.Size(
        customers,
        options.days(),
        options.seed(),
        scan[0].events(),
        scan[0].responses(),
        setup,
        a,
        b,
        bPrime,
        c,
        peak,
        agreement.compared(),
        every,
        agreement);
  }

  private double timed(String group, String description, Runnable phase) {
    System.gc();
    spark.sparkContext().setJobGroup(group, description, false);
    LOG.info("bench phase {} started: {}", group, description);
    long t0 = System.nanoTime();
    try {
      phase.run();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    double s = seconds(t0);
    LOG.info("bench phase {} ended after {} s", group, String.format(Locale.ROOT, "%.1f", s));
    return s;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Whether a generator manifest exists with exactly these options. */
  static boolean sameManifest(Path manifest, SampleGenerator.Options o) {
    if (!Files.isRegularFile(manifest)) {
      return false;
    }
    try {
      JsonNode g = new ObjectMapper().readTree(manifest.toFile()).path("generator");
      return g.path("customers").asInt(-1) == o.customers()
          && g.path("days").asInt(-1) == o.days()
          && g.path("seed").asLong(Long.MIN_VALUE) == o.seed()
          && o.start().toString().equals(g.path("start").asText())
          && g.path("scenarios").asBoolean(!o.scenarios()) == o.scenarios();
    } catch (IOException e) {
      return false;
    }
  }

  /** Every source must read the bench data, not wherever the --conf file points. */
  static void checkSourcesUnder(PolkuConfig config, Path dataDir) {
    String prefix = "file://" + dataDir.toAbsolutePath().normalize() + "/";
    List<String> outside = new ArrayList<>();
    for (SourceConfig s : config.sources().values()) {
      for (String p : s.paths()) {
        if (!p.startsWith(prefix)) {
          outside.add(s.name() + " -> " + p);
        }
      }
    }
    if (config.sources().isEmpty() || !outside.isEmpty()) {
      throw new IllegalArgumentException(
          "the benchmark needs sources whose paths are relative"
              + " to polku.base-dir (as in conf/local.conf: data-samples/raw/...), so that they"
              + " read the generated data under "
              + dataDir
              + "; these do not: "
              + (outside.isEmpty() ? "(no sources configured)" : outside)
              + "; pass --conf with the sample sources, e.g. --conf conf/local.conf");
    }
  }

  /** Drops this process's catalog registrations of the lake tables (never their data). */
  private void dropRegistrations(String database) {
    for (TableSpec t : Tables.ALL) {
      spark.sql("DROP TABLE IF EXISTS " + database + "." + t.name());
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException(
          "Cannot delete the old bench lake "
              + dir
              + "; expected"
              + " a folder this process may delete; delete it by hand or pass another --work",
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
  }
}
