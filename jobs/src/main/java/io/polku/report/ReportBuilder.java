package io.polku.report;

import io.polku.contract.Tables;
import io.polku.report.Report.Block;
import io.polku.report.Report.Chart;
import io.polku.report.Report.Note;
import io.polku.report.Report.Section;
import io.polku.report.Report.Strip;
import io.polku.report.Report.StripStep;
import io.polku.report.Report.Strips;
import io.polku.report.Report.Table;
import io.polku.report.Report.Text;
import io.polku.report.ReportCharts.Series;
import io.polku.report.ReportQueries.CriticalPath;
import io.polku.report.ReportQueries.Example;
import io.polku.report.ReportQueries.Fix;
import io.polku.report.ReportQueries.Headline;
import io.polku.report.ReportQueries.JourneyDay;
import io.polku.report.ReportQueries.Quarantined;
import io.polku.report.ReportQueries.Run;
import io.polku.report.ReportQueries.Segment;
import io.polku.report.ReportQueries.SegmentChange;
import io.polku.report.ReportQueries.StageTiming;
import io.polku.report.ReportQueries.Step;
import io.polku.report.ReportQueries.SurveyOutcome;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the run report's content for one date from {@link ReportQueries}: every number comes from
 * there. A section whose table is missing or empty says so in words instead of drawing an empty
 * chart. The chart ids ({@code chart-*}) are stable: tests count their marks.
 */
public final class ReportBuilder {
  private final ReportQueries q;

  public ReportBuilder(ReportQueries queries) {
    this.q = queries;
  }

  /** The report of {@code date}; {@code runId} names the run (null: the latest covering it). */
  public Report build(LocalDate date, String runId) {
    Optional<Run> run = timed("run", () -> q.run(date, runId));
    List<Section> sections = new ArrayList<>();
    sections.add(timed("headline", () -> headline(date, run)));
    Optional<LocalDate> segRun = q.latestRunDate(Tables.ROOT_CAUSE_SEGMENTS, date);
    sections.add(timed("root causes", () -> rootCauses(date, segRun)));
    sections.add(timed("changes", () -> changes(segRun)));
    sections.add(timed("journeys", () -> journeys(date)));
    sections.add(timed("paths", () -> paths(date)));
    sections.add(timed("fixes", () -> fixes(date)));
    sections.add(timed("surveys", () -> surveys(date)));
    sections.add(timed("data quality", () -> dataQuality(run)));
    String subtitle =
        run.map(
                r ->
                    "Run "
                        + r.runId()
                        + " for "
                        + range(r.dateFrom(), r.dateTo())
                        + ", status "
                        + r.status()
                        + ("running".equals(r.status()) ? " (the report is its last step)" : "")
                        + ". Windows end on "
                        + date
                        + " (UTC).")
            .orElse("No run in run_audit covers " + date + ". Windows end on " + date + " (UTC).");
    return new Report(date, "Polku run report " + date, subtitle, sections);
  }

  /** Runs one part and logs its seconds (the report's cost, part by part, in the log). */
  private static <T> T timed(String part, java.util.function.Supplier<T> f) {
    long t = System.nanoTime();
    T out = f.get();
    org.apache.logging.log4j.LogManager.getLogger(ReportBuilder.class)
        .info(
            String.format(
                Locale.ROOT, "report: %s in %.1f s", part, (System.nanoTime() - t) / 1e9));
    return out;
  }

  // ---- sections ------------------------------------------------------------------------

