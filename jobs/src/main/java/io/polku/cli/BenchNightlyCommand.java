package io.polku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.polku.bench.HeapSampler;
import io.polku.config.PolkuConfig;
import io.polku.nightly.StandardStages;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.StageHook;
import io.polku.samples.SampleGenerator;
import io.polku.text.TextTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench nightly}: the whole nightly at scale, as a data team pays for it. Generates {@code
 * days + 1} days of samples, runs the nightly over the first {@code days} (the backfill a team
 * starts with) on a fresh lake, then one more night (the last day) on that lake, each in this
 * process through the same code path as {@code nightly}. Reports per stage the wall time and rows
 * in and out of both runs, the peak heap, the files each run wrote, and the night's share of the
 * full run against its share of the rows.
 */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark the whole nightly: generate --days + 1 days of samples for --customers"
          + " customers (reused when present), run the nightly over the first --days days on a"
          + " fresh bench lake, then one more night (the last day) on that lake. Prints per"
          + " stage the seconds and rows of both runs, the peak heap and the files written,"
          + " and writes them as JSON.",
      "Targets (reported, never failing the command): the night costs <= 25%% of the full run"
          + " (<= 15%% at 100k customers)."
    })
public final class BenchNightlyCommand implements Callable<Integer> {
  private static final LocalDate START = LocalDate.of(2026, 9, 1);

  @Mixin Environment env;

  @Option(
      names = "--customers",
      required = true,
      paramLabel = "N",
      description = "Customers in the generated samples, e.g. 10000.")
  int customers;

  @Option(
      names = "--days",
      defaultValue = "60",
      paramLabel = "D",
      description =
          "Days of the full run; one more day is generated for the night."
              + " Default: ${DEFAULT-VALUE}.")
  int days;

  @Mixin BenchWork work;

  /** One run's measurements. */
  record Run(
      String name,
      LocalDate from,
      LocalDate to,
      int exitCode,
      double seconds,
      long peakHeapBytes,
      Map<String, Long> dataFilesWritten,
      long logFilesWritten,
      List<NightlyPipeline.StageReport> stages) {
    long dataFiles() {
      return dataFilesWritten.values().stream().mapToLong(Long::longValue).sum();
    }

    Long rowsOut(String stage) {
      return stages.stream()
          .filter(s -> s.stage().equals(stage) && s.result() != null)
          .map(s -> s.result().rowsOut())
          .findFirst()
          .orElse(null);
    }
  }

  @Override
  public Integer call() throws IOException {
    if (customers < 1 || days < 1) {
      throw new IllegalArgumentException(
          "--customers "
              + customers
              + " --days "
              + days
              + ": expected at least 1 of each; e.g. --customers 10000 --days 60");
    }
    PolkuConfig base = env.config();
    Path workDir = work.dir(base.lakeRoot());
    Path data =
        workDir.resolve(
            String.format(
                Locale.ROOT, "nightly-data-%dx%d-seed%d", customers, days + 1, work.seed));
    if (!Files.exists(data.resolve("data-samples/MANIFEST.json"))) {
      System.out.println(
          "Generating " + customers + " customers x " + (days + 1) + " days in " + data + " ...");
      new SampleGenerator(new SampleGenerator.Options(customers, days + 1, work.seed, START, true))
          .generate(data.resolve("data-samples"));
    } else {
      System.out.println("Reusing the samples in " + data);
    }
    String stamp =
        Instant.now().toString().replace(":", "").replace("-", "").replaceAll("\\..*", "");
    Path lake =
        workDir.resolve(
            String.format(Locale.ROOT, "nightly-lake-%dx%d-%s", customers, days, stamp));
    LocalDate lastFull = START.plusDays(days - 1L);
    LocalDate night = lastFull.plusDays(1);
    Run full = run("full", data, lake, START, lastFull);
    Run next = full.exitCode() == ExitCodes.OK ? run("night", data, lake, night, night) : null;

    List<String> lines = lines(full, next);
    System.out.println();
    lines.forEach(System.out::println);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", "bench nightly");
    doc.put("customers", customers);
    doc.put("days", days);
    doc.put("seed", work.seed);
    doc.put("conf", env.conf);
    doc.put("overrides", env.overrides);
    doc.put("lake", lake.toString());
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    doc.put("load_average", loadAverage());
    doc.put("runs", next == null ? List.of(json(full)) : List.of(json(full), json(next)));
    if (next != null) {
      doc.put("night_share_of_full_seconds", next.seconds() / full.seconds());
      doc.put("night_share_of_full_rows", share(next, full));
    }
    doc.put("table", lines);
    Path file =
        workDir.resolve(
            String.format(Locale.ROOT, "bench-nightly-%dx%d-%s.json", customers, days, stamp));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    System.out.println("Results: " + file);
    return next == null ? full.exitCode() : next.exitCode();
  }

