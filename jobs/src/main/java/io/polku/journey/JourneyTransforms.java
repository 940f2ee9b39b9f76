package io.polku.journey;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Pure transforms of the journey engine: the customer timeline (events and responses, each resolved
 * to its customer_key), the single ordered pass that cuts it into sessions and journeys and puts
 * every response in the context of the journey before it, and the journey KPIs. No reads, writes or
 * actions happen here.
 *
 * <p>Cost: {@link #orderedPass} is one shuffle — the timeline is hash-partitioned by customer_key
 * and sorted within partitions by (customer_key, ts, kind, id) — followed by one linear walk
 * ({@link JourneyPass}). There is no range join of feedback with events and no per-customer list:
 * the walk keeps bounded state per customer. Everything downstream of the pass (journeys, context,
 * KPIs by date and channel) runs on its much smaller output.
 */
public final class JourneyTransforms {
  private JourneyTransforms() {}

  /** The unified timeline the pass walks: events (kind 0) and responses (kind 1). */
  public static final StructType TIMELINE =
      new StructType()
          .add("customer_key", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("kind", DataTypes.IntegerType, false)
          .add("row_id", DataTypes.StringType)
          .add("channel", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("outcome", DataTypes.StringType)
          .add("touchpoint", DataTypes.StringType)
          .add("session_id", DataTypes.StringType)
          .add("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
          .add("survey", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("score", DataTypes.DoubleType)
          .add("scale_min", DataTypes.DoubleType)
          .add("scale_max", DataTypes.DoubleType)
          .add("comment", DataTypes.StringType)
          .add("language", DataTypes.StringType);

  /** The pass's output: exactly one of {@code journey} and {@code context} is set per row. */
  public static final StructType PASS_SCHEMA =
      new StructType()
          .add("journey", Tables.JOURNEYS.schema())
          .add("context", Tables.FEEDBACK_CONTEXT.schema());

  /**
   * Unions resolved events and responses into the timeline. Both inputs carry a {@code
   * customer_key} column (see {@code io.polku.identity.IdentityResolution}).
   */
  public static Dataset<Row> timeline(Dataset<Row> resolvedEvents, Dataset<Row> resolvedFeedback) {
    Dataset<Row> events =
        resolvedEvents
            .withColumn("ts", col("event_ts"))
            .withColumn("kind", lit(0))
            .withColumn("row_id", col("event_id"));
    Dataset<Row> responses =
        resolvedFeedback
            .withColumn("ts", col("response_ts"))
            .withColumn("kind", lit(1))
            .withColumn("row_id", col("response_id"));
    return conform(events).unionByName(conform(responses));
  }

  /** The timeline's columns; those a side does not have are null. */
  private static Dataset<Row> conform(Dataset<Row> rows) {
    List<String> present = java.util.Arrays.asList(rows.columns());
    List<Column> cols = new ArrayList<>();
    for (var f : TIMELINE.fields()) {
      Column c = present.contains(f.name()) ? col(f.name()) : lit(null);
      cols.add(c.cast(f.dataType()).as(f.name()));
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  /**
   * The one ordered pass: hash-partitions the timeline by customer_key (the only shuffle), sorts
   * within partitions and walks each customer's rows once. Output: {@link #PASS_SCHEMA}.
   */
  public static Dataset<Row> orderedPass(Dataset<Row> timeline, JourneyOptions options) {
    return timeline
        .repartition(col("customer_key"))
        .sortWithinPartitions(col("customer_key"), col("ts"), col("kind"), col("row_id"))
        .mapPartitions(new JourneyPass(options, timeline.schema()), Encoders.row(PASS_SCHEMA));
  }

  /** The journeys of the pass, in the journeys table's schema. */
  public static Dataset<Row> journeys(Dataset<Row> pass) {
    return pass.filter(col("journey").isNotNull()).select(col("journey.*"));
  }

  /** Every response in its context, in the feedback_context table's schema. */
  public static Dataset<Row> feedbackContext(Dataset<Row> pass) {
    return pass.filter(col("context").isNotNull()).select(col("context.*"));
  }

  /** Journey KPIs per start date and first channel. */
  public static Dataset<Row> kpiDaily(Dataset<Row> journeys) {
    TableSpec t = Tables.KPI_JOURNEY_DAILY;
    Dataset<Row> kpis =
        journeys
            .groupBy(col("journey_date"), col("first_channel"))
            .agg(
                count(lit(1)).as("journeys"),
                avg(rate(col("success"))).as("success_rate"),
                avg(rate(col("channel_switches").equalTo(0).and(col("failures").equalTo(0))))
                    .as("first_channel_resolution"),
                avg(col("channel_switches")).as("mean_switches"),
                avg(rate(col("repeat_contact"))).as("repeat_contact_rate"),
                avg(rate(col("assisted_contacts").gt(0))).as("assisted_contact_rate"));
    return kpis.select(t.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
  }

  private static Column rate(Column condition) {
    return when(condition, 1.0).otherwise(0.0);
  }
}