  private Section headline(LocalDate date, Optional<Run> run) {
    List<Block> b = new ArrayList<>();
    List<Headline> hs = q.headlines(date);
    if (hs.isEmpty()) {
      b.add(
          new Note(
              "No KPIs: the table kpi_daily does not exist (the kpis stage has not"
                  + " written it). Run `bin/polku nightly` for the date."));
      return new Section("headline", "Headline", b);
    }
    List<List<String>> rows = new ArrayList<>();
    for (Headline h : hs) {
      rows.add(
          List.of(
              h.window(),
              range(h.from(), h.to()),
              count(h.responses()),
              h.nps() == null
                  ? "–"
                  : String.format(
                      Locale.ROOT,
                      "%.1f [%.1f, %.1f]",
                      h.nps().value(),
                      h.nps().lower(),
                      h.nps().upper()),
              mean(h.csat()),
              mean(h.ces()),
              count(h.critical()),
              h.criticalRate() == null
                  ? "–"
                  : pct(h.criticalRate())
                      + " ["
                      + pct(h.criticalInterval().lower())
                      + ", "
                      + pct(h.criticalInterval().upper())
                      + "]"));
    }
    Headline day = hs.get(0);
    Headline longest = hs.get(hs.size() - 1);
    b.add(
        new Text(
            String.format(
                Locale.ROOT,
                "%s responses on %s, %s in the %d days ending"
                    + " on it. Intervals are 95%%: NPS by the promoter-minus-detractor variance, CSAT and"
                    + " CES means by the normal approximation, the critical rate by Wilson.",
                count(day.responses()),
                date,
                count(longest.responses()),
                ReportQueries.LONG_WINDOW_DAYS)));
    if (day.responses() == 0) {
      b.add(new Note("No feedback was received on " + date + "."));
    }
    if (longest.critical() == 0) {
      b.add(
          new Note(
              "No critical feedback in the "
                  + ReportQueries.LONG_WINDOW_DAYS
                  + " days ending "
                  + date
                  + "."));
    }
    Table data =
        new Table(
            "Headline by window",
            List.of(
                "window",
                "dates",
                "responses",
                "NPS [95%]",
                "CSAT [95%]",
                "CES [95%]",
                "critical",
                "critical rate [95%]"),
            rows,
            List.of(false, false, true, true, true, true, true, true));
    List<String> cats = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (Headline h : hs) {
      cats.add(h.window());
      rates.add(h.criticalRate());
    }
    if (rates.stream().anyMatch(r -> r != null)) {
      b.add(
          chart(
              "chart-headline",
              "Critical rate by window",
              ReportCharts.bars(
                  "chart-headline",
                  cats,
                  List.of(new Series("critical rate", rates)),
                  "critical rate",
                  true),
              "Bar chart of the share of critical responses: " + joinAlt(cats, rates, true) + ".",
              data));
    } else {
      b.add(
          new Note(
              "No scored responses in the "
                  + ReportQueries.LONG_WINDOW_DAYS
                  + " days ending "
                  + date
                  + ": no critical rate to draw."));
      b.add(data);
    }
    return new Section("headline", "Headline", b);
  }

  private Section rootCauses(LocalDate date, Optional<LocalDate> segRun) {
    List<Block> b = new ArrayList<>();
    String title = "Top root-cause segments per channel";
    if (segRun.isEmpty()) {
      b.add(
          new Note(
              q.has(Tables.ROOT_CAUSE_SEGMENTS)
                  ? "The rootcause stage wrote no segments on or before " + date + "."
                  : "No root causes: the table root_cause_segments does not exist (the rootcause"
                      + " stage has not run)."));
      return new Section("root-causes", title, b);
    }
    List<Segment> segs = q.topSegments(segRun.get());
    if (segs.isEmpty()) {
      b.add(
          new Note(
              "No root-cause segment was kept on "
                  + segRun.get()
                  + ": no journey"
                  + " condition made critical feedback significantly more common (or there was no"
                  + " critical feedback)."));
      return new Section("root-causes", title, b);
    }
    b.add(
        new Text(
            "The "
                + ReportQueries.SEGMENTS_PER_CHANNEL
                + " segments explaining most"
                + " excess critical responses in each rated channel ('*': all channels), from the"
                + " rootcause run of "
                + segRun.get()
                + ". Critical rate with its Wilson 95% interval,"
                + " against the rate of the channel's other responses; q is the Benjamini-Hochberg"
                + " q-value."));
    List<String> cats = new ArrayList<>();
    List<Double> in = new ArrayList<>();
    List<Double> out = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (Segment s : segs) {
      String key = s.channel() + "/" + s.metric() + " #" + s.channelRank();
      cats.add(key);
      in.add(s.criticalRate());
      out.add(s.rateOutside());
      rows.add(
          List.of(
              key,
              s.label(),
              count(s.responses()),
              count(s.critical()),
              pct(s.criticalRate()) + " [" + pct(s.lower()) + ", " + pct(s.upper()) + "]",
              pct(s.rateOutside()),
              String.format(Locale.ROOT, "%.1f", s.excessCritical()),
              String.format(Locale.ROOT, "%.2g", s.qValue())));
    }
    Table data =
        new Table(
            "Segments",
            List.of(
                "segment",
                "label",
                "responses",
                "critical",
                "critical rate [95%]",
                "rate outside",
                "excess critical",
                "q"),
            rows,
            List.of(false, false, true, true, true, true, true, true));
    b.add(
        chart(
            "chart-segments",
            "Critical rate in the segment and outside it",
            ReportCharts.bars(
                "chart-segments",
                cats,
                List.of(new Series("in segment", in), new Series("outside", out)),
                "critical rate",
                true),
            "Grouped bar chart, per segment the critical rate inside and outside: "
                + joinAlt(cats, in, true)
                + ".",
            data));
    List<Strip> strips = new ArrayList<>();
    List<String> ids = segs.stream().map(Segment::segmentId).toList();
    List<Example> examples = new ArrayList<>(q.examples(segRun.get(), ids));
    examples.sort(
        java.util.Comparator.comparingInt((Example e) -> ids.indexOf(e.segmentId()))
            .thenComparingInt(Example::rank));
    for (Example e : examples) {
      List<StripStep> steps = new ArrayList<>();
      for (Step s : e.steps()) {
        boolean failed =
            "failure".equals(s.outcome())
                || "abandoned".equals(s.outcome())
                || "error".equals(s.eventType());
        steps.add(
            new StripStep(
                s.channel(),
                s.eventType()
                    + (s.touchpoint() == null ? "" : " " + s.touchpoint())
                    + (s.outcome() == null ? "" : " (" + s.outcome() + ")"),
                failed));
      }
      steps.add(
          new StripStep(
              e.channel(),
              e.metric()
                  + " "
                  + (e.score() == null ? "–" : String.format(Locale.ROOT, "%.0f", e.score()))
                  + (e.critical() ? " critical" : ""),
              e.critical()));
      strips.add(
          new Strip(
              segmentKey(segs, e.segmentId())
                  + ", example "
                  + e.rank()
                  + (e.comment() == null ? "" : ": \u201c" + e.comment() + "\u201d"),
              steps));
    }
    if (strips.isEmpty()) {
      b.add(new Note("The rootcause stage wrote no example journeys for these segments."));
    } else {
      b.add(
          new Text(
              "Two example journeys per segment, oldest step first; the last step is"
                  + " the response."));
      b.add(new Strips(strips));
    }
    return new Section("root-causes", title, b);
  }

