package io.polku.journey;

import static org.apache.spark.sql.functions.col;

import io.polku.contract.Tables;
import io.polku.identity.IdentityResolution;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Sessions, cross-channel journeys, every response in the context of the journey before it, and the
 * journey KPIs: writes {@code journeys}, {@code feedback_context} and {@code kpi_journey_daily}.
 *
 * <p>Incremental semantics: a run for [D1, D2] writes the responses of [D1, D2] and re-opens the
 * journeys that started up to {@code ceil(journeys.gap)} days before D1, so a journey that crosses
 * midnight is written whole by the next night. It reads events from that re-opened start minus the
 * lookback, up to the end of D2 plus the re-opened days. Re-running a date gives identical tables;
 * late events for an old date are picked up by re-running that date (the journeys and contexts it
 * covers are rewritten with one {@code replaceWhere} each). A journey that began more than the
 * lookback before the re-opened window is seen from the window's start.
 *
 * <p>Cost: identity resolution joins events and responses with identity_map (shuffles on the
 * identifier), then {@link JourneyTransforms#orderedPass} — one shuffle on customer_key and one
 * linear walk. The pass output (journeys + responses, far fewer rows than events) is persisted
 * between the three writes. Nothing is collected to the driver but row counts.
 */
public final class JourneyStage extends BaseStage {
  public static final String NAME = "journeys";

  public JourneyStage() {
    super(
        NAME,
        "journeys and feedback context",
        Tables.JOURNEYS,
        Tables.FEEDBACK_CONTEXT,
        Tables.KPI_JOURNEY_DAILY);
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    var settings = ctx.config().journeys();
    JourneyOptions options = JourneyOptions.forRun(settings, ctx.dateFrom(), ctx.dateTo());
    LocalDate eventsFrom = options.journeysFrom().minusDays(JourneyOptions.lookbackDays(settings));
    LocalDate eventsTo = ctx.dateTo().plusDays(JourneyOptions.reopenDays(settings));
    Dataset<Row> identityMap = lake.read(Tables.IDENTITY_MAP);
    Dataset<Row> conflicts = lake.read(Tables.IDENTITY_CONFLICTS);
    Dataset<Row> events = lake.readDates(Tables.EVENTS, eventsFrom, eventsTo);
    Dataset<Row> feedback =
        lake.read(Tables.FEEDBACK).filter(ctx.dateRangePredicate("response_date"));
    Dataset<Row> timeline =
        JourneyTransforms.timeline(
            IdentityResolution.resolve(events, identityMap, conflicts),
            IdentityResolution.resolve(feedback, identityMap, conflicts));
    Dataset<Row> pass =
        JourneyTransforms.orderedPass(timeline, options).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> journeys = JourneyTransforms.journeys(pass);
      Dataset<Row> context = JourneyTransforms.feedbackContext(pass);
      String journeyRange =
          "journey_date >= DATE'"
              + options.journeysFrom()
              + "' AND journey_date <= DATE'"
              + options.journeysTo()
              + "'";
      lake.replaceWhere(Tables.JOURNEYS, journeys, journeyRange);
      lake.replaceWhere(Tables.FEEDBACK_CONTEXT, context, ctx.dateRangePredicate("response_date"));
      lake.replaceWhere(
          Tables.KPI_JOURNEY_DAILY, JourneyTransforms.kpiDaily(journeys), journeyRange);
      long journeyRows = lake.read(Tables.JOURNEYS).filter(journeyRange).count();
      long contextRows =
          lake.read(Tables.FEEDBACK_CONTEXT)
              .filter(ctx.dateRangePredicate("response_date"))
              .count();
      long withHistory =
          lake.read(Tables.FEEDBACK_CONTEXT)
              .filter(ctx.dateRangePredicate("response_date"))
              .filter(col("has_history"))
              .count();
      long responses = feedback.count();
      if (responses != contextRows) {
        throw new IllegalStateException(
            "feedback_context has "
                + contextRows
                + " rows for "
                + ctx.dateFrom()
                + ".."
                + ctx.dateTo()
                + " but feedback has "
                + responses
                + "; every response must have exactly one context row");
      }
      List<LocalDate> notIngested = LookbackCoverage.notIngested(lake, eventsFrom, ctx.dateFrom());
      List<String> explanations =
          notIngested.isEmpty()
              ? List.of()
              : List.of(
                  LookbackCoverage.explanation(
                      notIngested,
                      eventsFrom,
                      ctx.dateFrom(),
                      ctx.dateTo(),
                      JourneyOptions.lookbackDays(settings) + " days"));
      return new Outcome(
          List.of(
              new StageResult.ObjectCounts(
                  "feedback_context",
                  responses,
                  contextRows,
                  0,
                  withHistory + " with behavioural history",
                  true),
              new StageResult.ObjectCounts(
                  "journeys",
                  0,
                  journeyRows,
                  0,
                  "journeys starting " + options.journeysFrom() + ".." + options.journeysTo(),
                  false)),
          List.of(),
          explanations);
    } finally {
      pass.unpersist();
    }
  }
}
