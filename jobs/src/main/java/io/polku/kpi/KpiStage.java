package io.polku.kpi;

import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import java.sql.Date;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Experience KPIs: writes {@code kpi_daily} for the run's dates, {@code kpi_weekly} for every ISO
 * week the run's dates touch (recomputed from the whole week's responses), and {@code kpi_peak_end}
 * for run_date = the run's last date. Each with one {@code replaceWhere}, so re-running a date
 * gives identical tables.
 *
 * <p>Reads {@code feedback_context} from the earliest of (the run's first date, its week's Monday)
 * minus the path window, to the end of the last week (and the peak-end window). Cost: the read
 * responses are materialised once with {@code localCheckpoint}; then one aggregation per table plus
 * the small path ranking. Collected to the driver: row counts only.
 *
 * <p>Danger: the current week's kpi_weekly rows are partial until the nightly of its Sunday has
 * run; the daily rows of a date change when feedback_context of that date is rewritten (re-run the
 * date).
 */
public final class KpiStage extends BaseStage {
  public static final String NAME = "kpis";

  public KpiStage() {
    super(NAME, "experience KPIs", Tables.KPI_DAILY, Tables.KPI_WEEKLY, Tables.KPI_PEAK_END);
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    PolkuConfig.KpiOptions o = ctx.config().kpis();
    PolkuConfig.RootCauseOptions rc = ctx.config().rootCause();
    LocalDate fromMonday = ctx.dateFrom().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    LocalDate toMonday = ctx.dateTo().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    LocalDate peakFrom = ctx.dateTo().minusDays(o.peakEndWindowDays() - 1L);
    LocalDate readFrom = min(fromMonday.minusDays(o.pathWindowDays()), peakFrom);
    LocalDate readTo = toMonday.plusDays(6);
    Dataset<Row> context = lake.readDates(Tables.FEEDBACK_CONTEXT, readFrom, readTo);
    Dataset<Row> scored =
        KpiTransforms.scored(context, rc.critical(), rc.otherMaxNormalised()).localCheckpoint(true);
    String weeks =
        "week_start >= DATE'" + fromMonday + "' AND week_start <= DATE'" + toMonday + "'";
    lake.replaceWhere(
        Tables.KPI_DAILY,
        KpiTransforms.daily(
            scored,
            Date.valueOf(ctx.dateFrom()),
            Date.valueOf(ctx.dateTo()),
            o.topPaths(),
            o.pathWindowDays()),
        ctx.dateRangePredicate("response_date"));
    lake.replaceWhere(
        Tables.KPI_WEEKLY,
        KpiTransforms.weekly(
            scored,
            Date.valueOf(fromMonday),
            Date.valueOf(toMonday),
            o.topPaths(),
            o.pathWindowDays()),
        weeks);
    String runDate = "run_date = DATE'" + ctx.dateTo() + "'";
    lake.replaceWhere(
        Tables.KPI_PEAK_END,
        KpiTransforms.peakEnd(scored, Date.valueOf(ctx.dateTo()), Date.valueOf(peakFrom)),
        runDate);
    long responses = scored.filter(ctx.dateRangePredicate("response_date")).count();
    long daily =
        lake.read(Tables.KPI_DAILY).filter(ctx.dateRangePredicate("response_date")).count();
    long weekly = lake.read(Tables.KPI_WEEKLY).filter(weeks).count();
    long peakEnd = lake.read(Tables.KPI_PEAK_END).filter(runDate).count();
    return new Outcome(
        List.of(
            new StageResult.ObjectCounts(
                "kpi_daily",
                responses,
                daily,
                0,
                "responses " + ctx.dateFrom() + ".." + ctx.dateTo(),
                true),
            new StageResult.ObjectCounts(
                "kpi_weekly", 0, weekly, 0, "weeks " + fromMonday + ".." + toMonday, false),
            new StageResult.ObjectCounts(
                "kpi_peak_end", 0, peakEnd, 0, "window " + peakFrom + ".." + ctx.dateTo(), false)),
        List.of());
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }
}
