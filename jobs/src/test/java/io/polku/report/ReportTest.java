package io.polku.report;

import static io.polku.report.ReportFixture.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.lake.Lake;
import io.polku.report.ReportQueries.Headline;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report on two hand-made lakes: the query layer's numbers against counts made by hand from
 * {@link ReportFixture}'s rows, one mark per row in every chart, the Markdown twin, and a night
 * with no critical feedback and a stage that wrote nothing said in words.
 */
class ReportTest {
  @TempDir static Path tmp;
  static Lake full;
  static Lake quiet;

  @BeforeAll
  static void lakes() {
    full = new Lake(SparkTest.spark(), tmp.resolve("full").toUri().toString(), "default");
    ReportFixture.full(full);
    quiet = new Lake(SparkTest.spark(), tmp.resolve("quiet").toUri().toString(), "default");
    ReportFixture.quiet(quiet);
  }

  /** The Wilson 95% interval written out (not the production code's). */
  static double[] wilson(long x, long n) {
    double z = 1.959963984540054;
    double p = (double) x / n;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
    return new double[] {centre - half, centre + half};
  }

  @Test
  void headlinesCountTheChannelTotalsOfEachWindow() {
    List<Headline> h = new ReportQueries(full).headlines(D);
    assertEquals(List.of("day", "7 days", "28 days"), h.stream().map(Headline::window).toList());
    // Day: 10 responses, 3 critical; + D-3 (20, 18 scored, 4); + D-20 (5, 5, 1); the path
    // row (99) never counts.
    assertEquals(List.of(10L, 30L, 35L), h.stream().map(Headline::responses).toList());
    assertEquals(List.of(10L, 28L, 33L), h.stream().map(Headline::scored).toList());
    assertEquals(List.of(3L, 7L, 8L), h.stream().map(Headline::critical).toList());
    assertEquals(0.3, h.get(0).criticalRate(), 1e-12);
    assertEquals(8.0 / 33, h.get(2).criticalRate(), 1e-12);
    double[] w = wilson(3, 10);
    assertEquals(w[0], h.get(0).criticalInterval().lower(), 1e-9);
    assertEquals(w[1], h.get(0).criticalInterval().upper(), 1e-9);
    // NPS of the day: 5 promoters, 2 detractors of 10.
    assertEquals(30.0, h.get(0).nps().value(), 1e-9);
    assertEquals(4.0, h.get(0).csat().mean(), 1e-12);
    assertEquals(3, h.get(0).csat().n());
    assertNull(h.get(0).ces(), "no CES response on the day itself");
    assertEquals(3.0, h.get(1).ces().mean(), 1e-12);
    assertEquals(2, h.get(1).ces().n());
  }

  @Test
  void rootCausesTopSegmentsChangesAndExamples() {
    ReportQueries q = new ReportQueries(full);
    assertEquals(D, q.latestRunDate(io.polku.contract.Tables.ROOT_CAUSE_SEGMENTS, D).orElseThrow());
    assertEquals(
        List.of("s1", "s2", "s3"),
        q.topSegments(D).stream().map(ReportQueries.Segment::segmentId).toList(),
        "top 3 per channel; s4 is rank 4");
    assertEquals(D.minusDays(1), q.previousSegmentRun(D).orElseThrow());
    // s1: excess 10 -> 12 (+20 %) grown; s2, s3, s4 new; s9 gone.
    assertEquals(
        List.of("gone s9", "grown s1", "new s2", "new s3", "new s4"),
        q.segmentChanges(D.minusDays(1), D).stream()
            .map(c -> c.change() + " " + c.segmentId())
            .toList());
    List<ReportQueries.Example> ex = q.examples(D, List.of("s1", "s2", "s3"));
    assertEquals(List.of(1, 2), ex.stream().map(ReportQueries.Example::rank).toList());
    assertEquals(List.of(2, 1), ex.stream().map(e -> e.steps().size()).toList());
    assertEquals("failure", ex.get(0).steps().get(0).outcome());
  }

