package io.polku.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * What a stage did: per object (source or table) rows in, out and quarantined, and warnings.
 */
public record StageResult(String stage, List<ObjectCounts> objects, List<String> warnings,
    Duration duration) {

  /**
   * Counts for one object. A stage's totals add up its {@code counted} objects (the sources
   * of ingest, say); the others (the tables they were written to) are details for the audit.
   */
  public record ObjectCounts(String object, long rowsIn, long rowsOut, long rowsQuarantined,
      String message, boolean counted) {}

  public StageResult {
    objects = List.copyOf(objects);
    warnings = List.copyOf(warnings);
  }

  public long rowsIn() {
    return objects.stream().filter(ObjectCounts::counted).mapToLong(ObjectCounts::rowsIn).sum();
  }

  public long rowsOut() {
    return objects.stream().filter(ObjectCounts::counted).mapToLong(ObjectCounts::rowsOut).sum();
  }

  public long rowsQuarantined() {
    return objects.stream().filter(ObjectCounts::counted)
        .mapToLong(ObjectCounts::rowsQuarantined).sum();
  }
}
