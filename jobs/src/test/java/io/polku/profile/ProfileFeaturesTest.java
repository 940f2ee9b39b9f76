package io.polku.profile;

import static io.polku.testing.JourneyRows.journey;
import static io.polku.testing.JourneyRows.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.polku.config.PolkuConfig.CriticalThreshold;
import io.polku.contract.Tables;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Candidate attributes and labels on a hand-made fixture, and the proof that nothing on or after
 * the cut-off reaches an attribute. Expected values were worked out by hand.
 */
class ProfileFeaturesTest {
  private static final LocalDate CUTOFF = LocalDate.of(2026, 10, 1);
  private final SparkSession spark = SparkTest.spark();

  static final ProfileFeatures.Settings SETTINGS =
      new ProfileFeatures.Settings(
          List.of("web", "app", "phone", "chat", "shop", "email"),
          List.of("phone", "chat"),
          List.of("consumer"),
          List.of("gold"),
          30,
          Duration.ofHours(72),
          Map.of("csat", new CriticalThreshold(null, 2.0), "nps", new CriticalThreshold(null, 6.0)),
          0.25);

  private static final StructType EVENTS =
      new StructType()
          .add("customer_key", "string")
          .add("event_ts", "timestamp")
          .add("channel", "string")
          .add("event_type", "string")
          .add("outcome", "string")
          .add("touchpoint", "string");
  private static final StructType RESPONSES =
      new StructType()
          .add("customer_key", "string")
          .add("response_id", "string")
          .add("response_ts", "timestamp")
          .add("metric", "string")
          .add("score", "double")
          .add("scale_min", "double")
          .add("scale_max", "double");

  private static Row event(
      String key, String iso, String channel, String type, String outcome, String touchpoint) {
    return RowFactory.create(key, ts(iso), channel, type, outcome, touchpoint);
  }

  private static Row response(String key, String id, String iso, String metric, double score) {
    return RowFactory.create(key, id, ts(iso), metric, score, 1.0, 5.0);
  }

  private List<Row> events() {
    return new ArrayList<>(
        List.of(
            event("A", "2026-09-20T10:00:00Z", "app", "self_service", "failure", "billing"),
            event("A", "2026-09-20T10:30:00Z", "phone", "call", "success", "billing"),
            event("A", "2026-09-29T12:00:00Z", "web", "page_view", null, "home"),
            event("A", "2026-08-15T12:00:00Z", "web", "page_view", null, "home"),
            event("B", "2026-09-30T23:59:59Z", "web", "purchase", "success", "shop")));
  }

  private List<Row> responses() {
    return new ArrayList<>(
        List.of(
            response("A", "r1", "2026-09-21T09:00:00Z", "csat", 1),
            response("A", "r2", "2026-09-25T09:00:00Z", "csat", 4)));
  }

  private List<Row> journeys(String lastJourneyEnd) {
    return new ArrayList<>(
        List.of(
            journey(
                "A",
                "2026-09-20T10:00:00Z",
                "2026-09-20T10:30:00Z",
                "handoffs",
                1L,
                "assisted_contacts",
                1L,
                "success",
                false,
                "peak_severity",
                3L,
                "ended_assisted",
                true,
                "channel_switches",
                1L),
            // Ends within the journey gap before the cut-off: could still grow, so not used.
            journey("A", "2026-09-29T12:00:00Z", lastJourneyEnd, "handoffs", 5L)));
  }