  @Test
  void journeysPathsFixesSurveysAndDataQuality() {
    ReportQueries q = new ReportQueries(full);
    List<ReportQueries.JourneyDay> days = q.journeyTrend(D);
    assertEquals(3, days.size(), "D-30 is outside the 28 days");
    assertEquals((10 * 0.5 + 30 * 0.9) / 40, days.get(0).successRate(), 1e-12);
    assertEquals(40, days.get(0).journeys());
    assertEquals(4L, q.criticalResponses(D).orElseThrow(), "r1-r4; r5 is 40 days back");
    assertEquals(
        List.of("[web, app] app 2", "[] phone 1", "[app] phone 1"),
        q.criticalPaths(D).stream()
            .map(p -> p.channels() + " " + p.ratedChannel() + " " + p.critical())
            .toList());
    assertEquals(
        List.of("login-fix improved"),
        q.fixes(D).stream().map(f -> f.segment() + " " + f.verdict()).toList());
    assertEquals(
        List.of("invited 2 3", "daily_cap 0 2", "no_consent 1 1"),
        q.surveyOutcomes(D).stream()
            .map(o -> o.outcome() + " " + o.onDate() + " " + o.last7Days())
            .toList());
    assertEquals(
        List.of("app_events BAD_TYPE 2 2", "calls MISSING_ID 0 1"),
        q.quarantine(ReportFixture.RUN).stream()
            .map(x -> x.source() + " " + x.reasonCode() + " " + x.thisRun() + " " + x.total())
            .toList());
    ReportQueries.Run run = q.run(D, null).orElseThrow();
    assertEquals(ReportFixture.RUN, run.runId(), "the latest run covering the date");
    List<ReportQueries.StageTiming> st = q.stageTimings(run);
    assertEquals(
        List.of("ingest 10.0 10.0 2", "journeys 3.0 null 0", "kpis 2.0 null 0"),
        st.stream()
            .map(
                t ->
                    t.stage()
                        + " "
                        + t.seconds()
                        + " "
                        + t.previousMedianSeconds()
                        + " "
                        + t.previousRuns())
            .toList(),
        "p3 failed: not compared");
    assertEquals(D, q.latestRunDate().orElseThrow());
  }

