package io.polku.followup;

import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.polku.config.PolkuConfig.CriticalThreshold;
import io.polku.config.PolkuConfig.FollowupOptions;
import io.polku.contract.Tables;
import java.sql.Date;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Pure transforms of the close-the-loop stage: follow-up rows from the critical responses, the
 * latest status update per follow-up, the closure summary and the counts behind fix effects. No
 * reads, writes or actions.
 *
 * <p>Input {@code analysed}: feedback_context rows with {@code conditions} ({@link
 * io.polku.analysis.Conditions#withConditions}) and {@code critical}/{@code score_norm} ({@link
 * io.polku.analysis.CriticalFeedback#withCritical}).
 */
public final class FollowupTransforms {
  private FollowupTransforms() {}

  /**
   * Per person, the value tier of the customer record behind it: {@code customer_key, value_tier}
   * (the smallest customer number's, as in root-cause customer attributes).
   */
  public static Dataset<Row> customerValue(Dataset<Row> identityMap, Dataset<Row> customers) {
    return identityMap
        .filter(col("id_type").equalTo("customer_id"))
        .join(customers, identityMap.col("id").equalTo(customers.col("customer_id")))
        .groupBy(col("customer_key"))
        .agg(min_by(col("value_tier"), col("customer_id")).as("value_tier"));
  }

  /**
   * One follow-up row per critical response of {@code analysed} (already limited to the run's
   * dates), in the followups schema with status open. {@code segments}: root-cause segments
   * (channel, metric, conditions, label); gathered into one array and broadcast, so the responses
   * are not shuffled. {@code values}: {@link #customerValue} or null.
   */
  public static Dataset<Row> followups(
      Dataset<Row> analysed,
      Dataset<Row> segments,
      Dataset<Row> values,
      FollowupOptions o,
      Map<String, CriticalThreshold> rules) {
    Dataset<Row> critical = analysed.filter(coalesce(col("critical"), lit(false)));
    Dataset<Row> withValue =
        values == null
            ? critical.withColumn("value_tier", lit(null).cast("string"))
            : critical
                .join(
                    values.withColumnRenamed("customer_key", "v_customer_key"),
                    col("customer_key").equalTo(col("v_customer_key")),
                    "left")
                .drop("v_customer_key");
    Dataset<Row> all =
        segments.agg(
            collect_list(
                    struct(
                        lower(col("channel")).as("channel"),
                        lower(col("metric")).as("metric"),
                        col("conditions"),
                        col("label")))
                .as("segs"));
    Column metric = lower(col("metric"));
    Column matching =
        filter(
            col("segs"),
            s ->
                s.getField("channel")
                    .isin("*")
                    .or(s.getField("channel").equalTo(col("channel")))
                    .and(s.getField("metric").isin("*").or(s.getField("metric").equalTo(metric)))
                    .and(
                        size(array_except(s.getField("conditions"), col("conditions")))
                            .equalTo(0)));
    Column severity = when(badness(rules).geq(o.severeBadness()), 2).otherwise(1);
    Column points = severity.plus(coalesce(valuePoints(o.valuePoints()), lit(0)));
    Column priority =
        when(points.geq(3), lit("P1")).when(points.equalTo(2), lit("P2")).otherwise(lit("P3"));
    Column due =
        when(col("priority").equalTo("P1"), date_add(col("opened_date"), o.slaDays().get("P1")))
            .when(
                col("priority").equalTo("P2"), date_add(col("opened_date"), o.slaDays().get("P2")))
            .otherwise(date_add(col("opened_date"), o.slaDays().get("P3")));
    Dataset<Row> rows =
        withValue
            .crossJoin(broadcast(all))
            .withColumn("segment_labels", array_sort(transform(matching, s -> s.getField("label"))))
            .withColumn("team", team(o.teams(), o.defaultTeam()))
            .withColumn("severity", severity)
            .withColumn("priority", priority)
            .withColumn("opened_date", col("response_date"))
            .withColumn("due_date", due)
            .withColumn("status", lit("open"))
            .withColumn("status_ts", lit(null).cast("timestamp"))
            .withColumn("status_note", lit(null).cast("string"))
            .withColumn("closed_ts", lit(null).cast("timestamp"));
    return rows.select(
        Tables.FOLLOWUPS.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * {@code rows} (new follow-ups, status open) with status {@code historical} where the response is
   * more than {@code afterDays} days before {@code runDate}, the run's last date: a range run over
   * old dates opens them long after their due date, so they are history, not overdue work. Only new
   * rows take this status (a run never rewrites an existing status).
   */
  public static Dataset<Row> markHistorical(Dataset<Row> rows, Date runDate, int afterDays) {
    Column old = col("response_date").lt(date_add(lit(runDate), -afterDays));
    return rows.withColumn("status", when(old, lit(HISTORICAL)).otherwise(col("status")));
  }

  /** The status of a follow-up opened long after its response (see {@link #markHistorical}). */
  public static final String HISTORICAL = "historical";

  /** The columns a run rewrites; the status columns only change through updates. */
  public static final java.util.List<String> RUN_COLUMNS =
      Tables.FOLLOWUPS.columnNames().stream()
          .filter(
              c ->
                  !java.util.Set.of(
                          "response_id", "status", "status_ts", "status_note", "closed_ts")
                      .contains(c))
          .toList();

  /** The status columns set from followup_updates. */
  public static final java.util.List<String> STATUS_COLUMNS =
      java.util.List.of("status", "status_ts", "status_note", "closed_ts");

  /**
   * How bad the score is within its scale, 0..1: the normalised score for metrics where a high
   * score is bad (a {@code min} rule, e.g. CES), otherwise 1 - normalised score.
   */
  static Column badness(Map<String, CriticalThreshold> rules) {
    Column metric = lower(col("metric"));
    Column norm = col("score_norm");
    Column c = null;
    for (Map.Entry<String, CriticalThreshold> e : new TreeMap<>(rules).entrySet()) {
      if (e.getValue().min() != null) {
        c =
            c == null
                ? when(metric.equalTo(e.getKey()), norm)
                : c.when(metric.equalTo(e.getKey()), norm);
      }
    }
    Column inverse = lit(1.0).minus(norm);
    return coalesce(c == null ? inverse : c.otherwise(inverse), lit(0.0));
  }

  private static Column valuePoints(Map<String, Integer> points) {
    Column tier = lower(col("value_tier"));
    Column c = lit(null).cast("int");
    for (Map.Entry<String, Integer> e : new TreeMap<>(points).entrySet()) {
      c = when(tier.equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
    }
    return c;
  }

  /** The owning team: channel/touchpoint, then channel, then the default. */
  static Column team(Map<String, String> teams, String defaultTeam) {
    Column route =
        concat(lower(col("channel")), lit("/"), lower(coalesce(col("touchpoint"), lit(""))));
    Column channel = lower(col("channel"));
    Column c = lit(defaultTeam);
    // Channel routes first, so channel/touchpoint routes wrap them and win.
    for (Map.Entry<String, String> e : new TreeMap<>(teams).entrySet()) {
      if (!e.getKey().contains("/")) {
        c = when(channel.equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(teams).entrySet()) {
      if (e.getKey().contains("/")) {
        c = when(route.equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
      }
    }
    return c;
  }

  /**
   * The latest valid update per response_id (by updated_ts; a tie goes to the later status in open,
   * in_progress, closed), as the followups status columns.
   */
  public static Dataset<Row> latestUpdates(Dataset<Row> updates) {
    Column order =
        when(col("status").equalTo("closed"), 2)
            .when(col("status").equalTo("in_progress"), 1)
            .otherwise(0);
    return validUpdates(updates)
        .withColumn(
            "rn",
            row_number()
                .over(
                    Window.partitionBy(col("response_id"))
                        .orderBy(
                            col("updated_ts").desc(), order.desc(), col("note").desc_nulls_last())))
        .filter(col("rn").equalTo(1))
        .select(
            col("response_id"),
            col("status"),
            col("updated_ts").as("status_ts"),
            col("note").as("status_note"),
            when(col("status").equalTo("closed"), col("updated_ts")).as("closed_ts"));
  }

  /** Updates with a known status, a response id and a time. */
  public static Dataset<Row> validUpdates(Dataset<Row> updates) {
    return updates.filter(
        col("status")
            .isin(Tables.FOLLOWUP_STATUSES.toArray())
            .and(col("response_id").isNotNull())
            .and(col("updated_ts").isNotNull()));
  }

  /**
   * followup_summary for {@code runDate}: the follow-ups opened up to it, per team and priority,
   * per team, per priority and overall ('*').
   */
  public static Dataset<Row> summary(Dataset<Row> followups, Date runDate) {
    Column closed = col("status").equalTo("closed");
    Column hours =
        when(
            closed,
            col("closed_ts")
                .cast("double")
                .minus(col("response_ts").cast("double"))
                .divide(3600.0));
    Dataset<Row> cube =
        followups
            .filter(col("opened_date").leq(lit(runDate)))
            .withColumn("hours_to_close", hours)
            .cube(col("team"), col("priority"))
            .agg(
                count(lit(1)).as("followups"),
                countIf(col("status").equalTo("open")).as("open"),
                countIf(col("status").equalTo("in_progress")).as("in_progress"),
                countIf(closed).as("closed"),
                countIf(
                        col("status")
                            .isin("open", "in_progress")
                            .and(col("due_date").lt(lit(runDate))))
                    .as("overdue"),
                countIf(
                        closed.and(
                            col("closed_ts").lt(date_add(col("due_date"), 1).cast("timestamp"))))
                    .as("closed_within_sla"),
                expr("percentile(hours_to_close, 0.5)").as("median_hours_to_close"));
    return cube.select(
        lit(runDate).as("run_date"),
        coalesce(col("team"), lit("*")).as("team"),
        coalesce(col("priority"), lit("*")).as("priority"),
        col("followups"),
        col("open"),
        col("in_progress"),
        col("closed"),
        col("closed").divide(col("followups")).as("closure_rate"),
        col("overdue"),
        col("closed_within_sla"),
        col("median_hours_to_close"));
  }

  /**
   * Per fix ({@code fixes}: fix_id, channel, metric, conditions, before_from, before_to,
   * after_from, after_to), the scored responses of {@code analysed} matching the segment in each
   * span and how many of them are critical: {@code fix_id, before_responses, before_critical,
   * after_responses, after_critical}. The fixes are broadcast; only one row per fix leaves the
   * aggregation.
   */
  public static Dataset<Row> fixCounts(Dataset<Row> analysed, Dataset<Row> fixes) {
    Dataset<Row> f =
        fixes.select(
            col("fix_id"),
            lower(col("channel")).as("f_channel"),
            lower(col("metric")).as("f_metric"),
            col("conditions").as("f_conditions"),
            col("before_from"),
            col("before_to"),
            col("after_from"),
            col("after_to"));
    Column matches =
        col("f_channel")
            .equalTo("*")
            .or(col("f_channel").equalTo(col("channel")))
            .and(col("f_metric").equalTo("*").or(col("f_metric").equalTo(lower(col("metric")))))
            .and(size(array_except(col("f_conditions"), col("conditions"))).equalTo(0));
    Column before = col("response_date").between(col("before_from"), col("before_to"));
    Column after =
        col("after_to")
            .isNotNull()
            .and(col("response_date").between(col("after_from"), col("after_to")));
    Column crit = coalesce(col("critical"), lit(false));
    Dataset<Row> counted =
        analysed
            .filter(col("score").isNotNull())
            .join(broadcast(f), matches.and(before.or(after)))
            .groupBy(col("fix_id"))
            .agg(
                countIf(before).as("before_responses"),
                countIf(before.and(crit)).as("before_critical"),
                countIf(after).as("after_responses"),
                countIf(after.and(crit)).as("after_critical"));
    // Fixes without any matching response still get a row (all zeros).
    return fixes
        .select(col("fix_id"))
        .join(counted, new String[] {"fix_id"}, "left")
        .na()
        .fill(
            0L,
            new String[] {
              "before_responses", "before_critical", "after_responses", "after_critical"
            });
  }

  private static Column countIf(Column condition) {
    return sum(when(condition, 1L).otherwise(0L));
  }
}
