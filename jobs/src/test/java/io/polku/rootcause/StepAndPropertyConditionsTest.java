package io.polku.rootcause;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polku.analysis.Conditions;
import io.polku.config.PolkuConfig.PropertyCondition;
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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The step conditions (touchpoints of any step, capped by a vocabulary per scope) and the property
 * conditions on five hand-made phone CES responses; every expected token and count was written by
 * hand from the fixture below.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepAndPropertyConditionsTest {
  private final SparkSession spark = SparkTest.spark();
  private Dataset<Row> context;

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  private static Row step(
      String iso, String channel, String type, String touchpoint, Map<String, String> props) {
    return RowFactory.create(
        ts(iso),
        channel,
        type,
        null,
        touchpoint,
        scala.collection.JavaConverters.mapAsScalaMapConverter(props)
            .asScala()
            .toMap(scala.Predef.$conforms()));
  }

  private static Row context(String id, List<Row> steps) {
    StructType schema = Tables.FEEDBACK_CONTEXT.schema();
    Map<String, Object> d = new HashMap<>();
    d.put("response_id", id);
    d.put("response_ts", ts("2026-10-10T12:00:00Z"));
    d.put("response_date", Date.valueOf("2026-10-10"));
    d.put("customer_key", "K" + id);
    d.put("channel", "phone");
    d.put("survey", "post_call_ces");
    d.put("metric", "CES");
    d.put("score", 6.0);
    d.put("scale_min", 1.0);
    d.put("scale_max", 7.0);
    d.put("has_history", steps != null);
    d.put("steps_before", 0L);
    d.put("switches_before", 0L);
    d.put("handoffs_before", 0L);
    d.put("failures_before", 0L);
    d.put("peak_before", 0L);
    d.put("last_steps", steps == null ? null : steps.toArray());
    Object[] values = new Object[schema.fields().length];
    int i = 0;
    for (StructField f : schema.fields()) {
      values[i++] = d.get(f.name());
    }
    return RowFactory.create(values);
  }

  @BeforeAll
  void build() {
    List<Row> rows = new ArrayList<>();
    // r1: the notice e-mail sent and opened (one touchpoint, two steps), the terms page, a call.
    rows.add(
        context(
            "r1",
            List.of(
                step("2026-10-09T08:00:00Z", "email", "email_sent", "notice", Map.of()),
                step("2026-10-09T09:00:00Z", "email", "email_open", "notice", Map.of()),
                step("2026-10-09T09:05:00Z", "web", "page_view", "/terms", Map.of()),
                step("2026-10-10T11:00:00Z", "phone", "call", "contract", Map.of()))));
    // r2: the notice, then a call.
    rows.add(
        context(
            "r2",
            List.of(
                step("2026-10-09T08:00:00Z", "email", "email_open", "notice", Map.of()),
                step("2026-10-10T11:00:00Z", "phone", "call", "contract", Map.of()))));
    // r3: an order of 4 items, the terms page, a billing call.
    rows.add(
        context(
            "r3",
            List.of(
                step("2026-10-08T08:00:00Z", "shop", "purchase", "checkout", Map.of("items", "4")),
                step("2026-10-09T09:05:00Z", "web", "page_view", "/terms", Map.of()),
                step("2026-10-10T11:00:00Z", "phone", "call", "billing", Map.of()))));
    // r4: two orders; the last one's items is not a number.
    rows.add(
        context(
            "r4",
            List.of(
                step("2026-10-08T08:00:00Z", "shop", "purchase", "checkout", Map.of("items", "3")),
                step(
                    "2026-10-09T08:00:00Z",
                    "shop",
                    "purchase",
                    "checkout",
                    Map.of("items", "x")))));
    // r5: no behaviour.
    rows.add(context("r5", null));
    context = spark.createDataFrame(rows, Tables.FEEDBACK_CONTEXT.schema());
  }

  private Map<String, TreeSet<String>> conditions(Dataset<Row> df, String... prefixes) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (Row r : df.select(col("response_id"), col("conditions")).collectAsList()) {
      TreeSet<String> set = new TreeSet<>();
      for (Object c : r.getList(1)) {
        for (String p : prefixes) {
          if (((String) c).startsWith(p)) {
            set.add((String) c);
          }
        }
      }
      out.put(r.getString(0), set);
    }
    return out;
  }

  @Test
  void rawStepTokensNameEveryTouchpointAndConsecutivePair() {
    Map<String, TreeSet<String>> got = new TreeMap<>();
    for (Row r :
        context
            .select(col("response_id"), Conditions.rawTokens(true, false, List.of()).as("t"))
            .collectAsList()) {
      got.put(r.getString(0), new TreeSet<>(r.<String>getList(1)));
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "step=email:notice",
                "step=web:/terms",
                "step=phone:contract",
                "step_pair=email:notice>web:/terms",
                "step_pair=web:/terms>phone:contract")),
        got.get("r1"));
    assertEquals(
        new TreeSet<>(
            List.of(
                "step=email:notice",
                "step=phone:contract",
                "step_pair=email:notice>phone:contract")),
        got.get("r2"));
    // a repeat of the same touchpoint is one visit, no pair
    assertEquals(new TreeSet<>(List.of("step=shop:checkout")), got.get("r4"));
    assertEquals(new TreeSet<>(), got.get("r5"));
  }

  @Test
  void eventTypeTokens() {
    Row r =
        context
            .filter(col("response_id").equalTo("r2"))
            .select(Conditions.rawTokens(true, true, List.of()).as("t"))
            .first();
    assertEquals(
        new TreeSet<>(
            List.of(
                "step=email:notice:email_open",
                "step=phone:contract:call",
                "step_pair=email:notice:email_open>phone:contract:call")),
        new TreeSet<>(r.<String>getList(0)));
  }

  @Test
  void vocabularyKeepsTheTopKPerFamilyWithinMinimumAndMaximumCounts() {
    // Counts over the 5 responses: step=email:notice 2, step=web:/terms 2,
    // step=phone:contract 2, step=shop:checkout 2, step=phone:billing 1, every pair 1.
    // min 2 and at most 0.5 x 5 = 2.5: the four steps with 2; top 2 by count, then by token.
    List<String> top2 = new ArrayList<>();
    for (Row r :
        Conditions.vocabulary(context, true, false, List.of(), 2, 2, 0.5).collectAsList()) {
      assertEquals("phone", r.getString(0));
      assertEquals("ces", r.getString(1));
      top2.add(r.getString(2));
    }
    assertEquals(
        new TreeSet<>(List.of("step=email:notice", "step=phone:contract")), new TreeSet<>(top2));
    // at most 0.3 x 5 = 1.5 responses: none of the steps held by 2 is left
    assertEquals(0, Conditions.vocabulary(context, true, false, List.of(), 10, 2, 0.3).count());
    // a categorical property: items 4 (r3) and x (r4), one each; the share cap is for steps
    PropertyCondition items = new PropertyCondition("items", "items", "shop", null, List.of(), 0);
    assertEquals(
        new TreeSet<>(List.of("prop.items=4", "prop.items=x")),
        new TreeSet<>(
            Conditions.vocabulary(context, false, false, List.of(items), 5, 1, 0.1)
                .select("token")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()));
  }

  @Test
  void withConditionsAddsOnlyTheVocabularyAndBucketedProperties() {
    PropertyCondition basket =
        new PropertyCondition("basket", "items", "shop", "purchase", List.of(2.0, 4.0), 0);
    Conditions.Extra extra =
        new Conditions.Extra(
            true,
            false,
            Map.of(
                "phone/ces",
                List.of(
                    "step=email:notice", "step=web:/terms", "step_pair=email:notice>web:/terms")),
            List.of(new Conditions.ResolvedProperty(basket, basket.edges())));
    Map<String, TreeSet<String>> got =
        conditions(Conditions.withConditions(context, null, List.of(), 48, extra), "step", "prop.");
    assertEquals(
        new TreeSet<>(
            List.of("step=email:notice", "step=web:/terms", "step_pair=email:notice>web:/terms")),
        got.get("r1"));
    assertEquals(new TreeSet<>(List.of("step=email:notice")), got.get("r2"));
    assertEquals(new TreeSet<>(List.of("step=web:/terms", "prop.basket=4+")), got.get("r3"));
    // the last order's items is "x": no number, no condition (no fallback to the earlier one)
    assertEquals(new TreeSet<>(), got.get("r4"));
    assertEquals(new TreeSet<>(), got.get("r5"));
    // without the extra, none of them
    Map<String, TreeSet<String>> none =
        conditions(Conditions.withConditions(context, null, List.of(), 48), "step", "prop.");
    none.values().forEach(s -> assertEquals(new TreeSet<>(), s));
  }

  @Test
  void bucketsAndLabels() {
    List<Row> got =
        spark
            .range(1)
            .select(
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(1.5), List.of(2.0, 4.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(2.0), List.of(2.0, 4.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(3.99), List.of(2.0, 4.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(4.0), List.of(2.0, 4.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(0.3), List.of(0.25, 2.5)))
            .collectAsList();
    assertEquals(
        List.of("<2", "2-<4", "2-<4", "4+", "0.25-<2.5"),
        List.of(
            got.get(0).getString(0),
            got.get(0).getString(1),
            got.get(0).getString(2),
            got.get(0).getString(3),
            got.get(0).getString(4)));
    assertEquals(List.of(1.0, 3.0), Conditions.quantileEdges(new double[] {1, 1, 3, Double.NaN}));
    assertEquals(
        "with e-mail (notice) then web (/terms) before",
        Labels.phrase("step_pair=email:notice>web:/terms", "phone", Map.of()));
    assertEquals(
        "with a step in web (/terms) before", Labels.phrase("step=web:/terms", "phone", Map.of()));
    assertEquals(
        "with basket items 4 or more", Labels.phrase("prop.basket_items=4+", "shop", Map.of()));
    assertEquals(
        "with basket items 2 to under 4",
        Labels.phrase("prop.basket_items=2-<4", "shop", Map.of()));
    assertEquals(
        "with basket items below 2", Labels.phrase("prop.basket_items=<2", "shop", Map.of()));
    assertEquals("with carrier Posti", Labels.phrase("prop.carrier=Posti", "shop", Map.of()));
    assertEquals("prop.basket", Conditions.family("prop.basket=4+"));
  }

  @Test
  void bucketBoundsGiveTheSameBucketToValuesInIt() {
    assertEquals(List.of(2.0), Conditions.bucketBounds("<2"));
    assertEquals(List.of(2.0, 4.0), Conditions.bucketBounds("2-<4"));
    assertEquals(List.of(4.0), Conditions.bucketBounds("4+"));
    assertEquals(List.of(-1.5), Conditions.bucketBounds("-1.5+"));
    assertEquals(List.of(), Conditions.bucketBounds("x"));
    // a run with edges 2, 4, 7, 9 found 4-<7; the follow-ups know only 4 and 7: 5 and 6.9 are
    // still 4-<7, 9.5 (9+ in the run) becomes 7+, which no segment names
    List<Row> got =
        spark
            .range(1)
            .select(
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(5.0), List.of(4.0, 7.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(6.9), List.of(4.0, 7.0)),
                Conditions.edgeBucket(org.apache.spark.sql.functions.lit(9.5), List.of(4.0, 7.0)))
            .collectAsList();
    assertEquals(
        List.of("4-<7", "4-<7", "7+"),
        List.of(got.get(0).getString(0), got.get(0).getString(1), got.get(0).getString(2)));
  }
}