  private static String segmentKey(List<Segment> segs, String id) {
    for (Segment s : segs) {
      if (s.segmentId().equals(id)) {
        return s.channel() + "/" + s.metric() + " #" + s.channelRank();
      }
    }
    return id;
  }

  private Section changes(Optional<LocalDate> segRun) {
    List<Block> b = new ArrayList<>();
    String title = "Segments new, grown, shrunk or gone";
    if (segRun.isEmpty()) {
      b.add(new Note("No root-cause run to compare."));
      return new Section("segment-changes", title, b);
    }
    Optional<LocalDate> prev = q.previousSegmentRun(segRun.get());
    if (prev.isEmpty()) {
      b.add(
          new Note(
              "The rootcause run of "
                  + segRun.get()
                  + " is the first: there is no"
                  + " previous run to compare with."));
      return new Section("segment-changes", title, b);
    }
    List<SegmentChange> cs = q.segmentChanges(prev.get(), segRun.get());
    if (cs.isEmpty()) {
      b.add(
          new Note(
              "No segment is new, gone, grown or shrunk between "
                  + prev.get()
                  + " and "
                  + segRun.get()
                  + "."));
      return new Section("segment-changes", title, b);
    }
    b.add(
        new Text(
            "Kept segments of "
                + segRun.get()
                + " against "
                + prev.get()
                + ": grown or shrunk when the excess critical responses changed by at least "
                + Math.round(ReportQueries.CHANGE_SHARE * 100)
                + " %."));
    List<List<String>> rows = new ArrayList<>();
    for (SegmentChange c : cs) {
      rows.add(
          List.of(
              c.change(),
              c.label(),
              opt(c.excessBefore(), "%.1f"),
              opt(c.excessNow(), "%.1f"),
              c.rateBefore() == null ? "–" : pct(c.rateBefore()),
              c.rateNow() == null ? "–" : pct(c.rateNow())));
    }
    b.add(
        new Table(
            "Changes",
            List.of("change", "segment", "excess before", "excess now", "rate before", "rate now"),
            rows,
            List.of(false, false, true, true, true, true)));
    return new Section("segment-changes", title, b);
  }

