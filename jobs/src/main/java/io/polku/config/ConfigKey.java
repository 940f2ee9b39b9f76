package io.polku.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key: its name, type, default, check and documentation, declared once in the
 * area's {@code *Keys} class the way Delta declares its SQL settings ({@code
 * DeltaSQLConf.buildConf(...).doc(...).intConf.checkValue(...).createWithDefault(...)}):
 *
 * <pre>{@code
 * static final ConfigKey<Integer> WINDOW_DAYS = AREA.buildConf("window-days")
 *     .doc("Responses analysed by a run for date D: ...")
 *     .intConf().checkValue(ConfigKey.atLeast(1)).createWithDefault(90);
 * }</pre>
 *
 * <p>{@code docs/configuration.md} is generated from the declarations ({@link ConfigDocs}), and a
 * test fails when a key of {@code reference.conf} has no declaration, a declaration is not in
 * reference.conf, or the two defaults differ. A key whose name holds {@code <name>} is a family
 * (every source's {@code polku.sources.<name>.kind}); it is not in reference.conf.
 *
 * @param <T> the Java type a read of the key gives
 */
public final class ConfigKey<T> {
  /** The value types a key can have, with the read that the default comparison uses. */
  public enum Type {
    INT("whole number"),
    LONG("whole number (64-bit)"),
    DOUBLE("number"),
    BOOLEAN("true or false"),
    STRING("string"),
    DURATION("duration (30m, 72h, 7d)"),
    STRING_LIST("list of strings"),
    OBJECT_LIST("list of objects"),
    OBJECT("object");

    private final String shown;

    Type(String shown) {
      this.shown = shown;
    }

    /** The type as the documentation names it. */
    public String shown() {
      return shown;
    }

    /** The value at {@code path} read as this type (objects and lists of objects unwrapped). */
    public Object read(Config c, String path) {
      return switch (this) {
        case INT -> c.getInt(path);
        case LONG -> c.getLong(path);
        case DOUBLE -> c.getDouble(path);
        case BOOLEAN -> c.getBoolean(path);
        case STRING -> c.getString(path);
        case DURATION -> c.getDuration(path);
        case STRING_LIST -> c.getStringList(path);
        case OBJECT_LIST, OBJECT -> c.getValue(path).unwrapped();
      };
    }
  }

  /** What values a key accepts; {@link #describe()} is the documentation's "allowed" text. */
  public sealed interface Check permits AtLeast, Range, OneOf, Rule {
    String describe();

    /** Whether {@code value} (a read of the key) passes; a {@link Rule} is checked elsewhere. */
    boolean accepts(Object value);
  }

  /** A whole number (or a duration in its smallest unit above zero) at least {@code min}. */
  public record AtLeast(long min) implements Check {
    @Override
    public String describe() {
      return ">= " + min;
    }

    @Override
    public boolean accepts(Object value) {
      return value instanceof Number n && n.doubleValue() >= min;
    }
  }

  /** A number in [lo, hi], or in (lo, hi) when {@code open}. */
  public record Range(double lo, double hi, boolean open) implements Check {
    @Override
    public String describe() {
      return (open ? "(" : "[") + number(lo) + ", " + number(hi) + (open ? ")" : "]");
    }

    @Override
    public boolean accepts(Object value) {
      if (!(value instanceof Number n)) {
        return false;
      }
      double v = n.doubleValue();
      return open ? v > lo && v < hi : v >= lo && v <= hi;
    }

    private static String number(double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
  }

  /** One of a fixed set of names (compared in lower case); a list: each element one of them. */
  public record OneOf(List<String> values) implements Check {
    public OneOf {
      values = List.copyOf(values);
    }

    @Override
    public String describe() {
      return String.join(", ", values);
    }

    @Override
    public boolean accepts(Object value) {
      if (value instanceof List<?> list) {
        return list.stream().allMatch(this::accepts);
      }
      return value instanceof String s && values.contains(s.toLowerCase(Locale.ROOT));
    }
  }

  /** A rule that the key's reader checks (it needs other keys, a parser, the table list…). */
  public record Rule(String text) implements Check {
    @Override
    public String describe() {
      return text;
    }

    @Override
    public boolean accepts(Object value) {
      return true;
    }
  }

  public static Check atLeast(long min) {
    return new AtLeast(min);
  }

  public static Check between(double lo, double hi) {
    return new Range(lo, hi, false);
  }

  /** Strictly between: (lo, hi). */
  public static Check strictlyBetween(double lo, double hi) {
    return new Range(lo, hi, true);
  }

  public static Check oneOf(String... values) {
    return new OneOf(List.of(values));
  }

  public static Check rule(String text) {
    return new Rule(text);
  }

  private final ConfigArea area;
  private final String key;
  private final Type type;
  private final String doc;
  private final Check check;
  private final String defaultText;
  private final T defaultValue;

  private ConfigKey(
      ConfigArea area, String key, Type type, String doc, Check check, String defaultText) {
    this.area = area;
    this.key = key;
    this.type = type;
    this.doc = doc;
    this.check = check;
    this.defaultText = defaultText;
    this.defaultValue = defaultText == null ? null : parse(type, defaultText);
  }

  /** HOCON for a plain value; a word such as {@code repeat-contact} stays unquoted. */
  private static String render(Object value) {
    if (value instanceof String s && s.matches("[a-z][a-z0-9_-]*")) {
      return s;
    }
    return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(Type type, String hocon) {
    return (T) type.read(ConfigFactory.parseString("v = " + hocon), "v");
  }

  /** The full key, e.g. {@code polku.rootcause.window-days}. */
  public String key() {
    return key;
  }

  public ConfigArea area() {
    return area;
  }

  public Type type() {
    return type;
  }

  public String doc() {
    return doc;
  }

  /** The check, or null when any value of the type is accepted. */
  public Check check() {
    return check;
  }

  /** The default as HOCON text, or null when the key is unset by default. */
  public String defaultText() {
    return defaultText;
  }

  /** The default read as {@link #type()}, or null when unset by default. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean hasDefault() {
    return defaultText != null;
  }

  /** A family of keys, one per user-chosen name ({@code polku.sources.<name>.kind}). */
  public boolean isFamily() {
    return key.contains("<");
  }

  @Override
  public String toString() {
    return key;
  }

  /** Starts a declaration; see {@link ConfigArea#buildConf(String)}. */
  public static final class Builder {
    private final ConfigArea area;
    private final String key;
    private String doc = "";

    Builder(ConfigArea area, String key) {
      this.area = area;
      this.key = key;
    }

    public Builder doc(String text) {
      this.doc = Objects.requireNonNull(text);
      return this;
    }

    public Typed<Integer> intConf() {
      return new Typed<>(this, Type.INT);
    }

    public Typed<Long> longConf() {
      return new Typed<>(this, Type.LONG);
    }

    public Typed<Double> doubleConf() {
      return new Typed<>(this, Type.DOUBLE);
    }

    public Typed<Boolean> booleanConf() {
      return new Typed<>(this, Type.BOOLEAN);
    }

    public Typed<String> stringConf() {
      return new Typed<>(this, Type.STRING);
    }

    public Typed<Duration> durationConf() {
      return new Typed<>(this, Type.DURATION);
    }

    public Typed<List<String>> stringListConf() {
      return new Typed<>(this, Type.STRING_LIST);
    }

    public Typed<Object> objectListConf() {
      return new Typed<>(this, Type.OBJECT_LIST);
    }

    public Typed<Object> objectConf() {
      return new Typed<>(this, Type.OBJECT);
    }
  }

  /** A declaration with its type; {@code create*} registers the key with its area. */
  public static final class Typed<T> {
    private final Builder b;
    private final Type type;
    private Check check;

    Typed(Builder b, Type type) {
      this.b = b;
      this.type = type;
    }

    public Typed<T> checkValue(Check check) {
      this.check = Objects.requireNonNull(check);
      return this;
    }

    /** A default given as a Java value (numbers, booleans, strings, lists of strings). */
    public ConfigKey<T> createWithDefault(T value) {
      if (value instanceof List<?> list) {
        return createWithDefaultString(
            "[" + String.join(", ", list.stream().map(ConfigKey::render).toList()) + "]");
      }
      return createWithDefaultString(render(value));
    }

    /** A default given as HOCON, as in reference.conf: {@code "30m"}, {@code "{ P1 = 1 }"}. */
    public ConfigKey<T> createWithDefaultString(String hocon) {
      return register(Objects.requireNonNull(hocon));
    }

    /** No default: unset (null) in reference.conf, or set from an optional variable. */
    public ConfigKey<T> createOptional() {
      return register(null);
    }

    private ConfigKey<T> register(String defaultText) {
      ConfigKey<T> k = new ConfigKey<>(b.area, b.key, type, b.doc, check, defaultText);
      b.area.register(k);
      return k;
    }
  }
}
