package io.polku.rootcause;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.polku.analysis.AnalysisInputs;
import io.polku.analysis.Conditions;
import io.polku.analysis.CriticalFeedback;
import io.polku.analysis.JourneySignal;
import io.polku.analysis.Signals;
import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import io.polku.rootcause.SegmentSearch.ScopeSize;
import io.polku.rootcause.SegmentStatistics.Candidate;
import io.polku.rootcause.SegmentStatistics.Cell;
import io.polku.rootcause.SegmentStatistics.Segment;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Root-cause journey segments: which journeys before a response make critical feedback more likely,
 * ranked by how much critical feedback they explain. Writes {@code root_cause_segments}, {@code
 * root_cause_pruned}, {@code root_cause_examples}, {@code root_cause_drivers} and {@code
 * root_cause_hypotheses} for run_date = the run's last date, over the responses of the analysis
 * window ({@code polku.rootcause.window-days} days ending on run_date).
 *
 * <p>Steps: (1) critical flag per metric ({@link CriticalFeedback}); (2) conditions per response
 * ({@link Conditions}, customer attributes through identity_map, the registered {@link
 * JourneySignal}s); (3) candidates per scope (rated channel and metric, and all channels) by
 * FP-Growth over the critical responses' condition sets ({@link SegmentSearch}); (4) every
 * candidate counted on all responses of its scope (one broadcast join, one aggregation); (5)
 * statistics, Benjamini-Hochberg over every candidate tested in the run, the scope gate (Simes per
 * scope, BH over the scopes), pruning against simpler segments and ranking on the driver ({@link
 * SegmentStatistics}); (6) labels, examples and distinguishing comment words for the kept segments;
 * (7) a key-driver logistic regression per scope ({@link KeyDrivers}), at most every {@code
 * drivers.refit-every-days} days (a night between writes no driver rows and keeps the last fit);
 * (8) the configured hypotheses, counted and tested in their scopes whatever the minimum support
 * ({@link Hypotheses}).
 *
 * <p>Cost: the analysed responses (with their conditions) are materialised once with {@code
 * localCheckpoint}; FP-Growth runs one fit per scope; the evaluation is one broadcast join and one
 * shuffle; the words two aggregations; the drivers one model per scope. Collected to the driver:
 * the per-candidate counts (bounded by candidates x strata), the top words and the model
 * coefficients (bounded by segments and the condition vocabulary) — never responses.
 *
 * <p>Dangers: a low {@code min-support} or many correlated conditions multiply the candidates (and
 * the multiple-testing family, which costs power); the statistics describe association in
 * observational data — a segment points where to look, it does not prove the cause.
 */
public final class RootCauseStage extends BaseStage {
  public static final String NAME = "rootcause";

  public RootCauseStage() {
    super(
        NAME,
        "root-cause journey segments",
        Tables.ROOT_CAUSE_SEGMENTS,
        Tables.ROOT_CAUSE_PRUNED,
        Tables.ROOT_CAUSE_EXAMPLES,
        Tables.ROOT_CAUSE_DRIVERS,
        Tables.ROOT_CAUSE_HYPOTHESES);
  }

  /** Overlaps are computed for this many times top-n kept segments per scope. */
  static final int SHORTLIST_FACTOR = 3;

  /** Statuses written besides kept: passed q but not ranked, with the reason. */
  static final java.util.Set<String> REPORTED =
      java.util.Set.of(
          "explained_by_parent",
          "overlaps_higher_ranked",
          "beyond_top_n",
          "scope_not_significant",
          "covers_nearly_all",
          "single_channel",
          "inconsistent_across_channels",
          "explained_by_parts");

