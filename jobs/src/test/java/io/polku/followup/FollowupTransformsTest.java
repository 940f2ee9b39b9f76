package io.polku.followup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.analysis.Conditions;
import io.polku.analysis.CriticalFeedback;
import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.config.PolkuConfig.FollowupOptions;
import io.polku.contract.Tables;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Follow-up rows, fix verdicts and the configuration's validation on small fixtures. */
class FollowupTransformsTest {
  private final SparkSession spark = SparkTest.spark();
  private final Map<String, PolkuConfig.CriticalThreshold> rules =
      SparkTest.config(java.nio.file.Path.of("/tmp/unused")).rootCause().critical();
  private final FollowupOptions options =
      new FollowupOptions(
          Map.of("phone", "contact-centre", "web/billing", "web-billing"),
          "cx",
          Map.of("gold", 2, "silver", 1),
          0.8,
          Map.of("P1", 1, "P2", 3, "P3", 7),
          List.of(),
          28,
          0.05);

  private Dataset<Row> analysed(ContextRows rows) {
    return CriticalFeedback.withCritical(
        Conditions.withConditions(rows.toDataset(spark), null, List.of(), 168), rules, 0.25);
  }

  @Test
  void everyCriticalResponseGetsOneRowWithSegmentsTeamPriorityAndDueDate() {
    ContextRows r =
        new ContextRows()
            .add(
                "r1",
                "2026-10-05",
                "phone",
                "nps",
                0.0,
                "app>phone",
                3L,
                "success",
                "k1",
                "billing",
                "app")
            .add(
                "r2",
                "2026-10-05",
                "phone",
                "nps",
                7.0,
                "app>phone",
                3L,
                "success",
                "k1",
                null,
                "app")
            .add(
                "r3",
                "2026-10-05",
                "web",
                "csat",
                2.0,
                "web",
                0L,
                "success",
                "k2",
                "billing",
                "web")
            .add("r4", "2026-10-06", "web", "ces", 7.0, "web", 0L, "success", null, "other", "web")
            .add(
                "r5",
                "2026-10-06",
                "web",
                "csat",
                2.0,
                "web",
                0L,
                "success",
                "k3",
                "search",
                "web");
    StructType segSchema =
        new StructType()
            .add("channel", DataTypes.StringType)
            .add("metric", DataTypes.StringType)
            .add("conditions", DataTypes.createArrayType(DataTypes.StringType))
            .add("label", DataTypes.StringType);
    Dataset<Row> segments =
        spark.createDataFrame(
            List.of(
                RowFactory.create("phone", "nps", new String[] {"prev_channel=app"}, "A"),
                RowFactory.create(
                    "phone", "nps", new String[] {"end=failure", "prev_channel=app"}, "B"),
                RowFactory.create("*", "*", new String[] {"prev_channel=app"}, "C"),
                RowFactory.create("web", "nps", new String[] {"prev_channel=web"}, "D")),
            segSchema);
    Dataset<Row> values =
        spark.createDataFrame(
            List.of(
                RowFactory.create("k1", "gold"),
                RowFactory.create("k2", "silver"),
                RowFactory.create("k3", "bronze")),
            new StructType()
                .add("customer_key", DataTypes.StringType)
                .add("value_tier", DataTypes.StringType));
    Map<String, Row> byId = new HashMap<>();
    Dataset<Row> out = FollowupTransforms.followups(analysed(r), segments, values, options, rules);
    assertEquals(Tables.FOLLOWUPS.columnNames(), List.of(out.columns()));
    for (Row x : out.collectAsList()) {
      byId.put(x.getAs("response_id"), x);
    }
    assertEquals(
        java.util.Set.of("r1", "r3", "r4", "r5"), byId.keySet(), "r2 (NPS 7) is not" + " critical");
    Row r1 = byId.get("r1");
    // A and C match (prev_channel=app); B needs end=failure; D is web.
    assertEquals(List.of("A", "C"), r1.getList(r1.fieldIndex("segment_labels")));
    assertEquals("contact-centre", r1.getAs("team"));
    // NPS 0: badness 1 >= 0.8 -> severity 2; gold +2 = 4 -> P1, due +1 day.
    assertEquals(2, r1.<Integer>getAs("severity"));
    assertEquals("P1", r1.getAs("priority"));
    assertEquals(Date.valueOf("2026-10-06"), r1.getAs("due_date"));
    assertEquals("open", r1.getAs("status"));
    assertNull(r1.getAs("closed_ts"));
    Row r3 = byId.get("r3");
    // CSAT 2 of 1-5: badness 1 - 1/4 = 0.75 < 0.8 -> severity 1; silver +1 = 2 -> P2, +3 days.
    assertEquals("web-billing", r3.getAs("team"), "channel/touchpoint route wins");
    assertEquals(1, r3.<Integer>getAs("severity"));
    assertEquals("P2", r3.getAs("priority"));
    assertEquals(Date.valueOf("2026-10-08"), r3.getAs("due_date"));
    assertEquals(List.of(), r3.getList(r3.fieldIndex("segment_labels")));
    Row r4 = byId.get("r4");
    // CES 7 of 1-7: a min rule, badness = normalised score = 1 -> severity 2; unknown value 0.
    assertEquals("cx", r4.getAs("team"));
    assertEquals(2, r4.<Integer>getAs("severity"));
    assertEquals("P2", r4.getAs("priority"));
    assertNull(r4.getAs("value_tier"));
    Row r5 = byId.get("r5");
    // CSAT 2, bronze (0 points): 1 -> P3, +7 days.
    assertEquals("P3", r5.getAs("priority"));
    assertEquals(Date.valueOf("2026-10-13"), r5.getAs("due_date"));
  }

