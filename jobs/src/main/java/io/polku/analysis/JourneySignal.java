package io.polku.analysis;

import org.apache.spark.sql.Column;

/**
 * The extension point of the root-cause search: a condition a data scientist can add without
 * touching Polku's code. A signal is a Spark {@link Column} over the columns of {@code
 * feedback_context} (including {@code last_steps} and its {@code properties} maps).
 *
 * <ul>
 *   <li>A <b>boolean</b> column: true means the response has the condition; the condition is named
 *       {@link #name()} (false and null add nothing).
 *   <li>A <b>string</b> column: a non-null value v gives the condition {@code name=v} (null adds
 *       nothing). Keep the number of distinct values small (a handful of buckets).
 * </ul>
 *
 * <p>Implementations need a public no-argument constructor; they are registered by class name in
 * {@code polku.rootcause.signals} and loaded by reflection at the start of the stage. The column is
 * evaluated on the executors: use built-in functions (or a registered UDF), never driver state.
 */
public interface JourneySignal {
  /** The condition's name: lower case letters, digits and underscores, e.g. ivr_queue_transfers. */
  String name();

  /** A boolean or string column over feedback_context's columns. */
  org.apache.spark.sql.Column condition();

  /**
   * A short phrase for the segment's plain-language label, e.g. "after a call transferred between
   * queues twice or more"; {@code value} is null for boolean signals. The default uses the name.
   */
  default String phrase(String value) {
    return value == null
        ? "with " + name().replace('_', ' ')
        : "with " + name().replace('_', ' ') + " " + value;
  }
}
