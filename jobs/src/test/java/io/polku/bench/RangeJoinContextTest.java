package io.polku.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.journey.JourneyOptions;
import io.polku.journey.JourneyTransforms;
import io.polku.testing.SparkTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The hand-written range join on a hand-made timeline (the fixture of JourneyTransformsTest plus
 * edge cases of the time band and of ordering). Every expected value below was worked out by hand;
 * the last test checks that the ordered pass gives the same answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RangeJoinContextTest {
  private static final StructType EVENTS =
      new StructType()
          .add("customer_key", DataTypes.StringType)
          .add("event_id", DataTypes.StringType)
          .add("event_ts", DataTypes.TimestampType)
          .add("channel", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("outcome", DataTypes.StringType)
          .add("touchpoint", DataTypes.StringType)
          .add("session_id", DataTypes.StringType)
          .add("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
  private static final StructType FEEDBACK =
      new StructType()
          .add("customer_key", DataTypes.StringType)
          .add("response_id", DataTypes.StringType)
          .add("response_ts", DataTypes.TimestampType)
          .add("channel", DataTypes.StringType)
          .add("touchpoint", DataTypes.StringType)
          .add("survey", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("score", DataTypes.DoubleType)
          .add("scale_min", DataTypes.DoubleType)
          .add("scale_max", DataTypes.DoubleType)
          .add("comment", DataTypes.StringType)
          .add("language", DataTypes.StringType);

  private final SparkSession spark = SparkTest.spark();
  private final List<Row> events = new ArrayList<>();
  private final List<Row> responses = new ArrayList<>();
  private JourneyOptions options;
  private Dataset<Row> eventRows;
  private Dataset<Row> feedbackRows;
  private Map<String, Row> context;

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  private void event(
      String key,
      String iso,
      String id,
      String channel,
      String type,
      String outcome,
      String touchpoint) {
    events.add(
        RowFactory.create(
            key, id, ts(iso), channel, type, outcome, touchpoint, null, Map.of("id", id)));
  }

  private void response(String key, String iso, String id, String channel) {
    responses.add(
        RowFactory.create(
            key,
            id,
            ts(iso),
            channel,
            "billing",
            "post_call_csat",
            "csat",
            2.0,
            1.0,
            5.0,
            null,
            "fi"));
  }

  @BeforeAll
  void runTheRangeJoin() {
    // A: failed app self-service, then a failed call; a response after the call.
    event("A", "2026-10-01T10:00:00Z", "a1", "app", "self_service", "failure", "billing");
    event("A", "2026-10-01T10:05:00Z", "a2", "app", "screen_view", null, "billing");
    event("A", "2026-10-01T11:00:00Z", "a3", "phone", "call", "failure", "billing");
    response("A", "2026-10-01T11:30:00Z", "rA1", "phone");
    // Five days later: a response at the same instant as a failing event (event first).
    event("A", "2026-10-06T09:00:00Z", "a5", "web", "search", "failure", "search");
    response("A", "2026-10-06T09:00:00Z", "rA2", "web");
    // B: no behaviour; C: behaviour 10 days before (outside the 7-day lookback).
    response("B", "2026-10-02T12:00:00Z", "rB", "chat");
    event("C", "2026-09-22T08:00:00Z", "c1", "app", "self_service", "failure", "billing");
    response("C", "2026-10-02T08:00:00Z", "rC", "phone");
    // D: an event exactly 7 days before (inside, <=), an error event, equal times by id.
    event("D", "2026-09-24T08:00:00Z", "d0", "email", "email_bounce", "failure", "news");
    event("D", "2026-09-30T08:00:00Z", "d2", "web", "page_view", null, "home");
    event("D", "2026-09-30T08:00:00Z", "d1", "web", "error", null, "checkout");
    event("D", "2026-10-01T08:00:00Z", "d3", "email", "email_open", null, "news");
    response("D", "2026-10-01T08:00:00Z", "rD", "web");
    // An unresolved response (null key) and one outside the output window.
    response(null, "2026-10-03T08:00:00Z", "rNull", "web");
    response("A", "2026-11-05T08:00:00Z", "rLate", "web");
    // E: 25 steps within an hour: last_steps keeps the last 20, oldest first.
    for (int i = 0; i < 25; i++) {
      event(
          "E",
          String.format("2026-10-10T10:%02d:00Z", i),
          String.format("e%02d", i),
          "web",
          "page_view",
          null,
          "home");
    }
    response("E", "2026-10-10T11:00:00Z", "rE", "web");

    eventRows = spark.createDataFrame(events, EVENTS);
    feedbackRows = spark.createDataFrame(responses, FEEDBACK);
    options = JourneyOptions.defaults(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31));
    context = new HashMap<>();
    for (Row r : RangeJoinContext.context(eventRows, feedbackRows, options).collectAsList()) {
      context.put(r.getAs("response_id"), r);
    }
  }

  private static List<String> stepIds(Row r) {
    List<Row> steps = r.getList(r.fieldIndex("last_steps"));
    return steps.stream().map(s -> s.<String, String>getJavaMap(5).get("id")).toList();
  }

  @Test
  void aResponseSeesTheFailuresBeforeIt() {
    Row r = context.get("rA1");
    assertTrue((Boolean) r.getAs("has_history"));
    assertEquals("phone", r.getAs("prev_channel"));
    assertEquals("call", r.getAs("prev_event_type"));
    assertEquals("phone", r.getAs("prev_failure_channel"));
    assertEquals("billing", r.getAs("prev_failure_touchpoint"));
    assertEquals("call", r.getAs("prev_failure_type"));
    assertEquals(0.5, (Double) r.getAs("hours_since_prev_failure"), 1e-9);
    assertEquals("app", r.getAs("upstream_failure_channel"));
    assertEquals("billing", r.getAs("upstream_failure_touchpoint"));
    assertEquals("self_service", r.getAs("upstream_failure_type"));
    assertEquals(1.5, (Double) r.getAs("hours_since_upstream_failure"), 1e-9);
    assertEquals(List.of("a1", "a2", "a3"), stepIds(r));
    Row first = r.<Row>getList(r.fieldIndex("last_steps")).get(0);
    assertEquals(ts("2026-10-01T10:00:00Z"), first.getTimestamp(0));
    assertEquals("app", first.getString(1));
    assertEquals("self_service", first.getString(2));
    assertEquals("failure", first.getString(3));
    assertEquals("billing", first.getString(4));
  }

  @Test
  void anEventAtTheSameInstantComesBeforeTheResponse() {
    Row r = context.get("rA2");
    assertEquals("web", r.getAs("prev_failure_channel"));
    assertEquals(0.0, (Double) r.getAs("hours_since_prev_failure"), 1e-9);
    assertEquals("phone", r.getAs("upstream_failure_channel"));
    assertEquals(118.0, (Double) r.getAs("hours_since_upstream_failure"), 1e-9);
    assertEquals(List.of("a1", "a2", "a3", "a5"), stepIds(r));
  }

  @Test
  void theBandIncludesBothEndsAndEqualTimesAreOrderedById() {
    Row r = context.get("rD");
    assertEquals(List.of("d0", "d1", "d2", "d3"), stepIds(r), "exactly 7 days back is inside");
    assertEquals("email", r.getAs("prev_channel"));
    assertEquals("email_open", r.getAs("prev_event_type"));
    assertEquals("web", r.getAs("prev_failure_channel"), "the error event d1");
    assertEquals("error", r.getAs("prev_failure_type"));
    assertEquals(24.0, (Double) r.getAs("hours_since_prev_failure"), 1e-9);
    assertEquals("email", r.getAs("upstream_failure_channel"), "rated web: the bounce");
    assertEquals(168.0, (Double) r.getAs("hours_since_upstream_failure"), 1e-9);
  }

  @Test
  void responsesWithoutHistoryAreKept() {
    for (String id : List.of("rB", "rC", "rNull")) {
      Row r = context.get(id);
      assertFalse((Boolean) r.getAs("has_history"), id);
      assertNull(r.getAs("prev_channel"), id);
      assertNull(r.getAs("prev_failure_channel"), id);
      assertNull(r.getAs("hours_since_prev_failure"), id);
      assertNull(r.getAs("upstream_failure_channel"), id);
      assertTrue(r.getList(r.fieldIndex("last_steps")).isEmpty(), id);
    }
    assertFalse(context.containsKey("rLate"), "outside the output window");
  }

  @Test
  void lastStepsKeepsTheLastKOldestFirst() {
    Row r = context.get("rE");
    List<String> expected = new ArrayList<>();
    for (int i = 5; i < 25; i++) {
      expected.add(String.format("e%02d", i));
    }
    assertEquals(expected, stepIds(r));
    assertNull(r.getAs("prev_failure_channel"));
  }

  @Test
  void theOrderedPassAgrees() {
    Dataset<Row> polku =
        JourneyTransforms.feedbackContext(
            JourneyTransforms.orderedPass(
                JourneyTransforms.timeline(eventRows, feedbackRows), options));
    Agreement.Result a =
        Agreement.compare(polku, RangeJoinContext.context(eventRows, feedbackRows, options));
    assertEquals(7, a.compared());
    assertTrue(a.passed(), a.mismatches() + " " + a.examples());
  }

  @Test
  void theAgreementCheckSeesADifference() {
    Dataset<Row> reference = RangeJoinContext.context(eventRows, feedbackRows, options);
    Dataset<Row> changed =
        reference.withColumn(
            "prev_channel",
            org.apache
                .spark
                .sql
                .functions
                .when(org.apache.spark.sql.functions.col("response_id").equalTo("rA1"), "web")
                .otherwise(org.apache.spark.sql.functions.col("prev_channel")));
    Agreement.Result a = Agreement.compare(changed, reference);
    assertFalse(a.passed());
    assertEquals(1L, a.mismatches().get("prev_channel"));
    assertEquals(0L, a.mismatches().get("last_steps"));
    assertTrue(a.examples().get(0).contains("rA1"), a.examples().toString());
  }
}
