package io.polku.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * What a stage did: per object (source or table) rows in, out and quarantined, and warnings.
 */
public record StageResult(String stage, List<ObjectCounts> objects, List<String> warnings,
    Duration duration) {

  /** Counts for one source or table. */
  public record ObjectCounts(String object, long rowsIn, long rowsOut, long rowsQuarantined,
      String message) {}

  public StageResult {
    objects = List.copyOf(objects);
    warnings = List.copyOf(warnings);
  }

  public long rowsIn() {
    return objects.stream().mapToLong(ObjectCounts::rowsIn).sum();
  }

  public long rowsOut() {
    return objects.stream().mapToLong(ObjectCounts::rowsOut).sum();
  }

  public long rowsQuarantined() {
    return objects.stream().mapToLong(ObjectCounts::rowsQuarantined).sum();
  }
}