  private Section journeys(LocalDate date) {
    List<Block> b = new ArrayList<>();
    String title = "Journey KPI trends";
    List<JourneyDay> days = q.journeyTrend(date);
    if (days.isEmpty()) {
      b.add(
          new Note(
              q.has(Tables.KPI_JOURNEY_DAILY)
                  ? "No journeys started in the "
                      + ReportQueries.LONG_WINDOW_DAYS
                      + " days ending "
                      + date
                      + "."
                  : "No journey KPIs: the table kpi_journey_daily does not exist (the journeys stage"
                      + " has not run)."));
      return new Section("journeys", title, b);
    }
    List<Double> success = new ArrayList<>();
    List<Double> assisted = new ArrayList<>();
    List<Double> repeat = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (JourneyDay d : days) {
      success.add(d.successRate());
      assisted.add(d.assistedRate());
      repeat.add(d.repeatRate());
      rows.add(
          List.of(
              d.date().toString(),
              count(d.journeys()),
              pct(d.successRate()),
              pct(d.assistedRate()),
              pct(d.repeatRate())));
    }
    Table data =
        new Table(
            "Journey KPIs per start date",
            List.of(
                "date", "journeys", "success rate", "assisted contact rate", "repeat contact rate"),
            rows,
            List.of(false, true, true, true, true));
    b.add(
        new Text(
            "Per journey start date over all first channels (weighted by journeys), "
                + days.size()
                + " days ending "
                + date
                + "."));
    b.add(
        chart(
            "chart-journeys",
            "Success, assisted and repeat contact rates",
            ReportCharts.lines(
                "chart-journeys",
                days.stream().map(JourneyDay::date).toList(),
                List.of(
                    new Series("success", success),
                    new Series("assisted contact", assisted),
                    new Series("repeat contact", repeat)),
                "share of journeys",
                true),
            String.format(
                Locale.ROOT,
                "Line chart of three daily rates from %s to %s: success"
                    + " from %s to %s, assisted contact from %s to %s, repeat contact from %s to %s.",
                days.get(0).date(),
                days.get(days.size() - 1).date(),
                pct(success.get(0)),
                pct(success.get(success.size() - 1)),
                pct(assisted.get(0)),
                pct(assisted.get(assisted.size() - 1)),
                pct(repeat.get(0)),
                pct(repeat.get(repeat.size() - 1))),
            data));
    return new Section("journeys", title, b);
  }

  private Section paths(LocalDate date) {
    List<Block> b = new ArrayList<>();
    String title = "Paths before critical feedback";
    Optional<Long> critical = q.criticalResponses(date);
    if (critical.isEmpty()) {
      b.add(
          new Note(
              "No paths: the table followups does not exist (the followups stage has"
                  + " not run)."));
      return new Section("paths", title, b);
    }
    if (critical.get() == 0) {
      b.add(
          new Note(
              "No critical feedback in the "
                  + ReportQueries.LONG_WINDOW_DAYS
                  + " days ending "
                  + date
                  + ": no paths to draw."));
      return new Section("paths", title, b);
    }
    List<CriticalPath> paths = q.criticalPaths(date);
    long shown = paths.stream().mapToLong(CriticalPath::critical).sum();
    b.add(
        new Text(
            String.format(
                Locale.ROOT,
                "The %d most common journey paths (channels in"
                    + " order, then the rated channel) before the %s critical responses of the %d days"
                    + " ending %s; they cover %s of them (%s).",
                paths.size(),
                count(critical.get()),
                ReportQueries.LONG_WINDOW_DAYS,
                date,
                count(shown),
                pct((double) shown / critical.get()))));
    List<List<String>> steps = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    StringBuilder alt = new StringBuilder("Icicle chart of paths, read left to right: ");
    for (CriticalPath p : paths) {
      List<String> s =
          new ArrayList<>(p.channels().isEmpty() ? List.of("(no journey)") : p.channels());
      s.add("rated " + p.ratedChannel());
      steps.add(s);
      counts.add(p.critical());
      String path = String.join(" > ", s);
      rows.add(List.of(path, count(p.critical()), pct((double) p.critical() / critical.get())));
      alt.append(path).append(' ').append(p.critical()).append("; ");
    }
    Table data =
        new Table(
            "Paths",
            List.of("path", "critical responses", "share"),
            rows,
            List.of(false, true, true));
    b.add(
        chart(
            "chart-paths",
            "Paths before critical feedback (icicle)",
            ReportCharts.icicle("chart-paths", steps, counts),
            alt.toString().trim(),
            data));
    return new Section("paths", title, b);
  }

