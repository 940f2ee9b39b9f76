package io.polku.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * Typed reads of one configuration that add a problem (key, value, expectation, fix) instead of
 * failing, so every error of a file is reported at once. Used by the option blocks that live in
 * their own classes ({@link ProfileOptions}, {@link SurveyOptions}); the reads that take a {@link
 * ConfigKey} use its declared name, check and default.
 */
final class OptionReader {
  final Config c;
  final List<String> problems;

  OptionReader(Config c, List<String> problems) {
    this.c = c;
    this.problems = problems;
  }

  /** {@code key} with its declared {@link ConfigKey.AtLeast} check; its default is the example. */
  int intAtLeast(ConfigKey<Integer> key) {
    ConfigKey.AtLeast check = (ConfigKey.AtLeast) key.check();
    return intAtLeast(key.key(), Math.toIntExact(check.min()), key.defaultText());
  }

  /** {@code key} with its declared {@link ConfigKey.Range} check; its default is the example. */
  double between(ConfigKey<Double> key) {
    ConfigKey.Range check = (ConfigKey.Range) key.check();
    return between(key.key(), check.lo(), check.hi(), check.open(), key.defaultText());
  }

  int intAtLeast(String path, int min, String example) {
    try {
      int v = c.getInt(path);
      if (v < min) {
        problems.add(path + " = " + v + " must be at least " + min + "; set e.g. " + example);
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(path + ": " + e.getMessage() + "; expected a whole number such as " + example);
      return min;
    }
  }

  double between(String path, double lo, double hi, boolean open, String example) {
    try {
      double v = c.getDouble(path);
      boolean bad = open ? !(v > lo && v < hi) : !(v >= lo && v <= hi);
      if (bad) {
        problems.add(
            path
                + " = "
                + v
                + " is outside "
                + (open ? "(" : "[")
                + lo
                + ", "
                + hi
                + (open ? ")" : "]")
                + "; set e.g. "
                + example);
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(path + ": " + e.getMessage() + "; expected a number such as " + example);
      return lo;
    }
  }

  long anyLong(String path) {
    try {
      return c.getLong(path);
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(path + ": " + e.getMessage() + "; expected a whole number such as 42");
      return 0;
    }
  }

  List<String> strings(String path, String example) {
    try {
      return c.getStringList(path);
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(path + ": " + e.getMessage() + "; expected a list such as " + example);
      return List.of();
    }
  }

  String string(Config conf, String path, String fullKey, String example) {
    try {
      String v = conf.getString(path);
      if (v.isBlank()) {
        problems.add(fullKey + " is empty; expected e.g. " + example);
        return null;
      }
      return v;
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(fullKey + ": " + e.getMessage() + "; expected a string such as " + example);
      return null;
    }
  }
}
