package io.polku.bench;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.polku.contract.Tables;
import io.polku.journey.JourneyOptions;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The obvious hand-written way to put each response in the context of the behaviour before it —
 * what a data team writes without Polku's ordered pass — kept as the benchmark's reference and as
 * an independent check of {@code JourneyTransforms.orderedPass}.
 *
 * <p>Computes, per response of {@code [responsesFrom, responsesTo]} (UTC dates): {@code
 * has_history, prev_channel, prev_event_type, prev_failure_channel, prev_failure_touchpoint,
 * prev_failure_type, hours_since_prev_failure, upstream_failure_channel,
 * upstream_failure_touchpoint, upstream_failure_type, hours_since_upstream_failure, last_steps},
 * with the same definitions as the {@code feedback_context} table: the events of the same {@code
 * customer_key} with {@code response_ts - lookback <= event_ts <= response_ts} (an event at the
 * same instant counts as before the response), ordered by {@code (event_ts, event_id)}; a failing
 * step has outcome failure or abandoned, or type error; the upstream failure is the last failing
 * step in a channel other than the rated one; {@code last_steps} are the last {@code contextSteps}
 * of those events, oldest first. Responses without a key or without events in the lookback get
 * {@code has_history = false}, nulls and an empty {@code last_steps}. Output: one row per response:
 * {@code response_id, response_ts, customer_key} and the columns above.
 *
 * <p>How: a RANGE JOIN of responses with events (equi-join on customer_key plus the time band, left
 * outer), then per response a {@code groupBy} that collects every joined event into a list, {@code
 * array_sort}s it and reads the answers off the sorted list.
 *
 * <p>Cost and dangers: the join shuffles both sides on customer_key and then pairs every response
 * with every event of its customer before filtering on the time band, so work grows with responses
 * x events per customer; the per-response lists hold every event in the lookback (unbounded for a
 * heavy user or a bot), and the groupBy shuffles all of them once more. This is exactly what the
 * design (DESIGN.md §6) rules out for production; use it on samples and in benchmarks only.
 *
 * <p>Tie-break note: when failures in two different non-rated channels happen at the very same
 * microsecond, this picks the one with the larger event_id; the ordered pass keeps the last failure
 * per channel and picks among channels in hash-map order. Such ties do not occur in the generated
 * samples' agreement checks so far; a mismatch report names them.
 */
public final class RangeJoinContext {
  private RangeJoinContext() {}

  /** The context columns this computes (besides response_id, response_ts, customer_key). */
  public static final List<String> COLUMNS =
      List.of(
          "has_history",
          "prev_channel",
          "prev_event_type",
          "prev_failure_channel",
          "prev_failure_touchpoint",
          "prev_failure_type",
          "hours_since_prev_failure",
          "upstream_failure_channel",
          "upstream_failure_touchpoint",
          "upstream_failure_type",
          "hours_since_upstream_failure",
          "last_steps");

  private static final double MICROS_PER_HOUR = 3_600_000_000.0;

