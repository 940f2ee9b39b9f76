package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.rootcause.KeyDrivers.Driver;
import io.polku.rootcause.KeyDrivers.Fingerprint;
import io.polku.rootcause.KeyDrivers.Group;
import io.polku.rootcause.KeyDrivers.ScopeFit;
import io.polku.rootcause.SegmentStatistics.Segment;
import io.polku.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key-driver models on a hand-made scope whose conditions are independent by design.
 *
 * <p>app/csat, 400 responses, a full factorial of three factors (every cell's size and critical
 * count set by hand, the same in both halves of B, so B makes no difference):
 *
 * <pre>
 *   A (planted) 100 responses: upstream_failure=app:billing and, on exactly the same
 *               responses, prev_failure=app:billing (a duplicate)
 *   B           200 responses: no_history; the other 200: prev_channel=shop (a complement pair)
 *   C           200 responses: weekend (a mild effect)
 *   critical per (A, C) cell of 25 (A) or 75 (not A) responses, in each half of B:
 *     A & C 16/25, A & not C 14/25, not A & C 15/75, not A & not C 10/75
 *   A's 2x2 table: with 60 of 100 critical, without 50 of 300: odds ratio
 *     (60/40) / (50/250) = 7.5, the value the refit's interval must contain
 *   path_bigram=app>phone  A less 5 of its critical responses, plus 4 non-critical others: a
 *               near-duplicate of A (Jaccard 95 / 104 = 0.91), weaker (55 of 99 critical)
 *   noise=x     11 responses of not A, 1 critical (odds ratio about 0.3): too rare
 *   channel=app on all 400: nothing to compare with
 * </pre>
 *
 * Support with min-support 10: 110 critical of 400, so a group needs min(with, without) x 110 / 400
 * >= 10, i.e. 37 responses on each side: A (100), B (200) and C (200) enter, the noise (11) and
 * channel=app (0 without) do not; the near-duplicate is merged into A.
 */
class KeyDriversTest {
  private static final String PLANTED = "upstream_failure=app:billing";
  private static final String DUPLICATE = "prev_failure=app:billing";
  private static final String NEAR_DUPLICATE = "path_bigram=app>phone";
  private static final KeyDrivers.Settings SETTINGS =
      new KeyDrivers.Settings(10, 0.01, 0.5, 0.25, 42, 50, 10, 0.8);

  private static SparkSession spark;
  private static Dataset<Row> responses;
  private static long[][] planted2x2; // {with: critical, not}, {without: critical, not}

  @BeforeAll
  static void fixture() {
    spark = SparkTest.spark();
    List<Row> rows = new ArrayList<>();
    planted2x2 = new long[2][2];
    int id = 0;
    int noise = 0;
    int dropped = 0;
    int added = 0;
    for (boolean a : new boolean[] {true, false}) {
      for (boolean b : new boolean[] {true, false}) {
        for (boolean c : new boolean[] {true, false}) {
          int size = a ? 25 : 75;
          int critical = a ? (c ? 16 : 14) : (c ? 15 : 10);
          for (int i = 0; i < size; i++) {
            boolean isCritical = i < critical;
            List<String> conditions = new ArrayList<>(List.of("channel=app"));
            if (a) {
              conditions.add(PLANTED);
              conditions.add(DUPLICATE);
            }
            conditions.add(b ? "no_history" : "prev_channel=shop");
            if (c) {
              conditions.add("weekend");
            }
            // The near-duplicate: A less 5 critical responses, plus 4 others not critical.
            if (a && (!isCritical || dropped++ >= 5) || !a && !isCritical && added++ < 4) {
              conditions.add(NEAR_DUPLICATE);
            }
            // The noise: 1 critical and 10 not, among the responses without A.
            if (!a && (isCritical && noise == 0 || !isCritical && noise > 0 && noise < 11)) {
              conditions.add("noise=x");
              noise++;
            }
            planted2x2[a ? 0 : 1][isCritical ? 0 : 1]++;
            rows.add(
                RowFactory.create(
                    "app",
                    "csat",
                    String.format("resp-%04d", id++),
                    isCritical,
                    conditions.stream().sorted().toArray(String[]::new)));
          }
        }
      }
    }
    // A second scope with no critical response: nothing to learn.
    for (int i = 0; i < 50; i++) {
      rows.add(
          RowFactory.create(
              "web",
              "nps",
              String.format("resp-%04d", id++),
              false,
              new String[] {"channel=web", i % 2 == 0 ? "no_history" : "prev_channel=app"}));
    }
    StructType schema =
        new StructType()
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("response_id", DataTypes.StringType)
            .add("critical", DataTypes.BooleanType)
            .add("conditions", DataTypes.createArrayType(DataTypes.StringType));
    responses = spark.createDataFrame(rows, schema).localCheckpoint(true);
    assertEquals(11, noise);
  }

