package io.polku.analysis;

import io.polku.config.PolkuConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;

/**
 * A condition written as a Spark SQL boolean expression in {@code polku.rootcause.conditions}
 * ({@value #KEY}): {@code name = "expression"}. A response for which the expression is true gets
 * the condition {@code sql:name} (false and null add nothing); its family is {@value
 * Conditions#SQL_FAMILY} and its value the name ({@link Conditions#family}).
 *
 * <p>It is a {@link JourneySignal} so that every place that loads the signals ({@link
 * Signals#load(PolkuConfig.RootCauseOptions)}) gets the configured expressions too; Java users keep
 * writing {@link JourneySignal}s.
 *
 * <p>The expression sees the columns of {@code feedback_context} and, when the lake has {@code
 * customers} and {@code identity_map}, the customer attributes {@link Conditions} joins in ({@code
 * segment}, {@code customer_since}). It is parsed when the configuration is loaded and again, with
 * the session's parser, and resolved against those columns when the conditions are built ({@link
 * #problems}): a missing column fails the stage before any work, naming the column and the
 * available ones.
 */
public final class SqlCondition implements JourneySignal {
  /** The configuration key holding the expressions. */
  public static final String KEY = "polku.rootcause.conditions";

  private final String key;
  private final String expression;

  /**
   * @param key the name under {@value #KEY}: lower-case letters, digits and underscores
   * @param expression a Spark SQL boolean expression
   */
  public SqlCondition(String key, String expression) {
    this.key = key;
    this.expression = expression;
  }

  /** The configured name, without the {@code sql:} prefix. */
  public String key() {
    return key;
  }

  /** The configured expression. */
  public String expression() {
    return expression;
  }

  /** The condition string: {@code sql:<key>}. */
  @Override
  public String name() {
    return Conditions.SQL_PREFIX + key;
  }

  /** The expression, parsed by the active session's parser when Spark evaluates it. */
  @Override
  public Column condition() {
    return org.apache.spark.sql.functions.expr(expression);
  }

  /** "with many sellers" for {@code many_sellers}. */
  @Override
  public String phrase(String value) {
    return "with " + key.replace('_', ' ');
  }

  /** The configured SQL conditions, in name order. */
  public static List<SqlCondition> of(Map<String, String> conditions) {
    List<SqlCondition> out = new ArrayList<>();
    new java.util.TreeMap<>(conditions).forEach((k, e) -> out.add(new SqlCondition(k, e)));
    return List.copyOf(out);
  }

  /**
   * What is wrong with this expression over {@code rows}' columns, or null when it parses with the
   * session's parser, resolves and is boolean. Runs no Spark job (analysis only).
   *
   * @param rows the rows the condition is evaluated on (feedback_context, with the customer
   *     attributes when known)
   * @param withAttributes whether the customer attributes were joined in
   */
  String problem(Dataset<Row> rows, boolean withAttributes) {
    String at = KEY + "." + key + " = \"" + expression + "\"";
    Expression parsed;
    try {
      parsed = rows.sparkSession().sessionState().sqlParser().parseExpression(expression);
    } catch (Exception e) { // ParseException is checked in Java's eyes
      return PolkuConfig.sqlConditionProblem(key, expression, PolkuConfig.firstLine(e));
    }
    String available =
        "available columns: "
            + String.join(", ", rows.columns())
            + (withAttributes
                ? ""
                : " (segment and customer_since exist only when the lake has"
                    + " customers and identity_map)");
    DataType type;
    try {
      type = rows.limit(0).select(new Column(parsed).as("probe")).schema().fields()[0].dataType();
    } catch (Exception e) {
      String column = missingColumn(e);
      if (column != null) {
        return at
            + ": column "
            + column
            + " does not exist; "
            + available
            + "; fix the"
            + " expression";
      }
      return at
          + " cannot be evaluated: "
          + PolkuConfig.firstLine(e)
          + "; "
          + available
          + "; fix the expression";
    }
    if (!(type instanceof BooleanType)) {
      return at
          + " is of type "
          + type.simpleString()
          + "; expected a boolean expression (true"
          + " adds the condition "
          + name()
          + "); compare it, e.g. \"size(last_steps) > 5\"";
    }
    return null;
  }

  /** The column a Spark analysis error says it cannot resolve, or null. */
  private static String missingColumn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable s
          && s.getErrorClass() != null
          && s.getErrorClass().toUpperCase(Locale.ROOT).startsWith("UNRESOLVED_COLUMN")) {
        String name = s.getMessageParameters().get("objectName");
        if (name != null) {
          return name;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name() + " = " + expression;
  }
}
