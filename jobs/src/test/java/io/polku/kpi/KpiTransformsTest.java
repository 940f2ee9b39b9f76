package io.polku.kpi;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.stats.Proportions;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The KPI transforms on small typed fixtures, checked against hand-worked numbers. */
class KpiTransformsTest {
  private final SparkSession spark = SparkTest.spark();
  private final Map<String, io.polku.config.PolkuConfig.CriticalThreshold> rules =
      SparkTest.config(java.nio.file.Path.of("/tmp/unused")).rootCause().critical();

  private static final double EPS = 1e-9;

  /** Monday 2026-10-05: ten NPS answers, three CSAT, one CES and a comment-only response. */
  private Dataset<Row> oneDay() {
    ContextRows r = new ContextRows();
    double[] nps = {10, 10, 9, 9, 9, 8, 7, 7, 6, 2};
    for (int i = 0; i < nps.length; i++) {
      r.add("n" + i, "2026-10-05", "web", "nps", nps[i], i < 6 ? "web" : "app>web");
    }
    r.add("c1", "2026-10-05", "web", "csat", 5.0, "web");
    r.add("c2", "2026-10-05", "web", "csat", 4.0, "web");
    r.add("c3", "2026-10-05", "web", "csat", 2.0, "phone>web");
    r.add("e1", "2026-10-05", "web", "ces", 6.0, null);
    r.add("x1", "2026-10-05", "web", "nps", null, "web");
    return r.toDataset(spark);
  }

