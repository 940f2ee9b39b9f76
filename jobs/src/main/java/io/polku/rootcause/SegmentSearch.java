package io.polku.rootcause;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.fpm.FPGrowth;
import org.apache.spark.ml.fpm.FPGrowthModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The candidate search and the evaluation of every candidate on all responses of its scope.
 *
 * <p>A scope is a (rated channel, metric) pair — metrics are never mixed inside a channel scope,
 * since "critical" means different things for CSAT and CES — plus the cross-channel scope {@code
 * (*, *)} that holds every response. {@link #scoped} gives each response one row per scope it
 * belongs to (two).
 *
 * <p>{@link #frequentConditionSets} runs FP-Growth (Han, Pei and Yin 2000; Spark's parallel
 * FP-Growth) on the condition sets of the <em>critical</em> responses of each scope: it is the only
 * method here that runs Spark jobs (one model fit per scope, whose output, the frequent itemsets of
 * at most {@code maxConditions} conditions, is bounded by the minimum support, not by the data).
 * Then {@link #evaluate} counts, for every candidate, its responses and critical responses on
 * <em>all</em> responses of the scope: a broadcast join of the candidate table with the responses
 * on "the candidate's conditions minus the response's conditions is empty", grouped by candidate
 * and stratum — one shuffle, output bounded by candidates x strata.
 *
 * <p>Danger: correlated conditions make the number of frequent itemsets grow combinatorially
 * (FP-Growth enumerates all lengths before the size filter); the minimum support keeps it in check.
 * The join costs responses x candidates array comparisons, executed on the executors.
 */
public final class SegmentSearch {
  private SegmentSearch() {}

  /**
   * One row per response and scope: adds {@code scope_channel}, {@code scope_metric} (metric
   * lower-cased). Expects {@code channel, metric, critical, conditions}.
   */
  public static Dataset<Row> scoped(Dataset<Row> responses) {
    Column own = struct(col("channel").as("c"), lower(col("metric")).as("m"));
    Column cross = struct(lit("*").as("c"), lit("*").as("m"));
    return responses
        .withColumn("metric", lower(col("metric")))
        .withColumn("scope", explode(array(own, cross)))
        .withColumn("scope_channel", col("scope.c"))
        .withColumn("scope_metric", col("scope.m"))
        .drop("scope");
  }

  /** The support FP-Growth needs in a scope with {@code critical} critical responses. */
  public static double minSupportFraction(long critical, double share, int minimum) {
    if (critical <= 0) {
      return 1.0;
    }
    return Math.min(1.0, Math.max(share, (double) minimum / critical));
  }

  /**
   * Frequent condition sets of at most {@code maxConditions} conditions among the critical
   * responses of one scope: {@code scope_channel, scope_metric, items (sorted), freq}. Runs one
   * FP-Growth fit (Spark jobs).
   */
  public static Dataset<Row> frequentConditionSets(
      Dataset<Row> scopedResponses,
      String scopeChannel,
      String scopeMetric,
      double minSupport,
      int maxConditions) {
    Dataset<Row> critical =
        scopedResponses
            .filter(
                col("scope_channel")
                    .equalTo(scopeChannel)
                    .and(col("scope_metric").equalTo(scopeMetric))
                    .and(col("critical")))
            .select(col("conditions").as("items"));
    FPGrowthModel model =
        new FPGrowth()
            .setItemsCol("items")
            .setMinSupport(minSupport)
            .setMinConfidence(1.0)
            .fit(critical);
    return model
        .freqItemsets()
        .filter(size(col("items")).leq(maxConditions))
        .select(
            lit(scopeChannel).as("scope_channel"),
            lit(scopeMetric).as("scope_metric"),
            array_sort(col("items")).as("items"),
            col("freq"));
  }

  /** The union of per-scope candidate tables. */
  public static Dataset<Row> union(List<Dataset<Row>> perScope) {
    Dataset<Row> all = null;
    for (Dataset<Row> d : perScope) {
      all = all == null ? d : all.unionByName(d);
    }
    return all;
  }

  /**
   * Counts per candidate and stratum over all responses of the candidate's scope: {@code
   * scope_channel, scope_metric, items, channel, metric} and the aggregates of {@link
   * #aggregates()}.
   */
  public static Dataset<Row> evaluate(Dataset<Row> scopedResponses, Dataset<Row> candidates) {
    Dataset<Row> c =
        candidates.select(
            col("scope_channel").as("c_scope_channel"),
            col("scope_metric").as("c_scope_metric"),
            col("items"));
    Dataset<Row> r = scopedResponses.filter(col("critical").isNotNull());
    Column on =
        r.col("scope_channel")
            .equalTo(col("c_scope_channel"))
            .and(r.col("scope_metric").equalTo(col("c_scope_metric")))
            .and(size(array_except(col("items"), r.col("conditions"))).equalTo(0));
    return r.join(broadcast(c), on)
        .groupBy(
            col("scope_channel"), col("scope_metric"), col("items"), col("channel"), col("metric"))
        .agg(aggregates()[0], java.util.Arrays.copyOfRange(aggregates(), 1, aggregates().length));
  }

  /** Totals per stratum (rated channel, metric) over the responses with a score. */
  public static Dataset<Row> totals(Dataset<Row> responses) {
    Column[] a = aggregates();
    return responses
        .filter(col("critical").isNotNull())
        .withColumn("metric", lower(col("metric")))
        .groupBy(col("channel"), col("metric"))
        .agg(a[0], java.util.Arrays.copyOfRange(a, 1, a.length));
  }

  /** n, x, sums of score and normalised score, and the NPS groups (0-10 scores). */
  static Column[] aggregates() {
    Column s = col("score");
    return new Column[] {
      count(lit(1)).as("n"),
      sum(when(col("critical"), 1).otherwise(0)).cast("long").as("x"),
      sum(s).as("sum_score"),
      sum(col("score_norm")).as("sum_norm"),
      sum(when(s.geq(9), 1).otherwise(0)).cast("long").as("promoters"),
      sum(when(s.geq(7).and(s.lt(9)), 1).otherwise(0)).cast("long").as("passives"),
      sum(when(s.lt(7), 1).otherwise(0)).cast("long").as("detractors")
    };
  }

  /**
   * Responses of the given segments: {@code segment_id} joined to the scoped responses whose
   * conditions contain all of the segment's. {@code segments} has {@code segment_id, scope_channel,
   * scope_metric, items}; it is broadcast.
   */
  public static Dataset<Row> members(Dataset<Row> scopedResponses, Dataset<Row> segments) {
    Dataset<Row> s =
        segments.select(
            col("segment_id"),
            col("scope_channel").as("s_channel"),
            col("scope_metric").as("s_metric"),
            col("items"));
    Column on =
        scopedResponses
            .col("scope_channel")
            .equalTo(col("s_channel"))
            .and(scopedResponses.col("scope_metric").equalTo(col("s_metric")))
            .and(size(array_except(col("items"), scopedResponses.col("conditions"))).equalTo(0));
    return scopedResponses.join(broadcast(s), on).drop("s_channel", "s_metric", "items");
  }

  /**
   * Responses shared by every two segments of the same scope, per stratum: {@code a, b (a < b),
   * channel, metric} and the aggregates. {@code members} is the output of {@link #members}. Output
   * bounded by segments squared x strata.
   */
  public static Dataset<Row> overlaps(Dataset<Row> members) {
    Dataset<Row> a =
        members.select(
            col("segment_id").as("a"),
            col("scope_channel"),
            col("scope_metric"),
            col("response_id"),
            col("channel"),
            col("metric"),
            col("critical"),
            col("score"),
            col("score_norm"));
    Dataset<Row> b =
        members.select(
            col("segment_id").as("b"),
            col("scope_channel").as("b_channel"),
            col("scope_metric").as("b_metric"),
            col("response_id").as("b_response_id"));
    Column[] agg = aggregates();
    return a.join(
            b,
            col("scope_channel")
                .equalTo(col("b_channel"))
                .and(col("scope_metric").equalTo(col("b_metric")))
                .and(col("response_id").equalTo(col("b_response_id")))
                .and(col("a").lt(col("b"))))
        .groupBy(col("a"), col("b"), col("channel"), col("metric"))
        .agg(agg[0], java.util.Arrays.copyOfRange(agg, 1, agg.length));
  }

  /**
   * A scope present in the data: its rated channel ({@code *} for the cross-channel scope), metric,
   * rated responses and critical responses among them.
   */
  public record ScopeSize(String channel, String metric, long responses, long critical) {
    /** A rated channel's own scope, not the cross-channel {@code *}. */
    public boolean isChannelScope() {
      return !"*".equals(channel);
    }
  }

  /** Scopes (channel, metric) present in the data with their critical counts: a small list. */
  public static List<ScopeSize> scopeSizes(Dataset<Row> scopedResponses) {
    List<ScopeSize> out = new ArrayList<>();
    for (Row r :
        scopedResponses
            .filter(col("critical").isNotNull())
            .groupBy(col("scope_channel"), col("scope_metric"))
            .agg(
                count(lit(1)).as("n"),
                sum(when(col("critical"), 1).otherwise(0)).cast("long").as("x"))
            .orderBy(col("scope_channel"), col("scope_metric"))
            .collectAsList()) {
      out.add(
          new ScopeSize(
              r.getAs("scope_channel"),
              r.getAs("scope_metric"),
              r.<Long>getAs("n"),
              r.<Long>getAs("x")));
    }
    return out;
  }

  /** One candidate's counts in one stratum: a row of {@link #evaluate}, typed. */
  public record CandidateCell(
      String scopeChannel, String scopeMetric, List<String> items, SegmentStatistics.Cell cell) {}

  /** The responses two segments share in one stratum: a row of {@link #overlaps}, typed. */
  public record OverlapCell(String a, String b, SegmentStatistics.Cell cell) {}

  /**
   * {@link #evaluate}, collected as typed cells. Collected to the driver: candidates x strata rows
   * (bounded by the FP-Growth candidates and the rated channels).
   */
  public static List<CandidateCell> evaluateCells(
      Dataset<Row> scopedResponses, Dataset<Row> candidates) {
    List<CandidateCell> out = new ArrayList<>();
    for (Row r : evaluate(scopedResponses, candidates).collectAsList()) {
      out.add(
          new CandidateCell(
              r.getAs("scope_channel"),
              r.getAs("scope_metric"),
              r.getList(r.fieldIndex("items")),
              cell(r)));
    }
    return out;
  }

  /** {@link #totals}, collected as typed cells (one per rated channel and metric). */
  public static List<SegmentStatistics.Cell> totalCells(Dataset<Row> responses) {
    List<SegmentStatistics.Cell> out = new ArrayList<>();
    for (Row r : totals(responses).collectAsList()) {
      out.add(cell(r));
    }
    return out;
  }

  /** {@link #overlaps}, collected as typed cells (bounded by segments squared x strata). */
  public static List<OverlapCell> overlapCells(Dataset<Row> members) {
    List<OverlapCell> out = new ArrayList<>();
    for (Row r : overlaps(members).collectAsList()) {
      out.add(new OverlapCell(r.getAs("a"), r.getAs("b"), cell(r)));
    }
    return out;
  }

  /** The stratum and aggregates of a row of {@link #evaluate}, {@link #totals} or overlaps. */
  static SegmentStatistics.Cell cell(Row r) {
    return new SegmentStatistics.Cell(
        r.getAs("channel"),
        r.getAs("metric"),
        r.<Long>getAs("n"),
        r.<Long>getAs("x"),
        orZero(r, "sum_score"),
        orZero(r, "sum_norm"),
        r.<Long>getAs("promoters"),
        r.<Long>getAs("passives"),
        r.<Long>getAs("detractors"));
  }

  private static double orZero(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? 0 : r.getDouble(i);
  }
}