  private Run run(String name, Path data, Path lake, LocalDate from, LocalDate to) {
    Environment e = new Environment();
    e.conf = env.conf;
    // The generator plants a fixed number of bad rows per source: at small sizes they exceed
    // the default quarantine share. The bench measures speed, so it lets them through (a
    // --set wins over this).
    List<String> over = new ArrayList<>(List.of("polku.ingest.max-quarantine-share=1.0"));
    over.addAll(env.overrides);
    over.add("polku.base-dir=" + data);
    over.add("polku.lake.root=" + lake.toUri());
    over.add("polku.logs.dir=" + lake.resolve("logs"));
    e.overrides = over;
    DateRange dates = new DateRange();
    dates.from = from;
    dates.to = to;
    List<NightlyPipeline.StageReport> stages = new ArrayList<>();
    NightlyPipeline pipeline =
        StandardStages.pipeline()
            .withHook(
                new StageHook() {
                  @Override
                  public void afterStage(NightlyPipeline.StageReport report) {
                    stages.add(report);
                  }
                });
    Map<String, Long> dataBefore = dataFiles(lake);
    long logBefore = logFiles(lake);
    System.out.println("Bench run '" + name + "': nightly " + from + " .. " + to + " on " + lake);
    long t0 = System.nanoTime();
    int code;
    long peak;
    try (HeapSampler heap = new HeapSampler()) {
      try {
        code = NightlyCommand.run(e, dates, pipeline, "nightly");
      } catch (RuntimeException failure) {
        System.out.println("Bench run '" + name + "' failed: " + failure.getMessage());
        code = Polku.exitCode(failure);
      }
      peak = heap.peakBytes();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Long> dataAfter = dataFiles(lake);
    Map<String, Long> written = new TreeMap<>();
    dataAfter.forEach(
        (t, n) -> {
          long d = n - dataBefore.getOrDefault(t, 0L);
          if (d != 0) {
            written.put(t, d);
          }
        });
    return new Run(
        name, from, to, code, seconds, peak, written, logFiles(lake) - logBefore, stages);
  }

  /** Data files (not the Delta log) per table folder {@code zone/table}. */
  static Map<String, Long> dataFiles(Path lake) {
    Map<String, Long> out = new TreeMap<>();
    if (!Files.isDirectory(lake)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(lake)) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .map(lake::relativize)
          .filter(p -> p.getNameCount() >= 3 && !p.toString().contains("_delta_log"))
          .forEach(p -> out.merge(p.getName(0) + "/" + p.getName(1), 1L, Long::sum));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out;
  }

  /** Files in the tables' Delta logs (commits, checksums, checkpoints). */
  static long logFiles(Path lake) {
    if (!Files.isDirectory(lake)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(lake)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.getParent().getFileName().toString().equals("_delta_log"))
          .count();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The night's ingested rows as a share of the full run's: what its cost should follow. */
  private static Double share(Run night, Run full) {
    Long n = night.rowsOut("ingest");
    Long f = full.rowsOut("ingest");
    return n == null || f == null || f == 0 ? null : (double) n / f;
  }

  private List<String> lines(Run full, Run night) {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "bench nightly: %,d customers, %d days then 1 more night;"
                + " %d cores, load average %s",
            customers,
            days,
            Runtime.getRuntime().availableProcessors(),
            loadAverage()));
    List<String> header =
        List.of(
            "stage",
            "full s",
            "full rows in",
            "full rows out",
            "night s",
            "night rows in",
            "night rows out",
            "night/full");
    List<List<String>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    full.stages().forEach(s -> names.add(s.stage()));
    if (night != null) {
      night.stages().stream()
          .map(NightlyPipeline.StageReport::stage)
          .filter(s -> !names.contains(s))
          .forEach(names::add);
    }
    for (String stage : names) {
      NightlyPipeline.StageReport f = find(full, stage);
      NightlyPipeline.StageReport n = night == null ? null : find(night, stage);
      double fs = seconds(f);
      double ns = seconds(n);
      rows.add(
          List.of(
              stage,
              fmt(fs),
              rows(f, true),
              rows(f, false),
              n == null ? "" : fmt(ns),
              rows(n, true),
              rows(n, false),
              n == null || fs == 0 ? "" : pct(ns / fs)));
    }
    rows.add(
        List.of(
            "whole run",
            fmt(full.seconds()),
            "",
            "",
            night == null ? "" : fmt(night.seconds()),
            "",
            "",
            night == null ? "" : pct(night.seconds() / full.seconds())));
    out.addAll(List.of(TextTable.render(header, rows).split("\n")));
    out.add(
        String.format(
            Locale.ROOT,
            "peak heap: full %s, night %s (of -Xmx %s)",
            mib(full.peakHeapBytes()),
            night == null ? "-" : mib(night.peakHeapBytes()),
            mib(Runtime.getRuntime().maxMemory())));
    out.add(
        String.format(
            Locale.ROOT,
            "files written: full %,d data files + %,d log files," + " night %s",
            full.dataFiles(),
            full.logFilesWritten(),
            night == null
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%,d data files + %,d log files",
                    night.dataFiles(),
                    night.logFilesWritten())));
    if (night != null) {
      Double rowShare = share(night, full);
      out.add(
          String.format(
              Locale.ROOT,
              "the night: %s of the full run's time for %s of its"
                  + " ingested rows; target <= 25%% (<= 15%% at 100k customers)",
              pct(night.seconds() / full.seconds()),
              rowShare == null ? "?" : pct(rowShare)));
    }
    if (full.exitCode() != ExitCodes.OK || (night != null && night.exitCode() != ExitCodes.OK)) {
      out.add(
          "a run failed: full exit "
              + full.exitCode()
              + (night == null ? "" : ", night exit " + night.exitCode())
              + "; see its log above");
    }
    return out;
  }

  private static NightlyPipeline.StageReport find(Run run, String stage) {
    return run.stages().stream().filter(s -> s.stage().equals(stage)).findFirst().orElse(null);
  }

  private static double seconds(NightlyPipeline.StageReport r) {
    return r == null ? 0 : (r.ended().toEpochMilli() - r.started().toEpochMilli()) / 1000.0;
  }

  private static String rows(NightlyPipeline.StageReport r, boolean in) {
    if (r == null || r.result() == null) {
      return "";
    }
    return String.format(Locale.ROOT, "%,d", in ? r.result().rowsIn() : r.result().rowsOut());
  }

  private static Map<String, Object> json(Run r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("date_from", r.from().toString());
    m.put("date_to", r.to().toString());
    m.put("exit_code", r.exitCode());
    m.put("seconds", r.seconds());
    m.put("peak_heap_bytes", r.peakHeapBytes());
    m.put("data_files_written", r.dataFilesWritten());
    m.put("log_files_written", r.logFilesWritten());
    List<Map<String, Object>> stages = new ArrayList<>();
    for (NightlyPipeline.StageReport s : r.stages()) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("stage", s.stage());
      st.put("status", s.status());
      st.put("seconds", seconds(s));
      if (s.result() != null) {
        st.put("rows_in", s.result().rowsIn());
        st.put("rows_out", s.result().rowsOut());
        st.put("rows_quarantined", s.result().rowsQuarantined());
      }
      stages.add(st);
    }
    m.put("stages", stages);
    return m;
  }

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"))
          .trim()
          .replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT,
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
