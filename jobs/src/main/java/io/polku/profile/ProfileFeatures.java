package io.polku.profile;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;

import io.polku.analysis.CriticalFeedback;
import io.polku.config.PolkuConfig.CriticalThreshold;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Candidate customer attributes as of a cut-off date, and the decision label after it. Pure
 * transforms: no reads, writes or actions.
 *
 * <p><b>Strict time split.</b> Attributes use only data strictly before the cut-off (00:00 UTC of
 * the cut-off date) and at most {@code lookbackDays} before it: events and responses by their own
 * timestamps, and journey-level aggregates (hand-offs, repeat contacts, switches, failed journeys)
 * only from journeys that ended more than the journey gap before the cut-off — a journey ending
 * later could still be extended by an event after the cut-off, so its aggregates would leak the
 * future. Labels use only [cut-off, cut-off + horizon). {@code ProfileFeaturesTest} proves an event
 * after the cut-off changes no attribute.
 *
 * <p>Missing values get fixed defaults so every attribute is a number: counts 0, "days since" the
 * lookback length (not seen in the window), scores 0 with {@code responses = 0} telling the model
 * there were none. Values are rounded to 6 decimals so re-runs are bit-identical.
 */
public final class ProfileFeatures {
  private ProfileFeatures() {}

  /** The vocabularies and windows the attributes are built from. */
  public record Settings(
      List<String> channels,
      List<String> assistedChannels,
      List<String> segments,
      List<String> tiers,
      int lookbackDays,
      Duration journeyGap,
      Map<String, CriticalThreshold> critical,
      double otherMaxNormalised) {
    public Settings {
      channels = List.copyOf(channels);
      assistedChannels = List.copyOf(assistedChannels);
      segments = List.copyOf(segments);
      tiers = List.copyOf(tiers);
      critical = Map.copyOf(critical);
    }
  }

  private static final List<String> EVENT_ATTRIBUTES =
      List.of(
          "days_since_last_event",
          "events",
          "active_days",
          "channels_used",
          "failures",
          "failure_share",
          "self_service_failures",
          "failure_touchpoints",
          "days_since_last_failure",
          "assisted_events",
          "days_since_last_assisted",
          "purchases",
          "failed_deliveries",
          "preferred_channel_share",
          "preferred_channel_assisted");
  private static final List<String> JOURNEY_ATTRIBUTES =
      List.of(
          "journeys",
          "handoffs",
          "assisted_contacts",
          "repeat_contacts",
          "failed_journey_share",
          "mean_switches",
          "max_peak_severity",
          "ended_assisted_journeys");
  private static final List<String> FEEDBACK_ATTRIBUTES =
      List.of(
          "responses",
          "critical_responses",
          "last_score_norm",
          "last_critical",
          "score_trend",
          "days_since_last_response",
          "last_metric_nps",
          "last_metric_csat",
          "last_metric_ces");

  /** The candidate attribute names, in a fixed order (the columns of {@link #candidates}). */
  public static List<String> attributeNames(Settings s) {
    List<String> names = new ArrayList<>(EVENT_ATTRIBUTES);
    for (String ch : s.channels()) {
      names.add("events_" + safe(ch));
    }
    names.addAll(JOURNEY_ATTRIBUTES);
    names.addAll(FEEDBACK_ATTRIBUTES);
    names.add("tenure_days");
    names.add("has_customer_record");
    for (String v : s.segments()) {
      names.add("segment_" + safe(v));
    }
    for (String v : s.tiers()) {
      names.add("value_tier_" + safe(v));
    }
    return names;
  }

  /** A value as a lower-case identifier part ({@code small business} -> small_business). */
  static String safe(String v) {
    return v.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
  }

