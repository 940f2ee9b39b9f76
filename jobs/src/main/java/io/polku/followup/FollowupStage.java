package io.polku.followup;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.polku.analysis.AnalysisInputs;
import io.polku.analysis.Conditions;
import io.polku.config.PolkuConfig;
import io.polku.config.PolkuConfig.Fix;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Close the loop: every critical response of the run's dates becomes one row of {@code followups}
 * (keyed by response_id) with the root-cause segments it matches, the owning team, a priority and a
 * due date; statuses come from the optional {@code followup_updates} table; {@code
 * followup_summary} measures closure for run_date; {@code fix_effects} says whether each configured
 * fix lowered its segment's critical rate.
 *
 * <p>Writes, in order: (1) one MERGE of the run's follow-ups that inserts new ones, rewrites the
 * run's columns of existing ones (never status, status_ts, status_note, closed_ts) and deletes rows
 * of the run's dates whose response is no longer critical; (2) one MERGE setting the status columns
 * from the latest valid update per response (re-applied every run, so a re-run never resets a
 * status); (3) followup_summary and fix_effects with {@code replaceWhere} on run_date. Re-running a
 * date gives identical tables.
 *
 * <p>Cost: the responses read (the run's dates, and the fix windows) get their conditions once and
 * are materialised with {@code localCheckpoint}; segment matching is one broadcast cross join of
 * the segments gathered into one array (no shuffle of responses); fix counts one broadcast join and
 * one aggregation. Collected to the driver: one count row per fix, row counts and the summary line
 * — never responses.
 *
 * <p>Dangers: segment labels come from root_cause_segments of the latest run_date up to the run's
 * last date, so re-running an old date after newer root-cause runs uses the segments known at that
 * date; a change of the critical rules deletes the follow-ups (and their statuses) of re-run dates
 * whose responses are no longer critical.
 */
public final class FollowupStage extends BaseStage {
  public static final String NAME = "followups";

  public FollowupStage() {
    super(
        NAME,
        "close-the-loop follow-ups",
        Tables.FOLLOWUPS,
        Tables.FOLLOWUP_UPDATES,
        Tables.FOLLOWUP_SUMMARY,
        Tables.FIX_EFFECTS);
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    PolkuConfig.FollowupOptions o = ctx.config().followups();
    PolkuConfig.RootCauseOptions rc = ctx.config().rootCause();
    SparkSession spark = ctx.spark();
    LocalDate runDate = ctx.dateTo();
    LocalDate readFrom = ctx.dateFrom();
    for (Fix f : o.fixes()) {
      LocalDate b = f.date().minusDays(o.fixWindowDays());
      readFrom = b.isBefore(readFrom) ? b : readFrom;
    }
    List<String> warnings = new ArrayList<>();
    AnalysisInputs inputs = AnalysisInputs.load(ctx.config(), lake, readFrom, runDate);
    Dataset<Row> values =
        inputs.attributes() != null
            ? FollowupTransforms.customerValue(
                lake.read(Tables.IDENTITY_MAP), lake.read(Tables.CUSTOMERS))
            : null;
    Dataset<Row> segments = latestSegments(lake, runDate);
    // The step and property conditions the segments and fixes name (collected: bounded by
    // the segments' conditions), recognised exactly as the root-cause run bucketed them.
    java.util.Set<String> named = new java.util.TreeSet<>();
    for (Row r : segments.select(explode(col("conditions"))).distinct().collectAsList()) {
      named.add(r.getString(0));
    }
    o.fixes().forEach(f -> named.addAll(f.conditions()));
    Dataset<Row> analysed =
        inputs.analysed(Conditions.forConditions(named, rc)).localCheckpoint(true);
    Dataset<Row> inRange = analysed.filter(ctx.dateRangePredicate("response_date"));

    Dataset<Row> rows =
        FollowupTransforms.markHistorical(
            FollowupTransforms.followups(inRange, segments, values, o, rc.critical()),
            Date.valueOf(runDate),
            o.historicalAfterDays());
    lake.mergeKeepingColumns(
        Tables.FOLLOWUPS,
        rows,
        FollowupTransforms.RUN_COLUMNS,
        "t.response_date >= DATE'"
            + ctx.dateFrom()
            + "' AND t.response_date <= DATE'"
            + ctx.dateTo()
            + "'");

    Dataset<Row> updates = lake.read(Tables.FOLLOWUP_UPDATES);
    long invalid = updates.count() - FollowupTransforms.validUpdates(updates).count();
    if (invalid > 0) {
      warnings.add(
          invalid
              + " followup_updates rows have a status outside "
              + Tables.FOLLOWUP_STATUSES
              + " or no response_id/updated_ts and were ignored;"
              + " fix them at the source");
    }
    Dataset<Row> latest = FollowupTransforms.latestUpdates(updates).localCheckpoint(true);
    long unknown =
        latest
            .join(
                lake.read(Tables.FOLLOWUPS).select("response_id"),
                new String[] {"response_id"},
                "left_anti")
            .count();
    if (unknown > 0) {
      warnings.add(
          unknown
              + " followup_updates response_ids are not follow-ups (yet) and"
              + " were ignored");
    }
    lake.updateColumns(Tables.FOLLOWUPS, latest, FollowupTransforms.STATUS_COLUMNS);

    String where = "run_date = DATE'" + runDate + "'";
    Dataset<Row> all = lake.read(Tables.FOLLOWUPS);
    lake.replaceWhere(
        Tables.FOLLOWUP_SUMMARY, FollowupTransforms.summary(all, Date.valueOf(runDate)), where);
    lake.replaceWhere(Tables.FIX_EFFECTS, fixEffects(spark, analysed, o, runDate), where);

    long critical = inRange.filter(col("critical")).count();
    long written =
        lake.read(Tables.FOLLOWUPS).filter(ctx.dateRangePredicate("response_date")).count();
    if (critical != written) {
      throw new IllegalStateException(
          "followups has "
              + written
              + " rows for "
              + ctx.dateFrom()
              + ".."
              + ctx.dateTo()
              + " but there are "
              + critical
              + " critical responses; every critical response must have exactly one follow-up");
    }
    Row overall =
        lake.read(Tables.FOLLOWUP_SUMMARY)
            .filter(where)
            .filter("team = '*' AND priority = '*'")
            .first();
    String closure =
        String.format(
            Locale.ROOT,
            "%d critical responses %s..%s; all"
                + " follow-ups to %s: %d, closed %d (%.1f%%), overdue %d, median %s h to close",
            critical,
            ctx.dateFrom(),
            runDate,
            runDate,
            overall.<Long>getAs("followups"),
            overall.<Long>getAs("closed"),
            100 * overall.<Double>getAs("closure_rate"),
            overall.<Long>getAs("overdue"),
            overall.isNullAt(overall.fieldIndex("median_hours_to_close"))
                ? "-"
                : String.format(
                    Locale.ROOT, "%.1f", overall.<Double>getAs("median_hours_to_close")));
    for (Row r : lake.read(Tables.FIX_EFFECTS).filter(where).collectAsList()) {
      ctx.progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "  fix %s on %s: %s (before %d/%d," + " after %d/%d, p %s)",
                  r.getAs("segment"),
                  r.getAs("fix_date"),
                  r.getAs("verdict"),
                  r.<Long>getAs("before_critical"),
                  r.<Long>getAs("before_responses"),
                  r.<Long>getAs("after_critical"),
                  r.<Long>getAs("after_responses"),
                  r.getAs("p_value")));
    }
    long historical =
        lake.read(Tables.FOLLOWUPS)
            .filter(ctx.dateRangePredicate("response_date"))
            .filter(col("status").equalTo(FollowupTransforms.HISTORICAL))
            .count();
    long responses = inRange.count();
    return new Outcome(
        List.of(new StageResult.ObjectCounts("followups", critical, written, 0, closure, true)),
        warnings,
        explain(
            ctx.dateFrom(),
            runDate,
            responses,
            critical,
            historical,
            overall.<Long>getAs("overdue"),
            o));
  }

  /**
   * Why the run's follow-ups are few, or how to read them: no responses or no critical ones; on a
   * range run, the rule that dates them (each due date counts from its own response date) and how
   * many were opened as historical rather than overdue.
   */
  static List<String> explain(
      LocalDate from,
      LocalDate to,
      long responses,
      long critical,
      long historical,
      long overdue,
      PolkuConfig.FollowupOptions o) {
    List<String> out = new ArrayList<>();
    String range = from.equals(to) ? from.toString() : from + ".." + to;
    if (responses == 0) {
      out.add(
          "0 follow-ups: feedback_context has no responses dated "
              + range
              + " (no"
              + " feedback source rows for these dates, or none could be put in context)");
      return out;
    }
    if (critical == 0) {
      out.add(
          String.format(
              Locale.ROOT,
              "0 follow-ups: none of the %,d responses dated %s is"
                  + " critical by polku.rootcause.critical",
              responses,
              range));
      return out;
    }
    if (!from.equals(to) || historical > 0) {
      out.add(
          String.format(
              Locale.ROOT,
              "%,d follow-ups for the responses of %s, opened by one"
                  + " run: each due_date is its response date + polku.followups.sla-days %s, so"
                  + " the SLA ran while no run had opened them; %,d whose response is more than %d"
                  + " days before %s (polku.followups.historical-after-days) have status"
                  + " historical and are not counted as overdue; overdue on %s: %,d",
              critical,
              range,
              new java.util.TreeMap<>(o.slaDays()),
              historical,
              o.historicalAfterDays(),
              to,
              to,
              overdue));
    }
    return out;
  }

  /** root_cause_segments of the latest run_date up to {@code runDate} (empty if none). */
  static Dataset<Row> latestSegments(Lake lake, LocalDate runDate) {
    Dataset<Row> upTo =
        lake.exists(Tables.ROOT_CAUSE_SEGMENTS)
            ? lake.read(Tables.ROOT_CAUSE_SEGMENTS)
                .filter(col("run_date").leq(lit(Date.valueOf(runDate))))
            : lake.spark().createDataFrame(List.of(), Tables.ROOT_CAUSE_SEGMENTS.schema());
    Row latest = upTo.agg(max(col("run_date"))).first();
    if (latest.isNullAt(0)) {
      return upTo.select("channel", "metric", "conditions", "label");
    }
    return upTo.filter(col("run_date").equalTo(lit(latest.getDate(0))))
        .select("channel", "metric", "conditions", "label");
  }

  /** fix_effects rows for run_date: counts in Spark (one row per fix), verdicts in Java. */
  static Dataset<Row> fixEffects(
      SparkSession spark, Dataset<Row> analysed, PolkuConfig.FollowupOptions o, LocalDate runDate) {
    if (o.fixes().isEmpty()) {
      return spark.createDataFrame(List.of(), Tables.FIX_EFFECTS.schema());
    }
    List<FixEffects.Spans> spans = new ArrayList<>();
    List<Row> fixRows = new ArrayList<>();
    for (int i = 0; i < o.fixes().size(); i++) {
      Fix f = o.fixes().get(i);
      FixEffects.Spans s = FixEffects.Spans.of(f, runDate, o.fixWindowDays());
      spans.add(s);
      fixRows.add(
          RowFactory.create(
              i,
              f.channel(),
              f.metric(),
              f.conditions().toArray(new String[0]),
              Date.valueOf(s.beforeFrom()),
              Date.valueOf(s.beforeTo()),
              Date.valueOf(s.afterFrom()),
              s.afterTo() == null ? null : Date.valueOf(s.afterTo())));
    }
    Dataset<Row> fixes = spark.createDataFrame(fixRows, FIXES);
    Map<Integer, Row> counts = new HashMap<>();
    for (Row r : FollowupTransforms.fixCounts(analysed, fixes).collectAsList()) {
      counts.put(r.getInt(0), r);
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < o.fixes().size(); i++) {
      Row c = counts.get(i);
      out.add(
          FixEffects.row(
              runDate,
              o.fixes().get(i),
              spans.get(i),
              c.getLong(1),
              c.getLong(2),
              c.getLong(3),
              c.getLong(4),
              o.fixAlpha()));
    }
    return spark.createDataFrame(out, Tables.FIX_EFFECTS.schema());
  }

  /** The fixes as a small table for {@link FollowupTransforms#fixCounts}. */
  static final StructType FIXES =
      new StructType()
          .add("fix_id", DataTypes.IntegerType, false)
          .add("channel", DataTypes.StringType)
          .add("metric", DataTypes.StringType)
          .add("conditions", DataTypes.createArrayType(DataTypes.StringType))
          .add("before_from", DataTypes.DateType)
          .add("before_to", DataTypes.DateType)
          .add("after_from", DataTypes.DateType)
          .add("after_to", DataTypes.DateType);
}
