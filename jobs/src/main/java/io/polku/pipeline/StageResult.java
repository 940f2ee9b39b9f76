package io.polku.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * What a stage did: per object (source or table) rows in, out and quarantined, warnings, and
 * explanations: why the stage wrote nothing or less than one would expect, each a sentence with the
 * counts, the rule or cause and, where there is one, the fix (shown at the end of the run and in
 * {@code --json}).
 */
public record StageResult(
    String stage,
    List<ObjectCounts> objects,
    List<String> warnings,
    Duration duration,
    List<String> explanations) {

  /**
   * Counts for one object. A stage's totals add up its {@code counted} objects (the sources of
   * ingest, say); the others (the tables they were written to) are details for the audit.
   */
  public record ObjectCounts(
      String object,
      long rowsIn,
      long rowsOut,
      long rowsQuarantined,
      String message,
      boolean counted) {}

  public StageResult {
    objects = List.copyOf(objects);
    warnings = List.copyOf(warnings);
    explanations = List.copyOf(explanations);
  }

  /** A result without explanations. */
  public StageResult(
      String stage, List<ObjectCounts> objects, List<String> warnings, Duration duration) {
    this(stage, objects, warnings, duration, List.of());
  }

  /** This result with {@code more} explanations appended. */
  public StageResult explained(List<String> more) {
    List<String> all = new java.util.ArrayList<>(explanations);
    all.addAll(more);
    return new StageResult(stage, objects, warnings, duration, all);
  }

  public long rowsIn() {
    return objects.stream().filter(ObjectCounts::counted).mapToLong(ObjectCounts::rowsIn).sum();
  }

  public long rowsOut() {
    return objects.stream().filter(ObjectCounts::counted).mapToLong(ObjectCounts::rowsOut).sum();
  }

  public long rowsQuarantined() {
    return objects.stream()
        .filter(ObjectCounts::counted)
        .mapToLong(ObjectCounts::rowsQuarantined)
        .sum();
  }
}