  /**
   * Per customer key (active in the window: an event or a response), every candidate attribute as a
   * double column named by {@link #attributeNames}.
   *
   * @param events resolved events: customer_key, event_ts, channel, event_type, outcome, touchpoint
   * @param journeys journeys rows
   * @param responses feedback_context rows (customer_key, response_ts, response_id, metric, score,
   *     scale_min, scale_max)
   * @param master {@link #customerMaster} (customer_key, segment, value_tier, customer_since)
   */
  public static Dataset<Row> candidates(
      Dataset<Row> events,
      Dataset<Row> journeys,
      Dataset<Row> responses,
      Dataset<Row> master,
      Settings s,
      LocalDate cutoff) {
    Timestamp cut = ts(cutoff);
    Timestamp from = ts(cutoff.minusDays(s.lookbackDays()));
    Timestamp journeysEndBefore = new Timestamp(cut.getTime() - s.journeyGap().toMillis());
    double lookback = s.lookbackDays();
    long cutSeconds = cut.getTime() / 1000;

    Column isFail =
        col("outcome").isin("failure", "abandoned").or(col("event_type").equalTo("error"));
    Column assisted = col("channel").isin(s.assistedChannels().toArray());
    List<Column> eventAggs =
        new ArrayList<>(
            List.of(
                max("event_ts").as("last_event_ts"),
                count(lit(1)).as("events"),
                countDistinct(to_date(col("event_ts"))).as("active_days"),
                countDistinct(col("channel")).as("channels_used"),
                sum(when(isFail, 1).otherwise(0)).as("failures"),
                sum(when(
                            isFail
                                .and(org.apache.spark.sql.functions.not(assisted))
                                .and(col("channel").notEqual("email")),
                            1)
                        .otherwise(0))
                    .as("self_service_failures"),
                countDistinct(when(isFail, col("touchpoint"))).as("failure_touchpoints"),
                max(when(isFail, col("event_ts"))).as("last_failure_ts"),
                sum(when(assisted, 1).otherwise(0)).as("assisted_events"),
                max(when(assisted, col("event_ts"))).as("last_assisted_ts"),
                sum(when(col("event_type").equalTo("purchase"), 1).otherwise(0)).as("purchases"),
                sum(when(
                            col("event_type")
                                .equalTo("delivery")
                                .and(col("outcome").equalTo("failure")),
                            1)
                        .otherwise(0))
                    .as("failed_deliveries")));
    for (String ch : s.channels()) {
      eventAggs.add(sum(when(col("channel").equalTo(ch), 1).otherwise(0)).as("events_" + safe(ch)));
    }
    Dataset<Row> ev =
        events
            .filter(
                col("customer_key")
                    .isNotNull()
                    .and(col("event_ts").geq(lit(from)))
                    .and(col("event_ts").lt(lit(cut))))
            .groupBy("customer_key")
            .agg(eventAggs.get(0), eventAggs.subList(1, eventAggs.size()).toArray(new Column[0]));

    Dataset<Row> jr =
        journeys
            .filter(
                col("customer_key")
                    .isNotNull()
                    .and(col("journey_start").geq(lit(from)))
                    .and(col("journey_end").lt(lit(journeysEndBefore))))
            .groupBy("customer_key")
            .agg(
                count(lit(1)).as("journeys"),
                sum("handoffs").as("handoffs"),
                sum("assisted_contacts").as("assisted_contacts"),
                sum(when(col("repeat_contact"), 1).otherwise(0)).as("repeat_contacts"),
                avg(when(col("success"), 0.0).otherwise(1.0)).as("failed_journey_share"),
                avg("channel_switches").as("mean_switches"),
                max("peak_severity").as("max_peak_severity"),
                sum(when(col("ended_assisted"), 1).otherwise(0)).as("ended_assisted_journeys"));

    Column order = struct(col("response_ts"), col("response_id"));
    Dataset<Row> fb =
        CriticalFeedback.withCritical(
                responses.filter(
                    col("customer_key")
                        .isNotNull()
                        .and(col("response_ts").geq(lit(from)))
                        .and(col("response_ts").lt(lit(cut)))),
                s.critical(),
                s.otherMaxNormalised())
            .groupBy("customer_key")
            .agg(
                count(lit(1)).as("responses"),
                sum(when(col("critical"), 1).otherwise(0)).as("critical_responses"),
                max_by(col("score_norm"), order).as("last_score_norm"),
                max_by(when(col("critical"), 1.0).otherwise(0.0), order).as("last_critical"),
                avg("score_norm").as("mean_score_norm"),
                count(col("score_norm")).as("scored"),
                max("response_ts").as("last_response_ts"),
                max_by(lower(col("metric")), order).as("last_metric"));

    Dataset<Row> keys = ev.select("customer_key").union(fb.select("customer_key")).distinct();
    Dataset<Row> df =
        keys.join(ev, "customer_key", "left")
            .join(jr, "customer_key", "left")
            .join(fb, "customer_key", "left")
            .join(
                master.select("customer_key", "segment", "value_tier", "customer_since"),
                "customer_key",
                "left");

    List<Column> out = new ArrayList<>();
    out.add(col("customer_key"));
    Column eventCount = coalesce(col("events"), lit(0));
    List<Column> channelCounts = new ArrayList<>();
    List<Column> assistedCounts = new ArrayList<>();
    for (String ch : s.channels()) {
      Column c = coalesce(col("events_" + safe(ch)), lit(0));
      channelCounts.add(c);
      if (s.assistedChannels().contains(ch)) {
        assistedCounts.add(c);
      }
    }
    Column top =
        channelCounts.size() == 1
            ? channelCounts.get(0)
            : greatest(channelCounts.toArray(new Column[0]));
    Column topAssisted =
        assistedCounts.isEmpty()
            ? lit(0)
            : assistedCounts.size() == 1
                ? assistedCounts.get(0)
                : greatest(assistedCounts.toArray(new Column[0]));
    Map<String, Column> values = new java.util.HashMap<>();
    values.put("days_since_last_event", daysSince(col("last_event_ts"), cutSeconds, lookback));
    values.put("events", eventCount);
    values.put("active_days", col("active_days"));
    values.put("channels_used", col("channels_used"));
    values.put("failures", col("failures"));
    values.put(
        "failure_share",
        when(eventCount.gt(0), coalesce(col("failures"), lit(0)).divide(eventCount)));
    values.put("self_service_failures", col("self_service_failures"));
    values.put("failure_touchpoints", col("failure_touchpoints"));
    values.put("days_since_last_failure", daysSince(col("last_failure_ts"), cutSeconds, lookback));
    values.put("assisted_events", col("assisted_events"));
    values.put(
        "days_since_last_assisted", daysSince(col("last_assisted_ts"), cutSeconds, lookback));
    values.put("purchases", col("purchases"));
    values.put("failed_deliveries", col("failed_deliveries"));
    values.put("preferred_channel_share", when(eventCount.gt(0), top.divide(eventCount)));
    values.put(
        "preferred_channel_assisted", when(eventCount.gt(0).and(topAssisted.equalTo(top)), 1.0));
    for (String ch : s.channels()) {
      values.put("events_" + safe(ch), col("events_" + safe(ch)));
    }
    for (String j : JOURNEY_ATTRIBUTES) {
      values.put(j, col(j));
    }
    values.put("responses", col("responses"));
    values.put("critical_responses", col("critical_responses"));
    values.put("last_score_norm", col("last_score_norm"));
    values.put("last_critical", col("last_critical"));
    values.put(
        "score_trend",
        when(col("scored").gt(1), col("last_score_norm").minus(col("mean_score_norm"))));
    values.put(
        "days_since_last_response", daysSince(col("last_response_ts"), cutSeconds, lookback));
    for (String m : List.of("nps", "csat", "ces")) {
      values.put("last_metric_" + m, when(col("last_metric").equalTo(m), 1.0));
    }
    values.put(
        "tenure_days",
        greatest(lit(0), datediff(lit(Date.valueOf(cutoff)), col("customer_since"))));
    values.put(
        "has_customer_record",
        when(
            col("customer_since")
                .isNotNull()
                .or(col("segment").isNotNull())
                .or(col("value_tier").isNotNull()),
            1.0));
    for (String v : s.segments()) {
      values.put("segment_" + safe(v), when(col("segment").equalTo(v), 1.0));
    }
    for (String v : s.tiers()) {
      values.put("value_tier_" + safe(v), when(col("value_tier").equalTo(v), 1.0));
    }
    for (String name : attributeNames(s)) {
      out.add(round(coalesce(values.get(name).cast("double"), lit(0.0)), 6).as(name));
    }
    return df.select(out.toArray(new Column[0]));
  }