  @Test
  void followupsOpenedLongAfterTheirResponseAreHistoricalNotOverdue() {
    StructType schema =
        new StructType()
            .add("response_id", "string")
            .add("response_date", "date")
            .add("response_ts", "timestamp")
            .add("opened_date", "date")
            .add("due_date", "date")
            .add("team", "string")
            .add("priority", "string")
            .add("status", "string")
            .add("closed_ts", "timestamp");
    List<Row> rows = new java.util.ArrayList<>();
    // Run date 10-30, historical after 14 days: responses before 10-16 are historical.
    for (String[] r :
        new String[][] {
          {"a", "2026-10-01", "2026-10-08"},
          {"b", "2026-10-15", "2026-10-18"},
          {"c", "2026-10-16", "2026-10-23"},
          {"d", "2026-10-29", "2026-10-30"}
        }) {
      rows.add(
          RowFactory.create(
              r[0],
              Date.valueOf(r[1]),
              java.sql.Timestamp.valueOf(r[1] + " 12:00:00"),
              Date.valueOf(r[1]),
              Date.valueOf(r[2]),
              "cx",
              "P3",
              "open",
              null));
    }
    Date runDate = Date.valueOf("2026-10-30");
    Dataset<Row> marked =
        FollowupTransforms.markHistorical(spark.createDataFrame(rows, schema), runDate, 14);
    Map<String, String> status = new HashMap<>();
    marked.collectAsList().forEach(r -> status.put(r.getString(0), r.getAs("status")));
    assertEquals(Map.of("a", "historical", "b", "historical", "c", "open", "d", "open"), status);
    Row all =
        FollowupTransforms.summary(marked, runDate).filter("team = '*' AND priority = '*'").first();
    assertEquals(4L, all.<Long>getAs("followups"));
    assertEquals(2L, all.<Long>getAs("open"));
    assertEquals(1L, all.<Long>getAs("overdue"), "only c: due 10-23, open; a and b historical");
  }