  /**
   * The context of every response. Both inputs carry {@code customer_key} (see {@code
   * IdentityResolution.resolve}); events need {@code event_id, event_ts, channel, event_type,
   * outcome, touchpoint, properties}, feedback {@code response_id, response_ts, channel}. Only
   * {@code options.lookbackMicros()}, {@code contextSteps()}, {@code responsesFrom()} and {@code
   * responsesTo()} are used.
   */
  public static Dataset<Row> context(
      Dataset<Row> resolvedEvents, Dataset<Row> resolvedFeedback, JourneyOptions options) {
    if (options.contextSteps() < 1) {
      throw new IllegalArgumentException(
          "context steps must be at least 1, was "
              + options.contextSteps()
              + "; fix polku.journeys.context-steps (default 20)");
    }
    Timestamp from =
        Timestamp.from(options.responsesFrom().atStartOfDay(ZoneOffset.UTC).toInstant());
    Timestamp until =
        Timestamp.from(options.responsesTo().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    Dataset<Row> responses =
        resolvedFeedback
            .filter(col("response_ts").geq(lit(from)).and(col("response_ts").lt(lit(until))))
            .select(
                col("response_id"),
                col("response_ts"),
                col("customer_key"),
                col("channel").as("rated_channel"),
                expr("unix_micros(response_ts)").as("r_us"));
    Dataset<Row> events =
        resolvedEvents
            .filter(col("customer_key").isNotNull())
            .select(
                col("customer_key").as("e_key"),
                expr("unix_micros(event_ts)").as("e_us"),
                col("event_id"),
                col("channel"),
                col("event_type"),
                col("outcome"),
                col("touchpoint"),
                // Maps are not orderable; their entries are (and map back unchanged).
                map_entries(col("properties")).as("props"),
                coalesce(col("outcome").isin("failure", "abandoned"), lit(false))
                    .or(coalesce(col("event_type").equalTo("error"), lit(false)))
                    .as("failure"));

    Column band =
        col("customer_key")
            .equalTo(col("e_key"))
            .and(col("e_us").leq(col("r_us")))
            .and(col("e_us").geq(col("r_us").minus(lit(options.lookbackMicros()))));
    // Struct order = (e_us, event_id, ...): sorting the list sorts by time, then id.
    Column step =
        struct(
            col("e_us"),
            col("event_id"),
            col("channel"),
            col("event_type"),
            col("outcome"),
            col("touchpoint"),
            col("props"),
            col("failure"));
    Dataset<Row> grouped =
        responses
            .join(events, band, "left")
            .groupBy(
                col("response_id"),
                col("response_ts"),
                col("customer_key"),
                col("rated_channel"),
                col("r_us"))
            .agg(array_sort(collect_list(when(col("e_key").isNotNull(), step))).as("h"));

    int k = options.contextSteps();
    Dataset<Row> derived =
        grouped
            .withColumn("last", expr("IF(size(h) > 0, element_at(h, -1), NULL)"))
            .withColumn("fails", expr("filter(h, x -> x.failure)"))
            .withColumn("lf", expr("IF(size(fails) > 0, element_at(fails, -1), NULL)"))
            .withColumn(
                "ups",
                expr(
                    "filter(h, x -> x.failure AND coalesce(x.channel, 'null')"
                        + " <> coalesce(rated_channel, 'null'))"))
            .withColumn("up", expr("IF(size(ups) > 0, element_at(ups, -1), NULL)"));
    String lastSteps =
        "transform(slice(h, greatest(size(h) - "
            + k
            + " + 1, 1), "
            + k
            + "),"
            + " x -> named_struct('ts', timestamp_micros(x.e_us), 'channel', x.channel,"
            + " 'event_type', x.event_type, 'outcome', x.outcome, 'touchpoint', x.touchpoint,"
            + " 'properties', IF(x.props IS NULL, NULL, map_from_entries(x.props))))";
    return derived.select(
        col("response_id"),
        col("response_ts"),
        col("customer_key"),
        expr("size(h) > 0").as("has_history"),
        col("last.channel").as("prev_channel"),
        col("last.event_type").as("prev_event_type"),
        col("lf.channel").as("prev_failure_channel"),
        col("lf.touchpoint").as("prev_failure_touchpoint"),
        col("lf.event_type").as("prev_failure_type"),
        col("r_us").minus(col("lf.e_us")).divide(MICROS_PER_HOUR).as("hours_since_prev_failure"),
        col("up.channel").as("upstream_failure_channel"),
        col("up.touchpoint").as("upstream_failure_touchpoint"),
        col("up.event_type").as("upstream_failure_type"),
        col("r_us")
            .minus(col("up.e_us"))
            .divide(MICROS_PER_HOUR)
            .as("hours_since_upstream_failure"),
        expr(lastSteps).cast(DataTypes.createArrayType(Tables.STEP)).as("last_steps"));
  }
}