  private Section fixes(LocalDate date) {
    List<Block> b = new ArrayList<>();
    String title = "Fixes: before and after";
    Optional<LocalDate> runDate = q.latestRunDate(Tables.FIX_EFFECTS, date);
    List<Fix> fixes = runDate.map(q::fixes).orElse(List.of());
    if (fixes.isEmpty()) {
      b.add(
          new Note(
              "No fix to judge: fix_effects has no row on or before "
                  + date
                  + " (configure fixes in polku.followups.fixes)."));
      return new Section("fixes", title, b);
    }
    List<String> cats = new ArrayList<>();
    List<Double> before = new ArrayList<>();
    List<Double> after = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (Fix f : fixes) {
      String key = f.segment() + " (" + f.fixDate() + ")";
      cats.add(key);
      before.add(f.beforeRate());
      after.add(f.afterRate());
      rows.add(
          List.of(
              key,
              f.channel() + "/" + f.metric(),
              count(f.beforeResponses()),
              f.beforeRate() == null ? "–" : pct(f.beforeRate()),
              count(f.afterResponses()),
              f.afterRate() == null ? "–" : pct(f.afterRate()),
              opt(f.pValue(), "%.3g"),
              f.verdict()));
    }
    Table data =
        new Table(
            "Fixes",
            List.of(
                "fix",
                "scope",
                "responses before",
                "critical rate before",
                "responses after",
                "critical rate after",
                "p",
                "verdict"),
            rows,
            List.of(false, false, true, true, true, true, true, false));
    StringBuilder alt =
        new StringBuilder("Grouped bar chart of critical rates before and" + " after each fix: ");
    for (int i = 0; i < fixes.size(); i++) {
      alt.append(cats.get(i)).append(' ').append(fixes.get(i).verdict()).append("; ");
    }
    b.add(
        chart(
            "chart-fixes",
            "Critical rate before and after each fix",
            ReportCharts.bars(
                "chart-fixes",
                cats,
                List.of(new Series("before", before), new Series("after", after)),
                "critical rate",
                true),
            alt.toString().trim(),
            data));
    return new Section("fixes", title, b);
  }

  private Section surveys(LocalDate date) {
    List<Block> b = new ArrayList<>();
    String title = "Survey invitations and suppressions";
    List<SurveyOutcome> os = q.surveyOutcomes(date);
    if (os.isEmpty()) {
      b.add(
          new Note(
              "No survey targeting: the tables survey_invitations and"
                  + " survey_suppressions do not exist (the surveys stage has not run)."));
      return new Section("surveys", title, b);
    }
    long candidates = os.stream().mapToLong(SurveyOutcome::onDate).sum();
    if (candidates == 0) {
      b.add(
          new Note("No survey candidates on " + date + ": nobody was invited or" + " suppressed."));
    }
    List<String> cats = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (SurveyOutcome o : os) {
      cats.add(o.outcome());
      values.add((double) o.last7Days());
      rows.add(List.of(o.outcome(), count(o.onDate()), count(o.last7Days())));
    }
    Table data =
        new Table(
            "Survey candidates by outcome",
            List.of("outcome", "on " + date, "7 days ending " + date),
            rows,
            List.of(false, true, true));
    if (os.stream().mapToLong(SurveyOutcome::last7Days).sum() == 0) {
      b.add(new Note("No survey candidates in the 7 days ending " + date + "."));
      b.add(data);
    } else {
      b.add(
          chart(
              "chart-surveys",
              "Survey candidates of the 7 days ending " + date + " by outcome",
              ReportCharts.bars(
                  "chart-surveys",
                  cats,
                  List.of(new Series("candidates", values)),
                  "candidates",
                  false),
              "Bar chart of survey candidates by outcome: " + joinAlt(cats, values, false) + ".",
              data));
    }
    return new Section("surveys", title, b);
  }

