package io.polku.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a CLI call prints, for tests that run {@code Polku.execute} in their own JVM. */
public final class Console {
  private Console() {}

  /** Runs {@code r} with stderr (or stdout) captured; returns what it printed there. */
  public static String capture(Runnable r, boolean stderr) {
    PrintStream original = stderr ? System.err : System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    if (stderr) {
      System.setErr(p);
    } else {
      System.setOut(p);
    }
    try {
      r.run();
    } finally {
      if (stderr) {
        System.setErr(original);
      } else {
        System.setOut(original);
      }
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
