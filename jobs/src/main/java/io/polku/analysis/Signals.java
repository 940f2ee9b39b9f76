package io.polku.analysis;

import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the {@link JourneySignal}s named in {@code polku.rootcause.signals} by reflection, and with
 * them the conditions written as SQL in {@code polku.rootcause.conditions} ({@link SqlCondition}).
 */
public final class Signals {
  /** The configuration key listing signal classes. */
  public static final String KEY = "polku.rootcause.signals";

  private Signals() {}

  /**
   * Every condition the configuration adds to the built-in ones: the signal classes of {@code
   * polku.rootcause.signals} ({@link #load(List)}), then the SQL conditions of {@code
   * polku.rootcause.conditions}. What every caller of {@link Conditions#withConditions} passes.
   */
  public static List<JourneySignal> load(PolkuConfig.RootCauseOptions options) {
    List<JourneySignal> all = new ArrayList<>(load(options.signals()));
    all.addAll(SqlCondition.of(options.conditions()));
    return List.copyOf(all);
  }

  /**
   * The signals by the family of their conditions, for the labels (the root-cause labels, {@code
   * io.polku.rootcause.Labels}): each signal under its name, and the SQL conditions (all of family
   * {@value Conditions#SQL_FAMILY}) under that family, phrased by their name.
   */
  public static Map<String, JourneySignal> byFamily(List<JourneySignal> signals) {
    Map<String, JourneySignal> out = new HashMap<>();
    Map<String, SqlCondition> sql = new HashMap<>();
    for (JourneySignal s : signals) {
      out.put(s.name(), s);
      if (s instanceof SqlCondition q) {
        sql.put(q.key(), q);
      }
    }
    if (!sql.isEmpty()) {
      out.put(
          Conditions.SQL_FAMILY,
          new JourneySignal() {
            @Override
            public String name() {
              return Conditions.SQL_FAMILY;
            }

            @Override
            public org.apache.spark.sql.Column condition() {
              throw new UnsupportedOperationException("phrases only");
            }

            @Override
            public String phrase(String value) {
              SqlCondition q = value == null ? null : sql.get(value);
              return q != null ? q.phrase(null) : "with " + String.valueOf(value).replace('_', ' ');
            }
          });
    }
    return out;
  }

  /**
   * Instantiates every class; reports all problems together in one {@link ConfigException} naming
   * the class, the key and the fix.
   */
  public static List<JourneySignal> load(List<String> classNames) {
    List<JourneySignal> signals = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    ClassLoader loader =
        Thread.currentThread().getContextClassLoader() != null
            ? Thread.currentThread().getContextClassLoader()
            : Signals.class.getClassLoader();
    for (String className : classNames) {
      String where = KEY + " entry '" + className + "'";
      Class<?> type;
      try {
        type = Class.forName(className, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        problems.add(
            where
                + ": class not found on the classpath ("
                + e
                + "); expected the"
                + " fully qualified name of a class implementing "
                + JourneySignal.class.getName()
                + "; fix the name or add its jar to the classpath");
        continue;
      }
      if (!JourneySignal.class.isAssignableFrom(type)) {
        problems.add(
            where
                + ": "
                + className
                + " does not implement "
                + JourneySignal.class.getName()
                + "; implement the interface (name() and"
                + " condition()) or remove the entry");
        continue;
      }
      JourneySignal signal;
      try {
        signal = (JourneySignal) type.getDeclaredConstructor().newInstance();
      } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
        problems.add(
            where
                + ": cannot instantiate "
                + className
                + " ("
                + e
                + "); expected a"
                + " public, non-abstract class with a public no-argument constructor");
        continue;
      } catch (InvocationTargetException e) {
        problems.add(
            where
                + ": the constructor of "
                + className
                + " failed: "
                + e.getCause()
                + "; fix the signal's constructor");
        continue;
      }
      String name = signal.name();
      if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
        problems.add(
            where
                + ": name() = "
                + (name == null ? "null" : "'" + name + "'")
                + " is not valid; expected lower-case letters, digits and underscores");
        continue;
      }
      if (!names.add(name)) {
        problems.add(
            where
                + ": a second signal named '"
                + name
                + "'; signal names must be"
                + " unique; rename one");
        continue;
      }
      signals.add(signal);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(signals);
  }
}