  private Dataset<Row> master() {
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                "A", "c-1", "consumer", "gold", Date.valueOf("2020-10-01"), true, false)),
        ProfileStage.MASTER_SCHEMA);
  }

  private Map<String, Map<String, Double>> candidates(
      List<Row> events, List<Row> journeys, List<Row> responses) {
    Dataset<Row> df =
        ProfileFeatures.candidates(
            spark.createDataFrame(events, EVENTS),
            spark.createDataFrame(journeys, Tables.JOURNEYS.schema()),
            spark.createDataFrame(responses, RESPONSES),
            master(),
            SETTINGS,
            CUTOFF);
    Map<String, Map<String, Double>> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      Map<String, Double> m = new HashMap<>();
      for (String name : ProfileFeatures.attributeNames(SETTINGS)) {
        m.put(name, r.getDouble(r.fieldIndex(name)));
      }
      out.put(r.getString(0), m);
    }
    return out;
  }

  @Test
  void attributesAreComputedFromTheWindowBeforeTheCutoff() {
    Map<String, Map<String, Double>> c =
        candidates(events(), journeys("2026-09-29T12:00:00Z"), responses());
    assertEquals(java.util.Set.of("A", "B"), c.keySet());
    assertEquals(
        42,
        ProfileFeatures.attributeNames(SETTINGS).size(),
        "15 event + 6 channel + 8 journey + 9 feedback + 2 customer + 1 segment + 1 tier");
    Map<String, Double> a = c.get("A");
    Map<String, Double> expected = new HashMap<>();
    expected.put("events", 3.0); // the August event is outside the 30-day lookback
    expected.put("active_days", 2.0);
    expected.put("channels_used", 3.0);
    expected.put("failures", 1.0);
    expected.put("failure_share", 0.333333);
    expected.put("self_service_failures", 1.0);
    expected.put("failure_touchpoints", 1.0);
    expected.put("days_since_last_event", 1.5);
    expected.put("days_since_last_failure", 10.583333);
    expected.put("assisted_events", 1.0);
    expected.put("days_since_last_assisted", 10.5625);
    expected.put("events_app", 1.0);
    expected.put("events_phone", 1.0);
    expected.put("events_web", 1.0);
    expected.put("events_chat", 0.0);
    expected.put("journeys", 1.0);
    expected.put("handoffs", 1.0);
    expected.put("failed_journey_share", 1.0);
    expected.put("max_peak_severity", 3.0);
    expected.put("ended_assisted_journeys", 1.0);
    expected.put("mean_switches", 1.0);
    expected.put("responses", 2.0);
    expected.put("critical_responses", 1.0);
    expected.put("last_score_norm", 0.75);
    expected.put("last_critical", 0.0);
    expected.put("score_trend", 0.375);
    expected.put("days_since_last_response", 5.625);
    expected.put("last_metric_csat", 1.0);
    expected.put("last_metric_nps", 0.0);
    expected.put("tenure_days", 2191.0);
    expected.put("has_customer_record", 1.0);
    expected.put("segment_consumer", 1.0);
    expected.put("value_tier_gold", 1.0);
    for (var e : expected.entrySet()) {
      assertEquals(e.getValue(), a.get(e.getKey()), 1e-9, "A." + e.getKey());
    }
    Map<String, Double> b = c.get("B");
    assertEquals(1.0, b.get("purchases"));
    assertEquals(0.000012, b.get("days_since_last_event"), 1e-12);
    assertEquals(30.0, b.get("days_since_last_response"), "never: the lookback length");
    assertEquals(0.0, b.get("has_customer_record"));
    assertEquals(0.0, b.get("journeys"));
  }

  @Test
  void nothingOnOrAfterTheCutoffChangesAnAttribute() {
    Map<String, Map<String, Double>> before =
        candidates(events(), journeys("2026-09-29T12:00:00Z"), responses());
    List<Row> events = events();
    events.add(event("A", "2026-10-01T00:00:00Z", "phone", "call", "failure", "billing"));
    events.add(event("A", "2026-10-03T08:00:00Z", "chat", "chat", "abandoned", "returns"));
    events.add(event("B", "2026-10-01T00:00:01Z", "shop", "delivery", "failure", "delivery"));
    events.add(event("C", "2026-10-02T00:00:00Z", "web", "page_view", null, "home"));
    List<Row> responses = responses();
    responses.add(response("A", "r3", "2026-10-01T00:00:00Z", "csat", 1));
    responses.add(response("C", "r4", "2026-10-05T00:00:00Z", "csat", 1));
    // The journey stage would extend A's last journey with the new events; a new one starts.
    List<Row> journeys = journeys("2026-10-03T08:00:00Z");
    journeys.add(
        journey(
            "B",
            "2026-09-30T23:59:59Z",
            "2026-10-01T00:00:01Z",
            "handoffs",
            2L,
            "repeat_contact",
            true));
    journeys.add(journey("C", "2026-10-02T00:00:00Z", "2026-10-02T00:00:00Z"));
    Map<String, Map<String, Double>> after = candidates(events, journeys, responses);
    assertEquals(before, after);
    assertFalse(after.containsKey("C"), "a customer first seen after the cut-off is not scored");
  }

  @Test
  void labelsComeOnlyFromTheHorizonAfterTheCutoff() {
    List<Row> responses = responses();
    responses.add(response("A", "r3", "2026-10-01T00:00:00Z", "csat", 1)); // critical, in
    responses.add(response("D", "r5", "2026-10-31T00:00:00Z", "csat", 1)); // after the horizon
    responses.add(response("E", "r6", "2026-10-10T00:00:00Z", "csat", 5)); // not critical
    List<Row> journeys = journeys("2026-09-29T12:00:00Z");
    journeys.add(
        journey("B", "2026-10-10T00:00:00Z", "2026-10-10T01:00:00Z", "repeat_contact", true));
    journeys.add(
        journey(
            "F",
            "2026-09-30T00:00:00Z",
            "2026-10-02T00:00:00Z",
            "repeat_contact",
            true)); // started before the cut-off
    Dataset<Row> r = spark.createDataFrame(responses, RESPONSES);
    Dataset<Row> j = spark.createDataFrame(journeys, Tables.JOURNEYS.schema());
    assertEquals(
        List.of("A", "B"),
        keys(
            ProfileFeatures.labels(
                r, j, List.of("critical-feedback", "repeat-contact"), SETTINGS, CUTOFF, 30)));
    assertEquals(
        List.of("A"),
        keys(ProfileFeatures.labels(r, j, List.of("critical-feedback"), SETTINGS, CUTOFF, 30)));
    assertEquals(
        List.of("B"),
        keys(ProfileFeatures.labels(r, j, List.of("repeat-contact"), SETTINGS, CUTOFF, 30)));
  }

  private static List<String> keys(Dataset<Row> labels) {
    return labels
        .select("customer_key")
        .orderBy("customer_key")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }
}
