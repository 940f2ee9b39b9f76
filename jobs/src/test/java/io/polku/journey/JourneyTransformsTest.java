package io.polku.journey;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ordered pass on a hand-made timeline. Every expected value below was worked out by hand from
 * the fixture rows and the definitions in the table comments.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneyTransformsTest {
  private final SparkSession spark = SparkTest.spark();
  private final List<Row> rows = new ArrayList<>();
  private Map<String, Row> context;
  private List<Row> journeys;

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
      String touchpoint,
      String session) {
    rows.add(
        RowFactory.create(
            key,
            ts(iso),
            0,
            id,
            channel,
            type,
            outcome,
            touchpoint,
            session,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  private void response(String key, String iso, String id, String channel, double score) {
    rows.add(
        RowFactory.create(
            key,
            ts(iso),
            1,
            id,
            channel,
            null,
            null,
            "billing",
            null,
            null,
            "post_call_csat",
            "csat",
            score,
            1.0,
            5.0,
            "Ei toiminut",
            "fi"));
  }

  @BeforeAll
  void runThePass() {
    // A: failed app self-service, then a call; a response after the call.
    event("A", "2026-10-01T10:00:00Z", "a1", "app", "self_service", "failure", "billing", null);
    event("A", "2026-10-01T10:05:00Z", "a2", "app", "screen_view", null, "billing", null);
    event("A", "2026-10-01T11:00:00Z", "a3", "phone", "call", "failure", "billing", null);
    response("A", "2026-10-01T11:30:00Z", "rA1", "phone", 1);
    // Five days later (> 72 h): a new journey; a response at the same instant as an event.
    event("A", "2026-10-06T09:00:00Z", "a5", "web", "search", "failure", "search", "s9");
    response("A", "2026-10-06T09:00:00Z", "rA2", "web", 2);
    // B: a response with no behaviour at all.
    response("B", "2026-10-02T12:00:00Z", "rB", "chat", 5);
    // C: behaviour 10 days before the response: outside the 7-day lookback.
    event("C", "2026-09-22T08:00:00Z", "c1", "app", "self_service", "failure", "billing", null);
    response("C", "2026-10-02T08:00:00Z", "rC", "phone", 4);
    // D: two calls on the same topic 48 h apart: one journey, a repeat contact.
    event("D", "2026-10-01T10:00:00Z", "d1", "phone", "call", "success", "contract", null);
    event("D", "2026-10-03T10:00:00Z", "d2", "phone", "call", "success", "contract", null);
    // E: web session ids win over the inactivity gap; equal timestamps ordered by id.
    event("E", "2026-10-01T10:00:00Z", "e2", "web", "page_view", null, "home", "s1");
    event("E", "2026-10-01T10:00:00Z", "e1", "web", "login", "success", "home", "s1");
    event("E", "2026-10-01T10:05:00Z", "e3", "web", "page_view", null, "home", "s2");
    event("E", "2026-10-01T11:00:00Z", "e4", "web", "page_view", null, "home", "s2");
    // F: a journey crossing the DST change in Helsinki (UTC inside); before the window.
    event("F", "2026-10-24T23:30:00Z", "f1", "web", "page_view", null, "home", "s5");
    response("F", "2026-10-25T02:30:00Z", "rF", "web", 3);
    // G: journey starting before the output window (not written), response outside it.
    event("G", "2026-09-20T10:00:00Z", "g1", "web", "page_view", null, "home", "s7");
    response("G", "2026-09-20T11:00:00Z", "rG", "web", 3);

    Dataset<Row> timeline = spark.createDataFrame(rows, JourneyTransforms.TIMELINE);
    JourneyOptions o =
        JourneyOptions.defaults(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31));
    Dataset<Row> pass = JourneyTransforms.orderedPass(timeline, o).cache();
    context = new HashMap<>();
    for (Row r : JourneyTransforms.feedbackContext(pass).collectAsList()) {
      context.put(r.getAs("response_id"), r);
    }
    journeys =
        JourneyTransforms.journeys(pass).orderBy("customer_key", "journey_start").collectAsList();
  }

  private Row journey(String key, int index) {
    return journeys.stream().filter(j -> j.getAs("customer_key").equals(key)).toList().get(index);
  }

  @Test
  void aResponseSeesTheCrossChannelJourneyBeforeIt() {
    Row r = context.get("rA1");
    assertTrue((Boolean) r.getAs("has_history"));
    assertEquals("app>phone", r.getAs("path_before"));
    assertEquals("phone", r.getAs("prev_channel"));
    assertEquals("call", r.getAs("prev_event_type"));
    assertEquals("phone", r.getAs("prev_failure_channel"), "the call itself failed last");
    assertEquals(0.5, (Double) r.getAs("hours_since_prev_failure"), 1e-9);
    assertEquals("app", r.getAs("upstream_failure_channel"), "the failure before the call");
    assertEquals("billing", r.getAs("upstream_failure_touchpoint"));
    assertEquals("self_service", r.getAs("upstream_failure_type"));
    assertEquals(1.5, (Double) r.getAs("hours_since_upstream_failure"), 1e-9);
    assertEquals(3L, (Long) r.getAs("steps_before"));
    assertEquals(1L, (Long) r.getAs("switches_before"));
    assertEquals(1L, (Long) r.getAs("handoffs_before"));
    assertEquals(2L, (Long) r.getAs("failures_before"));
    assertEquals(1.5, (Double) r.getAs("hours_since_journey_start"), 1e-9);
    assertEquals(3L, (Long) r.getAs("peak_before"));
    assertEquals("failure", r.getAs("end_before"));
    List<Row> steps = r.getList(r.fieldIndex("last_steps"));
    assertEquals(List.of("app", "app", "phone"), steps.stream().map(s -> s.getString(1)).toList());
    assertEquals((String) journey("A", 0).getAs("journey_id"), (String) r.getAs("journey_id"));
  }

  @Test
  void anEventAtTheSameInstantComesBeforeTheResponse() {
    Row r = context.get("rA2");
    assertEquals("web", r.getAs("path_before"), "a new journey after 5 days");
    assertEquals("web", r.getAs("prev_failure_channel"));
    assertEquals("search", r.getAs("prev_failure_touchpoint"));
    assertEquals(0.0, (Double) r.getAs("hours_since_prev_failure"), 1e-9);
    assertEquals(1L, (Long) r.getAs("steps_before"));
    assertEquals(
        "phone",
        r.getAs("upstream_failure_channel"),
        "the failed call five days earlier is within the 7-day lookback");
  }

  @Test
  void responsesWithoutHistoryAreKept() {
    for (String id : List.of("rB", "rC")) {
      Row r = context.get(id);
      assertFalse((Boolean) r.getAs("has_history"), id);
      assertNull(r.getAs("journey_id"), id);
      assertNull(r.getAs("prev_failure_channel"), id);
      assertEquals(0L, (Long) r.getAs("steps_before"), id);
      assertTrue(r.getList(r.fieldIndex("last_steps")).isEmpty(), id);
    }
    assertEquals(Double.valueOf(4.0), context.get("rC").getAs("score"));
  }

  @Test
  void journeysCountSwitchesHandoffsFailuresAndPeakAndEnd() {
    Row a1 = journey("A", 0);
    assertEquals("app>phone", a1.getAs("channel_path"));
    assertEquals(3L, (Long) a1.getAs("steps"));
    assertEquals(2L, (Long) a1.getAs("sessions"));
    assertEquals(1L, (Long) a1.getAs("channel_switches"));
    assertEquals(1L, (Long) a1.getAs("handoffs"));
    assertEquals(2L, (Long) a1.getAs("failures"));
    assertEquals(60.0, (Double) a1.getAs("duration_minutes"), 1e-9);
    assertEquals(3L, (Long) a1.getAs("peak_severity"));
    Row peak = a1.getAs("peak_step");
    assertEquals("app", peak.getString(1), "the first of the tied most severe steps");
    assertEquals("failure", a1.getAs("end_outcome"));
    assertTrue((Boolean) a1.getAs("ended_assisted"));
    assertFalse((Boolean) a1.getAs("success"));
    assertEquals(List.of("billing"), a1.getList(a1.fieldIndex("topics")));
    assertEquals(2, a1.getList(a1.fieldIndex("failure_steps")).size());
    assertEquals("web", journey("A", 1).getAs("channel_path"));
  }

  @Test
  void aSecondCallOnTheSameTopicWithinTheWindowIsARepeatContact() {
    Row d = journey("D", 0);
    assertEquals(1, journeys.stream().filter(j -> j.getAs("customer_key").equals("D")).count());
    assertEquals(2L, (Long) d.getAs("assisted_contacts"));
    assertTrue((Boolean) d.getAs("repeat_contact"));
    assertEquals(2L, (Long) d.getAs("sessions"), "48 h apart: new session, same journey");
  }

  @Test
  void sourceSessionIdsWinOverTheInactivityGap() {
    Row e = journey("E", 0);
    assertEquals(2L, (Long) e.getAs("sessions"), "s1, then s2 five minutes later");
    assertEquals(4L, (Long) e.getAs("steps"));
    assertTrue((Boolean) e.getAs("success"));
    assertEquals("web", e.getAs("channel_path"));
  }

  @Test
  void timeIsUtcAcrossTheDaylightSavingChange() {
    assertEquals(3.0, (Double) context.get("rF").getAs("hours_since_journey_start"), 1e-9);
    assertEquals(java.sql.Date.valueOf("2026-10-25"), context.get("rF").getAs("response_date"));
  }

  @Test
  void onlyTheRunsWindowIsWritten() {
    assertFalse(context.containsKey("rG"), "response before the window");
    assertTrue(journeys.stream().noneMatch(j -> j.getAs("customer_key").equals("G")));
    assertTrue(
        journeys.stream().noneMatch(j -> j.getAs("customer_key").equals("C")),
        "C's journey starts 2026-09-22, before the re-opened window from 2026-09-28");
  }

  @Test
  void kpisAreRatesOverJourneys() {
    Dataset<Row> j = spark.createDataFrame(journeys, io.polku.contract.Tables.JOURNEYS.schema());
    Row web =
        JourneyTransforms.kpiDaily(j)
            .filter(
                col("journey_date")
                    .equalTo(java.sql.Date.valueOf("2026-10-01"))
                    .and(col("first_channel").equalTo("web")))
            .first();
    assertEquals(1L, (Long) web.getAs("journeys"));
    assertEquals(1.0, (Double) web.getAs("success_rate"), 1e-9);
    Row app =
        JourneyTransforms.kpiDaily(j)
            .filter(
                col("journey_date")
                    .equalTo(java.sql.Date.valueOf("2026-10-01"))
                    .and(col("first_channel").equalTo("app")))
            .first();
    assertEquals(0.0, (Double) app.getAs("success_rate"), 1e-9);
    assertEquals(1.0, (Double) app.getAs("assisted_contact_rate"), 1e-9);
  }

  @Test
  void theContextComesFromExactlyOneShuffleOnTheCustomerKey() {
    Dataset<Row> timeline = spark.createDataFrame(rows, JourneyTransforms.TIMELINE);
    Dataset<Row> out =
        JourneyTransforms.feedbackContext(
            JourneyTransforms.orderedPass(
                timeline,
                JourneyOptions.defaults(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31))));
    String plan = out.queryExecution().executedPlan().toString();
    Matcher m = Pattern.compile("Exchange (\\w+)\\(([^,\\)]*)").matcher(plan);
    List<String> exchanges = new ArrayList<>();
    while (m.find()) {
      exchanges.add(m.group(1) + "(" + m.group(2));
    }
    assertEquals(1, exchanges.size(), plan);
    assertTrue(exchanges.get(0).startsWith("hashpartitioning(customer_key"), plan);
    assertFalse(plan.contains("Join"), "no join of feedback with events: " + plan);
  }
}
