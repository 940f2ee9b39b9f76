package io.polku.testing;

import io.polku.contract.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/** Builds small typed feedback_context fixtures: the columns a test names, the rest null/0. */
public final class ContextRows {
  private final List<Row> rows = new ArrayList<>();

  /**
   * Adds a response. {@code date} is yyyy-MM-dd; the response is at 12:00 UTC. Columns not given:
   * defaults (survey 'survey', scale 0-10 for nps, 1-5 csat, 1-7 ces, has_history true, counts 0,
   * others null).
   */
  public ContextRows add(
      String id,
      String date,
      String channel,
      String metric,
      Double score,
      String path,
      long peak,
      String end,
      String customerKey,
      String touchpoint,
      String prevChannel) {
    double min = "nps".equals(metric) ? 0 : 1;
    double max = "nps".equals(metric) ? 10 : "csat".equals(metric) ? 5 : 7;
    Object[] v = new Object[Tables.FEEDBACK_CONTEXT.columns().size()];
    StructField[] fields = Tables.FEEDBACK_CONTEXT.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      String n = fields[i].name();
      v[i] =
          switch (n) {
            case "response_id" -> id;
            case "response_ts" -> Timestamp.valueOf(date + " 12:00:00");
            case "response_date" -> Date.valueOf(date);
            case "customer_key" -> customerKey;
            case "channel" -> channel;
            case "touchpoint" -> touchpoint;
            case "survey" -> "survey";
            case "metric" -> metric;
            case "score" -> score;
            case "scale_min" -> min;
            case "scale_max" -> max;
            case "comment" -> "comment " + id;
            case "has_history" -> path != null;
            case "path_before" -> path;
            case "steps_before", "switches_before", "handoffs_before", "failures_before" -> 0L;
            case "peak_before" -> peak;
            case "end_before" -> end;
            case "prev_channel" -> prevChannel;
            default -> null;
          };
    }
    rows.add(RowFactory.create(v));
    return this;
  }

  /** Shorthand: a response with a path, peak 0, end success, no customer. */
  public ContextRows add(
      String id, String date, String channel, String metric, Double score, String path) {
    return add(id, date, channel, metric, score, path, 0L, "success", null, null, null);
  }

  public Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, Tables.FEEDBACK_CONTEXT.schema());
  }
}
