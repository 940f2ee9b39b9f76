package io.polku.report;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.stats.Means;
import io.polku.stats.NetPromoter;
import io.polku.stats.Proportions;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The report's one query layer: every number in the run report comes from a method here, as typed
 * rows read with Spark SQL from the lake's tables (by location, as temporary views {@code
 * report_<table>}), and the tests read the same methods. A table that does not exist (its stage has
 * not run or wrote nothing) gives empty rows or {@link Optional#empty()}, never an error: the
 * report says so in words.
 *
 * <p>Cost: a few small aggregations over partitions of the report's 28-day window and the latest
 * run_date of the root-cause and fix tables; everything collected to the driver is bounded (top
 * segments, top paths, 28 days, one row per stage, reason or source).
 */
public final class ReportQueries {
  /** Days of the long comparison window (the short one is 7). */
  public static final int LONG_WINDOW_DAYS = 28;

  /** Root-cause segments shown per rated channel. */
  public static final int SEGMENTS_PER_CHANNEL = 3;

  /** Paths shown in the path chart. */
  public static final int TOP_PATHS = 12;

  /** A segment grew (or shrank) when its excess critical responses changed by this share. */
  public static final double CHANGE_SHARE = 0.10;

  /** Earlier runs the stage timings are compared with. */
  public static final int PREVIOUS_RUNS = 7;

  private final SparkSession spark;
  private final Lake lake;
  private final Map<String, Boolean> present = new HashMap<>();

  public ReportQueries(Lake lake) {
    this.lake = lake;
    this.spark = lake.spark();
  }

  /** Whether the table exists; registers it as the view {@code report_<name>} when it does. */
  public boolean has(TableSpec table) {
    return present.computeIfAbsent(
        table.name(),
        n -> {
          if (!lake.exists(table)) {
            return false;
          }
          lake.read(table).createOrReplaceTempView(view(table));
          return true;
        });
  }

  private static String view(TableSpec table) {
    return "report_" + table.name();
  }

  private List<Row> sql(String query) {
    return spark.sql(query).collectAsList();
  }

  private static String d(LocalDate date) {
    return "DATE'" + date + "'";
  }

  // ---- the run -------------------------------------------------------------------------

  /** One run of run_audit ('run' row). */
  public record Run(
      String runId,
      LocalDate dateFrom,
      LocalDate dateTo,
      Timestamp started,
      Timestamp ended,
      String status,
      String message) {}

  /** The date_to of the latest succeeded run: the default report date. */
  public Optional<LocalDate> latestRunDate() {
    if (!has(Tables.RUN_AUDIT)) {
      return Optional.empty();
    }
    List<Row> r =
        sql(
            "SELECT max_by(date_to, started_ts) FROM report_run_audit"
                + " WHERE stage = 'run' AND object = '*' AND status = 'succeeded'");
    return r.isEmpty() || r.get(0).isNullAt(0)
        ? Optional.empty()
        : Optional.of(r.get(0).getDate(0).toLocalDate());
  }

  /**
   * The run the report is about: {@code runId} when given, else the latest run whose date range
   * contains {@code date}.
   */
  public Optional<Run> run(LocalDate date, String runId) {
    if (!has(Tables.RUN_AUDIT)) {
      return Optional.empty();
    }
    String where =
        runId != null
            ? "run_id = '" + runId.replace("'", "''") + "'"
            : d(date) + " BETWEEN date_from AND date_to";
    List<Row> r =
        sql(
            "SELECT run_id, date_from, date_to, started_ts, ended_ts, status, message"
                + " FROM report_run_audit WHERE stage = 'run' AND object = '*' AND "
                + where
                + " ORDER BY started_ts DESC LIMIT 1");
    if (r.isEmpty()) {
      return Optional.empty();
    }
    Row x = r.get(0);
    return Optional.of(
        new Run(
            x.getString(0),
            x.getDate(1).toLocalDate(),
            x.getDate(2).toLocalDate(),
            x.getTimestamp(3),
            x.getTimestamp(4),
            x.getString(5),
            x.getString(6)));
  }

  // ---- headline ------------------------------------------------------------------------

  /** A mean with its 95% interval and count. */
  public record Mean(double mean, double lower, double upper, long n) {}

  /** The headline of one window ending on the report date. */
  public record Headline(
      String window,
      LocalDate from,
      LocalDate to,
      long responses,
      long scored,
      NetPromoter.Estimate nps,
      Mean csat,
      Mean ces,
      long critical,
      Double criticalRate,
      Proportions.Interval criticalInterval) {}

  /** Headlines of the report date, the 7 and the 28 days ending on it (kpi_daily). */
  public List<Headline> headlines(LocalDate date) {
    List<Headline> out = new ArrayList<>();
    if (!has(Tables.KPI_DAILY)) {
      return out;
    }
    int[] windows = {1, 7, LONG_WINDOW_DAYS};
    // One scan per table for the three windows: w<i> flags the rows of window i.
    StringBuilder k = new StringBuilder("SELECT ");
    for (int i = 0; i < windows.length; i++) {
      String in = "response_date >= " + d(date.minusDays(windows[i] - 1));
      for (String c :
          List.of(
              "responses",
              "scored_responses",
              "promoters",
              "detractors",
              "nps_responses",
              "critical")) {
        k.append("coalesce(sum(CASE WHEN ")
            .append(in)
            .append(" THEN ")
            .append(c)
            .append(" END), 0), ");
      }
    }
    k.setLength(k.length() - 2);
    Row kpi =
        sql(k
                + " FROM report_kpi_daily WHERE path_before = '*' AND response_date"
                + " BETWEEN "
                + d(date.minusDays(LONG_WINDOW_DAYS - 1))
                + " AND "
                + d(date))
            .get(0);
    List<Row> moments = List.of();
    if (has(Tables.FEEDBACK_CONTEXT)) {
      moments =
          sql(
              "SELECT lower(metric), datediff("
                  + d(date)
                  + ", response_date),"
                  + " count(score), sum(score), sum(score * score) FROM report_feedback_context"
                  + " WHERE score IS NOT NULL AND lower(metric) IN ('csat', 'ces') AND response_date"
                  + " BETWEEN "
                  + d(date.minusDays(LONG_WINDOW_DAYS - 1))
                  + " AND "
                  + d(date)
                  + " GROUP BY 1, 2");
    }
    for (int i = 0; i < windows.length; i++) {
      int days = windows[i];
      int o = 6 * i;
      long scored = kpi.getLong(o + 1);
      long promoters = kpi.getLong(o + 2);
      long detractors = kpi.getLong(o + 3);
      long npsN = kpi.getLong(o + 4);
      long critical = kpi.getLong(o + 5);
      NetPromoter.Estimate nps =
          npsN == 0
              ? null
              : NetPromoter.nps(promoters, npsN - promoters - detractors, detractors).orElse(null);
      Map<String, double[]> sums = new HashMap<>();
      for (Row m : moments) {
        if (m.getInt(1) < days) {
          double[] a = sums.computeIfAbsent(m.getString(0), x -> new double[3]);
          a[0] += m.getLong(2);
          a[1] += m.getDouble(3);
          a[2] += m.getDouble(4);
        }
      }
      Map<String, Mean> means = new HashMap<>();
      sums.forEach(
          (metric, a) -> {
            Means.MeanInterval mi = Means.meanInterval(a[1], a[2], (long) a[0], 0.95);
            means.put(metric, new Mean(mi.mean(), mi.lower(), mi.upper(), (long) a[0]));
          });
      out.add(
          new Headline(
              days == 1 ? "day" : days + " days",
              date.minusDays(days - 1),
              date,
              kpi.getLong(o),
              scored,
              nps,
              means.get("csat"),
              means.get("ces"),
              critical,
              scored == 0 ? null : (double) critical / scored,
              scored == 0 ? null : Proportions.wilson(critical, scored, 0.95)));
    }
    return out;
  }

  // ---- root causes ---------------------------------------------------------------------

  /** The latest run_date of a run_date-partitioned table on or before {@code date}. */
  public Optional<LocalDate> latestRunDate(TableSpec table, LocalDate date) {
    if (!has(table)) {
      return Optional.empty();
    }
    Row r =
        sql("SELECT max(run_date) FROM " + view(table) + " WHERE run_date <= " + d(date)).get(0);
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
  }

  /** A kept root-cause segment. */
  public record Segment(
      String segmentId,
      String channel,
      String metric,
      int channelRank,
      String label,
      long responses,
      long critical,
      double criticalRate,
      double lower,
      double upper,
      double rateOutside,
      double excessCritical,
      double qValue) {}

  /** The top {@link #SEGMENTS_PER_CHANNEL} kept segments per channel of that run_date. */
  public List<Segment> topSegments(LocalDate runDate) {
    List<Segment> out = new ArrayList<>();
    if (!has(Tables.ROOT_CAUSE_SEGMENTS)) {
      return out;
    }
    for (Row r :
        sql(
            "SELECT segment_id, channel, metric, channel_rank, label, responses,"
                + " critical, critical_rate, critical_rate_lower, critical_rate_upper, rate_outside,"
                + " excess_critical, q_value FROM report_root_cause_segments WHERE run_date = "
                + d(runDate)
                + " AND channel_rank <= "
                + SEGMENTS_PER_CHANNEL
                + " ORDER BY channel = '*', channel, channel_rank, segment_id")) {
      out.add(
          new Segment(
              r.getString(0),
              r.getString(1),
              r.getString(2),
              r.isNullAt(3) ? 0 : r.getInt(3),
              r.getString(4),
              r.getLong(5),
              r.getLong(6),
              r.getDouble(7),
              r.getDouble(8),
              r.getDouble(9),
              r.getDouble(10),
              r.getDouble(11),
              r.getDouble(12)));
    }
    return out;
  }

  /** One journey step. */
  public record Step(
      Timestamp ts, String channel, String eventType, String outcome, String touchpoint) {}

  /** An example response of a segment with the steps before it. */
  public record Example(
      String segmentId,
      int rank,
      String responseId,
      String channel,
      String metric,
      Double score,
      boolean critical,
      String comment,
      List<Step> steps) {}

  /** The first two examples of each of the segments. */
  public List<Example> examples(LocalDate runDate, List<String> segmentIds) {
    List<Example> out = new ArrayList<>();
    if (segmentIds.isEmpty() || !has(Tables.ROOT_CAUSE_EXAMPLES)) {
      return out;
    }
    StringBuilder in = new StringBuilder();
    for (String s : segmentIds) {
      in.append(in.length() == 0 ? "" : ", ")
          .append('\'')
          .append(s.replace("'", "''"))
          .append('\'');
    }
    for (Row r :
        sql(
            "SELECT segment_id, example_rank, response_id, channel, metric, score,"
                + " critical, comment, last_steps FROM report_root_cause_examples WHERE run_date = "
                + d(runDate)
                + " AND example_rank <= 2 AND segment_id IN ("
                + in
                + ")"
                + " ORDER BY segment_id, example_rank")) {
      List<Step> steps = new ArrayList<>();
      if (!r.isNullAt(8)) {
        for (Row s : r.<Row>getList(8)) {
          steps.add(
              new Step(
                  s.getAs("ts"),
                  s.getAs("channel"),
                  s.getAs("event_type"),
                  s.getAs("outcome"),
                  s.getAs("touchpoint")));
        }
      }
      out.add(
          new Example(
              r.getString(0),
              r.getInt(1),
              r.getString(2),
              r.getString(3),
              r.getString(4),
              r.isNullAt(5) ? null : r.getDouble(5),
              r.getBoolean(6),
              r.getString(7),
              steps));
    }
    return out;
  }

  /** How a segment changed between two run dates: new, grown, shrunk or gone. */
  public record SegmentChange(
      String segmentId,
      String label,
      String change,
      Double excessBefore,
      Double excessNow,
      Double rateBefore,
      Double rateNow) {}

  /** The run_date before {@code runDate} in root_cause_segments, if any. */
  public Optional<LocalDate> previousSegmentRun(LocalDate runDate) {
    return latestRunDate(Tables.ROOT_CAUSE_SEGMENTS, runDate.minusDays(1));
  }

  /**
   * Segments new, gone, grown or shrunk (excess critical responses changed by at least {@link
   * #CHANGE_SHARE}) between the previous run_date and {@code runDate}.
   */
  public List<SegmentChange> segmentChanges(LocalDate previous, LocalDate runDate) {
    List<SegmentChange> out = new ArrayList<>();
    if (!has(Tables.ROOT_CAUSE_SEGMENTS)) {
      return out;
    }
    String cols = "segment_id, label, excess_critical, critical_rate";
    for (Row r :
        sql(
            "SELECT coalesce(c.segment_id, p.segment_id), coalesce(c.label, p.label),"
                + " p.excess_critical, c.excess_critical, p.critical_rate, c.critical_rate, CASE"
                + " WHEN p.segment_id IS NULL THEN 'new' WHEN c.segment_id IS NULL THEN 'gone'"
                + " WHEN c.excess_critical >= p.excess_critical * "
                + (1 + CHANGE_SHARE)
                + " AND c.excess_critical > p.excess_critical THEN 'grown'"
                + " WHEN c.excess_critical <= p.excess_critical * "
                + (1 - CHANGE_SHARE)
                + " AND c.excess_critical < p.excess_critical THEN 'shrunk' END AS change"
                + " FROM (SELECT "
                + cols
                + " FROM report_root_cause_segments WHERE run_date = "
                + d(runDate)
                + ") c FULL OUTER JOIN (SELECT "
                + cols
                + " FROM"
                + " report_root_cause_segments WHERE run_date = "
                + d(previous)
                + ") p"
                + " ON c.segment_id = p.segment_id")) {
      if (r.isNullAt(6)) {
        continue; // steady
      }
      out.add(
          new SegmentChange(
              r.getString(0),
              r.getString(1),
              r.getString(6),
              r.isNullAt(2) ? null : r.getDouble(2),
              r.isNullAt(3) ? null : r.getDouble(3),
              r.isNullAt(4) ? null : r.getDouble(4),
              r.isNullAt(5) ? null : r.getDouble(5)));
    }
    out.sort(
        java.util.Comparator.comparing(SegmentChange::change)
            .thenComparing(SegmentChange::segmentId));
    return out;
  }

  // ---- journeys ------------------------------------------------------------------------

  /** Journey KPIs of one start date over all first channels (weighted by journeys). */
  public record JourneyDay(
      LocalDate date, long journeys, double successRate, double assistedRate, double repeatRate) {}

  /** One row per journey date of the 28 days ending on {@code date} that has journeys. */
  public List<JourneyDay> journeyTrend(LocalDate date) {
    List<JourneyDay> out = new ArrayList<>();
    if (!has(Tables.KPI_JOURNEY_DAILY)) {
      return out;
    }
    for (Row r :
        sql(
            "SELECT journey_date, sum(journeys),"
                + " sum(success_rate * journeys) / sum(journeys),"
                + " sum(assisted_contact_rate * journeys) / sum(journeys),"
                + " sum(repeat_contact_rate * journeys) / sum(journeys)"
                + " FROM report_kpi_journey_daily WHERE journey_date BETWEEN "
                + d(date.minusDays(LONG_WINDOW_DAYS - 1))
                + " AND "
                + d(date)
                + " GROUP BY journey_date HAVING sum(journeys) > 0 ORDER BY journey_date")) {
      out.add(
          new JourneyDay(
              r.getDate(0).toLocalDate(),
              r.getLong(1),
              r.getDouble(2),
              r.getDouble(3),
              r.getDouble(4)));
    }
    return out;
  }

  /** A journey path before critical feedback: the channels, then the rated channel. */
  public record CriticalPath(List<String> channels, String ratedChannel, long critical) {}

  /** Critical responses of the 28 days ending on {@code date} (followups), or empty. */
  public Optional<Long> criticalResponses(LocalDate date) {
    if (!has(Tables.FOLLOWUPS)) {
      return Optional.empty();
    }
    return Optional.of(
        sql("SELECT count(*) FROM report_followups WHERE response_date BETWEEN "
                + d(date.minusDays(LONG_WINDOW_DAYS - 1))
                + " AND "
                + d(date))
            .get(0)
            .getLong(0));
  }

  /**
   * The {@link #TOP_PATHS} most common journey paths (feedback_context.path_before) before the
   * critical responses (followups) of the 28 days ending on {@code date}.
   */
  public List<CriticalPath> criticalPaths(LocalDate date) {
    List<CriticalPath> out = new ArrayList<>();
    if (!has(Tables.FOLLOWUPS) || !has(Tables.FEEDBACK_CONTEXT)) {
      return out;
    }
    for (Row r :
        sql(
            "SELECT coalesce(c.path_before, '') AS path, f.channel, count(*) AS n"
                + " FROM report_followups f JOIN report_feedback_context c"
                + " ON c.response_id = f.response_id AND c.response_date = f.response_date"
                + " WHERE f.response_date BETWEEN "
                + d(date.minusDays(LONG_WINDOW_DAYS - 1))
                + " AND "
                + d(date)
                + " GROUP BY 1, 2 ORDER BY n DESC, path, f.channel LIMIT "
                + TOP_PATHS)) {
      String path = r.getString(0);
      out.add(
          new CriticalPath(
              path.isEmpty() ? List.of() : List.of(path.split(">")), r.getString(1), r.getLong(2)));
    }
    return out;
  }

  // ---- fixes, surveys ------------------------------------------------------------------

  /** A fix with its before/after verdict. */
  public record Fix(
      String segment,
      String channel,
      String metric,
      LocalDate fixDate,
      long beforeResponses,
      Double beforeRate,
      long afterResponses,
      Double afterRate,
      Double pValue,
      String verdict) {}

  public List<Fix> fixes(LocalDate runDate) {
    List<Fix> out = new ArrayList<>();
    if (!has(Tables.FIX_EFFECTS)) {
      return out;
    }
    for (Row r :
        sql(
            "SELECT segment, channel, metric, fix_date, before_responses,"
                + " before_rate, after_responses, after_rate, p_value, verdict FROM report_fix_effects"
                + " WHERE run_date = "
                + d(runDate)
                + " ORDER BY fix_date, segment")) {
      out.add(
          new Fix(
              r.getString(0),
              r.getString(1),
              r.getString(2),
              r.getDate(3).toLocalDate(),
              r.getLong(4),
              r.isNullAt(5) ? null : r.getDouble(5),
              r.getLong(6),
              r.isNullAt(7) ? null : r.getDouble(7),
              r.isNullAt(8) ? null : r.getDouble(8),
              r.getString(9)));
    }
    return out;
  }

  /** Survey candidates of one outcome: 'invited' or a suppression reason. */
  public record SurveyOutcome(String outcome, long onDate, long last7Days) {}

  /** Invitations, then suppressions by reason, of the date and the 7 days ending on it. */
  public List<SurveyOutcome> surveyOutcomes(LocalDate date) {
    List<SurveyOutcome> out = new ArrayList<>();
    String range = " BETWEEN " + d(date.minusDays(6)) + " AND " + d(date);
    String counts = "count_if(invitation_date = " + d(date) + "), count(*)";
    if (has(Tables.SURVEY_INVITATIONS)) {
      Row r =
          sql("SELECT " + counts + " FROM report_survey_invitations WHERE invitation_date" + range)
              .get(0);
      out.add(new SurveyOutcome("invited", r.getLong(0), r.getLong(1)));
    }
    if (has(Tables.SURVEY_SUPPRESSIONS)) {
      for (Row r :
          sql(
              "SELECT reason, "
                  + counts
                  + " FROM report_survey_suppressions"
                  + " WHERE invitation_date"
                  + range
                  + " GROUP BY reason ORDER BY reason")) {
        out.add(new SurveyOutcome(r.getString(0), r.getLong(1), r.getLong(2)));
      }
    }
    return out;
  }

  // ---- data quality --------------------------------------------------------------------

  /** Quarantined rows of one source and reason: by the run, and in all. */
  public record Quarantined(String source, String reasonCode, long thisRun, long total) {}

  public List<Quarantined> quarantine(String runId) {
    List<Quarantined> out = new ArrayList<>();
    if (!has(Tables.QUARANTINE)) {
      return out;
    }
    String id = runId == null ? "" : runId.replace("'", "''");
    for (Row r :
        sql(
            "SELECT source, reason_code, count_if(run_id = '"
                + id
                + "'), count(*)"
                + " FROM report_quarantine GROUP BY source, reason_code ORDER BY source, reason_code")) {
      out.add(new Quarantined(r.getString(0), r.getString(1), r.getLong(2), r.getLong(3)));
    }
    return out;
  }

  /** A stage of the run: its status, rows and seconds, and the median of earlier runs. */
  public record StageTiming(
      String stage,
      String status,
      Long rowsIn,
      Long rowsOut,
      double seconds,
      Double previousMedianSeconds,
      int previousRuns,
      String message) {}

  /**
   * The run's stages (run_audit, object '*') in the order they started, each with the median
   * seconds of the same stage in the {@link #PREVIOUS_RUNS} succeeded runs before it.
   */
  public List<StageTiming> stageTimings(Run run) {
    List<StageTiming> out = new ArrayList<>();
    if (!has(Tables.RUN_AUDIT)) {
      return out;
    }
    String id = run.runId().replace("'", "''");
    String seconds = "(unix_millis(ended_ts) - unix_millis(started_ts)) / 1000.0";
    for (Row r :
        sql(
            "WITH prev AS (SELECT run_id FROM report_run_audit WHERE stage = 'run'"
                + " AND object = '*' AND status = 'succeeded' AND run_id <> '"
                + id
                + "' AND started_ts"
                + " < TIMESTAMP'"
                + run.started()
                + "' ORDER BY started_ts DESC LIMIT "
                + PREVIOUS_RUNS
                + "), hist AS (SELECT a.stage, percentile("
                + seconds
                + ", 0.5) AS median,"
                + " count(*) AS runs FROM report_run_audit a JOIN prev USING (run_id)"
                + " WHERE a.object = '*' AND a.stage <> 'run' AND a.ended_ts IS NOT NULL"
                + " GROUP BY a.stage)"
                + " SELECT a.stage, a.status, a.rows_in, a.rows_out, "
                + seconds.replace("ended_ts", "a.ended_ts").replace("started_ts", "a.started_ts")
                + ", h.median, h.runs,"
                + " a.message FROM report_run_audit a LEFT JOIN hist h ON h.stage = a.stage"
                + " WHERE a.run_id = '"
                + id
                + "' AND a.object = '*' AND a.stage <> 'run'"
                + " AND a.ended_ts IS NOT NULL ORDER BY a.started_ts, a.stage")) {
      out.add(
          new StageTiming(
              r.getString(0),
              r.getString(1),
              r.isNullAt(2) ? null : r.getLong(2),
              r.isNullAt(3) ? null : r.getLong(3),
              ((Number) r.get(4)).doubleValue(),
              r.isNullAt(5) ? null : r.getDouble(5),
              r.isNullAt(6) ? 0 : (int) r.getLong(6),
              r.getString(7)));
    }
    return out;
  }

  /** Seconds between two timestamps (for the report's own timing line). */
  static double seconds(Timestamp from, Timestamp to) {
    return from == null || to == null
        ? Double.NaN
        : Duration.between(from.toInstant(), to.toInstant()).toMillis() / 1000.0;
  }
}
