package io.polku.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run: per size the setup and phase times, the ratios, the peak heap
 * and the agreement check; across sizes the scaling of Polku's time; the targets with PASS/MISS.
 * Printed as a table and written as JSON.
 */
public record BenchResult(
    Instant started, Instant finished, Map<String, Object> environment, List<Size> sizes) {

  /** (b) may cost at most this many bare scans (a) at the largest size. */
  public static final double MAX_POLKU_OVER_SCAN = 5.0;

  /** Twice the data may cost at most this many times the time of (b). */
  public static final double MAX_TIME_FOR_DOUBLE_DATA = 2.2;

  /** The range join (c) should cost at least this many times (b) at the largest size. */
  public static final double MIN_RANGE_JOIN_OVER_POLKU = 3.0;

  /** Untimed setup of one size. */
  public record Setup(
      String dataDir,
      String lakeRoot,
      boolean dataReused,
      double generateSeconds,
      double ingestSeconds,
      double identitySeconds) {}

  /** One size's figures. Times in seconds. */
  public record Size(
      int customers,
      int days,
      long seed,
      long events,
      long responses,
      Setup setup,
      double scanSeconds,
      double polkuSeconds,
      double stageSeconds,
      double rangeJoinSeconds,
      long peakHeapBytes,
      long sampledResponses,
      long sampleEvery,
      Agreement.Result agreement) {
    public double eventsPerSecond() {
      return events / polkuSeconds;
    }

    public double polkuOverScan() {
      return polkuSeconds / scanSeconds;
    }

    public double rangeJoinOverPolku() {
      return rangeJoinSeconds / polkuSeconds;
    }
  }

  /** Polku's time from one size to the next. */
  public record Scaling(int fromCustomers, int toCustomers, double dataRatio, double timeRatio) {
    /** The time ratio allowed for this data ratio: 2.2 for 2x, proportionally otherwise. */
    public double limit() {
      return dataRatio * MAX_TIME_FOR_DOUBLE_DATA / 2.0;
    }

    public boolean pass() {
      return timeRatio <= limit();
    }
  }

  /** A target, its measured value and whether it was met. */
  public record Target(String name, double value, String limit, boolean pass) {}

  public List<Scaling> scaling() {
    List<Scaling> out = new ArrayList<>();
    for (int i = 1; i < sizes.size(); i++) {
      Size a = sizes.get(i - 1);
      Size b = sizes.get(i);
      out.add(
          new Scaling(
              a.customers(),
              b.customers(),
              (double) b.events() / a.events(),
              b.polkuSeconds() / a.polkuSeconds()));
    }
    return out;
  }

  public List<Target> targets() {
    List<Target> out = new ArrayList<>();
    if (sizes.isEmpty()) {
      return out;
    }
    Size largest = sizes.get(sizes.size() - 1);
    out.add(
        new Target(
            "(b)/(a) at " + largest.customers() + " customers",
            largest.polkuOverScan(),
            "<= " + MAX_POLKU_OVER_SCAN,
            largest.polkuOverScan() <= MAX_POLKU_OVER_SCAN));
    for (Scaling s : scaling()) {
      out.add(
          new Target(
              String.format(
                  Locale.ROOT,
                  "(b) time %d -> %d customers (data x%.2f)",
                  s.fromCustomers(),
                  s.toCustomers(),
                  s.dataRatio()),
              s.timeRatio(),
              String.format(Locale.ROOT, "<= %.2f", s.limit()),
              s.pass()));
    }
    out.add(
        new Target(
            "(c)/(b) at " + largest.customers() + " customers",
            largest.rangeJoinOverPolku(),
            ">= " + MIN_RANGE_JOIN_OVER_POLKU,
            largest.rangeJoinOverPolku() >= MIN_RANGE_JOIN_OVER_POLKU));
    return out;
  }

  public boolean agreed() {
    return sizes.stream().allMatch(s -> s.agreement().passed());
  }

  /** The printed report: the table, scaling, targets and the agreement check. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "%9s %11s %9s %8s %8s %8s %8s %10s %7s %7s %9s",
            "customers",
            "events",
            "responses",
            "(a) s",
            "(b) s",
            "(b') s",
            "(c) s",
            "events/s(b)",
            "(b)/(a)",
            "(c)/(b)",
            "peak heap"));
    for (Size s : sizes) {
      out.add(
          String.format(
              Locale.ROOT,
              "%9d %11d %9d %8.1f %8.1f %8.1f %8.1f %10.0f %7.2f %7.2f %6.0f MB",
              s.customers(),
              s.events(),
              s.responses(),
              s.scanSeconds(),
              s.polkuSeconds(),
              s.stageSeconds(),
              s.rangeJoinSeconds(),
              s.eventsPerSecond(),
              s.polkuOverScan(),
              s.rangeJoinOverPolku(),
              s.peakHeapBytes() / 1048576.0));
    }
    out.add("Setup (untimed):");
    for (Size s : sizes) {
      out.add(
          String.format(
              Locale.ROOT,
              "  %d customers: data %s %.1f s, ingest %.1f s, identity %.1f s",
              s.customers(),
              s.setup().dataReused() ? "reused" : "generated",
              s.setup().generateSeconds(),
              s.setup().ingestSeconds(),
              s.setup().identitySeconds()));
    }
    out.add("Targets:");
    for (Target t : targets()) {
      out.add(
          String.format(
              Locale.ROOT,
              "  %-4s %s = %.2f (target %s)",
              t.pass() ? "PASS" : "MISS",
              t.name(),
              t.value(),
              t.limit()));
    }
    out.add("Agreement of (b) and (c):");
    for (Size s : sizes) {
      Agreement.Result a = s.agreement();
      out.add(
          String.format(
              Locale.ROOT,
              "  %-5s %d customers: %d responses compared (people sampled 1 in %d)%s",
              a.passed() ? "OK" : "DIFF",
              s.customers(),
              a.compared(),
              s.sampleEvery(),
              a.passed()
                  ? ""
                  : ", only in (b) "
                      + a.onlyPolku()
                      + ", only in (c) "
                      + a.onlyReference()
                      + ", mismatches per column "
                      + a.mismatches()));
      for (String e : a.examples()) {
        out.add("      " + e);
      }
    }
    return out;
  }

  /** Everything as a JSON-ready map. */
  public Map<String, Object> toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", started.toString());
    root.put("finished", finished.toString());
    root.put("environment", environment);
    List<Object> list = new ArrayList<>();
    for (Size s : sizes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("customers", s.customers());
      m.put("days", s.days());
      m.put("seed", s.seed());
      m.put("events", s.events());
      m.put("responses", s.responses());
      Map<String, Object> setup = new LinkedHashMap<>();
      setup.put("data_dir", s.setup().dataDir());
      setup.put("lake_root", s.setup().lakeRoot());
      setup.put("data_reused", s.setup().dataReused());
      setup.put("generate_s", s.setup().generateSeconds());
      setup.put("ingest_s", s.setup().ingestSeconds());
      setup.put("identity_s", s.setup().identitySeconds());
      m.put("setup", setup);
      m.put("a_bare_scan_s", s.scanSeconds());
      m.put("b_polku_s", s.polkuSeconds());
      m.put("b_prime_journey_stage_s", s.stageSeconds());
      m.put("c_range_join_s", s.rangeJoinSeconds());
      m.put("b_events_per_s", s.eventsPerSecond());
      m.put("b_over_a", s.polkuOverScan());
      m.put("c_over_b", s.rangeJoinOverPolku());
      m.put("peak_heap_bytes", s.peakHeapBytes());
      Map<String, Object> ag = new LinkedHashMap<>();
      ag.put("passed", s.agreement().passed());
      ag.put("sample_every", s.sampleEvery());
      ag.put("compared", s.agreement().compared());
      ag.put("only_polku", s.agreement().onlyPolku());
      ag.put("only_reference", s.agreement().onlyReference());
      ag.put("mismatches", s.agreement().mismatches());
      ag.put("examples", s.agreement().examples());
      m.put("agreement", ag);
      list.add(m);
    }
    root.put("sizes", list);
    List<Object> scaling = new ArrayList<>();
    for (Scaling s : scaling()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from_customers", s.fromCustomers());
      m.put("to_customers", s.toCustomers());
      m.put("data_ratio", s.dataRatio());
      m.put("b_time_ratio", s.timeRatio());
      m.put("limit", s.limit());
      m.put("pass", s.pass());
      scaling.add(m);
    }
    root.put("scaling", scaling);
    List<Object> targets = new ArrayList<>();
    for (Target t : targets()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      m.put("value", t.value());
      m.put("target", t.limit());
      m.put("pass", t.pass());
      targets.add(m);
    }
    root.put("targets", targets);
    root.put("agreement_passed", agreed());
    return root;
  }

  /** Writes the JSON to {@code file} (a local path), creating its folder. */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      String text =
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(toJson());
      Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the benchmark results to "
              + file
              + "; expected a writable local folder; pass --work DIR with a writable folder",
          e);
    }
  }
}
