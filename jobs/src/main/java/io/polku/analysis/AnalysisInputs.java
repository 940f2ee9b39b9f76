package io.polku.analysis;

import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The inputs of an analysis of responses, built in one place from the configuration, the lake and
 * the dates: the feedback_context rows of the window, the customer attributes (null when the lake
 * has no customers), the root-cause options, the journey signals and the repeat window in hours.
 * The root-cause stage, the follow-up stage, {@code evaluate-root-causes} and the notebooks build
 * them here, so that they analyse responses alike.
 *
 * @param context feedback_context rows with response_date in [from, runDate]
 * @param attributes {@link Conditions#customerAttributes}, or null without customers
 * @param options {@code polku.rootcause}
 * @param signals {@code Signals.load(options)}, plus any added with {@link #withSignal}
 * @param repeatWindowHours {@code polku.journeys.repeat-window} in hours (the {@code repeat}
 *     condition's window)
 * @param from the first date of the window
 * @param runDate the last date of the window
 */
public record AnalysisInputs(
    Dataset<Row> context,
    Dataset<Row> attributes,
    PolkuConfig.RootCauseOptions options,
    List<JourneySignal> signals,
    double repeatWindowHours,
    LocalDate from,
    LocalDate runDate) {

  public AnalysisInputs {
    signals = List.copyOf(signals);
  }

  /** The root-cause window ({@code polku.rootcause.window-days}) ending on {@code runDate}. */
  public static AnalysisInputs load(PolkuConfig config, Lake lake, LocalDate runDate) {
    return load(config, lake, runDate.minusDays(config.rootCause().windowDays() - 1L), runDate);
  }

  /** The responses of [from, runDate]. */
  public static AnalysisInputs load(
      PolkuConfig config, Lake lake, LocalDate from, LocalDate runDate) {
    PolkuConfig.RootCauseOptions o = config.rootCause();
    Dataset<Row> context = lake.readDates(Tables.FEEDBACK_CONTEXT, from, runDate);
    Dataset<Row> attributes =
        lake.exists(Tables.CUSTOMERS) && lake.exists(Tables.IDENTITY_MAP)
            ? Conditions.customerAttributes(
                lake.read(Tables.IDENTITY_MAP), lake.read(Tables.CUSTOMERS))
            : null;
    return new AnalysisInputs(
        context,
        attributes,
        o,
        Signals.load(o),
        config.journeys().repeatWindow().toMinutes() / 60.0,
        from,
        runDate);
  }

  /** These inputs with one more journey signal (a notebook's own condition). */
  public AnalysisInputs withSignal(JourneySignal signal) {
    List<JourneySignal> all = new ArrayList<>(signals);
    all.add(signal);
    return new AnalysisInputs(context, attributes, options, all, repeatWindowHours, from, runDate);
  }

  /**
   * The analysed responses: each context row with its critical flag and conditions (the step and
   * property conditions resolved over these rows), as the root-cause search reads them.
   */
  public Dataset<Row> prepared() {
    return prepared(Conditions.resolve(context, options));
  }

  /**
   * Every context column plus {@code critical} and {@code conditions} (the step and property
   * conditions {@code extra}), for stages that need more of each response than the search (the
   * follow-ups).
   */
  public Dataset<Row> analysed(Conditions.Extra extra) {
    return CriticalFeedback.withCritical(
        Conditions.withConditions(context, attributes, signals, repeatWindowHours, extra),
        options.critical(),
        options.otherMaxNormalised());
  }

  /** {@link #prepared()} with the step and property conditions already resolved. */
  public Dataset<Row> prepared(Conditions.Extra extra) {
    return prepare(context, attributes, signals, options, repeatWindowHours, extra);
  }

  /**
   * The analysed responses: context rows with a score, their critical flag and conditions, the step
   * vocabulary and property edges resolved first ({@link Conditions#resolve}: Spark jobs when step
   * or property conditions are configured).
   */
  public static Dataset<Row> prepare(
      Dataset<Row> context,
      Dataset<Row> attributes,
      List<JourneySignal> signals,
      PolkuConfig.RootCauseOptions o,
      double repeatWindowHours) {
    return prepare(
        context, attributes, signals, o, repeatWindowHours, Conditions.resolve(context, o));
  }

  /**
   * The analysed responses: context rows with a score, their critical flag and conditions (with the
   * resolved step and property conditions {@code extra}). Pure.
   */
  public static Dataset<Row> prepare(
      Dataset<Row> context,
      Dataset<Row> attributes,
      List<JourneySignal> signals,
      PolkuConfig.RootCauseOptions o,
      double repeatWindowHours,
      Conditions.Extra extra) {
    Dataset<Row> withConditions =
        Conditions.withConditions(context, attributes, signals, repeatWindowHours, extra);
    return CriticalFeedback.withCritical(withConditions, o.critical(), o.otherMaxNormalised())
        .select(
            "response_id",
            "response_ts",
            "channel",
            "metric",
            "score",
            "score_norm",
            "critical",
            "comment",
            "language",
            "last_steps",
            "conditions");
  }
}
