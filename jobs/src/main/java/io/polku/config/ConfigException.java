package io.polku.config;

import java.util.List;

/**
 * Invalid configuration: every problem found, each naming the key, the value, what was expected and
 * the fix. The CLI maps it to exit code 2.
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.size() == 1) {
      return "Configuration error: " + problems.get(0);
    }
    StringBuilder sb = new StringBuilder(problems.size() + " configuration errors:");
    for (String p : problems) {
      sb.append(System.lineSeparator()).append("  - ").append(p);
    }
    return sb.toString();
  }
}
