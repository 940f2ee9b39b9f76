package io.polku.pipeline;

/** A configured source path does not exist. A configuration problem: the CLI exits with 2. */
public final class SourceNotFoundException extends RuntimeException {
  public SourceNotFoundException(String message) {
    super(message);
  }
}
