package io.polku.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.StageResult;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import io.polku.testing.StageLake;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
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
 * The KPI stage on a small Delta lake: a feedback_context fixture of 21 responses on 2026-10-04
 * (Sunday), 10-05 (Monday), 10-06 and 10-08, a run for 10-05..06 with polku.kpis.top-paths = 1.
 * Asserted against values worked out by hand in the comments (the NPS interval by a textbook
 * formula written here): kpi_daily of the run's dates only, per channel and for the top path,
 * kpi_weekly of the week 10-05..11 recomputed from the whole week's responses, two kpi_peak_end
 * cells, and identical tables after a re-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KpiStageTest {
  private static final LocalDate FROM = LocalDate.parse("2026-10-05");
  private static final LocalDate TO = LocalDate.parse("2026-10-06");

  /** The 95% two-sided normal critical value. */
  private static final double Z = 1.959963984540054;

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Lake lake;
  private StageLake stageLake;
  private StageResult first;

  @BeforeAll
  void writeTheFixtureAndRun() {
    stageLake =
        StageLake.at(
            tmp.resolve("lake"),
            "polku.kpis.top-paths = 1",
            "polku.kpis.path-window-days = 28",
            "polku.kpis.peak-end-window-days = 90");
    lake = stageLake.lake();
    ContextRows r = new ContextRows();
    String wp = "web>phone";
    String ap = "app>phone";
    // Sunday before the run: counts for the path window and peak-end, not for the run's week.
    add(r, "p0", "2026-10-04", "phone", "nps", 0.0, ap, 3L, "failure");
    // Monday 10-05, phone: NPS 10, 9, 9, 7, 3 and one comment-only; CSAT 5, 4, 2; CES 6, 2;
    // a custom metric 'ease' (scale 1-7) scored 2.
    add(r, "n1", "2026-10-05", "phone", "nps", 10.0, wp, 0L, "success");
    add(r, "n2", "2026-10-05", "phone", "nps", 9.0, wp, 0L, "success");
    add(r, "n3", "2026-10-05", "phone", "nps", 9.0, wp, 0L, "success");
    add(r, "n4", "2026-10-05", "phone", "nps", 7.0, ap, 0L, "success");
    add(r, "n5", "2026-10-05", "phone", "nps", 3.0, wp, 3L, "failure");
    add(r, "n6", "2026-10-05", "phone", "nps", null, wp, 0L, "success");
    add(r, "c1", "2026-10-05", "phone", "csat", 5.0, wp, 0L, "success");
    add(r, "c2", "2026-10-05", "phone", "csat", 4.0, ap, 0L, "success");
    add(r, "c3", "2026-10-05", "phone", "csat", 2.0, ap, 0L, "success");
    add(r, "s1", "2026-10-05", "phone", "ces", 6.0, null, 0L, null);
    add(r, "s2", "2026-10-05", "phone", "ces", 2.0, wp, 0L, "success");
    add(r, "o1", "2026-10-05", "phone", "ease", 2.0, wp, 0L, "success");
    // Monday 10-05, web: one promoter, one detractor, no journey before either.
    add(r, "w1", "2026-10-05", "web", "nps", 10.0, null, 0L, null);
    add(r, "w2", "2026-10-05", "web", "nps", 2.0, null, 0L, null);
    // Tuesday 10-06, phone: NPS 9, 9, 0.
    add(r, "t1", "2026-10-06", "phone", "nps", 9.0, wp, 0L, "success");
    add(r, "t2", "2026-10-06", "phone", "nps", 9.0, wp, 0L, "success");
    add(r, "t3", "2026-10-06", "phone", "nps", 0.0, ap, 3L, "failure");
    // Thursday 10-08: after the run's dates, in its week.
    add(r, "q1", "2026-10-08", "phone", "nps", 10.0, wp, 0L, "success");
    lake.ensure(Tables.FEEDBACK_CONTEXT);
    lake.replaceWhere(Tables.FEEDBACK_CONTEXT, r.toDataset(spark), "true");
    first = run();
  }

  private static void add(
      ContextRows r,
      String id,
      String date,
      String channel,
      String metric,
      Double score,
      String path,
      long peak,
      String end) {
    r.add(id, date, channel, metric, score, path, peak, end, "k-" + id, null, null);
  }

  private StageResult run() {
    return stageLake.run(new KpiStage(), FROM, TO);
  }

  /**
   * NPS as the mean of +1 (9-10), 0 (7-8), -1 (0-6) scores, x100, with the normal 95% interval of
   * that mean (population variance over n), clipped to [-100, 100]: {nps, lower, upper}.
   */
  private static double[] nps(int promoters, int passives, int detractors) {
    double n = promoters + passives + detractors;
    double mean = (promoters - detractors) / n;
    double variance = (promoters + detractors) / n - mean * mean;
    double half = Z * Math.sqrt(variance / n);
    return new double[] {
      100 * mean, Math.max(-100, 100 * (mean - half)), Math.min(100, 100 * (mean + half))
    };
  }

  private Row row(TableSpec table, String where) {
    List<Row> rows = lake.read(table).filter(where).collectAsList();
    assertEquals(1, rows.size(), table.name() + " " + where);
    return rows.get(0);
  }

  private static void assertNps(double[] expected, Row r) {
    assertEquals(expected[0], r.<Double>getAs("nps"), 1e-9, "nps");
    // The stage's z comes from its own normal quantile: equal to 1e-6 on the 100 scale.
    assertEquals(expected[1], r.<Double>getAs("nps_lower"), 1e-6, "nps_lower");
    assertEquals(expected[2], r.<Double>getAs("nps_upper"), 1e-6, "nps_upper");
  }

  @Test
  @Order(1)
  void dailyKpisOfTheRunsDatesPerChannelAndTopPath() {
    // Rows: the run's dates only (not 10-04, not 10-08); per date and channel '*' and the
    // channel's most common path over the 28 days ending on the date (top-paths = 1): phone
    // web>phone (8 responses on 10-05 against app>phone's 3 + 1 on 10-04), web (none).
    TreeSet<String> keys = new TreeSet<>();
    for (Row k : lake.read(Tables.KPI_DAILY).collectAsList()) {
      keys.add(
          k.getAs("response_date")
              + " "
              + k.getAs("channel")
              + " "
              + k.getAs("path_before")
              + " "
              + k.getAs("path_rank"));
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "2026-10-05 phone * null",
                "2026-10-05 phone web>phone 1",
                "2026-10-05 web * null",
                "2026-10-05 web (none) 1",
                "2026-10-06 phone * null",
                "2026-10-06 phone web>phone 1")),
        keys);
    assertEquals(17, first.rowsIn(), "12 + 2 responses on 10-05, 3 on 10-06");

    Row phone =
        row(
            Tables.KPI_DAILY,
            "response_date = DATE'2026-10-05' AND channel = 'phone'" + " AND path_before = '*'");
    assertEquals(12L, phone.<Long>getAs("responses"));
    assertEquals(11L, phone.<Long>getAs("scored_responses"), "n6 has no score");
    assertEquals(5L, phone.<Long>getAs("nps_responses"));
    assertEquals(3L, phone.<Long>getAs("promoters"), "10, 9, 9");
    assertEquals(1L, phone.<Long>getAs("detractors"), "3");
    // (3 - 1) / 5 = 40.
    assertNps(nps(3, 1, 1), phone);
    assertEquals(40.0, phone.<Double>getAs("nps"), 1e-9);
    assertEquals(3L, phone.<Long>getAs("csat_responses"));
    assertEquals((5 + 4 + 2) / 3.0, phone.<Double>getAs("csat_mean"), 1e-9);
    // Top-2 box of 1-5: 4 and 5 ((score - 1) / 4 >= 0.75): 2 of 3.
    assertEquals(2 / 3.0, phone.<Double>getAs("csat_top2_share"), 1e-9);
    assertEquals(2L, phone.<Long>getAs("ces_responses"));
    assertEquals(4.0, phone.<Double>getAs("ces_mean"), 1e-9);
    assertEquals(1L, phone.<Long>getAs("other_responses"));
    // Critical (reference.conf rules): NPS 3 (<= 6), CSAT 2 (<= 2), CES 6 (>= 5), ease 2
    // ((2 - 1) / 6 <= 0.25): 4 of 11 scored.
    assertEquals(4L, phone.<Long>getAs("critical"));
    assertEquals(4 / 11.0, phone.<Double>getAs("critical_rate"), 1e-9);

    // web>phone on 10-05: n1..n3, n5, n6, c1, s2, o1.
    Row path =
        row(
            Tables.KPI_DAILY,
            "response_date = DATE'2026-10-05' AND channel = 'phone'"
                + " AND path_before = 'web>phone'");
    assertEquals(8L, path.<Long>getAs("responses"));
    assertEquals(4L, path.<Long>getAs("nps_responses"));
    assertNps(nps(3, 0, 1), path);
    assertEquals(5.0, path.<Double>getAs("csat_mean"), 1e-9);
    assertEquals(2.0, path.<Double>getAs("ces_mean"), 1e-9);
    assertEquals(2 / 7.0, path.<Double>getAs("critical_rate"), 1e-9, "n5 and o1 of 7 scored");

    Row web =
        row(
            Tables.KPI_DAILY,
            "response_date = DATE'2026-10-05' AND channel = 'web'" + " AND path_before = '*'");
    assertNps(nps(1, 0, 1), web);
    assertEquals(0.0, web.<Double>getAs("nps"), 1e-9);
    assertNull(web.getAs("csat_mean"), "no CSAT responses");
    assertEquals(0L, web.<Long>getAs("csat_responses"));

    // 10-06 phone: 9, 9, 0: (2 - 1) / 3.
    Row tuesday =
        row(
            Tables.KPI_DAILY,
            "response_date = DATE'2026-10-06' AND channel = 'phone'" + " AND path_before = '*'");
    assertNps(nps(2, 0, 1), tuesday);
    assertEquals(100 / 3.0, tuesday.<Double>getAs("nps"), 1e-9);
  }

  @Test
  @Order(2)
  void weeklyKpisAreRecomputedFromTheWholeWeeksResponses() {
    // Only the week the run touches (Monday 10-05); 10-04 belongs to the week of 09-28.
    assertEquals(
        List.of(Date.valueOf("2026-10-05")),
        lake.read(Tables.KPI_WEEKLY).select("week_start").distinct().collectAsList().stream()
            .map(x -> x.getDate(0))
            .toList());
    Row week = row(Tables.KPI_WEEKLY, "channel = 'phone' AND path_before = '*'");
    // 12 + 3 responses of the run's dates and q1 of Thursday; NPS 10, 9, 9, 7, 3 | 9, 9, 0 |
    // 10: 6 promoters, 1 passive, 2 detractors -> 400 / 9 = 44.4, not the daily mean
    // (40 + 33.3) / 2.
    assertEquals(16L, week.<Long>getAs("responses"));
    assertEquals(9L, week.<Long>getAs("nps_responses"));
    assertNps(nps(6, 1, 2), week);
    assertEquals(400 / 9.0, week.<Double>getAs("nps"), 1e-9);
  }

  @Test
  @Order(3)
  void peakEndCellsOfTheWindowEndingOnTheRunsLastDate() {
    // Window 10-06 - 89 days .. 10-06: p0, n1..n5 (n6 has no score), t1..t3 for phone NPS; q1
    // (10-08) is after it. Phone NPS critical: p0, n5, t3 = 3 of 9.
    Row failed =
        row(
            Tables.KPI_PEAK_END,
            "channel = 'phone' AND metric = 'nps'"
                + " AND peak_before = 3 AND end_before = 'failure'");
    assertEquals(3L, failed.<Long>getAs("responses"), "p0, n5, t3");
    assertEquals(3L, failed.<Long>getAs("critical"));
    assertEquals((0 + 0.3 + 0) / 3, failed.<Double>getAs("score_norm_mean"), 1e-9);
    assertEquals(1.0, failed.<Double>getAs("critical_rate"), 1e-9);
    // Wilson at x = n: lower = n / (n + z^2), upper 1.
    assertEquals(3 / (3 + Z * Z), failed.<Double>getAs("critical_rate_lower"), 1e-8);
    assertEquals(1.0, failed.<Double>getAs("critical_rate_upper"), 1e-9);
    assertEquals(1 / 3.0, failed.<Double>getAs("channel_metric_critical_rate"), 1e-9);
    assertEquals(Date.valueOf("2026-10-06"), failed.getAs("run_date"));
    assertEquals(Date.valueOf("2026-07-09"), failed.getAs("window_from"));

    Row fine =
        row(
            Tables.KPI_PEAK_END,
            "channel = 'phone' AND metric = 'nps'"
                + " AND peak_before = 0 AND end_before = 'success'");
    // n1..n4, t1, t2: none critical; Wilson at x = 0: lower 0, upper = z^2 / (n + z^2).
    assertEquals(6L, fine.<Long>getAs("responses"));
    assertEquals(0L, fine.<Long>getAs("critical"));
    assertEquals(
        (1.0 + 0.9 + 0.9 + 0.7 + 0.9 + 0.9) / 6, fine.<Double>getAs("score_norm_mean"), 1e-9);
    assertEquals(0.0, fine.<Double>getAs("critical_rate_lower"), 1e-9);
    assertEquals(Z * Z / (6 + Z * Z), fine.<Double>getAs("critical_rate_upper"), 1e-8);
  }

  private List<Row> hashes() {
    return List.of(
        Lake.contentHash(lake.read(Tables.KPI_DAILY)),
        Lake.contentHash(lake.read(Tables.KPI_WEEKLY)),
        Lake.contentHash(lake.read(Tables.KPI_PEAK_END)));
  }

  @Test
  @Order(4)
  void reRunsAreIdentical() {
    List<Row> before = hashes();
    run();
    assertEquals(before, hashes(), "a re-run leaves kpi_daily, kpi_weekly, kpi_peak_end equal");
  }
}
