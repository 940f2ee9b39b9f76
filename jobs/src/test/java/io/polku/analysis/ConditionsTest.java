package io.polku.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.PolkuConfig.CriticalThreshold;
import io.polku.contract.Tables;
import io.polku.rootcause.signals.IvrQueueTransfersSignal;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The condition builder and the critical flag on hand-made feedback_context rows; every expected
 * condition set was written by hand from the fixture and the definitions in {@link Conditions}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionsTest {
  private final SparkSession spark = SparkTest.spark();
  private Map<String, Row> byId;

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  private static Row step(
      String iso,
      String channel,
      String type,
      String outcome,
      String touchpoint,
      Map<String, String> props) {
    return RowFactory.create(
        ts(iso),
        channel,
        type,
        outcome,
        touchpoint,
        scala.collection.JavaConverters.mapAsScalaMapConverter(props)
            .asScala()
            .toMap(scala.Predef.$conforms()));
  }

  /** A feedback_context row: defaults overridden by {@code v}. */
  private static Row context(Map<String, Object> v) {
    StructType schema = Tables.FEEDBACK_CONTEXT.schema();
    Map<String, Object> d = new HashMap<>();
    d.put("response_ts", ts("2026-10-10T12:00:00Z"));
    d.put("response_date", Date.valueOf("2026-10-10"));
    d.put("survey", "s");
    d.put("scale_min", 1.0);
    d.put("scale_max", 5.0);
    d.put("has_history", true);
    d.put("steps_before", 0L);
    d.put("switches_before", 0L);
    d.put("handoffs_before", 0L);
    d.put("failures_before", 0L);
    d.put("peak_before", 0L);
    d.putAll(v);
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
    // r1: app billing self-service failed 30 h before a phone CSAT 1; the call had 3 transfers;
    // a previous call 2 days earlier (repeat contact). Path web>app>phone.
    Map<String, Object> r1 = new LinkedHashMap<>();
    r1.put("response_id", "r1");
    r1.put("customer_key", "K1");
    r1.put("channel", "phone");
    r1.put("metric", "CSAT");
    r1.put("score", 1.0);
    r1.put("path_before", "web>app>phone");
    r1.put("prev_channel", "phone");
    r1.put("prev_failure_channel", "app");
    r1.put("prev_failure_touchpoint", "billing");
    r1.put("prev_failure_type", "self_service");
    r1.put("hours_since_prev_failure", 30.0);
    r1.put("upstream_failure_channel", "app");
    r1.put("upstream_failure_touchpoint", "billing");
    r1.put("upstream_failure_type", "self_service");
    r1.put("hours_since_upstream_failure", 30.0);
    r1.put("switches_before", 2L);
    r1.put("handoffs_before", 1L);
    r1.put("failures_before", 1L);
    r1.put("peak_before", 2L);
    r1.put("end_before", "success");
    r1.put(
        "last_steps",
        List.of(
                step(
                    "2026-10-08T09:00:00Z",
                    "phone",
                    "call",
                    "success",
                    "billing",
                    Map.of("queue_transfers", "0")),
                step("2026-10-09T06:00:00Z", "web", "page_view", null, "home", Map.of()),
                step("2026-10-09T06:00:00Z", "app", "self_service", "failure", "billing", Map.of()),
                step(
                    "2026-10-10T11:00:00Z",
                    "phone",
                    "call",
                    "success",
                    "billing",
                    Map.of("queue_transfers", "3")))
            .toArray());
    rows.add(context(r1));
    // r2: NPS 7 in the shop, no history.
    Map<String, Object> r2 = new LinkedHashMap<>();
    r2.put("response_id", "r2");
    r2.put("customer_key", "K2");
    r2.put("channel", "shop");
    r2.put("metric", "nps");
    r2.put("score", 7.0);
    r2.put("scale_min", 0.0);
    r2.put("scale_max", 10.0);
    r2.put("has_history", false);
    rows.add(context(r2));
    // r3: CES 6 on the phone, a single call with one transfer; a custom metric is tested on r4.
    Map<String, Object> r3 = new LinkedHashMap<>();
    r3.put("response_id", "r3");
    r3.put("customer_key", "K3");
    r3.put("channel", "phone");
    r3.put("metric", "ces");
    r3.put("score", 6.0);
    r3.put("scale_max", 7.0);
    r3.put("path_before", "phone");
    r3.put("prev_channel", "phone");
    r3.put("end_before", "failure");
    r3.put("hours_since_upstream_failure", 200.0);
    r3.put(
        "last_steps",
        List.of(
                step(
                    "2026-10-10T11:00:00Z",
                    "phone",
                    "call",
                    "failure",
                    "billing",
                    Map.of("queue_transfers", "1")))
            .toArray());
    rows.add(context(r3));
    // r4: an "effort" custom metric 0-100 (not configured): normalised 0.2 <= 0.25 -> critical.
    Map<String, Object> r4 = new LinkedHashMap<>();
    r4.put("response_id", "r4");
    r4.put("channel", "web");
    r4.put("metric", "ease");
    r4.put("score", 20.0);
    r4.put("scale_min", 0.0);
    r4.put("scale_max", 100.0);
    rows.add(context(r4));
    Dataset<Row> ctx = spark.createDataFrame(rows, Tables.FEEDBACK_CONTEXT.schema());
    StructType attrSchema =
        new StructType()
            .add("customer_key", DataTypes.StringType)
            .add("segment", DataTypes.StringType)
            .add("customer_since", DataTypes.DateType);
    Dataset<Row> attrs =
        spark.createDataFrame(
            List.of(
                RowFactory.create("K1", "consumer", Date.valueOf("2026-01-01")),
                RowFactory.create("K3", "small_business", Date.valueOf("2020-05-01"))),
            attrSchema);
    Dataset<Row> out =
        CriticalFeedback.withCritical(
            Conditions.withConditions(ctx, attrs, List.of(new IvrQueueTransfersSignal()), 168),
            Map.of(
                "nps",
                new CriticalThreshold(null, 6.0),
                "csat",
                new CriticalThreshold(null, 2.0),
                "ces",
                new CriticalThreshold(5.0, null)),
            0.25);
    byId = new HashMap<>();
    for (Row r : out.collectAsList()) {
      byId.put(r.getAs("response_id"), r);
    }
  }

  private TreeSet<String> conditions(String id) {
    return new TreeSet<>(byId.get(id).<String>getList(byId.get(id).fieldIndex("conditions")));
  }

  @Test
  void buildsEveryFamilyForAFailedSelfServiceBeforeACall() {
    TreeSet<String> expected =
        new TreeSet<>(
            List.of(
                "prev_channel=phone",
                "prev_failure_channel=app",
                "prev_failure=app:billing",
                "prev_failure_within=24-48h",
                "failed_before=app:billing",
                "upstream_failure_channel=app",
                "upstream_failure_type=app:self_service",
                "upstream_failure=app:billing:self_service",
                "upstream_failure_within=24-48h",
                "path_bigram=web>app",
                "path_bigram=app>phone",
                "path_trigram=web>app>phone",
                "path_ends=app>phone",
                "switches=2",
                "handoffs=1",
                "failures=1",
                "repeat_contact",
                "peak=2",
                "end=success",
                "segment=consumer",
                "tenure=<1y",
                "ivr_queue_transfers"));
    assertEquals(expected, conditions("r1"));
  }

  @Test
  void noHistoryGivesOnlyTheFlagsThatApply() {
    assertEquals(
        new TreeSet<>(List.of("no_history", "switches=0", "handoffs=0", "failures=0", "peak=0")),
        conditions("r2"));
  }

  @Test
  void singleStepPathsAndOldFailuresAddNothingAndOneTransferIsNotTheSignal() {
    TreeSet<String> c = conditions("r3");
    assertEquals(
        new TreeSet<>(
            List.of(
                "prev_channel=phone",
                "switches=0",
                "handoffs=0",
                "failures=0",
                "peak=0",
                "end=failure",
                "segment=small_business",
                "tenure=3y+",
                // every failing step of last_steps, whatever the other columns say
                "failed_before=phone:billing")),
        c);
    assertFalse(c.contains("repeat_contact"));
  }

  @Test
  void criticalFollowsTheMetricRules() {
    assertTrue(byId.get("r1").<Boolean>getAs("critical")); // CSAT 1 <= 2
    assertFalse(byId.get("r2").<Boolean>getAs("critical")); // NPS 7 is passive
    assertTrue(byId.get("r3").<Boolean>getAs("critical")); // CES 6 >= 5
    assertTrue(byId.get("r4").<Boolean>getAs("critical")); // 20/100 = 0.2 <= 0.25
    assertEquals(0.2, byId.get("r4").<Double>getAs("score_norm"), 1e-12);
  }
}
