package io.polku.journey;

import static io.polku.testing.JourneyRows.ts;
import static io.polku.testing.TableRows.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.StageResult;
import io.polku.testing.SparkTest;
import io.polku.testing.StageLake;
import io.polku.testing.TableRows;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journey stage on a small Delta lake: events of four people on 2026-10-02..07 (found by
 * customer number, cookie, device or phone hash through identity_map), seven responses on
 * 2026-10-04..06 (one unresolved), a run for 2026-10-05..06 with polku.journeys.gap = 6h (one
 * re-opened day), lookback = 2d, context-steps = 2 and split-event-types = [purchase]. Asserted
 * against values worked out by hand in the comments: the journeys and their boundaries, one
 * feedback_context row per response of the run's dates with its journey before it, the
 * kpi_journey_daily rows, and identical tables after re-running the range and its last date alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyStageTest {
  private static final LocalDate FROM = LocalDate.parse("2026-10-05");
  private static final LocalDate TO = LocalDate.parse("2026-10-06");

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Lake lake;
  private StageLake stageLake;
  private StageResult first;

  /** The journeys table after the first run. */
  private List<Row> journeys;

  private final List<Map<String, Object>> events = new ArrayList<>();
  private final List<Map<String, Object>> feedback = new ArrayList<>();

  @BeforeAll
  void writeTheFixtureAndRun() {
    stageLake =
        StageLake.at(
            tmp.resolve("lake"),
            "polku.journeys.gap = 6h",
            "polku.journeys.session-gap = 30m",
            "polku.journeys.lookback = 2d",
            "polku.journeys.context-steps = 2",
            "polku.journeys.split-event-types = [purchase]");
    lake = stageLake.lake();
    // The run for 10-05..06 re-opens ceil(6h) = 1 day: journeys starting 10-04..06 are
    // written; events are read from 10-04 - 2 days = 10-02 to 10-06 + 1 day = 10-07.

    // k1, by customer number c1 and cookie a1. J1: web, a failed self-service, then a call
    // 50 minutes later (new session, same journey: 50 min < 6 h).
    event("e1", "2026-10-04T20:00:00Z", "web", "page_view", null, "/billing", "anonymous_id", "a1");
    event(
        "e2",
        "2026-10-04T20:10:00Z",
        "web",
        "self_service",
        "failure",
        "/billing",
        "anonymous_id",
        "a1");
    event("e3", "2026-10-04T21:00:00Z", "phone", "call", "success", "billing", "customer_id", "c1");
    response("r0", "2026-10-04T22:00:00Z", "phone", "nps", 5, "customer_id", "c1");
    response("r1", "2026-10-05T09:00:00Z", "phone", "csat", 2, "customer_id", "c1");
    // J2: 19 h after e3 (>= 6 h): a new journey in the app.
    event("e4", "2026-10-05T16:00:00Z", "app", "login", "success", "login", "customer_id", "c1");
    event(
        "e5",
        "2026-10-05T16:05:00Z",
        "app",
        "self_service",
        "success",
        "billing",
        "customer_id",
        "c1");
    response("r2", "2026-10-05T16:30:00Z", "app", "nps", 9, "anonymous_id", "a1");

    // k2, by device d2 and phone hash p2. J3: two chats on 'delivery' 5 h 59 min apart (one
    // journey, two sessions, a repeat assisted contact).
    event("f1", "2026-10-05T10:00:00Z", "chat", "chat", "success", "delivery", "device_id", "d2");
    event("f2", "2026-10-05T15:59:00Z", "chat", "chat", "success", "delivery", "device_id", "d2");
    response("r3", "2026-10-05T17:00:00Z", "chat", "csat", 1, "phone_hash", "p2");
    // J4: exactly 6 h after f2 (a gap of at least polku.journeys.gap), across midnight.
    event("f3", "2026-10-05T21:59:00Z", "web", "page_view", null, "/track", "device_id", "d2");
    event("f4", "2026-10-06T01:00:00Z", "web", "page_view", null, "/track", "device_id", "d2");
    // J5: starts on the run's last date, ends on 10-07 (read as a re-opened day).
    event("f5", "2026-10-06T22:00:00Z", "web", "search", null, "/search", "device_id", "d2");
    event("f6", "2026-10-07T02:00:00Z", "web", "page_view", null, "/search", "device_id", "d2");

    // k3, customer number c3: a response and no behaviour at all.
    response("r4", "2026-10-06T12:00:00Z", "web", "nps", 3, "customer_id", "c3");

    // k4, customer number c4: a journey of 10-02 (read for context, never written), then a
    // purchase that completes its journey (split type): the page view 20 min later is J7.
    event("g1", "2026-10-02T08:00:00Z", "web", "page_view", null, "/", "customer_id", "c4");
    event(
        "g2", "2026-10-04T10:00:00Z", "shop", "purchase", "success", "order", "customer_id", "c4");
    event("g3", "2026-10-04T10:20:00Z", "web", "page_view", null, "/orders", "customer_id", "c4");
    // 49 h 40 min after g3: beyond the 2-day lookback, so no history.
    response("r5", "2026-10-06T12:00:00Z", "shop", "csat", 4, "customer_id", "c4");

    // A cookie nobody knows: an unresolved response.
    response("r6", "2026-10-06T08:00:00Z", "web", "nps", 10, "anonymous_id", "ghost");

    List<Map<String, Object>> map = new ArrayList<>();
    for (String[] link :
        new String[][] {
          {"customer_id", "c1", "k1"},
          {"anonymous_id", "a1", "k1"},
          {"device_id", "d2", "k2"},
          {"phone_hash", "p2", "k2"},
          {"customer_id", "c3", "k3"},
          {"customer_id", "c4", "k4"}
        }) {
      map.add(m("id_type", link[0], "id", link[1], "customer_key", link[2]));
    }
    write(Tables.IDENTITY_MAP, map);
    write(Tables.EVENTS, events);
    write(Tables.FEEDBACK, feedback);
    lake.ensure(Tables.IDENTITY_CONFLICTS);
    first = run(FROM, TO);
    journeys = lake.read(Tables.JOURNEYS).collectAsList();
  }

  private void event(
      String id,
      String iso,
      String channel,
      String type,
      String outcome,
      String touchpoint,
      String idType,
      String idValue) {
    events.add(
        m(
            "event_id",
            id,
            "event_ts",
            ts(iso),
            "event_date",
            Date.valueOf(iso.substring(0, 10)),
            "channel",
            channel,
            "event_type",
            type,
            "outcome",
            outcome,
            "touchpoint",
            touchpoint,
            idType,
            idValue,
            "source",
            "test",
            "ingest_run_id",
            "fixture"));
  }

  private void response(
      String id,
      String iso,
      String channel,
      String metric,
      double score,
      String idType,
      String idValue) {
    double max = metric.equals("nps") ? 10 : 5;
    double min = metric.equals("nps") ? 0 : 1;
    feedback.add(
        m(
            "response_id",
            id,
            "response_ts",
            ts(iso),
            "response_date",
            Date.valueOf(iso.substring(0, 10)),
            idType,
            idValue,
            "channel",
            channel,
            "survey",
            "s",
            "metric",
            metric,
            "score",
            score,
            "scale_min",
            min,
            "scale_max",
            max,
            "source",
            "test",
            "ingest_run_id",
            "fixture"));
  }

  private void write(TableSpec table, List<Map<String, Object>> rows) {
    stageLake.write(table, TableRows.rows(spark, table, rows));
  }

  private StageResult run(LocalDate from, LocalDate to) {
    return stageLake.run(new JourneyStage(), from, to);
  }

  private static String iso(Row r, String column) {
    return r.getTimestamp(r.fieldIndex(column)).toInstant().toString();
  }

  @Test
  @Order(1)
  void journeysAreCutByTheGapAndTheSplitTypeAndWrittenForTheReopenedWindow() {
    // key|start|end|steps|sessions|path, by hand from the fixture. Not written: k4's journey of
    // 10-02 (before the re-opened day 10-04). J5 ends on 10-07, after the run's last date.
    List<String> expected =
        List.of(
            "k1|2026-10-04T20:00:00Z|2026-10-04T21:00:00Z|3|2|web>phone",
            "k1|2026-10-05T16:00:00Z|2026-10-05T16:05:00Z|2|1|app",
            "k2|2026-10-05T10:00:00Z|2026-10-05T15:59:00Z|2|2|chat",
            "k2|2026-10-05T21:59:00Z|2026-10-06T01:00:00Z|2|2|web",
            "k2|2026-10-06T22:00:00Z|2026-10-07T02:00:00Z|2|2|web",
            "k4|2026-10-04T10:00:00Z|2026-10-04T10:00:00Z|1|1|shop",
            "k4|2026-10-04T10:20:00Z|2026-10-04T10:20:00Z|1|1|web");
    List<String> actual =
        journeys.stream()
            .map(
                r ->
                    r.getAs("customer_key")
                        + "|"
                        + iso(r, "journey_start")
                        + "|"
                        + iso(r, "journey_end")
                        + "|"
                        + r.getAs("steps")
                        + "|"
                        + r.getAs("sessions")
                        + "|"
                        + r.getAs("channel_path"))
            .sorted()
            .toList();
    assertEquals(expected, actual);
    assertEquals(7, first.objects().get(1).rowsOut(), "journeys starting 10-04..06");

    Row j1 = journey("k1", "2026-10-04T20:00:00Z");
    assertEquals(Date.valueOf("2026-10-04"), j1.getAs("journey_date"));
    assertEquals(60.0, j1.<Double>getAs("duration_minutes"), 1e-9);
    assertEquals(1L, j1.<Long>getAs("channel_switches"));
    assertEquals(1L, j1.<Long>getAs("handoffs"), "web -> phone is a hand-off");
    assertEquals(1L, j1.<Long>getAs("failures"));
    assertEquals(3L, j1.<Long>getAs("peak_severity"), "a failure");
    assertEquals(true, j1.getAs("ended_assisted"));
    assertEquals(false, j1.getAs("success"));
    Row j3 = journey("k2", "2026-10-05T10:00:00Z");
    assertEquals(2L, j3.<Long>getAs("assisted_contacts"));
    assertEquals(true, j3.getAs("repeat_contact"), "second chat on 'delivery' within 7 days");
    assertEquals(List.of("delivery"), j3.getList(j3.fieldIndex("topics")));
    Row j4 = journey("k2", "2026-10-05T21:59:00Z");
    assertEquals(Date.valueOf("2026-10-05"), j4.getAs("journey_date"), "its start's date");
    assertEquals(true, j4.getAs("success"));
  }

  private Row journey(String key, String start) {
    List<Row> rows =
        journeys.stream()
            .filter(
                r -> r.getAs("customer_key").equals(key) && iso(r, "journey_start").equals(start))
            .toList();
    assertEquals(1, rows.size(), key + " " + start);
    return rows.get(0);
  }

  @Test
  @Order(2)
  void everyResponseOfTheRunGetsOneContextRowWithTheJourneyBeforeIt() {
    List<Row> context = lake.read(Tables.FEEDBACK_CONTEXT).collectAsList();
    // r0 (10-04) is outside the run's dates; r1..r6 each exactly once.
    assertEquals(
        List.of("r1", "r2", "r3", "r4", "r5", "r6"),
        context.stream().map(r -> r.<String>getAs("response_id")).sorted().toList());
    Map<String, Row> byId = new HashMap<>();
    context.forEach(r -> byId.put(r.getAs("response_id"), r));
    assertEquals(6, first.objects().get(0).rowsIn());
    assertEquals(6, first.objects().get(0).rowsOut());
    assertEquals("3 with behavioural history", first.objects().get(0).message());

    // r1, 10-05 09:00 on phone: J1 (started 13 h before) with its 3 steps; the failure of
    // e2 at 20:10 was 12 h 50 min before, on the web (another channel: also upstream).
    expect(
        byId.get("r1"),
        "customer_key",
        "k1",
        "has_history",
        true,
        "journey_id",
        journey("k1", "2026-10-04T20:00:00Z").getAs("journey_id"),
        "path_before",
        "web>phone",
        "steps_before",
        3L,
        "prev_channel",
        "phone",
        "prev_event_type",
        "call",
        "prev_failure_channel",
        "web",
        "prev_failure_touchpoint",
        "/billing",
        "prev_failure_type",
        "self_service",
        "hours_since_prev_failure",
        12 + 50 / 60.0,
        "upstream_failure_channel",
        "web",
        "hours_since_upstream_failure",
        12 + 50 / 60.0,
        "switches_before",
        1L,
        "handoffs_before",
        1L,
        "failures_before",
        1L,
        "hours_since_journey_start",
        13.0,
        "peak_before",
        3L,
        "end_before",
        "success",
        // context-steps = 2: the last two of e1, e2, e3.
        "last_steps",
        "web:self_service,phone:call");
    // r2, 10-05 16:30 in the app: J2 (e4, e5, 30 min); e2's failure 20 h 20 min before is
    // still within the 2-day lookback although in the previous journey.
    expect(
        byId.get("r2"),
        "customer_key",
        "k1",
        "has_history",
        true,
        "journey_id",
        journey("k1", "2026-10-05T16:00:00Z").getAs("journey_id"),
        "path_before",
        "app",
        "steps_before",
        2L,
        "prev_channel",
        "app",
        "prev_event_type",
        "self_service",
        "prev_failure_channel",
        "web",
        "hours_since_prev_failure",
        20 + 20 / 60.0,
        "upstream_failure_channel",
        "web",
        "switches_before",
        0L,
        "handoffs_before",
        0L,
        "failures_before",
        0L,
        "hours_since_journey_start",
        0.5,
        "peak_before",
        0L,
        "end_before",
        "success",
        "last_steps",
        "app:login,app:self_service");
    // r3, 10-05 17:00 on chat, found by the phone hash: J3, no failure; peak 1 (assisted).
    expect(
        byId.get("r3"),
        "customer_key",
        "k2",
        "has_history",
        true,
        "journey_id",
        journey("k2", "2026-10-05T10:00:00Z").getAs("journey_id"),
        "path_before",
        "chat",
        "steps_before",
        2L,
        "prev_channel",
        "chat",
        "prev_failure_channel",
        null,
        "upstream_failure_channel",
        null,
        "hours_since_journey_start",
        7.0,
        "peak_before",
        1L,
        "last_steps",
        "chat:chat,chat:chat");
    // r4: no events; r5: the last event 49 h 40 min before (> 2 d); r6: unresolved.
    for (String[] noHistory : new String[][] {{"r4", "k3"}, {"r5", "k4"}, {"r6", null}}) {
      expect(
          byId.get(noHistory[0]),
          "customer_key",
          noHistory[1],
          "has_history",
          false,
          "journey_id",
          null,
          "path_before",
          null,
          "steps_before",
          0L,
          "prev_channel",
          null,
          "hours_since_journey_start",
          null,
          "last_steps",
          "");
    }
  }

  /** Asserts the given columns of a context row; last_steps as channel:event_type,... */
  private static void expect(Row r, Object... kv) {
    String id = r.getAs("response_id");
    for (int i = 0; i < kv.length; i += 2) {
      String column = (String) kv[i];
      Object want = kv[i + 1];
      if (column.equals("last_steps")) {
        List<Row> steps = r.getList(r.fieldIndex(column));
        assertEquals(
            want,
            steps.stream()
                .map(s -> s.getString(1) + ":" + s.getString(2))
                .collect(Collectors.joining(",")),
            id + " " + column);
      } else if (want instanceof Double d) {
        assertEquals(d, r.<Double>getAs(column), 1e-9, id + " " + column);
      } else if (want == null) {
        assertNull(r.getAs(column), id + " " + column);
      } else {
        assertEquals(want, r.getAs(column), id + " " + column);
      }
    }
  }

  @Test
  @Order(3)
  void journeyKpisPerStartDateAndFirstChannel() {
    // journeys, success, first-channel resolution, mean switches, repeat, assisted, by hand:
    // 10-04 web: J1 (switch, failure, call) and J7 (one clean page view).
    // 10-04 shop: J6. 10-05 app: J2. 10-05 chat: J3 (two chats, a repeat; no switch, no
    // failure: resolved in its first channel, yet not a success: assisted). 10-05 web: J4.
    // 10-06 web: J5.
    Map<String, List<Double>> expected =
        new TreeMap<>(
            Map.of(
                "2026-10-04|web", List.of(2.0, 0.5, 0.5, 0.5, 0.0, 0.5),
                "2026-10-04|shop", List.of(1.0, 1.0, 1.0, 0.0, 0.0, 0.0),
                "2026-10-05|app", List.of(1.0, 1.0, 1.0, 0.0, 0.0, 0.0),
                "2026-10-05|chat", List.of(1.0, 0.0, 1.0, 0.0, 1.0, 1.0),
                "2026-10-05|web", List.of(1.0, 1.0, 1.0, 0.0, 0.0, 0.0),
                "2026-10-06|web", List.of(1.0, 1.0, 1.0, 0.0, 0.0, 0.0)));
    Map<String, List<Double>> actual = new TreeMap<>();
    for (Row r : lake.read(Tables.KPI_JOURNEY_DAILY).collectAsList()) {
      actual.put(
          r.getAs("journey_date") + "|" + r.getAs("first_channel"),
          List.of(
              r.<Long>getAs("journeys").doubleValue(), r.<Double>getAs("success_rate"),
              r.<Double>getAs("first_channel_resolution"), r.<Double>getAs("mean_switches"),
              r.<Double>getAs("repeat_contact_rate"), r.<Double>getAs("assisted_contact_rate")));
    }
    assertEquals(expected, actual);
  }

  private List<Row> hashes() {
    return List.of(
        Lake.contentHash(lake.read(Tables.JOURNEYS)),
        Lake.contentHash(lake.read(Tables.FEEDBACK_CONTEXT)),
        Lake.contentHash(lake.read(Tables.KPI_JOURNEY_DAILY)));
  }

  @Test
  @Order(4)
  void reRunningTheRangeOrItsLastDateLeavesTheTablesIdentical() {
    List<Row> before = hashes();
    run(FROM, TO);
    assertEquals(before, hashes(), "the same range again");
    // 10-06 alone re-opens 10-05 and reads events from 10-03: J1 and k4's journeys (10-04)
    // are outside its window, every journey it rewrites is cut the same way.
    run(TO, TO);
    assertEquals(before, hashes(), "the last date alone");
  }
}