  /** The marks ({@code class="mark"}) inside each chart's figure of an HTML document. */
  static Map<String, Integer> marks(String html) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    Matcher f =
        Pattern.compile("<figure id=\"(chart-[a-z]+)-figure\">(.*?)</figure>", Pattern.DOTALL)
            .matcher(html);
    while (f.find()) {
      Matcher m = Pattern.compile("class=\"mark\"").matcher(f.group(2));
      int n = 0;
      while (m.find()) {
        n++;
      }
      out.put(f.group(1), n);
    }
    return out;
  }

  /** Marks each chart must have: one per non-null value of the query layer's rows. */
  static Map<String, Integer> expectedMarks(Lake lake) {
    ReportQueries q = new ReportQueries(lake);
    Map<String, Integer> out = new java.util.TreeMap<>();
    out.put(
        "chart-headline",
        (int) q.headlines(D).stream().filter(h -> h.criticalRate() != null).count());
    out.put("chart-segments", 2 * q.topSegments(D).size());
    out.put("chart-journeys", 3 * q.journeyTrend(D).size());
    out.put("chart-paths", q.criticalPaths(D).size());
    out.put(
        "chart-fixes",
        (int)
            q.fixes(D).stream()
                .mapToLong(f -> (f.beforeRate() == null ? 0 : 1) + (f.afterRate() == null ? 0 : 1))
                .sum());
    out.put("chart-surveys", q.surveyOutcomes(D).size());
    out.put("chart-quarantine", q.quarantine(ReportFixture.RUN).size());
    List<ReportQueries.StageTiming> st = q.stageTimings(q.run(D, null).orElseThrow());
    out.put(
        "chart-stages",
        st.size() + (int) st.stream().filter(t -> t.previousMedianSeconds() != null).count());
    return out;
  }

  @Test
  void everyChartHasAMarkPerDataPointAndItsDataBehindADisclosure() throws Exception {
    RunReport.Result r =
        RunReport.write(
            full, null, null, tmp.resolve("out-html").toString(), RunReport.Format.HTML);
    assertEquals(D, r.date(), "the default date: the latest succeeded run's last date");
    String html = Files.readString(tmp.resolve("out-html").resolve(D + ".html"));
    assertEquals(html, Files.readString(tmp.resolve("out-html").resolve("latest.html")));
    assertEquals(
        Map.of(
            "chart-headline",
            3,
            "chart-segments",
            6,
            "chart-journeys",
            9,
            "chart-paths",
            3,
            "chart-fixes",
            2,
            "chart-surveys",
            3,
            "chart-quarantine",
            2,
            "chart-stages",
            4),
        expectedMarks(full),
        "the fixture counted by hand");
    assertEquals(expectedMarks(full), marks(html));
    int figures = marks(html).size();
    assertEquals(figures, count(html, "<details><summary>The data ("));
    assertEquals(figures, count(html, "class=\"alt\" id=\"chart-"));
    assertFalse(html.contains("<script"), "no script");
    String noNamespaces = html.replaceAll("xmlns(:xlink)?='http://www\\.w3\\.org/[^']*'", "");
    assertFalse(
        noNamespaces.matches("(?s).*(https?:|src=|href=\"(?!#)).*"),
        "no URL anything could be fetched from, no link off the page");
    assertTrue(html.contains("Login &lt;failed&gt; again"), "comments are escaped");
    assertTrue(html.contains("Stage journeys wrote nothing in run " + ReportFixture.RUN));
  }

  @Test
  void aReportOfAnEarlierDateLeavesLatestAlone() throws Exception {
    Path out = tmp.resolve("out-dates");
    RunReport.write(full, D, null, out.toString(), RunReport.Format.HTML);
    RunReport.write(full, D.minusDays(1), null, out.toString(), RunReport.Format.HTML);
    assertTrue(Files.readString(out.resolve("latest.html")).contains("run report " + D));
    assertTrue(Files.exists(out.resolve(D.minusDays(1) + ".html")));
  }

  @Test
  void aQuietNightIsSaidInWordsWithoutEmptyCharts() throws Exception {
    RunReport.write(quiet, D, null, tmp.resolve("out-quiet").toString(), RunReport.Format.HTML);
    String html = Files.readString(tmp.resolve("out-quiet").resolve(D + ".html"));
    assertTrue(html.contains("No critical feedback in the 28 days ending " + D + "."), html);
    assertTrue(
        html.contains("No critical feedback in the 28 days ending " + D + ": no paths to draw."));
    assertTrue(html.contains("Stage journeys wrote nothing in run " + ReportFixture.RUN));
    assertTrue(html.contains("the table root_cause_segments does not exist"));
    assertTrue(html.contains("No fix to judge"));
    assertTrue(
        html.contains("the tables survey_invitations and survey_suppressions do not" + " exist"));
    // Only the charts that have data: the headline and the stage timings.
    assertEquals(Map.of("chart-headline", 3, "chart-stages", 1), marks(html));
  }

  @Test
  void markdownHasTheSameContentWithLinkedSvgFiles() throws Exception {
    Path out = tmp.resolve("out-md");
    RunReport.Result r = RunReport.write(full, D, null, out.toString(), RunReport.Format.MD);
    String md = Files.readString(out.resolve(D + ".md"));
    assertEquals(md, Files.readString(out.resolve("latest.md")));
    Map<String, Integer> expected = expectedMarks(full);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      String link = D + "/" + e.getKey() + ".svg";
      assertTrue(md.contains("](" + link + ")"), "links " + link);
      String svg = Files.readString(out.resolve(link));
      assertTrue(svg.startsWith("<?xml"), link);
      assertEquals(e.getValue(), count(svg, "class=\"mark\""), "marks in " + link);
    }
    assertTrue(md.contains("> **Note:** Stage journeys wrote nothing"));
    assertEquals(expected.size(), count(md, "<details><summary>The data ("));
    assertEquals(2 + expected.size(), r.files().size(), "the .md, latest.md and the SVGs");
  }

  @Test
  void anUnknownFormatAndAnEmptyLakeNameTheFix() {
    IllegalArgumentException f =
        assertThrows(IllegalArgumentException.class, () -> RunReport.Format.parse("pdf"));
    assertEquals("--format pdf is not a report format; expected html or md", f.getMessage());
    Lake empty = new Lake(SparkTest.spark(), tmp.resolve("empty").toUri().toString(), "default");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RunReport.write(empty, null, null, null, RunReport.Format.HTML));
    assertTrue(
        e.getMessage().startsWith("no succeeded run in the lake's run_audit at "), e.getMessage());
    assertTrue(e.getMessage().endsWith("run `bin/polku nightly` first, or pass --date D"));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}
