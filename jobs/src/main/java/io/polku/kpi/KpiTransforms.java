package io.polku.kpi;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.polku.analysis.CriticalFeedback;
import io.polku.config.PolkuConfig.CriticalThreshold;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.stats.Normal;
import java.sql.Date;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Pure transforms of the experience KPIs: {@code kpi_daily}, {@code kpi_weekly} and {@code
 * kpi_peak_end} from {@code feedback_context}. No reads, writes or actions.
 *
 * <p>Every KPI is recomputed from response counts and sums of its period (a week's NPS comes from
 * the week's promoters and detractors, never from daily NPS values). "Critical" is {@link
 * CriticalFeedback} with the configured rules, as in root causes and follow-ups.
 *
 * <p>Cost: one aggregation per table; the top paths are a second aggregation over the small (date,
 * channel, path) counts with a self-join over the path window (rows = distinct paths per channel
 * and day, not responses).
 */
public final class KpiTransforms {
  /** 95% two-sided critical value of the normal distribution (1.959964). */
  static final double Z95 = Normal.criticalValue(0.95);

  /** path_before value of the all-paths rows. */
  public static final String ALL_PATHS = "*";

  /** path_before value for responses without a journey before them. */
  public static final String NO_PATH = "(none)";

  private KpiTransforms() {}

  /**
   * The responses with {@code critical}, {@code score_norm}, a lower-case {@code metric_lc}, {@code
   * path} (path_before or {@link #NO_PATH}) and {@code week_start} (ISO Monday).
   */
  public static Dataset<Row> scored(
      Dataset<Row> context, Map<String, CriticalThreshold> rules, double otherMaxNormalised) {
    return CriticalFeedback.withCritical(context, rules, otherMaxNormalised)
        .withColumn("metric_lc", lower(col("metric")))
        .withColumn("path", coalesce(col("path_before"), lit(NO_PATH)))
        .withColumn("week_start", date_trunc("week", col("response_date")).cast("date"));
  }

  /**
   * kpi_daily for the responses of {@code [from, to]}; {@code scored} must reach back {@code
   * pathWindowDays - 1} days before {@code from} for the path ranking.
   */
  public static Dataset<Row> daily(
      Dataset<Row> scored, Date from, Date to, int topPaths, int pathWindowDays) {
    return kpis(
        scored,
        "response_date",
        col("response_date"),
        from,
        to,
        topPaths,
        pathWindowDays,
        Tables.KPI_DAILY);
  }

  /**
   * kpi_weekly for the weeks starting in {@code [fromMonday, toMonday]}; {@code scored} must cover
   * those weeks whole and reach back {@code pathWindowDays - 7} days before them.
   */
  public static Dataset<Row> weekly(
      Dataset<Row> scored, Date fromMonday, Date toMonday, int topPaths, int pathWindowDays) {
    return kpis(
        scored,
        "week_start",
        date_add(col("week_start"), 6),
        fromMonday,
        toMonday,
        topPaths,
        pathWindowDays,
        Tables.KPI_WEEKLY);
  }

  private static Dataset<Row> kpis(
      Dataset<Row> scored,
      String period,
      Column periodEnd,
      Date from,
      Date to,
      int topPaths,
      int pathWindowDays,
      TableSpec table) {
    Dataset<Row> inRange = scored.filter(col(period).between(lit(from), lit(to)));
    Dataset<Row> all =
        measures(inRange.groupBy(col(period), col("channel")))
            .withColumn("path_before", lit(ALL_PATHS))
            .withColumn("path_rank", lit(null).cast("int"));
    Dataset<Row> ranks = topPaths(scored, inRange, period, periodEnd, topPaths, pathWindowDays);
    Dataset<Row> perPath =
        measures(
                inRange
                    .join(ranks, new String[] {period, "channel", "path"})
                    .groupBy(col(period), col("channel"), col("path"), col("path_rank")))
            .withColumnRenamed("path", "path_before");
    return select(all.unionByName(perPath), table);
  }

  /**
   * Per period, channel and path with responses in the period: its rank among the channel's paths
   * by responses in the {@code windowDays} days ending on the period's last day; only ranks up to
   * {@code top} are kept. Ties broken by path name, so the choice is deterministic.
   */
  static Dataset<Row> topPaths(
      Dataset<Row> scored,
      Dataset<Row> inRange,
      String period,
      Column periodEnd,
      int top,
      int windowDays) {
    Dataset<Row> perDay =
        scored
            .groupBy(
                col("response_date").as("day"),
                col("channel").as("w_channel"),
                col("path").as("w_path"))
            .agg(count(lit(1)).as("n"));
    Dataset<Row> targets =
        inRange
            .select(col(period), col("channel"), col("path"), periodEnd.as("period_end"))
            .distinct();
    Dataset<Row> counted =
        targets
            .join(
                perDay,
                col("channel")
                    .equalTo(col("w_channel"))
                    .and(col("path").equalTo(col("w_path")))
                    .and(
                        col("day")
                            .between(
                                date_add(col("period_end"), -(windowDays - 1)), col("period_end"))))
            .groupBy(col(period), col("channel"), col("path"))
            .agg(sum(col("n")).as("window_responses"));
    return counted
        .withColumn(
            "path_rank",
            row_number()
                .over(
                    Window.partitionBy(col(period), col("channel"))
                        .orderBy(col("window_responses").desc(), col("path"))))
        .filter(col("path_rank").leq(top))
        .select(col(period), col("channel"), col("path"), col("path_rank"));
  }