  /** Everything the stage computed, for tests and the evaluation command. */
  public record Output(List<Segment> segments, long responses, long candidates) {}

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    LocalDate runDate = ctx.dateTo();
    AnalysisInputs inputs = AnalysisInputs.load(ctx.config(), lake, runDate);
    PolkuConfig.RootCauseOptions o = inputs.options();
    LocalDate from = inputs.from();
    SparkSession spark = ctx.spark();
    List<String> warnings = new ArrayList<>();
    Conditions.Extra extra = Conditions.resolve(inputs.context(), o);
    if (extra.any()) {
      ctx.progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "  step vocabulary: %d tokens over %d" + " scopes; %d property conditions",
                  extra.vocabulary().values().stream().mapToInt(List::size).sum(),
                  extra.vocabulary().size(),
                  extra.properties().size()));
    }
    Dataset<Row> scoped = SegmentSearch.scoped(inputs.prepared(extra)).localCheckpoint(true);
    LocalDate lastFit = lastDriverFit(lake, runDate, o.driverRefitEveryDays());
    Result result =
        compute(
            spark,
            scoped,
            o,
            inputs.signals(),
            runDate,
            ctx.runId(),
            warnings,
            ctx.progress(),
            lastFit == null);
    if (lastFit != null) {
      ctx.progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "  key drivers: the fit of %s kept,"
                      + " next fit on %s (polku.rootcause.drivers.refit-every-days = %d)",
                  lastFit,
                  lastFit.plusDays(o.driverRefitEveryDays()),
                  o.driverRefitEveryDays()));
    }
    String where = "run_date = DATE'" + runDate + "'";
    lake.replaceWhere(Tables.ROOT_CAUSE_SEGMENTS, result.segments(), where);
    lake.replaceWhere(Tables.ROOT_CAUSE_PRUNED, result.pruned(), where);
    lake.replaceWhere(Tables.ROOT_CAUSE_EXAMPLES, result.examples(), where);
    lake.replaceWhere(Tables.ROOT_CAUSE_DRIVERS, result.drivers(), where);
    lake.replaceWhere(Tables.ROOT_CAUSE_HYPOTHESES, result.hypotheses(), where);
    Output out = result.output();
    long kept = out.segments().stream().filter(Segment::kept).count();
    PrunedRows.Selection pruned = PrunedRows.select(out.segments(), o.maxPrunedPerParent());
    return new Outcome(
        List.of(
            new StageResult.ObjectCounts(
                "root_cause_segments",
                out.responses(),
                kept,
                0,
                String.format(
                    Locale.ROOT,
                    "%d responses %s..%s, %d segments tested, %d passed" + " q < %s, %d kept",
                    out.responses(),
                    from,
                    runDate,
                    out.candidates(),
                    out.segments().stream()
                        .filter(s -> s.kept() || REPORTED.contains(s.status()))
                        .count(),
                    o.maxQ(),
                    kept),
                true),
            // rows_in: pruned segments that passed q; rows_out: the ones written.
            new StageResult.ObjectCounts(
                "root_cause_pruned",
                pruned.total(),
                pruned.rows().size(),
                0,
                pruned.summary(o.maxPrunedPerParent()),
                false)),
        warnings);
  }

  /**
   * The stage's result for one run date, not written: the rows of root_cause_segments,
   * root_cause_pruned, root_cause_examples, root_cause_drivers and root_cause_hypotheses (each with
   * its table's schema), and every segment tested.
   */
  public record Result(
      Output output,
      Dataset<Row> segments,
      Dataset<Row> pruned,
      Dataset<Row> examples,
      Dataset<Row> drivers,
      Dataset<Row> hypotheses) {}

  /**
   * The whole analysis as a library call, nothing written: from feedback_context rows (and the
   * customer attributes, or null) to the stage's five tables. What a notebook or another Spark
   * application calls to try a new {@link JourneySignal} or other options against the lake's data;
   * the nightly runs exactly this and writes the result.
   *
   * @param context feedback_context rows of the analysis window
   * @param attributes {@link Conditions#customerAttributes} or null
   * @param signals the journey signals (e.g. {@code Signals.load(options)} plus yours)
   * @param runDate the last date of the window, written as run_date
   */
  public static Result analyse(
      SparkSession spark,
      Dataset<Row> context,
      Dataset<Row> attributes,
      PolkuConfig.RootCauseOptions options,
      List<JourneySignal> signals,
      double repeatWindowHours,
      LocalDate runDate,
      String runId) {
    return analyse(
        spark,
        new AnalysisInputs(
            context,
            attributes,
            options,
            signals,
            repeatWindowHours,
            runDate.minusDays(options.windowDays() - 1L),
            runDate),
        runId);
  }

  /**
   * {@link #analyse(SparkSession, Dataset, Dataset, PolkuConfig.RootCauseOptions, List, double,
   * LocalDate, String)} of inputs built by {@link AnalysisInputs#load}, e.g. with a signal of your
   * own: {@code analyse(spark, AnalysisInputs.load(config, lake, date).withSignal(mine),
   * "my-run")}.
   */
  public static Result analyse(SparkSession spark, AnalysisInputs inputs, String runId) {
    Dataset<Row> scoped = SegmentSearch.scoped(inputs.prepared()).localCheckpoint(true);
    return compute(
        spark,
        scoped,
        inputs.options(),
        inputs.signals(),
        inputs.runDate(),
        runId,
        new ArrayList<>(),
        m -> {},
        true);
  }

  /**
   * The latest run_date of root_cause_drivers among the {@code everyDays - 1} days before {@code
   * runDate}, or null (fit tonight). Collected: one value.
   */
  static LocalDate lastDriverFit(Lake lake, LocalDate runDate, int everyDays) {
    if (everyDays <= 1 || !lake.exists(Tables.ROOT_CAUSE_DRIVERS)) {
      return null;
    }
    Row r =
        lake.read(Tables.ROOT_CAUSE_DRIVERS)
            .filter(
                col("run_date")
                    .geq(lit(Date.valueOf(runDate.minusDays(everyDays - 1L))))
                    .and(col("run_date").lt(lit(Date.valueOf(runDate)))))
            .agg(org.apache.spark.sql.functions.max("run_date"))
            .first();
    return r.isNullAt(0) ? null : r.getDate(0).toLocalDate();
  }

  /** Search and statistics, given the scoped responses (materialised); nothing is written. */
  static Result compute(
      SparkSession spark,
      Dataset<Row> scoped,
      PolkuConfig.RootCauseOptions o,
      List<JourneySignal> signals,
      LocalDate runDate,
      String runId,
      List<String> warnings,
      java.util.function.Consumer<String> progress,
      boolean fitDrivers) {
    LocalDate from = runDate.minusDays(o.windowDays() - 1L);
    long t0 = System.nanoTime();
    List<ScopeSize> sizes = SegmentSearch.scopeSizes(scoped);
    Date run = Date.valueOf(runDate);
    Date fromDate = Date.valueOf(from);
    Dataset<Row> hypotheses =
        Hypotheses.table(spark, scoped, sizes, o.hypotheses(), run, fromDate, runId, warnings);
    if (!o.hypotheses().isEmpty()) {
      progress.accept(
          String.format(
              Locale.ROOT, "  %d hypotheses tested (%.1f s)", o.hypotheses().size(), seconds(t0)));
    }
    long analysed = 0;
    List<Dataset<Row>> perScope = new ArrayList<>();
    long ratedChannels =
        sizes.stream().filter(ScopeSize::isChannelScope).map(ScopeSize::channel).distinct().count();
    for (ScopeSize s : sizes) {
      String ch = s.channel();
      String metric = s.metric();
      long critical = s.critical();
      if (s.isChannelScope()) {
        analysed += s.responses();
      }
      if ("*".equals(ch) && ratedChannels < SegmentStatistics.MIN_CROSS_CHANNELS) {
        progress.accept(
            "  cross-channel scope not searched: "
                + ratedChannels
                + " rated"
                + " channel(s); it would only repeat the channel's own segments");
        continue;
      }
      if (critical < o.minSupport()) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "%s/%s has %d critical responses, fewer than"
                    + " polku.rootcause.min-support = %d: not searched",
                ch,
                metric,
                critical,
                o.minSupport()));
        continue;
      }
      double support =
          SegmentSearch.minSupportFraction(critical, o.minSupportShare(), o.minSupport());
      perScope.add(
          SegmentSearch.frequentConditionSets(scoped, ch, metric, support, o.maxConditions()));
    }
    Map<String, JourneySignal> signalsByName = Signals.byFamily(signals);
    if (perScope.isEmpty()) {
      return new Result(
          new Output(List.of(), analysed, 0),
          empty(spark, Tables.ROOT_CAUSE_SEGMENTS),
          empty(spark, Tables.ROOT_CAUSE_PRUNED),
          empty(spark, Tables.ROOT_CAUSE_EXAMPLES),
          empty(spark, Tables.ROOT_CAUSE_DRIVERS),
          hypotheses);
    }
    Dataset<Row> candidates = SegmentSearch.union(perScope).localCheckpoint(true);
    progress.accept(
        String.format(
            Locale.ROOT, "  FP-Growth over %d scopes (%.1f s)", perScope.size(), seconds(t0)));
    List<Cell> totals = SegmentSearch.totalCells(scoped.filter(col("scope_channel").notEqual("*")));
    Map<String, List<Cell>> cellsByCandidate = new LinkedHashMap<>();
    Map<String, List<String>> itemsByCandidate = new HashMap<>();
    for (SegmentSearch.CandidateCell c : SegmentSearch.evaluateCells(scoped, candidates)) {
      String id = SegmentStatistics.segmentId(c.scopeChannel(), c.scopeMetric(), c.items());
      cellsByCandidate.computeIfAbsent(id, k -> new ArrayList<>()).add(c.cell());
      itemsByCandidate.put(id, c.items());
    }
    List<Candidate> list = new ArrayList<>();
    for (var e : cellsByCandidate.entrySet()) {
      String[] scope = e.getKey().split("/", 3);
      list.add(new Candidate(scope[0], scope[1], itemsByCandidate.get(e.getKey()), e.getValue()));
    }
    SegmentStatistics.Settings settings =
        new SegmentStatistics.Settings(o.maxQ(), o.minSupport(), o.topN(), o.maxCoverage());
    List<Segment> tested = SegmentStatistics.test(list, totals, settings);
    progress.accept(
        String.format(
            Locale.ROOT, "  %,d candidates counted and tested (%.1f s)", list.size(), seconds(t0)));

    // Members of the shortlisted segments: overlaps, then examples and words of the kept.
    List<Segment> shortlist = SegmentStatistics.shortlist(tested, SHORTLIST_FACTOR * o.topN());
    Dataset<Row> members =
        SegmentSearch.members(scoped, segmentTable(spark, shortlist)).localCheckpoint(true);
    Map<String, List<Cell>> pairs = new HashMap<>();
    for (SegmentSearch.OverlapCell o2 : SegmentSearch.overlapCells(members)) {
      pairs.computeIfAbsent(o2.a() + "\n" + o2.b(), k -> new ArrayList<>()).add(o2.cell());
    }
    java.util.Set<String> shortIds = new java.util.HashSet<>();
    shortlist.forEach(s -> shortIds.add(s.segmentId()));
    List<Segment> segments =
        SegmentStatistics.rank(
            tested, list, totals, settings, SegmentStatistics.Overlaps.of(shortIds, pairs));
    List<Segment> kept = segments.stream().filter(Segment::kept).toList();
    PrunedRows.Selection pruned = PrunedRows.select(segments, o.maxPrunedPerParent());
    progress.accept("  " + pruned.summary(o.maxPrunedPerParent()));
    List<Segment> reported = new ArrayList<>(kept);
    reported.addAll(pruned.rows());
    Dataset<Row> keptMembers =
        members.join(segmentTable(spark, kept).select("segment_id"), "segment_id");
    Map<String, List<String>> words = new HashMap<>();
    for (Row r :
        CommentWords.distinguishing(
                keptMembers, scoped, o.words(), o.wordPrior(), o.defaultLanguage())
            .collectAsList()) {
      words.put(r.getString(0), r.getList(1));
    }
    progress.accept(
        String.format(
            Locale.ROOT,
            "  overlaps of %d shortlisted segments, words" + " (%.1f s)",
            shortlist.size(),
            seconds(t0)));
    List<Row> segmentRows = new ArrayList<>();
    List<Row> prunedRows = new ArrayList<>();
    for (Segment s : reported) {
      String label =
          Labels.label(
              s.channel(),
              s.metric(),
              s.conditions(),
              s.rate(),
              s.rateOutside(),
              s.responses(),
              s.shareExplained(),
              signalsByName);
      List<String> w = words.get(s.segmentId());
      (s.kept() ? segmentRows : prunedRows)
          .add(
              RowFactory.create(
                  run,
                  s.segmentId(),
                  s.channel(),
                  s.metric(),
                  s.conditions().toArray(new String[0]),
                  s.conditions().size(),
                  label,
                  s.status(),
                  s.rank(),
                  s.overallRank(),
                  s.responses(),
                  s.critical(),
                  s.rate(),
                  s.rateLower(),
                  s.rateUpper(),
                  s.rateOutside(),
                  s.lift(),
                  s.riskDifference(),
                  s.pValue(),
                  s.test(),
                  s.qValue(),
                  (long) segments.size(),
                  s.excess(),
                  s.shareExplained(),
                  s.scopeCritical(),
                  s.scoreMean(),
                  s.scoreMeanOutside(),
                  s.nps(),
                  s.npsLower(),
                  s.npsUpper(),
                  s.parentId(),
                  s.pVsParent(),
                  s.kept() ? (w == null ? new String[0] : w.toArray(new String[0])) : null,
                  fromDate,
                  run,
                  runId));
    }
    Dataset<Row> drivers = empty(spark, Tables.ROOT_CAUSE_DRIVERS);
    if (fitDrivers) {
      drivers = drivers(spark, scoped, sizes, o, run, fromDate, runId, warnings, kept, progress);
      progress.accept(
          String.format(Locale.ROOT, "  key-driver models fitted (%.1f s)", seconds(t0)));
    }
    return new Result(
        new Output(segments, analysed, list.size()),
        spark.createDataFrame(segmentRows, Tables.ROOT_CAUSE_SEGMENTS.schema()),
        spark.createDataFrame(prunedRows, Tables.ROOT_CAUSE_PRUNED.schema()),
        examples(keptMembers, o.examples(), run),
        drivers,
        hypotheses);
  }

  /** Up to {@code k} responses per segment, critical ones first, newest first. Pure. */
  public static Dataset<Row> examples(Dataset<Row> members, int k, Date runDate) {
    return members
        .withColumn(
            "example_rank",
            row_number()
                .over(
                    Window.partitionBy("segment_id")
                        .orderBy(
                            col("critical").desc(), col("response_ts").desc(), col("response_id"))))
        .filter(col("example_rank").leq(k))
        .select(
            lit(runDate).as("run_date"),
            col("segment_id"),
            col("example_rank"),
            col("response_id"),
            col("response_ts"),
            col("channel"),
            col("metric"),
            col("score"),
            col("critical"),
            col("comment"),
            col("last_steps"));
  }

  /**
   * Key-driver rows of every channel scope with enough critical responses ({@link KeyDrivers}),
   * each group marked with the best-ranked kept segment of its scope that shares a condition.
   */
  static Dataset<Row> drivers(
      SparkSession spark,
      Dataset<Row> scoped,
      List<ScopeSize> sizes,
      PolkuConfig.RootCauseOptions o,
      Date run,
      Date from,
      String runId,
      List<String> warnings,
      List<Segment> kept,
      java.util.function.Consumer<String> progress) {
    Dataset<Row> channelScoped =
        scoped.filter(col("scope_channel").notEqual("*").and(col("critical").isNotNull()));
    List<String[]> scopes = new ArrayList<>();
    Map<String, long[]> totals = new HashMap<>();
    for (ScopeSize s : sizes) {
      if (s.isChannelScope() && s.critical() >= o.minSupport()) {
        scopes.add(new String[] {s.channel(), s.metric()});
        totals.put(s.channel() + "/" + s.metric(), new long[] {s.responses(), s.critical()});
      }
    }
    if (scopes.isEmpty()) {
      return empty(spark, Tables.ROOT_CAUSE_DRIVERS);
    }
    KeyDrivers.Settings settings =
        new KeyDrivers.Settings(
            o.driverMinSupport(),
            o.driverRegParam(),
            o.driverElasticNet(),
            o.driverHoldoutShare(),
            o.driverSeed(),
            o.driverMaxIter(),
            o.driverTopK(),
            o.driverMergeJaccard());
    List<Row> rows = new ArrayList<>();
    for (KeyDrivers.ScopeFit sf : KeyDrivers.fitAll(channelScoped, scopes, settings)) {
      String ch = sf.channel();
      String metric = sf.metric();
      if (sf.fit() == null) {
        warnings.add(
            "key drivers of " + ch + "/" + metric + ": nothing to learn (" + sf.reason() + ")");
        continue;
      }
      progress.accept(
          String.format(
              Locale.ROOT,
              "    drivers of %s/%s: %d conditions in %d"
                  + " groups, %d without support, %d merged into near-duplicates, %d modelled",
              ch,
              metric,
              sf.conditions(),
              sf.groups(),
              sf.unsupported(),
              sf.merged(),
              sf.fit().drivers().size()));
      if (sf.refitProblem() != null) {
        warnings.add("key drivers of " + ch + "/" + metric + ": " + sf.refitProblem());
      }
      long[] total = totals.get(ch + "/" + metric);
      KeyDrivers.Fit fit = sf.fit();
      for (KeyDrivers.Driver d : fit.drivers()) {
        KeyDrivers.Group g = d.group();
        Segment agrees = null;
        for (Segment s : kept) {
          if (s.channel().equals(ch)
              && s.metric().equals(metric)
              && g.allConditions().stream().anyMatch(s.conditions()::contains)
              && (agrees == null || s.rank() < agrees.rank())) {
            agrees = s;
          }
        }
        long outside = total[0] - g.responses();
        rows.add(
            RowFactory.create(
                run,
                ch,
                metric,
                g.name(),
                g.conditions().toArray(new String[0]),
                g.complements().toArray(new String[0]),
                g.similar().toArray(new String[0]),
                d.rank(),
                d.coefficient(),
                Math.exp(d.coefficient()),
                d.standardized(),
                d.refitCoefficient() == null ? null : Math.exp(d.refitCoefficient()),
                d.refitLower(),
                d.refitUpper(),
                d.refitP(),
                g.responses(),
                g.critical(),
                g.responses() == 0 ? 0.0 : (double) g.critical() / g.responses(),
                outside == 0 ? 0.0 : (double) (total[1] - g.critical()) / outside,
                agrees != null,
                agrees == null ? null : agrees.segmentId(),
                fit.intercept(),
                fit.auc(),
                fit.train(),
                fit.holdout(),
                o.driverRegParam(),
                o.driverElasticNet(),
                from,
                run,
                runId));
      }
    }
    return spark.createDataFrame(rows, Tables.ROOT_CAUSE_DRIVERS.schema());
  }

  private static Dataset<Row> empty(SparkSession spark, io.polku.contract.TableSpec table) {
    return spark.createDataFrame(List.of(), table.schema());
  }

  private static Dataset<Row> segmentTable(SparkSession spark, List<Segment> segments) {
    List<Row> rows = new ArrayList<>();
    for (Segment s : segments) {
      rows.add(
          RowFactory.create(
              s.segmentId(), s.channel(), s.metric(), s.conditions().toArray(new String[0])));
    }
    StructType schema =
        new StructType()
            .add("segment_id", DataTypes.StringType)
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("items", DataTypes.createArrayType(DataTypes.StringType));
    return spark.createDataFrame(rows, schema);
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