  @Test
  void theRangeRunRuleAndHistoricalCountAreExplained() {
    java.time.LocalDate from = java.time.LocalDate.parse("2026-10-01");
    java.time.LocalDate to = java.time.LocalDate.parse("2026-10-30");
    assertEquals(
        List.of(
            "4 follow-ups for the responses of 2026-10-01..2026-10-30, opened by"
                + " one run: each due_date is its response date + polku.followups.sla-days {P1=1, P2=3,"
                + " P3=7}, so the SLA ran while no run had opened them; 2 whose response is more than"
                + " 14 days before 2026-10-30 (polku.followups.historical-after-days) have status"
                + " historical and are not counted as overdue; overdue on 2026-10-30: 1"),
        FollowupStage.explain(from, to, 100, 4, 2, 1, options));
    assertEquals(
        List.of(),
        FollowupStage.explain(to, to, 10, 3, 0, 0, options),
        "a night's follow-ups need no explanation");
    assertEquals(
        List.of(
            "0 follow-ups: none of the 10 responses dated 2026-10-30 is critical"
                + " by polku.rootcause.critical"),
        FollowupStage.explain(to, to, 10, 0, 0, 0, options));
  }

  @Test
  void theLatestValidUpdateSetsTheStatus() {
    StructType schema = Tables.FOLLOWUP_UPDATES.schema();
    Dataset<Row> updates =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "r1",
                    "in_progress",
                    java.sql.Timestamp.valueOf("2026-10-06 08:00:00"),
                    "called"),
                RowFactory.create(
                    "r1", "closed", java.sql.Timestamp.valueOf("2026-10-07 09:30:00"), "refunded"),
                RowFactory.create(
                    "r1", "done", java.sql.Timestamp.valueOf("2026-10-08 09:30:00"), "x"),
                RowFactory.create(
                    "r3", "in_progress", java.sql.Timestamp.valueOf("2026-10-06 10:00:00"), null)),
            schema);
    Map<String, Row> latest = new HashMap<>();
    FollowupTransforms.latestUpdates(updates)
        .collectAsList()
        .forEach(x -> latest.put(x.getString(0), x));
    assertEquals("closed", latest.get("r1").getAs("status"), "'done' is not a status");
    assertEquals(
        java.sql.Timestamp.valueOf("2026-10-07 09:30:00"), latest.get("r1").getAs("closed_ts"));
    assertEquals("in_progress", latest.get("r3").getAs("status"));
    assertNull(latest.get("r3").getAs("closed_ts"));
  }

  @Test
  void fixVerdictsMatchHandWorkedTests() {
    // Before 20 critical of 100, after 8 of 100: expected counts >= 5 -> pooled z-test.
    // pooled p = 28/200 = 0.14; SE = sqrt(0.14 x 0.86 x (1/100 + 1/100)) = sqrt(0.002408)
    // = 0.0490714; z = (0.08 - 0.20) / 0.0490714 = -2.44542; two-sided p = 2 (1 - Phi(2.44542))
    // = 2 x 0.0072348 = 0.01447 < 0.05 and the rate fell -> improved.
    FixEffects.Verdict improved = FixEffects.verdict(100, 20, 100, 8, 0.05);
    assertEquals("improved", improved.verdict());
    assertEquals("z", improved.test());
    assertEquals(0.01447, improved.pValue(), 2e-4);
    assertEquals("worse", FixEffects.verdict(100, 8, 100, 20, 0.05).verdict());
    // Before 6 of 10, after 1 of 10: smallest expected count 10 x 7 / 20 = 3.5 < 5 -> Fisher.
    // Tables with 7 critical in 20, 10 after: P(k after) = C(10,k) C(10,7-k) / C(20,7),
    // C(20,7) = 77520; k = 0..7 weigh 120, 2100, 11340, 25200, 25200, 11340, 2100, 120.
    // Observed k = 1 (2100); tables at most as likely: k = 0, 1, 6, 7 -> 4440 / 77520
    // = 0.057276 >= 0.05 -> no_change, although the rate fell from 0.6 to 0.1.
    FixEffects.Verdict small = FixEffects.verdict(10, 6, 10, 1, 0.05);
    assertEquals("no_change", small.verdict());
    assertEquals("fisher", small.test());
    assertEquals(4440.0 / 77520, small.pValue(), 1e-6);
    assertEquals("pending", FixEffects.verdict(10, 6, 0, 0, 0.05).verdict());
  }

  @Test
  void fixCountsCountMatchingResponsesPerSpan() {
    ContextRows r = new ContextRows();
    for (int i = 0; i < 10; i++) {
      r.add(
          "b" + i,
          "2026-10-0" + (1 + i % 4),
          "web",
          "nps",
          i < 6 ? 3.0 : 9.0,
          "app>web",
          0L,
          "success",
          null,
          null,
          "app");
      r.add(
          "a" + i,
          "2026-10-0" + (5 + i % 2),
          "web",
          "nps",
          i < 1 ? 3.0 : 9.0,
          "app>web",
          0L,
          "success",
          null,
          null,
          "app");
      r.add("o" + i, "2026-10-05", "web", "nps", 0.0, "web", 0L, "success", null, null, "web");
    }
    PolkuConfig.Fix fix =
        new PolkuConfig.Fix(
            "web/nps/prev_channel=app",
            "web",
            "nps",
            List.of("prev_channel=app"),
            LocalDate.parse("2026-10-05"),
            "fixed the app link");
    FixEffects.Spans spans = FixEffects.Spans.of(fix, LocalDate.parse("2026-10-06"), 4);
    assertEquals(LocalDate.parse("2026-10-01"), spans.beforeFrom());
    assertEquals(LocalDate.parse("2026-10-06"), spans.afterTo(), "capped at the run date");
    Dataset<Row> fixes =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    0,
                    "web",
                    "nps",
                    new String[] {"prev_channel=app"},
                    Date.valueOf(spans.beforeFrom()),
                    Date.valueOf(spans.beforeTo()),
                    Date.valueOf(spans.afterFrom()),
                    Date.valueOf(spans.afterTo()))),
            FollowupStage.FIXES);
    Row c = FollowupTransforms.fixCounts(analysed(r), fixes).first();
    assertEquals(
        List.of(0, 10L, 6L, 10L, 1L),
        List.of(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4)),
        "the 10 critical web responses after a web step do not match");
  }

  @Test
  void badFollowupSettingsAreReportedTogetherWithKeyValueExpectationAndFix() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PolkuConfig.fromConfig(
                    ConfigFactory.parseString(
                        String.join(
                            "\n",
                            "polku.lake.root = \"/tmp/lake\"",
                            "polku.followups.teams { fax = \"x\" }",
                            "polku.followups.sla-days { P1 = 5, P2 = 3, P3 = 7 }",
                            "polku.followups.fixes = [",
                            "  { segment = \"phone/ces/ivr_queue_transfers\", date = \"2026-13-01\" },",
                            "  { segment = \"\", date = \"2026-10-01\" } ]")),
                    Map.of(),
                    "test.conf"));
    List<String> p = e.problems();
    assertTrue(
        p.contains(
            "polku.followups.teams.\"fax\": channel 'fax' is not in"
                + " polku.ingest.channels [web, app, email, shop, portal, phone, chat, store, other];"
                + " expected \"channel\" or \"channel/touchpoint\"; fix the channel name"),
        p.toString());
    assertTrue(
        p.contains(
            "polku.followups.sla-days = {P1=5, P2=3, P3=7} is not ordered;"
                + " expected P1 <= P2 <= P3 (P1 is the most urgent); reorder the values"),
        p.toString());
    assertTrue(
        p.contains(
            "polku.followups.fixes[0].date = \"2026-13-01\" is not a date;"
                + " expected YYYY-MM-DD, the day the fix went live; set e.g. date = \"2026-10-01\""),
        p.toString());
    assertTrue(
        p.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "polku.followups.fixes[1].segment is"
                            + " unset; expected a root_cause_segments.segment_id")),
        p.toString());
    assertEquals(4, p.size(), p.toString());
  }
}
