package io.polku.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.polku.contract.Tables;
import io.polku.identity.IdentityResolution;
import io.polku.journey.JourneyOptions;
import io.polku.journey.JourneyTransforms;
import io.polku.lake.Lake;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The benchmark's measured work, as functions of the lake's silver and identity tables for one run
 * window. Each phase reads its inputs itself (nothing cached between phases) and ends in an action;
 * writes go to Spark's {@code noop} sink, so the phases compare computation, not Delta commit
 * overhead.
 *
 * <ul>
 *   <li>{@link #bareScan}: every column of events and feedback, hashed and summed — the floor any
 *       job reading the same input pays.
 *   <li>{@link #polku}: identity resolution, the timeline, the one-shuffle ordered pass and both
 *       outputs (journeys, feedback context), as {@code JourneyStage} computes them.
 *   <li>{@link #rangeJoin}: identity resolution and {@link RangeJoinContext}.
 * </ul>
 */
public final class BenchPhases {
  private BenchPhases() {}

  /**
   * The inputs of one run window, read as {@code JourneyStage} reads them: events from the
   * re-opened journeys' start minus the lookback to the end plus the re-opened days, feedback of
   * the run's dates.
   */
  public record Inputs(
      Dataset<Row> events,
      Dataset<Row> feedback,
      Dataset<Row> identityMap,
      Dataset<Row> conflicts,
      JourneyOptions options) {

    public static Inputs read(
        Lake lake,
        io.polku.config.PolkuConfig.JourneyOptions settings,
        LocalDate from,
        LocalDate to) {
      JourneyOptions options = JourneyOptions.forRun(settings, from, to);
      LocalDate eventsFrom =
          options.journeysFrom().minusDays(JourneyOptions.lookbackDays(settings));
      LocalDate eventsTo = to.plusDays(JourneyOptions.reopenDays(settings));
      Dataset<Row> events = lake.readDates(Tables.EVENTS, eventsFrom, eventsTo);
      Dataset<Row> feedback = lake.readDates(Tables.FEEDBACK, from, to);
      return new Inputs(
          events,
          feedback,
          lake.read(Tables.IDENTITY_MAP),
          lake.read(Tables.IDENTITY_CONFLICTS),
          options);
    }

    public Dataset<Row> resolvedEvents() {
      return IdentityResolution.resolve(events, identityMap, conflicts);
    }

    public Dataset<Row> resolvedFeedback() {
      return IdentityResolution.resolve(feedback, identityMap, conflicts);
    }
  }

  /** Rows and an order-independent content hash of each input. */
  public record ScanResult(long events, long responses, String eventsHash, String feedbackHash) {}

  /** (a) Reads every column of events and feedback and aggregates; one row each collected. */
  public static ScanResult bareScan(Inputs in) {
    Row e = Lake.contentHash(in.events());
    Row f = Lake.contentHash(in.feedback());
    return new ScanResult(e.getLong(0), f.getLong(0), e.getString(1), f.getString(1));
  }

  /**
   * The ordered pass from silver and identity_map, with the stage's persist of the pass output
   * between its two outputs.
   */
  public static Dataset<Row> pass(Inputs in) {
    return JourneyTransforms.orderedPass(
        JourneyTransforms.timeline(in.resolvedEvents(), in.resolvedFeedback()), in.options());
  }

  /** (b) Polku's journey engine: both outputs written to the noop sink. */
  public static void polku(Inputs in) {
    Dataset<Row> pass = pass(in).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      noop(JourneyTransforms.journeys(pass));
      noop(JourneyTransforms.feedbackContext(pass));
    } finally {
      pass.unpersist();
    }
  }

  /** (c) The hand-written range join, written to the noop sink. */
  public static void rangeJoin(Inputs in) {
    noop(RangeJoinContext.context(in.resolvedEvents(), in.resolvedFeedback(), in.options()));
  }

  /** Runs the plan to the end without writing anything. */
  public static void noop(Dataset<Row> rows) {
    rows.write().format("noop").mode("overwrite").save();
  }

  /**
   * The inputs restricted to a sample of people — about one in {@code every} customer keys, plus
   * one in {@code every} of the responses without a key — for the agreement check. A response's
   * context depends only on its own person's events, so both methods give the same answers on the
   * sample as on the whole. Resolves identities once and keeps the sampled rows as local
   * checkpoints.
   */
  public record Sample(Dataset<Row> events, Dataset<Row> feedback, JourneyOptions options) {
    public static Sample of(Inputs in, long every) {
      long m = Math.max(1, every);
      Dataset<Row> events =
          in.resolvedEvents()
              .filter(pmod(xxhash64(col("customer_key")), lit(m)).equalTo(0))
              .localCheckpoint(true);
      Dataset<Row> feedback =
          in.resolvedFeedback()
              .filter(
                  col("customer_key")
                      .isNotNull()
                      .and(pmod(xxhash64(col("customer_key")), lit(m)).equalTo(0))
                      .or(
                          col("customer_key")
                              .isNull()
                              .and(pmod(xxhash64(col("response_id")), lit(m)).equalTo(0))))
              .localCheckpoint(true);
      return new Sample(events, feedback, in.options());
    }

    /** Polku's feedback context of the sample. */
    public Dataset<Row> polkuContext() {
      return JourneyTransforms.feedbackContext(
          JourneyTransforms.orderedPass(JourneyTransforms.timeline(events, feedback), options));
    }

    /** The range join's context of the sample. */
    public Dataset<Row> referenceContext() {
      return RangeJoinContext.context(events, feedback, options);
    }
  }
}
