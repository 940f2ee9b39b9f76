package io.polku.cli;

/** The documented exit codes of bin/polku. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int DATA_QUALITY = 3;

  /** Another live run holds the lake's run lock; this run did nothing. */
  public static final int LOCKED = 4;

  /** forget: some ids were not found in the lake; the others were erased. */
  public static final int NOT_FOUND = 5;
}