  private Row row(List<Row> rows, String path) {
    return rows.stream()
        .filter(r -> path.equals(r.getAs("path_before")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for path " + path + ": " + rows));
  }

  @Test
  void dailyNpsAndItsIntervalMatchTheHandWorkedValues() {
    Dataset<Row> scored = KpiTransforms.scored(oneDay(), rules, 0.25);
    Date d = Date.valueOf("2026-10-05");
    List<Row> rows = KpiTransforms.daily(scored, d, d, 10, 28).collectAsList();
    Row all = row(rows, "*");
    // NPS answers 10,10,9,9,9 (P = 5), 8,7,7 (passives 3), 6,2 (D = 2); n = 10.
    // m = (5 - 2) / 10 = 0.3; v = (5 + 2) / 10 - 0.3^2 = 0.7 - 0.09 = 0.61;
    // SE = sqrt(0.61 / 10) = sqrt(0.061) = 0.2469818; z SE = 1.959964 x 0.2469818 = 0.4840754;
    // NPS = 30, interval 100 x (0.3 -+ 0.4840754) = [-18.40754, 78.40754].
    assertEquals(15L, all.<Long>getAs("responses"));
    assertEquals(14L, all.<Long>getAs("scored_responses"));
    assertEquals(10L, all.<Long>getAs("nps_responses"));
    assertEquals(5L, all.<Long>getAs("promoters"));
    assertEquals(2L, all.<Long>getAs("detractors"));
    assertEquals(30.0, all.<Double>getAs("nps"), EPS);
    assertEquals(-18.40754, all.<Double>getAs("nps_lower"), 1e-4);
    assertEquals(78.40754, all.<Double>getAs("nps_upper"), 1e-4);
    // CSAT 5, 4, 2: mean 11/3, top-2 share 2/3; CES 6.
    assertEquals(3L, all.<Long>getAs("csat_responses"));
    assertEquals(11.0 / 3, all.<Double>getAs("csat_mean"), EPS);
    assertEquals(2.0 / 3, all.<Double>getAs("csat_top2_share"), EPS);
    assertEquals(1L, all.<Long>getAs("ces_responses"));
    assertEquals(6.0, all.<Double>getAs("ces_mean"), EPS);
    assertEquals(0L, all.<Long>getAs("other_responses"));
    // Critical: NPS 6 and 2, CSAT 2, CES 6 (>= 5) = 4 of 14 scored.
    assertEquals(4L, all.<Long>getAs("critical"));
    assertEquals(4.0 / 14, all.<Double>getAs("critical_rate"), EPS);
    assertNull(all.getAs("path_rank"));

    // Paths: web 6 NPS + 2 CSAT + 1 unscored = 9, app>web 4, phone>web 1, (none) 1.
    Row web = row(rows, "web");
    assertEquals(1, web.<Integer>getAs("path_rank"));
    assertEquals(9L, web.<Long>getAs("responses"));
    // web NPS answers 10,10,9,9,9,8: P 5, D 0 -> 83.33; no CES there -> null.
    assertEquals(100.0 * 5 / 6, web.<Double>getAs("nps"), EPS);
    assertNull(web.getAs("ces_mean"));
    Row none = row(rows, KpiTransforms.NO_PATH);
    assertNull(none.getAs("nps"), "no NPS answers on that path: null, not 0");
    assertEquals(5, rows.size(), "'*' + 4 paths (web, app>web, phone>web, (none)): " + rows);
  }

  @Test
  void onlyTheTopPathsGetRowsRankedOverTheWindow() {
    ContextRows r = new ContextRows();
    // Before the run's date: path a>web common (5) in the window; on the date only once.
    for (int i = 0; i < 5; i++) {
      r.add("old" + i, "2026-10-01", "web", "nps", 9.0, "a>web");
    }
    r.add("p1", "2026-10-05", "web", "nps", 9.0, "a>web");
    r.add("p2", "2026-10-05", "web", "nps", 9.0, "b>web");
    r.add("p3", "2026-10-05", "web", "nps", 9.0, "b>web");
    r.add("p4", "2026-10-05", "web", "nps", 9.0, "c>web");
    Dataset<Row> scored = KpiTransforms.scored(r.toDataset(spark), rules, 0.25);
    Date d = Date.valueOf("2026-10-05");
    List<Row> rows = KpiTransforms.daily(scored, d, d, 2, 28).collectAsList();
    assertEquals(3, rows.size(), rows.toString());
    assertEquals(1, row(rows, "a>web").<Integer>getAs("path_rank"), "6 in the window");
    assertEquals(2, row(rows, "b>web").<Integer>getAs("path_rank"));
    assertEquals(4L, row(rows, "*").<Long>getAs("responses"), "only the date's responses");
    // With a 1-day window the date's own counts decide: b>web first, a>web and c>web tie,
    // broken by name.
    List<Row> narrow = KpiTransforms.daily(scored, d, d, 2, 1).collectAsList();
    assertEquals(1, row(narrow, "b>web").<Integer>getAs("path_rank"));
    assertEquals(2, row(narrow, "a>web").<Integer>getAs("path_rank"));
  }

  @Test
  void weeklyNpsIsRecomputedFromTheWeeksCountsNotAveragedOverDays() {
    ContextRows r = new ContextRows();
    // Monday: 1 promoter (NPS 100). Wednesday: 1 promoter, 3 detractors (NPS -50).
    // Week: P 2, D 3, n 5 -> NPS -20 (the mean of the daily values would be 25).
    r.add("m1", "2026-10-05", "web", "nps", 10.0, "web");
    r.add("w1", "2026-10-07", "web", "nps", 9.0, "web");
    r.add("w2", "2026-10-07", "web", "nps", 3.0, "web");
    r.add("w3", "2026-10-07", "web", "nps", 4.0, "web");
    r.add("w4", "2026-10-07", "web", "nps", 5.0, "web");
    r.add("next", "2026-10-12", "web", "nps", 0.0, "web");
    Dataset<Row> scored = KpiTransforms.scored(r.toDataset(spark), rules, 0.25);
    Date monday = Date.valueOf("2026-10-05");
    List<Row> rows =
        KpiTransforms.weekly(scored, monday, monday, 10, 28)
            .filter(col("path_before").equalTo("*"))
            .collectAsList();
    assertEquals(1, rows.size(), rows.toString());
    assertEquals(monday, rows.get(0).getAs("week_start"));
    assertEquals(5L, rows.get(0).<Long>getAs("nps_responses"));
    assertEquals(-20.0, rows.get(0).<Double>getAs("nps"), EPS);
    assertEquals(
        Tables.KPI_WEEKLY.columnNames(),
        List.of(KpiTransforms.weekly(scored, monday, monday, 10, 28).columns()));
  }

  @Test
  void peakEndCellsHaveTheWilsonIntervalOfTheirCriticalRate() {
    ContextRows r = new ContextRows();
    // phone CES after a failure peak ending in failure: 3 of 4 critical (>= 5).
    double[] ces = {7, 6, 5, 2};
    for (int i = 0; i < ces.length; i++) {
      r.add(
          "f" + i,
          "2026-10-05",
          "phone",
          "ces",
          ces[i],
          "app>phone",
          3L,
          "failure",
          null,
          null,
          null);
    }
    r.add("s1", "2026-10-05", "phone", "ces", 1.0, "phone", 0L, null, null, null, null);
    Dataset<Row> scored = KpiTransforms.scored(r.toDataset(spark), rules, 0.25);
    Date d = Date.valueOf("2026-10-05");
    Map<String, Row> cells = new HashMap<>();
    for (Row x : KpiTransforms.peakEnd(scored, d, Date.valueOf("2026-07-08")).collectAsList()) {
      cells.put(x.getAs("peak_before") + "/" + x.getAs("end_before"), x);
    }
    Row failure = cells.get("3/failure");
    assertEquals(4L, failure.<Long>getAs("responses"));
    assertEquals(3L, failure.<Long>getAs("critical"));
    assertEquals(0.75, failure.<Double>getAs("critical_rate"), EPS);
    // (7-1)/6, (6-1)/6, (5-1)/6, (2-1)/6 -> mean 16/24.
    assertEquals(16.0 / 24, failure.<Double>getAs("score_norm_mean"), EPS);
    Proportions.Interval w = Proportions.wilson(3, 4, 0.95);
    assertEquals(w.lower(), failure.<Double>getAs("critical_rate_lower"), 1e-9);
    assertEquals(w.upper(), failure.<Double>getAs("critical_rate_upper"), 1e-9);
    assertEquals(0.6, failure.<Double>getAs("channel_metric_critical_rate"), EPS);
    Row none = cells.get("0/none");
    assertEquals(0L, none.<Long>getAs("critical"));
    assertEquals(0.0, none.<Double>getAs("critical_rate_lower"), EPS);
    assertTrue(none.<Double>getAs("critical_rate_upper") > 0.5, "n = 1: wide");
  }
}
