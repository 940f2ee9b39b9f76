package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.config.PolkuConfig.Hypothesis;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.stats.Proportions;
import io.polku.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configured hypotheses on a hand-made set of analysed responses: counts checked against a
 * plain-Java count over the same rows, p-values and verdicts computed by hand (in the comments) and
 * with {@link Proportions} on those counts; and the configuration errors.
 */
class RootCauseHypothesesTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String W = "sql:weekend";
  private static final String B = "upstream_failure_channel=app";

  /** An analysed response: channel, metric, critical (null = no score) and conditions. */
  private record Response(
      String channel, String metric, Boolean critical, List<String> conditions) {}

  /**
   * phone/csat, 20 scored: 8 with W (6 critical; 3 of them, all critical, also have B) and 12
   * without (2 critical); plus one unscored response with W, never counted. app/ces, 10: 2 with W
   * (0 critical), 8 without (3 critical).
   */
  private static List<Response> fixture() {
    List<Response> r = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      r.add(new Response("phone", "csat", true, List.of(W, B)));
    }
    for (int i = 0; i < 3; i++) {
      r.add(new Response("phone", "csat", true, List.of(W)));
    }
    for (int i = 0; i < 2; i++) {
      r.add(new Response("phone", "csat", false, List.of(W, "switches=1")));
    }
    for (int i = 0; i < 2; i++) {
      r.add(new Response("phone", "csat", true, List.of("switches=0")));
    }
    for (int i = 0; i < 10; i++) {
      r.add(new Response("phone", "csat", false, List.of("switches=0")));
    }
    r.add(new Response("phone", "csat", null, List.of(W, B)));
    for (int i = 0; i < 2; i++) {
      r.add(new Response("app", "CES", false, List.of(W)));
    }
    for (int i = 0; i < 3; i++) {
      r.add(new Response("app", "CES", true, List.of()));
    }
    for (int i = 0; i < 5; i++) {
      r.add(new Response("app", "CES", false, List.of()));
    }
    return r;
  }

  private Dataset<Row> responses(List<Response> fixture) {
    List<Row> rows = new ArrayList<>();
    int i = 0;
    for (Response r : fixture) {
      Double score = r.critical() == null ? null : r.critical() ? 1.0 : 4.0;
      rows.add(
          RowFactory.create(
              "r" + i++,
              r.channel(),
              r.metric(),
              score,
              score == null ? null : (score - 1) / 4,
              r.critical(),
              r.conditions().toArray(new String[0])));
    }
    StructType schema =
        new StructType()
            .add("response_id", DataTypes.StringType)
            .add("channel", DataTypes.StringType)
            .add("metric", DataTypes.StringType)
            .add("score", DataTypes.DoubleType)
            .add("score_norm", DataTypes.DoubleType)
            .add("critical", DataTypes.BooleanType)
            .add("conditions", DataTypes.createArrayType(DataTypes.StringType));
    return spark.createDataFrame(rows, schema);
  }

  private static PolkuConfig config(String hypotheses) {
    return PolkuConfig.fromConfig(
        ConfigFactory.parseString(
            String.join(
                "\n",
                "polku.lake.root = \"file:///tmp/polku-hypotheses-test\"",
                "polku.rootcause.conditions.weekend = \"dayofweek(response_ts) IN (1, 7)\"",
                "polku.rootcause.hypotheses = " + hypotheses)),
        Map.of(),
        "test");
  }

  /** Plain-Java counts {n, x, nOut, xOut} of the scored responses of a scope. */
  private static long[] count(
      List<Response> fixture, String channel, String metric, List<String> conditions) {
    Predicate<Response> inScope =
        r ->
            "*".equals(channel)
                || (r.channel().equals(channel) && r.metric().equalsIgnoreCase(metric));
    long[] c = new long[4];
    for (Response r : fixture) {
      if (r.critical() == null || !inScope.test(r)) {
        continue;
      }
      int at = r.conditions().containsAll(conditions) ? 0 : 2;
      c[at]++;
      c[at + 1] += r.critical() ? 1 : 0;
    }
    return c;
  }

  @Test
  void everyHypothesisIsCountedAndTestedInItsScopes() {
    PolkuConfig config =
        config(
            String.join(
                "\n",
                "[",
                "  \"" + W + "\"", // no scope: every scope where it occurs
                "  { conditions = [\"" + B + "\", \"" + W + "\"], channel = phone, metric = CSAT }",
                "  \"segment=nobody\"", // matches nothing
                "  { conditions = \"" + W + "\", channel = app }", // app/ces again: reported once
                "  { conditions = \""
                    + W
                    + "\", channel = web, metric = csat }", // scope not in data
                "]"));
    List<Hypothesis> hypotheses = config.rootCause().hypotheses();
    assertEquals(new Hypothesis(List.of(W, B), "phone", "csat"), hypotheses.get(1));
    List<Response> fixture = fixture();
    Dataset<Row> scoped = SegmentSearch.scoped(responses(fixture));
    List<String> warnings = new ArrayList<>();
    Date run = Date.valueOf("2026-10-31");
    Dataset<Row> table =
        Hypotheses.table(
            spark,
            scoped,
            SegmentSearch.scopeSizes(scoped),
            hypotheses,
            run,
            Date.valueOf("2026-08-02"),
            "run-1",
            warnings);
    assertEquals(Tables.ROOT_CAUSE_HYPOTHESES.schema(), table.schema());
    Map<String, Row> rows = new LinkedHashMap<>();
    for (Row r : table.collectAsList()) {
      rows.put(r.getAs("segment_id"), r);
    }
    assertEquals(
        List.of(
            "*/*/sql:weekend",
            "app/ces/sql:weekend",
            "phone/csat/sql:weekend",
            "phone/csat/sql:weekend&upstream_failure_channel=app",
            "*/*/segment=nobody",
            "web/csat/sql:weekend"),
        List.copyOf(rows.keySet()));

    // Channel scopes: counts against the plain-Java count, p from Proportions.difference.
    // phone/csat W: 6/8 = 75% vs 2/12 = 16.7%; smallest expected count 8 x 8 / 20 = 3.2 < 5,
    // so Fisher's exact test of [[6, 2], [2, 10]]. By hand, with k critical among the 8 W
    // responses and margins 8 / 8 of 20, P(k) = C(8,k) C(12,8-k) / C(20,8) = w / 125970 with
    // w = 495, 6336, 25872, 44352, 34650, 12320, 1848, 96, 1 for k = 0..8; the tables as likely
    // as k = 6 or less are k = 6, 7, 8 and 0: p = (1848 + 96 + 1 + 495) / 125970 = 0.019370.
    check(rows.get("phone/csat/sql:weekend"), fixture, 0.019370, "fisher", "higher (p=0.019)");
    // phone/csat W & B: 3/3 vs 5/17; Fisher [[3, 0], [5, 12]] (expected 3 x 8 / 20 = 1.2):
    // P(k) = C(3,k) C(17,8-k) / C(20,8) = 24310, 58344, 37128, 6188 / 125970 for k = 0..3;
    // only k = 3 is as unlikely: p = 6188 / 125970 = 0.049123 < 0.05.
    check(
        rows.get("phone/csat/sql:weekend&upstream_failure_channel=app"),
        fixture,
        0.049123,
        "fisher",
        "higher (p=0.049)");
    // app/ces W: 0/2 vs 3/8; Fisher [[0, 2], [3, 5]]: P(k) = C(2,k) C(8,3-k) / C(10,3) =
    // 56, 56, 8 / 120 for k = 0..2; every table is as likely as k = 0 or less: p = 1.
    check(rows.get("app/ces/sql:weekend"), fixture, 1.0, "fisher", "not significant (p=1.000)");

    // Cross-channel: 6/10 = 60% vs 5/20 = 25% pooled, but stratified by channel and metric
    // (CMH): A = 6, E = 8 x 8/20 + 2 x 3/10 = 3.8, V = 8x12x8x12/(20^2 x 19) + 2x8x3x7/(10^2 x 9)
    // = 1.21263 + 0.37333 = 1.58596, z = 2.2 / sqrt(1.58596) = 1.7469, p = 0.0806: not
    // significant — phone/csat's high rate is not the weekend's doing in app/ces.
    Row cross = rows.get("*/*/sql:weekend");
    long[] c = count(fixture, "*", "*", List.of(W));
    assertEquals(List.of(10L, 6L, 20L, 5L), List.of(c[0], c[1], c[2], c[3]));
    assertCounts(cross, c);
    assertEquals("cmh", cross.getAs("test"));
    assertEquals(0.080649, cross.<Double>getAs("p_value"), 1e-6);
    assertEquals(0.6 - 0.25, cross.<Double>getAs("difference"), 1e-12);
    // expected at each stratum's outside rate: 8 x 2/12 + 2 x 3/8 = 2.0833
    assertEquals(8 * 2.0 / 12 + 2 * 3.0 / 8, cross.<Double>getAs("expected_critical"), 1e-12);
    assertEquals("not significant (p=0.081)", cross.getAs("verdict"));
    // Wilson 95% of 6/10 and of 5/20, by hand: (0.31267, 0.83182), (0.11186, 0.46870)
    assertEquals(0.312674, cross.<Double>getAs("critical_rate_lower"), 1e-6);
    assertEquals(0.831820, cross.<Double>getAs("critical_rate_upper"), 1e-6);
    assertEquals(0.111862, cross.<Double>getAs("rate_outside_lower"), 1e-6);
    assertEquals(0.468701, cross.<Double>getAs("rate_outside_upper"), 1e-6);

    // No match: said so, with the scope when one was configured; a warning each.
    Row nobody = rows.get("*/*/segment=nobody");
    assertEquals(0L, nobody.<Long>getAs("responses"));
    assertNull(nobody.getAs("critical_rate"));
    assertNull(nobody.getAs("p_value"));
    assertEquals("no response matches these conditions", nobody.getAs("verdict"));
    assertEquals(
        "no response matches these conditions in web/csat",
        rows.get("web/csat/sql:weekend").getAs("verdict"));
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(
        warnings
            .get(0)
            .startsWith(
                "polku.rootcause.hypotheses segment=nobody: no"
                    + " response matches these conditions; check the conditions' spelling"),
        warnings.get(0));
    for (Row r : rows.values()) {
      assertEquals(run, r.getAs("run_date"));
      assertEquals("run-1", r.getAs("run_id"));
    }
  }

  /** Counts, rates, Wilson intervals and the test of a channel-scope row. */
  private static void check(
      Row row, List<Response> fixture, double handP, String test, String verdict) {
    List<String> conditions = row.getList(row.fieldIndex("conditions"));
    long[] c = count(fixture, row.getAs("channel"), row.getAs("metric"), conditions);
    assertCounts(row, c);
    Proportions.Comparison cmp = Proportions.difference(c[1], c[0], c[3], c[2]);
    assertEquals(cmp.pValue(), row.<Double>getAs("p_value"), 1e-12);
    assertEquals(handP, row.<Double>getAs("p_value"), 1e-6, row.toString());
    assertEquals(test, row.getAs("test"));
    assertEquals(verdict, row.getAs("verdict"));
    Proportions.Interval in = Proportions.wilson(c[1], c[0], 0.95);
    Proportions.Interval out = Proportions.wilson(c[3], c[2], 0.95);
    assertEquals(in.lower(), row.<Double>getAs("critical_rate_lower"), 1e-12);
    assertEquals(in.upper(), row.<Double>getAs("critical_rate_upper"), 1e-12);
    assertEquals(out.lower(), row.<Double>getAs("rate_outside_lower"), 1e-12);
    assertEquals(out.upper(), row.<Double>getAs("rate_outside_upper"), 1e-12);
    assertEquals(
        (double) c[1] / c[0] - (double) c[3] / c[2], row.<Double>getAs("difference"), 1e-12);
  }

  private static void assertCounts(Row row, long[] c) {
    assertEquals(
        List.of(c[0], c[1], c[2], c[3]),
        List.of(
            row.<Long>getAs("responses"),
            row.<Long>getAs("critical"),
            row.<Long>getAs("responses_outside"),
            row.<Long>getAs("critical_outside")),
        row.toString());
    assertEquals((double) c[1] / c[0], row.<Double>getAs("critical_rate"), 1e-12);
    assertEquals((double) c[3] / c[2], row.<Double>getAs("rate_outside"), 1e-12);
  }

  @Test
  void noHypothesisRunsNoSparkJobAndGivesAnEmptyTable() {
    Dataset<Row> scoped = SegmentSearch.scoped(responses(fixture()));
    List<String> warnings = new ArrayList<>();
    String group = "polku-test-no-hypotheses";
    spark.sparkContext().setJobGroup(group, "no hypotheses", false);
    Dataset<Row> table;
    try {
      table =
          Hypotheses.table(
              spark,
              scoped,
              List.of(),
              List.of(),
              Date.valueOf("2026-10-31"),
              Date.valueOf("2026-08-02"),
              "run-1",
              warnings);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length);
    assertEquals(0, table.count());
    assertTrue(warnings.isEmpty());
  }

  @Test
  void theRowsAreWrittenToTheirDeltaTableReplacingTheRunDate(@TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toUri().toString(), "polku_hypotheses_test");
    lake.ensure(Tables.ROOT_CAUSE_HYPOTHESES);
    Row detail =
        spark
            .sql("DESCRIBE DETAIL delta.`" + lake.location(Tables.ROOT_CAUSE_HYPOTHESES) + "`")
            .first();
    assertEquals(List.of("run_date"), detail.getList(detail.fieldIndex("partitionColumns")));
    Dataset<Row> scoped = SegmentSearch.scoped(responses(fixture()));
    List<SegmentSearch.ScopeSize> sizes = SegmentSearch.scopeSizes(scoped);
    Date run = Date.valueOf("2026-10-31");
    String where = "run_date = DATE'2026-10-31'";
    List<Hypothesis> two = config("[\"" + W + "\", \"" + B + "\"]").rootCause().hypotheses();
    lake.replaceWhere(
        Tables.ROOT_CAUSE_HYPOTHESES,
        Hypotheses.table(spark, scoped, sizes, two, run, run, "run-1", new ArrayList<>()),
        where);
    // W: */*, app/ces, phone/csat; B: */*, phone/csat (B occurs only there, scored 3 times)
    assertEquals(5, lake.read(Tables.ROOT_CAUSE_HYPOTHESES).count());
    List<Hypothesis> one = config("[\"" + B + "\"]").rootCause().hypotheses();
    lake.replaceWhere(
        Tables.ROOT_CAUSE_HYPOTHESES,
        Hypotheses.table(spark, scoped, sizes, one, run, run, "run-2", new ArrayList<>()),
        where);
    List<Row> back = lake.read(Tables.ROOT_CAUSE_HYPOTHESES).orderBy("segment_id").collectAsList();
    assertEquals(
        List.of("*/*/upstream_failure_channel=app", "phone/csat/upstream_failure_channel=app"),
        back.stream().map(r -> r.<String>getAs("segment_id")).toList());
    assertEquals("run-2", back.get(0).getAs("run_id"));
  }

  @Test
  void badHypothesesAreReportedWithTheKeyAndTheFix() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    String.join(
                        "\n",
                        "[",
                        "  \"sql:holiday\"",
                        "  { conditions = \"repeat_contact\", channel = fax }",
                        "  { conditions = [], metric = \"*\", channel = phone }",
                        "  { condition = \"repeat_contact\" }",
                        "  42",
                        "]")));
    List<String> p = e.problems();
    assertTrue(
        p.contains(
            "polku.rootcause.hypotheses[0]: sql:holiday is not defined in"
                + " polku.rootcause.conditions (defined: [weekend]); define it there or fix the name"),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.rootcause.hypotheses[1].channel ="
                            + " fax is not in polku.ingest.channels")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.rootcause.hypotheses[2]: metric *" + " with channel phone")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(s -> s.startsWith("polku.rootcause.hypotheses[2] has no" + " conditions")),
        p.toString());
    assertTrue(
        p.contains(
            "polku.rootcause.hypotheses[3].condition is not a key of a"
                + " hypothesis; expected conditions, channel and metric; remove it or fix its name"),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(s -> s.startsWith("polku.rootcause.hypotheses[3].conditions" + " is unset")),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.rootcause.hypotheses[4] is a"
                            + " NUMBER; expected a list whose elements are")),
        p.toString());
    assertEquals(7, p.size(), p.toString());
  }

  @Test
  void aHypothesisMayBeOneStringJoinedWithAmpersands() {
    List<Hypothesis> h =
        config("[\"" + W + " & " + B + "\", { conditions = \"" + B + "\"," + " channel = \"*\" }]")
            .rootCause()
            .hypotheses();
    assertEquals(
        List.of(new Hypothesis(List.of(B, W), null, null), new Hypothesis(List.of(B), "*", "*")),
        h);
  }
}