  /** Days from {@code ts} to the cut-off; the lookback length when never seen. */
  private static Column daysSince(Column ts, long cutSeconds, double lookback) {
    return coalesce(lit(cutSeconds).minus(unix_timestamp(ts)).divide(86400.0), lit(lookback));
  }

  /**
   * The decision label per customer key: 1.0 when, in [cut-off, cut-off + horizon), the customer
   * gave critical feedback ({@code critical-feedback}) or had a journey with a repeat assisted
   * contact starting in it ({@code repeat-contact}), whichever the target lists; keys with neither
   * are absent (label 0 after a left join).
   */
  public static Dataset<Row> labels(
      Dataset<Row> responses,
      Dataset<Row> journeys,
      List<String> target,
      Settings s,
      LocalDate cutoff,
      int horizonDays) {
    Timestamp from = ts(cutoff);
    Timestamp to = ts(cutoff.plusDays(horizonDays));
    List<Dataset<Row>> parts = new ArrayList<>();
    if (target.contains("critical-feedback")) {
      parts.add(
          CriticalFeedback.withCritical(
                  responses.filter(
                      col("customer_key")
                          .isNotNull()
                          .and(col("response_ts").geq(lit(from)))
                          .and(col("response_ts").lt(lit(to)))),
                  s.critical(),
                  s.otherMaxNormalised())
              .filter(col("critical"))
              .select("customer_key"));
    }
    if (target.contains("repeat-contact")) {
      parts.add(
          journeys
              .filter(
                  col("customer_key")
                      .isNotNull()
                      .and(col("repeat_contact"))
                      .and(col("journey_start").geq(lit(from)))
                      .and(col("journey_start").lt(lit(to))))
              .select("customer_key"));
    }
    Dataset<Row> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.union(parts.get(i));
    }
    return all.distinct().withColumn("label", lit(1.0));
  }

  /** Candidates with their label (0 or 1) for the customers active before the cut-off. */
  public static Dataset<Row> labelled(Dataset<Row> candidates, Dataset<Row> labels) {
    return candidates
        .join(labels, "customer_key", "left")
        .withColumn("label", coalesce(col("label"), lit(0.0)));
  }

  /**
   * Customer master data per customer key, through identity_map: segment, value tier, start (of the
   * smallest customer number when a person has several), the first customer number, and consents
   * that hold only when every linked customer record gives them (unknown = no).
   */
  public static Dataset<Row> customerMaster(Dataset<Row> identityMap, Dataset<Row> customers) {
    return identityMap
        .filter(col("id_type").equalTo("customer_id"))
        .join(customers, identityMap.col("id").equalTo(customers.col("customer_id")))
        .groupBy(col("customer_key"))
        .agg(
            min("customer_id").as("customer_id"),
            min_by(col("segment"), col("customer_id")).as("segment"),
            min_by(col("value_tier"), col("customer_id")).as("value_tier"),
            min_by(col("customer_since"), col("customer_id")).as("customer_since"),
            min(coalesce(col("survey_consent"), lit(false)).cast("int"))
                .equalTo(1)
                .as("survey_consent"),
            min(coalesce(col("marketing_consent"), lit(false)).cast("int"))
                .equalTo(1)
                .as("marketing_consent"));
  }

  static Timestamp ts(LocalDate d) {
    return Timestamp.from(d.atStartOfDay().toInstant(ZoneOffset.UTC));
  }
}