  private static Map<String, Map<String, Fingerprint>> fingerprints(
      Map<String, Fingerprint> totals) {
    Map<String, Map<String, Fingerprint>> out = new HashMap<>();
    for (Row r : KeyDrivers.fingerprints(responses).collectAsList()) {
      String scope = r.getString(0) + "/" + r.getString(1);
      if (r.isNullAt(2)) {
        totals.put(scope, KeyDrivers.fingerprint(r));
      } else {
        out.computeIfAbsent(scope, k -> new HashMap<>())
            .put(r.getString(2), KeyDrivers.fingerprint(r));
      }
    }
    return out;
  }

  @Test
  void identicalAndComplementaryConditionsAreOneGroup() {
    Map<String, Fingerprint> totals = new HashMap<>();
    Map<String, Fingerprint> app = fingerprints(totals).get("app/csat");
    Fingerprint scope = totals.get("app/csat");
    assertEquals(400, scope.responses());
    assertEquals(110, scope.critical());
    assertEquals(app.get(PLANTED), app.get(DUPLICATE));
    assertEquals(app.get("prev_channel=shop"), app.get("no_history").complement(scope));
    Map<String, Group> groups =
        KeyDrivers.groups(app, scope).stream().collect(Collectors.toMap(Group::name, g -> g));
    assertEquals(
        List.of(
            "channel=app",
            "no_history | not prev_channel=shop",
            "noise=x",
            NEAR_DUPLICATE,
            DUPLICATE + " | " + PLANTED,
            "weekend"),
        groups.keySet().stream().sorted().toList());
    Group pair = groups.get("no_history | not prev_channel=shop");
    assertEquals(List.of("no_history"), pair.conditions());
    assertEquals(List.of("prev_channel=shop"), pair.complements());
    assertEquals(200, pair.responses());
    Group planted = groups.get(DUPLICATE + " | " + PLANTED);
    assertEquals(100, planted.responses());
    assertEquals(60, planted.critical());
    // Support: min(with, without) x 110 / 400 >= 10.
    assertTrue(KeyDrivers.supported(planted, scope, 10));
    assertTrue(KeyDrivers.supported(pair, scope, 10));
    assertFalse(KeyDrivers.supported(groups.get("noise=x"), scope, 10));
    assertFalse(KeyDrivers.supported(groups.get("channel=app"), scope, 10));
  }

  @Test
  void theSmallerSideIsModelledAndNamedFirst() {
    Fingerprint scope = new Fingerprint(100, 30, 7L, 1000L, 2000L);
    Fingerprint many = new Fingerprint(70, 20, 5L, 600L, 1500L);
    Map<String, Fingerprint> conditions = Map.of("a_many", many, "z_few", many.complement(scope));
    Group g = KeyDrivers.groups(conditions, scope).get(0);
    assertEquals("z_few | not a_many", g.name());
    assertEquals(30, g.responses());
    assertEquals(10, g.critical());
  }

  @Test
  void nearDuplicatesAndNearComplementsMergeIntoTheStrongerGroup() {
    // 1000 responses, 200 critical. Chi-square order: a (60 of 100 critical, 111), b (50 of
    // 95, 70), c (150 of 890, 50), d (70 of 300, 3).
    // b: 90 of a's responses and 5 others: J(b, a) = 90 / 105 = 0.86, merged.
    // c: 890 responses, 3 of them a's; compared on its minority side, its 110 other responses,
    //    97 of them a's: J = 97 / (110 + 100 - 97) = 0.86, merged as "not c" (and its
    //    complement c2 as "c2").
    // d: 300 responses, 20 of them a's: J 20 / 380 = 0.05.
    Fingerprint scope = new Fingerprint(1000, 200, 0, 0, 0);
    Group a = new Group("a", List.of("a"), List.of(), 100, 60);
    Group b = new Group("b", List.of("b"), List.of(), 95, 50);
    Group c = new Group("c | not c2", List.of("c"), List.of("c2"), 890, 150);
    Group d = new Group("d", List.of("d"), List.of(), 300, 70);
    List<Group> groups = List.of(a, b, c, d);
    Map<Long, Long> overlaps =
        Map.of(
            KeyDrivers.pairKey(0, 1),
            90L,
            KeyDrivers.pairKey(0, 2),
            3L,
            KeyDrivers.pairKey(0, 3),
            20L,
            KeyDrivers.pairKey(1, 2),
            5L,
            KeyDrivers.pairKey(1, 3),
            20L,
            KeyDrivers.pairKey(2, 3),
            280L);
    List<Group> merged = KeyDrivers.merge(groups, overlaps, scope, 0.8);
    assertEquals(List.of("a", "d"), merged.stream().map(Group::name).toList());
    assertEquals(List.of("b", "not c", "c2"), merged.get(0).similar());
    assertEquals(List.of(), merged.get(1).similar());
    assertEquals(List.of("a", "b", "c", "c2"), merged.get(0).allConditions());
    // Two large sets overlap by chance: e on 900 and f on 910 responses, independent (819
    // shared), have Jaccard 0.82, but their minority sides (100 and 90, 9 shared) 0.05.
    List<Group> large =
        List.of(
            new Group("e", List.of("e"), List.of(), 900, 180),
            new Group("f", List.of("f"), List.of(), 910, 182));
    assertEquals(
        2, KeyDrivers.merge(large, Map.of(KeyDrivers.pairKey(0, 1), 819L), scope, 0.8).size());
    // At 1, nothing but identical sets would merge.
    assertEquals(4, KeyDrivers.merge(groups, overlaps, scope, 1.0).size());
  }

