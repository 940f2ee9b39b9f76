package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.analysis.Conditions;
import io.polku.analysis.JourneySignal;
import io.polku.analysis.Signals;
import io.polku.analysis.SqlCondition;
import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Conditions written as Spark SQL in {@code polku.rootcause.conditions}: the {@code sql:<name>}
 * conditions they add on three hand-made feedback_context rows, and the errors for a bad expression
 * (at load), a missing column and a non-boolean expression (at stage start).
 */
class RootCauseSqlConditionsTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String CONDITIONS =
      String.join(
          "\n",
          "polku.rootcause.conditions {",
          "  weekend = \"dayofweek(response_ts) IN (1, 7)\"",
          "  app_failure = \"exists(last_steps, s -> s.channel = 'app' AND s.outcome = 'failure')\"",
          "  small_business = \"segment = 'small_business'\"",
          "}");

  private static PolkuConfig config(String hocon) {
    return PolkuConfig.fromConfig(
        ConfigFactory.parseString(
            "polku.lake.root = \"file:///tmp/polku-sql-conditions-test\"\n" + hocon),
        Map.of(),
        "test");
  }

  private static Row step(String iso, String channel, String outcome) {
    return RowFactory.create(
        Timestamp.from(Instant.parse(iso)),
        channel,
        "visit",
        outcome,
        "home",
        scala.collection.immutable.Map$.MODULE$.<String, String>empty());
  }

  /** A feedback_context row with the columns the conditions need; the rest defaulted. */
  private static Row context(String id, String customerKey, String ts, List<Row> steps) {
    Map<String, Object> d = new HashMap<>();
    d.put("response_id", id);
    d.put("customer_key", customerKey);
    d.put("response_ts", Timestamp.from(Instant.parse(ts)));
    d.put("response_date", Date.valueOf(ts.substring(0, 10)));
    d.put("survey", "s");
    d.put("channel", "phone");
    d.put("metric", "csat");
    d.put("score", 3.0);
    d.put("scale_min", 1.0);
    d.put("scale_max", 5.0);
    d.put("has_history", steps != null);
    d.put("steps_before", steps == null ? 0L : (long) steps.size());
    d.put("switches_before", 0L);
    d.put("handoffs_before", 0L);
    d.put("failures_before", 0L);
    d.put("peak_before", 0L);
    d.put("last_steps", steps == null ? null : steps.toArray());
    StructType schema = Tables.FEEDBACK_CONTEXT.schema();
    Object[] values = new Object[schema.fields().length];
    int i = 0;
    for (StructField f : schema.fields()) {
      values[i++] = d.get(f.name());
    }
    return RowFactory.create(values);
  }

  /**
   * a: Saturday 2026-10-10, an app step that failed; b: Monday 2026-10-12, a phone step; c: Sunday
   * 2026-10-11, no history (last_steps null). K2 (b) is a small business.
   */
  private Dataset<Row> fixture() {
    List<Row> rows =
        List.of(
            context(
                "a",
                "K1",
                "2026-10-10T12:00:00Z",
                List.of(
                    step("2026-10-10T09:00:00Z", "app", "failure"),
                    step("2026-10-10T10:00:00Z", "app", "success"))),
            context(
                "b",
                "K2",
                "2026-10-12T12:00:00Z",
                List.of(step("2026-10-12T09:00:00Z", "phone", "success"))),
            context("c", "K3", "2026-10-11T12:00:00Z", null));
    return spark.createDataFrame(rows, Tables.FEEDBACK_CONTEXT.schema());
  }

  private Dataset<Row> attributes() {
    StructType schema =
        new StructType()
            .add("customer_key", DataTypes.StringType)
            .add("segment", DataTypes.StringType)
            .add("customer_since", DataTypes.DateType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("K1", "consumer", Date.valueOf("2020-01-01")),
            RowFactory.create("K2", "small_business", Date.valueOf("2020-01-01"))),
        schema);
  }

  /** The sql: conditions of each response. */
  private Map<String, TreeSet<String>> sqlConditions(Dataset<Row> withConditions) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (Row r : withConditions.select("response_id", "conditions").collectAsList()) {
      TreeSet<String> s = new TreeSet<>();
      for (String c : r.<String>getList(1)) {
        if (c.startsWith("sql:")) {
          s.add(c);
        }
      }
      out.put(r.getString(0), s);
    }
    return out;
  }

  @Test
  void eachTrueExpressionAddsItsSqlCondition() {
    PolkuConfig c = config(CONDITIONS);
    List<JourneySignal> signals = Signals.load(c.rootCause());
    assertEquals(
        List.of("sql:app_failure", "sql:small_business", "sql:weekend"),
        signals.stream().map(JourneySignal::name).toList());
    Dataset<Row> out = Conditions.withConditions(fixture(), attributes(), signals, 168);
    // weekend: a (Saturday, dayofweek 7) and c (Sunday, 1), not b (Monday, 2).
    // app_failure: only a has a failed app step; c's null last_steps gives null -> nothing.
    // small_business: only K2 (b); K3 (c) has no customer record -> null -> nothing.
    Map<String, TreeSet<String>> expected = new TreeMap<>();
    expected.put("a", new TreeSet<>(List.of("sql:app_failure", "sql:weekend")));
    expected.put("b", new TreeSet<>(List.of("sql:small_business")));
    expected.put("c", new TreeSet<>(List.of("sql:weekend")));
    assertEquals(expected, sqlConditions(out));
    // the built-in conditions are still there, and the attribute columns are dropped again
    Row a = out.filter("response_id = 'a'").first();
    assertTrue(a.<String>getList(a.fieldIndex("conditions")).contains("segment=consumer"));
    assertEquals(
        List.of(Tables.FEEDBACK_CONTEXT.columnNames(), List.of("conditions")).stream()
            .flatMap(List::stream)
            .toList(),
        List.of(out.columns()));
  }

  @Test
  void theStagesLibraryCallAddsTheSqlConditionsAndTestsTheHypotheses() {
    PolkuConfig c = config(CONDITIONS + "\npolku.rootcause.hypotheses = [\"sql:weekend\"]");
    RootCauseStage.Result result =
        RootCauseStage.analyse(
            spark,
            fixture(),
            attributes(),
            c.rootCause(),
            Signals.load(c.rootCause()),
            168,
            java.time.LocalDate.of(2026, 10, 12),
            "test-run");
    // Three phone CSAT 3s (none critical: csat is critical at <= 2), too few to search; the
    // hypothesis is tested all the same. Weekend: a and c (2 of 3), 0 critical; outside: b.
    // One rated channel: no cross-channel row (it would repeat phone/csat), as in the search.
    List<Row> rows = result.hypotheses().orderBy("segment_id").collectAsList();
    assertEquals(
        List.of("phone/csat/sql:weekend"),
        rows.stream().map(r -> r.<String>getAs("segment_id")).toList());
    for (Row r : rows) {
      assertEquals(2L, r.<Long>getAs("responses"));
      assertEquals(0L, r.<Long>getAs("critical"));
      assertEquals(1L, r.<Long>getAs("responses_outside"));
      // no critical response anywhere: nothing to test, p = 1
      assertEquals("not significant (p=1.000)", r.getAs("verdict"));
    }
    assertEquals(0, result.segments().count());
  }

  @Test
  void theFamilyIsSqlAndTheValueTheName() {
    assertEquals("sql", Conditions.family("sql:weekend"));
    assertEquals("weekend", Conditions.value("sql:weekend"));
    assertEquals("prev_channel", Conditions.family("prev_channel=app"));
    assertEquals("repeat_contact", Conditions.family("repeat_contact"));
    assertNull(Conditions.value("repeat_contact"));
    Map<String, JourneySignal> byFamily =
        Signals.byFamily(Signals.load(config(CONDITIONS).rootCause()));
    assertEquals(
        "with weekend and with app failure",
        Labels.phrases(List.of("sql:weekend", "sql:app_failure"), "phone", byFamily));
  }

  @Test
  void anExpressionThatDoesNotParseFailsAtLoadNamingKeyExpressionParserAndFix() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    "polku.rootcause.conditions { weekend = \"dayofweek(response_ts IN (1, 7)\","
                        + " \"Bad-Name\" = \"true\", number = 3 }"));
    List<String> p = e.problems();
    String weekend =
        p.stream()
            .filter(s -> s.startsWith("polku.rootcause.conditions.weekend"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(p.toString()));
    assertTrue(
        weekend.startsWith(
            "polku.rootcause.conditions.weekend ="
                + " \"dayofweek(response_ts IN (1, 7)\" is not a Spark SQL expression: "),
        weekend);
    System.out.println("parse error: " + weekend);
    assertTrue(weekend.contains("PARSE_SYNTAX_ERROR"), weekend); // the parser's message
    assertTrue(
        weekend.endsWith(
            "expected a boolean expression over feedback_context's"
                + " columns, e.g. weekend = \"dayofweek(response_ts) IN (1, 7)\"; fix the expression"),
        weekend);
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.rootcause.conditions.Bad-Name:"
                            + " the name 'Bad-Name' is not valid")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.rootcause.conditions.number = 3 is" + " not an expression")),
        p.toString());
    assertEquals(3, p.size(), p.toString());
  }

  @Test
  void aMissingColumnFailsAtStageStartNamingTheColumnAndTheAvailableOnes() {
    List<JourneySignal> signals =
        Signals.load(
            config("polku.rootcause.conditions { many_sellers = \"size(sellers) > 1\" }")
                .rootCause());
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Conditions.withConditions(fixture(), null, signals, 168));
    String m = e.getMessage();
    System.out.println("missing column: " + m);
    assertTrue(
        m.contains(
            "polku.rootcause.conditions.many_sellers = \"size(sellers) > 1\":"
                + " column `sellers` does not exist; available columns: response_id, "),
        m);
    assertTrue(
        m.contains(
            ", last_steps (segment and customer_since exist only when the lake"
                + " has customers and identity_map); fix the expression"),
        m);
    // with the customer attributes, they are among the columns
    ConfigException withAttributes =
        assertThrows(
            ConfigException.class,
            () -> Conditions.withConditions(fixture(), attributes(), signals, 168));
    assertTrue(
        withAttributes
            .getMessage()
            .contains(", last_steps, segment, customer_since;" + " fix the expression"),
        withAttributes.getMessage());
  }

  @Test
  void aNonBooleanOrUnparsableExpressionFailsAtStageStartToo() {
    // Built in Java, so only the stage-start check (the session's parser) sees them.
    List<JourneySignal> signals =
        new ArrayList<>(
            List.of(
                new SqlCondition("steps", "size(last_steps)"),
                new SqlCondition("broken", "score >")));
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Conditions.withConditions(fixture(), null, signals, 168));
    List<String> p = e.problems();
    assertEquals(2, p.size(), p.toString());
    assertTrue(
        p.get(0)
            .startsWith(
                "polku.rootcause.conditions.steps = \"size(last_steps)\" is"
                    + " of type int; expected a boolean expression (true adds the condition sql:steps)"),
        p.get(0));
    assertTrue(
        p.get(1)
            .startsWith(
                "polku.rootcause.conditions.broken = \"score >\" is not a"
                    + " Spark SQL expression: "),
        p.get(1));
  }
}
