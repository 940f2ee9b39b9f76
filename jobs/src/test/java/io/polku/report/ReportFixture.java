package io.polku.report;

import static io.polku.testing.TableRows.m;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.TableRows;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Two tiny lakes written row by row, whose report numbers are counted by hand in the tests: {@link
 * #full} has every table the report reads; {@link #quiet} a night with no critical feedback, a
 * stage that wrote nothing and the root-cause tables never written.
 */
final class ReportFixture {
  static final LocalDate D = LocalDate.parse("2026-10-10");
  static final String RUN = "20261011T010000Z-aaaaaa";

  private ReportFixture() {}

  static Date day(int minus) {
    return Date.valueOf(D.minusDays(minus));
  }

  static Timestamp ts(String iso) {
    return Timestamp.valueOf(iso.replace('T', ' '));
  }

  private static void put(Lake lake, TableSpec t, List<Map<String, Object>> rows) {
    lake.overwrite(t, TableRows.rows(lake.spark(), t, rows));
  }

  static Row step(String ts, String channel, String type, String outcome, String touchpoint) {
    return RowFactory.create(ts(ts), channel, type, outcome, touchpoint, Map.of());
  }

  /** Every table the report reads, with hand-countable rows. */
  static void full(Lake lake) {
    SparkSession spark = lake.spark();
    // kpi_daily: channel totals ('*') on D, D-3 and D-20; a path row that must not count.
    put(
        lake,
        Tables.KPI_DAILY,
        List.of(
            m(
                "response_date",
                day(0),
                "channel",
                "app",
                "path_before",
                "*",
                "responses",
                10L,
                "scored_responses",
                10L,
                "nps_responses",
                10L,
                "promoters",
                5L,
                "detractors",
                2L,
                "critical",
                3L),
            m(
                "response_date",
                day(3),
                "channel",
                "web",
                "path_before",
                "*",
                "responses",
                20L,
                "scored_responses",
                18L,
                "critical",
                4L),
            m(
                "response_date",
                day(20),
                "channel",
                "app",
                "path_before",
                "*",
                "responses",
                5L,
                "scored_responses",
                5L,
                "critical",
                1L),
            m(
                "response_date",
                day(0),
                "channel",
                "app",
                "path_before",
                "web>app",
                "path_rank",
                1,
                "responses",
                99L,
                "scored_responses",
                99L,
                "critical",
                99L)));
    // feedback_context: CSAT 4, 5, 3 on D (mean 4); CES 2 and 4 on D-1; the critical ones'
    // paths.
    List<Map<String, Object>> fc = new ArrayList<>();
    String[][] ctx = {
      {"c1", "0", "app", "csat", "4", null},
      {"c2", "0", "app", "csat", "5", null},
      {"c3", "0", "app", "csat", "3", null},
      {"c4", "1", "web", "ces", "2", null},
      {"c5", "1", "web", "ces", "4", null},
      {"r1", "0", "app", "nps", "1", "web>app"},
      {"r2", "1", "app", "nps", "2", "web>app"},
      {"r3", "0", "phone", "nps", "0", null},
      {"r4", "2", "phone", "nps", "3", "app"},
      {"r5", "40", "phone", "nps", "3", "web"}
    };
    for (String[] c : ctx) {
      fc.add(
          m(
              "response_id",
              c[0],
              "response_date",
              day(Integer.parseInt(c[1])),
              "channel",
              c[2],
              "metric",
              c[3],
              "score",
              Double.parseDouble(c[4]),
              "path_before",
              c[5]));
    }
    put(lake, Tables.FEEDBACK_CONTEXT, fc);
    // followups: the critical responses r1-r4 in the window, r5 40 days before.
    List<Map<String, Object>> fu = new ArrayList<>();
    for (String[] c : ctx) {
      if (c[0].startsWith("r")) {
        fu.add(
            m(
                "response_id",
                c[0],
                "response_date",
                day(Integer.parseInt(c[1])),
                "channel",
                c[2],
                "metric",
                "nps",
                "score",
                Double.parseDouble(c[4])));
      }
    }
    put(lake, Tables.FOLLOWUPS, fu);
    // root_cause_segments: D has s1, s2 (app) and s3 (phone); D-1 had s1 smaller and s9.
    put(
        lake,
        Tables.ROOT_CAUSE_SEGMENTS,
        List.of(
            segment(0, "s1", "app", 1, 0.5, 0.2, 12.0),
            segment(0, "s2", "app", 2, 0.4, 0.2, 6.0),
            segment(0, "s3", "phone", 1, 0.6, 0.3, 9.0),
            segment(0, "s4", "phone", 4, 0.6, 0.3, 1.0),
            segment(1, "s1", "app", 1, 0.45, 0.2, 10.0),
            segment(1, "s9", "web", 1, 0.3, 0.1, 5.0)));
    put(
        lake,
        Tables.ROOT_CAUSE_EXAMPLES,
        List.of(
            m(
                "run_date",
                day(0),
                "segment_id",
                "s1",
                "example_rank",
                1,
                "response_id",
                "r1",
                "channel",
                "app",
                "metric",
                "nps",
                "score",
                1.0,
                "critical",
                true,
                "comment",
                "Login <failed> again",
                "last_steps",
                List.of(
                    step("2026-10-10T08:00:00", "web", "login", "failure", "login"),
                    step("2026-10-10T08:05:00", "app", "self_service", "success", "billing"))),
            m(
                "run_date",
                day(0),
                "segment_id",
                "s1",
                "example_rank",
                2,
                "response_id",
                "r2",
                "channel",
                "app",
                "metric",
                "nps",
                "score",
                2.0,
                "critical",
                true,
                "last_steps",
                List.of(step("2026-10-09T08:00:00", "web", "error", null, "cart"))),
            m(
                "run_date",
                day(0),
                "segment_id",
                "s1",
                "example_rank",
                3,
                "response_id",
                "c1",
                "channel",
                "app",
                "metric",
                "nps",
                "score",
                9.0,
                "critical",
                false)));
    // kpi_journey_daily: 3 days with journeys, 2 first channels each; one 30 days back.
    List<Map<String, Object>> jd = new ArrayList<>();
    for (int i : new int[] {0, 1, 2, 30}) {
      jd.add(
          m(
              "journey_date",
              day(i),
              "first_channel",
              "web",
              "journeys",
              10L,
              "success_rate",
              0.5,
              "assisted_contact_rate",
              0.2,
              "repeat_contact_rate",
              0.1));
      jd.add(
          m(
              "journey_date",
              day(i),
              "first_channel",
              "app",
              "journeys",
              30L,
              "success_rate",
              0.9,
              "assisted_contact_rate",
              0.1,
              "repeat_contact_rate",
              0.0));
    }
    put(lake, Tables.KPI_JOURNEY_DAILY, jd);
    put(
        lake,
        Tables.FIX_EFFECTS,
        List.of(
            m(
                "run_date",
                day(0),
                "segment",
                "login-fix",
                "channel",
                "app",
                "metric",
                "nps",
                "fix_date",
                day(5),
                "before_responses",
                40L,
                "before_critical",
                20L,
                "before_rate",
                0.5,
                "after_responses",
                30L,
                "after_critical",
                6L,
                "after_rate",
                0.2,
                "p_value",
                0.01,
                "verdict",
                "improved")));
    put(
        lake,
        Tables.SURVEY_INVITATIONS,
        List.of(
            m("invitation_id", "i1", "invitation_date", day(0)),
            m("invitation_id", "i2", "invitation_date", day(0)),
            m("invitation_id", "i3", "invitation_date", day(2)),
            m("invitation_id", "i4", "invitation_date", day(9))));
    put(
        lake,
        Tables.SURVEY_SUPPRESSIONS,
        List.of(
            m("invitation_id", "x1", "invitation_date", day(0), "reason", "no_consent"),
            m("invitation_id", "x2", "invitation_date", day(1), "reason", "daily_cap"),
            m("invitation_id", "x3", "invitation_date", day(1), "reason", "daily_cap")));
    put(
        lake,
        Tables.QUARANTINE,
        List.of(
            m(
                "quarantine_id",
                "q1",
                "source",
                "app_events",
                "run_id",
                RUN,
                "reason_code",
                "BAD_TYPE"),
            m(
                "quarantine_id",
                "q2",
                "source",
                "app_events",
                "run_id",
                RUN,
                "reason_code",
                "BAD_TYPE"),
            m(
                "quarantine_id",
                "q3",
                "source",
                "calls",
                "run_id",
                "earlier",
                "reason_code",
                "MISSING_ID")));
    // run_audit: this run (ingest 10 s, journeys wrote nothing, kpis 2 s) and two earlier
    // succeeded runs with ingest 8 s and 12 s (median 10 s); one failed run not compared.
    List<Map<String, Object>> audit =
        new ArrayList<>(
            List.of(
                audit(RUN, "run", "running", "2026-10-11T01:00:00", null, null),
                audit(RUN, "ingest", "succeeded", "2026-10-11T01:00:00", "2026-10-11T01:00:10", 5L),
                audit(
                    RUN, "journeys", "succeeded", "2026-10-11T01:00:10", "2026-10-11T01:00:13", 0L),
                audit(RUN, "kpis", "succeeded", "2026-10-11T01:00:13", "2026-10-11T01:00:15", 7L),
                audit("p1", "run", "succeeded", "2026-10-09T01:00:00", "2026-10-09T01:01:00", null),
                audit(
                    "p1", "ingest", "succeeded", "2026-10-09T01:00:00", "2026-10-09T01:00:08", 1L),
                audit("p2", "run", "succeeded", "2026-10-10T01:00:00", "2026-10-10T01:01:00", null),
                audit(
                    "p2", "ingest", "succeeded", "2026-10-10T01:00:00", "2026-10-10T01:00:12", 1L),
                audit("p3", "run", "failed", "2026-10-10T02:00:00", "2026-10-10T02:01:00", null),
                audit(
                    "p3",
                    "ingest",
                    "succeeded",
                    "2026-10-10T02:00:00",
                    "2026-10-10T02:00:50",
                    1L)));
    put(lake, Tables.RUN_AUDIT, audit);
    spark.catalog().clearCache();
  }

  /**
   * A night without critical feedback: kpi_daily with no critical response, an empty followups
   * table, a run whose journeys stage wrote nothing, and no root-cause, fix, survey or quarantine
   * tables at all.
   */
  static void quiet(Lake lake) {
    put(
        lake,
        Tables.KPI_DAILY,
        List.of(
            m(
                "response_date",
                day(0),
                "channel",
                "app",
                "path_before",
                "*",
                "responses",
                4L,
                "scored_responses",
                4L,
                "nps_responses",
                4L,
                "promoters",
                4L,
                "critical",
                0L)));
    lake.ensure(Tables.FOLLOWUPS);
    put(
        lake,
        Tables.RUN_AUDIT,
        List.of(
            audit(RUN, "run", "succeeded", "2026-10-11T01:00:00", "2026-10-11T01:01:00", null),
            audit(RUN, "journeys", "succeeded", "2026-10-11T01:00:10", "2026-10-11T01:00:13", 0L)));
  }

  private static Map<String, Object> segment(
      int runMinus,
      String id,
      String channel,
      int rank,
      double rate,
      double outside,
      double excess) {
    return m(
        "run_date",
        day(runMinus),
        "segment_id",
        id,
        "channel",
        channel,
        "metric",
        "nps",
        "channel_rank",
        rank,
        "rank",
        rank,
        "label",
        "label of " + id,
        "responses",
        40L,
        "critical",
        Math.round(rate * 40),
        "critical_rate",
        rate,
        "critical_rate_lower",
        rate - 0.1,
        "critical_rate_upper",
        rate + 0.1,
        "rate_outside",
        outside,
        "excess_critical",
        excess,
        "q_value",
        0.001,
        "status",
        "kept");
  }

  private static Map<String, Object> audit(
      String run, String stage, String status, String started, String ended, Long rowsOut) {
    return m(
        "run_id",
        run,
        "stage",
        stage,
        "object",
        "*",
        "date_from",
        day(0),
        "date_to",
        day(0),
        "started_ts",
        ts(started),
        "ended_ts",
        ended == null ? null : ts(ended),
        "status",
        status,
        "rows_in",
        rowsOut,
        "rows_out",
        rowsOut,
        "config_hash",
        "h");
  }
}
