package io.polku.pipeline;

import java.util.List;

/**
 * A source's quarantined share exceeded its threshold; nothing of that source was committed. The
 * CLI maps it to exit code 3.
 */
public final class DataQualityException extends RuntimeException {
  private final List<String> breaches;

  public DataQualityException(List<String> breaches) {
    super(
        "Data-quality threshold breached; no silver data was committed:"
            + System.lineSeparator()
            + "  - "
            + String.join(System.lineSeparator() + "  - ", breaches));
    this.breaches = List.copyOf(breaches);
  }

  public List<String> breaches() {
    return breaches;
  }
}
