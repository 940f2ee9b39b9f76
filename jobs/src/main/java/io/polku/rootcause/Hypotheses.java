package io.polku.rootcause;

import io.polku.config.PolkuConfig.Hypothesis;
import io.polku.contract.Tables;
import io.polku.rootcause.SegmentStatistics.Cell;
import io.polku.rootcause.SegmentStatistics.Comparison;
import io.polku.stats.Proportions;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The analysts' hypotheses ({@code polku.rootcause.hypotheses}): condition sets tested as
 * configured, whatever the search's minimum support, and written to {@code root_cause_hypotheses}.
 *
 * <p>A hypothesis is tested in its scope: the configured channel and metric; a channel alone means
 * each of its metrics, a metric alone each channel with it; without a scope, every scope (rated
 * channel and metric, and the cross-channel scope {@code *} when two or more channels are rated, as
 * in the search) where its conditions occur. In each, the responses with all the conditions are
 * compared with the scope's other responses exactly as a searched segment is ({@link
 * SegmentStatistics#compare}: the z-test or Fisher's exact test by {@link Proportions#difference}
 * in a channel scope, the Cochran-Mantel-Haenszel test stratified by channel and metric in the
 * cross-channel scope), with Wilson intervals for both rates, and a verdict at {@value #ALPHA}.
 *
 * <p>No multiple-testing correction: the hypotheses are stated before the data are seen, each is
 * its own test. (The search's segments are corrected over everything the search tried.)
 *
 * <p>Cost: one Spark query: a broadcast join of the (hypotheses x scopes) table with the scoped
 * responses and one aggregation by hypothesis, scope and stratum ({@link SegmentSearch#evaluate});
 * the totals are the scope sizes the stage has already counted. Collected to the driver: those
 * counts only (bounded by hypotheses x scopes x strata), never responses. No Spark job at all when
 * no hypothesis is configured.
 */
public final class Hypotheses {
  /** The significance level of the verdict. */
  public static final double ALPHA = 0.05;

  private static final double CONFIDENCE = 0.95;

  private Hypotheses() {}

  /** One tested hypothesis in one scope: a row of root_cause_hypotheses (without the run). */
  public record Result(
      String channel,
      String metric,
      List<String> conditions,
      long responses,
      long critical,
      Double rate,
      Double rateLower,
      Double rateUpper,
      long responsesOutside,
      long criticalOutside,
      Double rateOutside,
      Double rateOutsideLower,
      Double rateOutsideUpper,
      Double expected,
      Double difference,
      Double pValue,
      String test,
      String verdict) {
    public String segmentId() {
      return SegmentStatistics.segmentId(channel, metric, conditions);
    }
  }

  /**
   * The rows of root_cause_hypotheses for the run: every hypothesis counted over the scoped
   * responses ({@link SegmentSearch#scoped}) and tested. Adds a warning per hypothesis that matches
   * no response.
   *
   * @param scopes the scopes present in the data with their sizes ({@link
   *     SegmentSearch#scopeSizes}); a channel scope's size is the total of its stratum
   */
  public static Dataset<Row> table(
      SparkSession spark,
      Dataset<Row> scoped,
      List<SegmentSearch.ScopeSize> scopes,
      List<Hypothesis> hypotheses,
      Date runDate,
      Date from,
      String runId,
      List<String> warnings) {
    List<Row> rows = new ArrayList<>();
    if (!hypotheses.isEmpty()) {
      List<String[]> present = new ArrayList<>();
      // A channel scope is one stratum (rated channel, metric): its size is its total.
      List<Cell> totals = new ArrayList<>();
      for (SegmentSearch.ScopeSize s : scopes) {
        present.add(new String[] {s.channel(), s.metric()});
        if (s.isChannelScope()) {
          totals.add(new Cell(s.channel(), s.metric(), s.responses(), s.critical(), 0, 0, 0, 0, 0));
        }
      }
      Dataset<Row> candidates = candidates(spark, hypotheses, present);
      List<Cell> counts = new ArrayList<>();
      List<String> countKeys = new ArrayList<>();
      if (candidates != null) {
        for (SegmentSearch.CandidateCell c : SegmentSearch.evaluateCells(scoped, candidates)) {
          countKeys.add(key(c.scopeChannel(), c.scopeMetric(), c.items()));
          counts.add(c.cell());
        }
      }
      for (Result t : test(hypotheses, present, countKeys, counts, totals)) {
        if (t.responses() == 0) {
          warnings.add(
              "polku.rootcause.hypotheses "
                  + String.join(" & ", t.conditions())
                  + ": "
                  + t.verdict()
                  + "; check the conditions' spelling (as in"
                  + " root_cause_segments.conditions or root_cause_drivers.condition)");
        }
        rows.add(
            RowFactory.create(
                runDate,
                t.segmentId(),
                t.channel(),
                t.metric(),
                t.conditions().toArray(new String[0]),
                t.responses(),
                t.critical(),
                t.rate(),
                t.rateLower(),
                t.rateUpper(),
                t.responsesOutside(),
                t.criticalOutside(),
                t.rateOutside(),
                t.rateOutsideLower(),
                t.rateOutsideUpper(),
                t.expected(),
                t.difference(),
                t.pValue(),
                t.test(),
                t.verdict(),
                from,
                runDate,
                runId));
      }
    }
    return spark.createDataFrame(rows, Tables.ROOT_CAUSE_HYPOTHESES.schema());
  }

  /**
   * Tests every hypothesis, pure: {@code counts} are the per-stratum counts of each (scope,
   * conditions) ({@code countKeys} aligned, {@link #key}), {@code totals} the per-stratum totals of
   * all scored responses. One result per hypothesis and scope where it occurs (or its fully
   * configured scope), one no-match result for a hypothesis that occurs nowhere; a (scope,
   * conditions) pair configured twice is reported once.
   *
   * @param present the scopes in the data, {channel, metric}
   */
  public static List<Result> test(
      List<Hypothesis> hypotheses,
      List<String[]> present,
      List<String> countKeys,
      List<Cell> counts,
      List<Cell> totals) {
    Map<String, List<Cell>> cellsByKey = new LinkedHashMap<>();
    for (int i = 0; i < counts.size(); i++) {
      cellsByKey.computeIfAbsent(countKeys.get(i), k -> new ArrayList<>()).add(counts.get(i));
    }
    Map<String, Result> out = new LinkedHashMap<>();
    for (Hypothesis h : hypotheses) {
      boolean explicit = h.channel() != null && h.metric() != null;
      boolean any = false;
      for (String[] scope : scopesOf(h, present)) {
        List<Cell> in = cellsByKey.getOrDefault(key(scope[0], scope[1], h.conditions()), List.of());
        if (in.stream().mapToLong(Cell::n).sum() == 0 && !explicit) {
          continue; // tested only where it occurs
        }
        any = true;
        Result r = result(scope[0], scope[1], h.conditions(), in, totals, explicit);
        out.putIfAbsent(r.segmentId(), r);
      }
      if (!any) {
        Result r =
            result(
                h.channel() == null ? "*" : h.channel(),
                h.metric() == null ? "*" : h.metric(),
                h.conditions(),
                List.of(),
                List.of(),
                h.channel() != null || h.metric() != null);
        out.putIfAbsent(r.segmentId(), r);
      }
    }
    return List.copyOf(out.values());
  }

  /**
   * The scopes a hypothesis is tested in, among those present (its own when fully set). As in the
   * search, the cross-channel scope is left out of a hypothesis without a scope when fewer than
   * {@link SegmentStatistics#MIN_CROSS_CHANNELS} channels are rated: it would repeat the channel's
   * own rows.
   */
  static List<String[]> scopesOf(Hypothesis h, List<String[]> present) {
    if (h.channel() != null && h.metric() != null) {
      return List.<String[]>of(new String[] {h.channel(), h.metric()});
    }
    long rated = present.stream().map(s -> s[0]).filter(c -> !"*".equals(c)).distinct().count();
    List<String[]> out = new ArrayList<>();
    for (String[] s : present) {
      boolean cross = "*".equals(s[0]);
      if (cross && rated < SegmentStatistics.MIN_CROSS_CHANNELS) {
        continue;
      }
      if ((h.channel() == null || h.channel().equals(s[0]))
          && (h.metric() == null || (h.metric().equals(s[1]) && !cross))) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The candidate table {@link SegmentSearch#evaluate} broadcasts: each hypothesis in each of its
   * scopes ({@code scope_channel, scope_metric, items}), each pair once; null when empty.
   */
  private static Dataset<Row> candidates(
      SparkSession spark, List<Hypothesis> hypotheses, List<String[]> present) {
    Set<String> seen = new LinkedHashSet<>();
    List<Row> rows = new ArrayList<>();
    for (Hypothesis h : hypotheses) {
      for (String[] s : scopesOf(h, present)) {
        if (seen.add(key(s[0], s[1], h.conditions()))) {
          rows.add(RowFactory.create(s[0], s[1], h.conditions().toArray(new String[0])));
        }
      }
    }
    if (rows.isEmpty()) {
      return null;
    }
    StructType schema =
        new StructType()
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("items", DataTypes.createArrayType(DataTypes.StringType));
    return spark.createDataFrame(rows, schema);
  }

  /** The key of a scope and a (sorted) condition set. */
  static String key(String channel, String metric, List<String> conditions) {
    return channel
        + "\n"
        + metric
        + "\n"
        + String.join("\n", conditions.stream().sorted().toList());
  }

  /** The statistics of one hypothesis in one scope from its per-stratum counts. */
  static Result result(
      String channel,
      String metric,
      List<String> conditions,
      List<Cell> in,
      List<Cell> totals,
      boolean scopeConfigured) {
    Map<String, Cell> inByStratum = new LinkedHashMap<>();
    for (Cell c : in) {
      inByStratum.put(c.channel() + "\u0000" + c.metric(), c);
    }
    List<Cell> ins = new ArrayList<>();
    List<Cell> outs = new ArrayList<>();
    for (Cell t : totals) {
      if (!"*".equals(channel) && !(t.channel().equals(channel) && t.metric().equals(metric))) {
        continue;
      }
      Cell a =
          inByStratum.getOrDefault(
              t.channel() + "\u0000" + t.metric(),
              new Cell(t.channel(), t.metric(), 0, 0, 0, 0, 0, 0, 0));
      ins.add(a);
      outs.add(t.minus(a));
    }
    long n = ins.stream().mapToLong(Cell::n).sum();
    long x = ins.stream().mapToLong(Cell::x).sum();
    long nOut = outs.stream().mapToLong(Cell::n).sum();
    long xOut = outs.stream().mapToLong(Cell::x).sum();
    Double rateOut = null;
    Double outLower = null;
    Double outUpper = null;
    if (nOut > 0) {
      Proportions.Interval ci = Proportions.wilson(xOut, nOut, CONFIDENCE);
      rateOut = (double) xOut / nOut;
      outLower = ci.lower();
      outUpper = ci.upper();
    }
    if (n == 0) {
      String where = scopeConfigured ? " in " + channel + "/" + metric : "";
      return new Result(
          channel,
          metric,
          conditions,
          0,
          0,
          null,
          null,
          null,
          nOut,
          xOut,
          rateOut,
          outLower,
          outUpper,
          null,
          null,
          null,
          null,
          "no response matches these conditions" + where);
    }
    Proportions.Interval ci = Proportions.wilson(x, n, CONFIDENCE);
    double rate = (double) x / n;
    Comparison cmp = SegmentStatistics.compare(ins, outs);
    double direction =
        cmp.statistic() != 0 ? cmp.statistic() : rate - (rateOut == null ? rate : rateOut);
    return new Result(
        channel,
        metric,
        conditions,
        n,
        x,
        rate,
        ci.lower(),
        ci.upper(),
        nOut,
        xOut,
        rateOut,
        outLower,
        outUpper,
        cmp.expected(),
        rateOut == null ? null : rate - rateOut,
        cmp.pValue(),
        cmp.test(),
        verdict(cmp.pValue(), direction));
  }

  /** "higher (p=0.012)", "lower (p<0.001)" or "not significant (p=0.410)". */
  static String verdict(double p, double direction) {
    String shown = p < 0.001 ? "p<0.001" : String.format(Locale.ROOT, "p=%.3f", p);
    if (p < ALPHA && direction > 0) {
      return "higher (" + shown + ")";
    }
    if (p < ALPHA && direction < 0) {
      return "lower (" + shown + ")";
    }
    return "not significant (" + shown + ")";
  }
}
