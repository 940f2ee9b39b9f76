package io.polku.analysis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.when;

import io.polku.config.PolkuConfig.CriticalThreshold;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which responses are critical, per metric: NPS detractors (0-6), CSAT at most 2 (1-5), CES at
 * least 5 (1-7, high effort) by default; custom metrics by a {@code min} or {@code max} on the raw
 * score; any other metric normalised to [0, 1] by its scale and critical at or below a threshold.
 * Pure column expressions.
 */
public final class CriticalFeedback {
  private CriticalFeedback() {}

  /**
   * Adds {@code critical} (boolean; null when the score is missing) and {@code score_norm} ((score
   * - scale_min) / (scale_max - scale_min), null when the scale is degenerate).
   */
  public static Dataset<Row> withCritical(
      Dataset<Row> responses, Map<String, CriticalThreshold> rules, double otherMaxNormalised) {
    return responses
        .withColumn(
            "score_norm",
            when(
                col("scale_max").gt(col("scale_min")),
                col("score")
                    .minus(col("scale_min"))
                    .divide(col("scale_max").minus(col("scale_min")))))
        .withColumn("critical", critical(rules, otherMaxNormalised));
  }

  /** The critical flag as one CASE over the lower-cased metric. */
  static Column critical(Map<String, CriticalThreshold> rules, double otherMaxNormalised) {
    Column metric = lower(col("metric"));
    Column score = col("score");
    Column c = when(score.isNull(), lit(null).cast("boolean"));
    for (Map.Entry<String, CriticalThreshold> e : new TreeMap<>(rules).entrySet()) {
      CriticalThreshold t = e.getValue();
      Column test = t.min() != null ? score.geq(t.min()) : score.leq(t.max());
      c = c.when(metric.equalTo(e.getKey()), test);
    }
    return c.otherwise(col("score_norm").leq(otherMaxNormalised));
  }
}