  @Test
  void thePlantedGroupRanksFirstAndItsIntervalHoldsTheTwoByTwoOddsRatio() {
    List<ScopeFit> fits =
        KeyDrivers.fitAll(
            responses,
            List.of(new String[] {"app", "csat"}, new String[] {"web", "nps"}),
            SETTINGS);
    ScopeFit web = fits.get(1);
    assertNull(web.fit());
    assertTrue(web.reason().startsWith("no group"), web.reason());

    ScopeFit app = fits.get(0);
    assertNotNull(app.fit(), app.reason());
    assertNull(app.refitProblem());
    assertEquals(8, app.conditions());
    assertEquals(6, app.groups());
    assertEquals(2, app.unsupported());
    assertEquals(1, app.merged());
    List<Driver> drivers = app.fit().drivers();
    drivers.forEach(
        d ->
            System.out.printf(
                java.util.Locale.ROOT,
                "driver %d %s b=%.3f std=%.3f" + " refit OR %s [%s, %s] p=%s%n",
                d.rank(),
                d.group().name(),
                d.coefficient(),
                d.standardized(),
                d.refitCoefficient() == null ? null : Math.exp(d.refitCoefficient()),
                d.refitLower(),
                d.refitUpper(),
                d.refitP()));
    System.out.println("AUC " + app.fit().auc() + " train " + app.fit().train());
    assertEquals(
        List.of(DUPLICATE + " | " + PLANTED, "weekend", "no_history | not prev_channel=shop"),
        drivers.stream().map(d -> d.group().name()).toList());
    Driver top = drivers.get(0);
    assertEquals(1, top.rank());
    assertEquals(List.of(NEAR_DUPLICATE), top.group().similar());
    assertTrue(top.coefficient() > 1, "penalised coefficient " + top.coefficient());
    double byHand =
        ((double) planted2x2[0][0] / planted2x2[0][1])
            / ((double) planted2x2[1][0] / planted2x2[1][1]);
    assertEquals(7.5, byHand, 1e-9);
    assertNotNull(top.refitLower());
    double refit = Math.exp(top.refitCoefficient());
    assertTrue(
        top.refitLower() < byHand && byHand < top.refitUpper(),
        "interval [" + top.refitLower() + ", " + top.refitUpper() + "] of " + refit);
    assertTrue(top.refitP() < 1e-6, "p " + top.refitP());
    // The pair makes no difference (same rates in both halves): its interval holds 1.
    Driver pair = drivers.get(2);
    if (pair.refitLower() != null) {
      assertTrue(pair.refitLower() < 1 && 1 < pair.refitUpper());
    }
    assertNotNull(app.fit().auc());
    assertTrue(app.fit().auc() > 0.6, "AUC " + app.fit().auc());
  }

  @Test
  void theStageMarksTheGroupsThatAKeptSegmentShares() {
    PolkuConfig.RootCauseOptions o = SparkTest.config(Path.of("/tmp/unused")).rootCause();
    assertEquals(o.minSupport(), o.driverMinSupport());
    List<SegmentSearch.ScopeSize> sizes =
        List.of(
            new SegmentSearch.ScopeSize("app", "csat", 400L, 110L),
            new SegmentSearch.ScopeSize("web", "nps", 50L, 0L));
    Segment kept =
        new Segment(
            "app/csat/" + PLANTED,
            "app",
            "csat",
            List.of(PLANTED),
            100,
            60,
            0.6,
            0.5,
            0.7,
            0.17,
            3.6,
            0.43,
            1e-12,
            "z",
            1e-10,
            43,
            0.39,
            110,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            true,
            "kept",
            1,
            1);
    List<String> warnings = new ArrayList<>();
    Date run = Date.valueOf("2026-10-30");
    List<Row> rows =
        RootCauseStage.drivers(
                spark, responses, sizes, o, run, run, "r1", warnings, List.of(kept), line -> {})
            .orderBy("rank")
            .collectAsList();
    assertEquals(Tables.ROOT_CAUSE_DRIVERS.schema().fieldNames().length, rows.get(0).size());
    Row first = rows.get(0);
    assertEquals(DUPLICATE + " | " + PLANTED, first.getAs("condition"));
    assertEquals(true, first.getAs("in_kept_segment"));
    assertEquals("app/csat/" + PLANTED, first.getAs("kept_segment_id"));
    assertEquals(0.6, first.<Double>getAs("critical_rate_with"), 1e-12);
    assertEquals(50.0 / 300, first.<Double>getAs("critical_rate_without"), 1e-12);
    assertNotNull(first.getAs("refit_odds_ratio_lower"));
    for (Row r : rows.subList(1, rows.size())) {
      assertEquals(false, r.getAs("in_kept_segment"));
      assertNull(r.getAs("kept_segment_id"));
    }
    assertEquals(3, rows.size());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }
}
