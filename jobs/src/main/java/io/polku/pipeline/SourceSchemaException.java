package io.polku.pipeline;

import java.util.List;

/**
 * A source's schema drifted from its declared schema in a way Polku cannot read safely: a declared
 * column is gone, or a typed source (parquet, orc, delta) changed a column's type. Raised before
 * anything is written; the CLI maps it to exit code 2 (the declared schema or the source must be
 * fixed; a retry would fail the same way).
 */
public final class SourceSchemaException extends RuntimeException {
  private final List<String> problems;

  public SourceSchemaException(List<String> problems) {
    super(
        "Source schema drift; nothing was written:"
            + System.lineSeparator()
            + "  - "
            + String.join(System.lineSeparator() + "  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