  /** The KPI aggregates of a grouping, then NPS and its interval from the counts. */
  static Dataset<Row> measures(org.apache.spark.sql.RelationalGroupedDataset grouped) {
    Column scored = col("score").isNotNull();
    Column nps = scored.and(col("metric_lc").equalTo("nps"));
    Column csat = scored.and(col("metric_lc").equalTo("csat"));
    Column ces = scored.and(col("metric_lc").equalTo("ces"));
    Dataset<Row> agg =
        grouped.agg(
            count(lit(1)).as("responses"),
            countIf(scored).as("scored_responses"),
            countIf(nps).as("nps_responses"),
            countIf(nps.and(col("score").geq(9))).as("promoters"),
            countIf(nps.and(col("score").lt(7))).as("detractors"),
            countIf(csat).as("csat_responses"),
            avg(when(csat, col("score"))).as("csat_mean"),
            avg(when(csat, when(col("score_norm").geq(0.75), 1.0).otherwise(0.0)))
                .as("csat_top2_share"),
            countIf(ces).as("ces_responses"),
            avg(when(ces, col("score"))).as("ces_mean"),
            countIf(scored.and(col("metric_lc").isin("nps", "csat", "ces").unary_$bang()))
                .as("other_responses"),
            countIf(scored.and(coalesce(col("critical"), lit(false)))).as("critical"));
    Column n = col("nps_responses").cast("double");
    Column m = col("promoters").minus(col("detractors")).divide(n);
    Column v =
        greatest(lit(0.0), col("promoters").plus(col("detractors")).divide(n).minus(m.multiply(m)));
    Column se = sqrt(v.divide(n));
    Column has = col("nps_responses").gt(0);
    return agg.withColumn("nps", when(has, m.multiply(100)))
        .withColumn(
            "nps_lower", when(has, greatest(lit(-100.0), m.minus(se.multiply(Z95)).multiply(100))))
        .withColumn(
            "nps_upper", when(has, least(lit(100.0), m.plus(se.multiply(Z95)).multiply(100))))
        .withColumn(
            "critical_rate",
            when(col("scored_responses").gt(0), col("critical").divide(col("scored_responses"))));
  }

  /**
   * kpi_peak_end: per rated channel, metric, peak and end state of the journey before the response,
   * over the scored responses given (the window), with the critical rate's Wilson interval and the
   * channel and metric's overall critical rate.
   */
  public static Dataset<Row> peakEnd(Dataset<Row> scored, Date runDate, Date windowFrom) {
    Dataset<Row> rows =
        scored
            .filter(
                col("score")
                    .isNotNull()
                    .and(col("response_date").between(lit(windowFrom), lit(runDate))))
            .withColumn("end_state", coalesce(col("end_before"), lit("none")))
            .withColumn("crit", when(coalesce(col("critical"), lit(false)), 1L).otherwise(0L));
    Dataset<Row> overall =
        rows.groupBy(col("channel").as("o_channel"), col("metric_lc").as("o_metric"))
            .agg(avg(col("crit")).as("channel_metric_critical_rate"));
    Dataset<Row> cells =
        rows.groupBy(
                col("channel"),
                col("metric_lc").as("metric"),
                col("peak_before"),
                col("end_state").as("end_before"))
            .agg(
                count(lit(1)).as("responses"),
                avg(col("score_norm")).as("score_norm_mean"),
                sum(col("crit")).as("critical"));
    Column n = col("responses").cast("double");
    Column p = col("critical").divide(n);
    double z2 = Z95 * Z95;
    Column denom = lit(1.0).plus(lit(z2).divide(n));
    Column centre = p.plus(lit(z2 / 2).divide(n)).divide(denom);
    Column half =
        lit(Z95)
            .multiply(
                sqrt(
                    p.multiply(lit(1.0).minus(p))
                        .divide(n)
                        .plus(lit(z2 / 4).divide(n.multiply(n)))))
            .divide(denom);
    Dataset<Row> out =
        cells
            .join(
                overall,
                col("channel")
                    .equalTo(col("o_channel"))
                    .and(col("metric").equalTo(col("o_metric"))))
            .withColumn("critical_rate", p)
            // As Proportions.wilson: exact bounds at x = 0 and x = n.
            .withColumn(
                "critical_rate_lower",
                when(col("critical").equalTo(0), lit(0.0))
                    .otherwise(greatest(lit(0.0), centre.minus(half))))
            .withColumn(
                "critical_rate_upper",
                when(col("critical").equalTo(col("responses")), lit(1.0))
                    .otherwise(least(lit(1.0), centre.plus(half))))
            .withColumn("run_date", lit(runDate))
            .withColumn("window_from", lit(windowFrom))
            .withColumn("window_to", lit(runDate));
    return select(out, Tables.KPI_PEAK_END);
  }

  private static Column countIf(Column condition) {
    return sum(when(condition, 1L).otherwise(0L));
  }

  private static Dataset<Row> select(Dataset<Row> rows, TableSpec table) {
    return rows.select(table.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