  private Section dataQuality(Optional<Run> run) {
    List<Block> b = new ArrayList<>();
    String title = "Data quality";
    List<Quarantined> qs = q.quarantine(run.map(Run::runId).orElse(null));
    if (qs.isEmpty()) {
      b.add(
          new Note(
              q.has(Tables.QUARANTINE)
                  ? "Nothing is quarantined: every source row" + " was valid."
                  : "No quarantine table: the ingest stage has not run."));
    } else {
      List<String> cats = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      List<List<String>> rows = new ArrayList<>();
      for (Quarantined x : qs) {
        cats.add(x.source() + ": " + x.reasonCode());
        values.add((double) x.total());
        rows.add(List.of(x.source(), x.reasonCode(), count(x.thisRun()), count(x.total())));
      }
      b.add(
          chart(
              "chart-quarantine",
              "Quarantined rows by source and reason (all runs)",
              ReportCharts.bars(
                  "chart-quarantine",
                  cats,
                  List.of(new Series("rows", values)),
                  "quarantined rows",
                  false),
              "Bar chart of quarantined rows: " + joinAlt(cats, values, false) + ".",
              new Table(
                  "Quarantine",
                  List.of("source", "reason", "this run", "all runs"),
                  rows,
                  List.of(false, false, true, true))));
    }
    if (run.isEmpty()) {
      b.add(new Note("No run in run_audit covers the date: no stage timings."));
      return new Section("data-quality", title, b);
    }
    List<StageTiming> ts = q.stageTimings(run.get());
    if (ts.isEmpty()) {
      b.add(new Note("Run " + run.get().runId() + " has no finished stage in run_audit."));
      return new Section("data-quality", title, b);
    }
    List<String> empty = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    int previous = 0;
    List<String> cats = new ArrayList<>();
    List<Double> now = new ArrayList<>();
    List<Double> median = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (StageTiming t : ts) {
      if (!"succeeded".equals(t.status())) {
        failed.add(
            t.stage() + " (" + t.status() + (t.message() == null ? "" : ": " + t.message()) + ")");
      } else if (t.rowsOut() != null && t.rowsOut() == 0) {
        empty.add(t.stage());
      }
      previous = Math.max(previous, t.previousRuns());
      cats.add(t.stage());
      now.add(t.seconds());
      median.add(t.previousMedianSeconds());
      rows.add(
          List.of(
              t.stage(),
              t.status(),
              t.rowsIn() == null ? "–" : count(t.rowsIn()),
              t.rowsOut() == null ? "–" : count(t.rowsOut()),
              String.format(Locale.ROOT, "%.1f", t.seconds()),
              opt(t.previousMedianSeconds(), "%.1f"),
              String.valueOf(t.previousRuns())));
    }
    for (String s : empty) {
      b.add(
          new Note("Stage " + s + " wrote nothing in run " + run.get().runId() + " (rows out 0)."));
    }
    for (String s : failed) {
      b.add(new Note("Stage " + s + " did not succeed."));
    }
    if (previous == 0) {
      b.add(new Note("No earlier succeeded run to compare the stage timings with."));
    }
    List<Series> series =
        previous == 0
            ? List.of(new Series("this run", now))
            : List.of(
                new Series("this run", now),
                new Series("median of the last " + ReportQueries.PREVIOUS_RUNS + " runs", median));
    b.add(
        chart(
            "chart-stages",
            "Stage timings of run " + run.get().runId(),
            ReportCharts.bars("chart-stages", cats, series, "seconds", false),
            "Bar chart of seconds per stage: " + joinAlt(cats, now, false) + ".",
            new Table(
                "Stage timings",
                List.of(
                    "stage",
                    "status",
                    "rows in",
                    "rows out",
                    "seconds",
                    "median of the last " + ReportQueries.PREVIOUS_RUNS + " runs (s)",
                    "runs compared"),
                rows,
                List.of(false, false, true, true, true, true, true))));
    return new Section("data-quality", title, b);
  }

  // ---- formatting ----------------------------------------------------------------------

  private static Chart chart(String id, String title, String svg, String alt, Table data) {
    return new Chart(id, title, svg, alt, data);
  }

  static String pct(double x) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * x);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String opt(Double x, String format) {
    return x == null ? "–" : String.format(Locale.ROOT, format, x);
  }

  private static String mean(ReportQueries.Mean m) {
    return m == null
        ? "–"
        : String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", m.mean(), m.lower(), m.upper());
  }

  private static String range(LocalDate from, LocalDate to) {
    return from.equals(to) ? from.toString() : from + " .. " + to;
  }

  private static String joinAlt(List<String> cats, List<Double> values, boolean percent) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < cats.size(); i++) {
      Double v = values.get(i);
      parts.add(
          cats.get(i)
              + " "
              + (v == null
                  ? "no value"
                  : percent ? pct(v) : String.format(Locale.ROOT, "%,.1f", v)));
    }
    return String.join(", ", parts);
  }
}
