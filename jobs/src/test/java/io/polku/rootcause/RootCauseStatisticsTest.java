package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.rootcause.SegmentStatistics.Candidate;
import io.polku.rootcause.SegmentStatistics.Cell;
import io.polku.rootcause.SegmentStatistics.Segment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeping, pruning and ranking on hand-made segment counts. Every expected number was worked out by
 * hand (the arithmetic is in the comments).
 */
class RootCauseStatisticsTest {
  private static final SegmentStatistics.Settings SETTINGS =
      new SegmentStatistics.Settings(0.05, 10, 10);

  private static Cell phone(long n, long x) {
    return new Cell("phone", "csat", n, x, 3.0 * n, 0.5 * n, 0, 0, 0);
  }

  private static Candidate candidate(List<String> conditions, Cell... cells) {
    return new Candidate(cells[0].channel(), cells[0].metric(), conditions, List.of(cells));
  }

  private static Map<String, Segment> byConditions(List<Segment> segments) {
    Map<String, Segment> m = new HashMap<>();
    for (Segment s : segments) {
      m.put(String.join("&", s.conditions()), s);
    }
    return m;
  }

  /*
   * Phone CSAT: 1000 responses, 200 critical.
   *   a      : 200 responses, 100 critical (50%); outside 800 / 100 = 12.5%; excess 100-25 = 75
   *   a & b  : 100 / 52 vs the rest of a 100 / 48: z = 0.04 / sqrt(.25 * .02) = 0.566,
   *            one-sided p = 0.286 -> explained by its parent a
   *   a & c  :  50 / 45 vs the rest of a 150 / 55: z = 0.5333 / 0.08165 = 6.53 -> kept;
   *            outside 950 / 155 = 16.3%; excess 45 - 50 * 155/950 = 36.84
   *   d      : 100 / 22 vs 900 / 178: 22% vs 19.8%, z = 0.53, not significant
   */
  private List<Segment> fixture() {
    List<Candidate> candidates =
        List.of(
            candidate(List.of("a"), phone(200, 100)),
            candidate(List.of("a", "b"), phone(100, 52)),
            candidate(List.of("c", "a"), phone(50, 45)),
            candidate(List.of("d"), phone(100, 22)));
    return SegmentStatistics.evaluate(candidates, List.of(phone(1000, 200)), SETTINGS);
  }

  @Test
  void aChildWithoutSignificantGainOverItsParentIsExplainedByIt() {
    Map<String, Segment> s = byConditions(fixture());
    Segment ab = s.get("a&b");
    assertEquals("explained_by_parent", ab.status());
    assertFalse(ab.kept());
    assertEquals("phone/csat/a", ab.parentId());
    assertEquals(0.286, ab.pVsParent(), 0.001);
    assertNull(ab.rank());
  }

  @Test
  void aChildThatBeatsItsParentIsKeptAndRankedByExcess() {
    Map<String, Segment> s = byConditions(fixture());
    Segment a = s.get("a");
    Segment ac = s.get("a&c");
    assertEquals("kept", a.status());
    assertEquals("kept", ac.status());
    assertEquals("phone/csat/a", ac.parentId());
    assertTrue(ac.pVsParent() < 1e-6);
    assertEquals(75.0, a.excess(), 1e-9);
    assertEquals(4.0, a.lift(), 1e-12);
    assertEquals(0.375, a.riskDifference(), 1e-12);
    assertEquals(75.0 / 200, a.shareExplained(), 1e-12);
    assertEquals(45 - 50 * 155.0 / 950, ac.excess(), 1e-9);
    assertEquals(1, a.rank());
    assertEquals(2, ac.rank());
    assertEquals(1, a.overallRank());
    assertEquals("z", a.test());
  }

  @Test
  void aSmallDifferenceIsNotSignificant() {
    Segment d = byConditions(fixture()).get("d");
    assertEquals("not_significant", d.status());
    assertTrue(d.qValue() > 0.05);
  }

  @Test
  void theCrossChannelScopeComparesWithinEachChannel() {
    // Chat 100 / 50 critical, phone 900 / 90. The condition x has the channel's own rate in
    // both (chat 50 / 25, phone 100 / 10): pooled it looks like 35/150 = 23% vs 105/850 = 12%,
    // stratified there is no difference at all (CMH z = 0, expected = 25 + 10 = 35).
    Cell chatTotal = new Cell("chat", "csat", 100, 50, 0, 0, 0, 0, 0);
    Cell phoneTotal = new Cell("phone", "csat", 900, 90, 0, 0, 0, 0, 0);
    Candidate x =
        new Candidate(
            "*",
            "*",
            List.of("x"),
            List.of(
                new Cell("chat", "csat", 50, 25, 0, 0, 0, 0, 0),
                new Cell("phone", "csat", 100, 10, 0, 0, 0, 0, 0)));
    Segment s =
        SegmentStatistics.evaluate(List.of(x), List.of(chatTotal, phoneTotal), SETTINGS).get(0);
    assertEquals("cmh", s.test());
    assertEquals(1.0, s.pValue(), 1e-12);
    assertEquals(0.0, s.excess(), 1e-9);
    assertEquals(1.0, s.lift(), 1e-12);
    assertFalse(s.kept());
  }

  /*
   * Overlaps, phone CSAT 1000 / 200. T = peak=3 (110 / 52) contains D = upstream_failure_channel
   * =app (90 / 48) and S = upstream_failure=app:billing:self_service (86 / 47); D and S share
   * 84 responses, 46 critical.
   *   excess: T 52 - 110 * 148/890 = 33.7, D 48 - 90 * 152/910 = 33.0, S 47 - 86 * 153/914 = 32.6
   *   Neither T nor the others: 890 responses, 148 critical (16.6%).
   *   D vs T: D minus T is empty (adds nothing); T minus D = 20 / 4 (20%) is not critical more
   *           often than neither (Fisher, p > 0.3): all of T's signal is in D, and D is more
   *           detailed (a failure's channel rather than a peak) -> D is shown, T withdrawn.
   *   S vs D: S minus D = 2 / 1 adds nothing; D minus S = 6 / 2 (33%) vs neither 908 / 151
   *           (16.6%): not significant (Fisher) -> S, the more detailed description
   *           (touchpoint and type), is shown; D is withdrawn and T now points to S.
   */
  @Test
  void overlappingSegmentsShowTheSharpestOnce() {
    Candidate t = candidate(List.of("peak=3"), phone(110, 52));
    Candidate d = candidate(List.of("upstream_failure_channel=app"), phone(90, 48));
    Candidate s = candidate(List.of("upstream_failure=app:billing:self_service"), phone(86, 47));
    List<Candidate> all = List.of(t, d, s);
    List<Cell> totals = List.of(phone(1000, 200));
    Map<String, List<Cell>> pairs = new HashMap<>();
    String tId = "phone/csat/peak=3";
    String dId = "phone/csat/upstream_failure_channel=app";
    String sId = "phone/csat/upstream_failure=app:billing:self_service";
    pairs.put(dId + "\n" + tId, List.of(phone(90, 48)));
    pairs.put(sId + "\n" + tId, List.of(phone(86, 47)));
    pairs.put(dId + "\n" + sId, List.of(phone(84, 46)));
    List<Segment> tested = SegmentStatistics.test(all, totals, SETTINGS);
    Map<String, Segment> r =
        byConditions(
            SegmentStatistics.rank(
                tested,
                all,
                totals,
                SETTINGS,
                SegmentStatistics.Overlaps.of(java.util.Set.of(tId, dId, sId), pairs)));
    Segment peak = r.get("peak=3");
    Segment app = r.get("upstream_failure_channel=app");
    Segment billing = r.get("upstream_failure=app:billing:self_service");
    assertEquals("kept", billing.status());
    assertEquals(1, billing.rank());
    assertEquals("overlaps_higher_ranked", app.status());
    assertEquals(sId, app.parentId());
    assertEquals("overlaps_higher_ranked", peak.status());
    assertEquals(sId, peak.parentId());
    assertNull(peak.rank());
  }

  /*
   * A blurred finding with a chance surplus. Phone CSAT 570 / 124: S = upstream_failure=app:
   * billing:self_service 86 / 47 lies inside T = peak=3 259 / 82; T minus S 173 / 35 (20.2%),
   * neither 311 / 42 (13.5%).
   *   excess: T 82 - 259 * 42/311 = 47.02 (ranked first), S 47 - 86 * 77/484 = 33.32
   *   T minus S vs neither: pooled 77/484, z = 0.06725 / sqrt(0.15909 * 0.84091 * (1/173 +
   *   1/311)) = 1.9389, one-sided p = 0.02625: below maxQ = 0.05, not below 0.05 / 2 (two
   *   segments compared). So T's surplus beyond S does not count: S, the more detailed
   *   description, is shown and T withdrawn. (At 0.05 both would be shown, T first, because
   *   S is a sharper core of T: 47/86 vs 35/173, z = 5.61.)
   */
  @Test
  void aChanceSurplusDoesNotKeepABlurredFindingAboveItsSharpCore() {
    Candidate t = candidate(List.of("peak=3"), phone(259, 82));
    Candidate s = candidate(List.of("upstream_failure=app:billing:self_service"), phone(86, 47));
    List<Candidate> all = List.of(t, s);
    List<Cell> totals = List.of(phone(570, 124));
    String tId = "phone/csat/peak=3";
    String sId = "phone/csat/upstream_failure=app:billing:self_service";
    Map<String, List<Cell>> pairs = Map.of(sId + "\n" + tId, List.of(phone(86, 47)));
    SegmentStatistics.Overlap o =
        SegmentStatistics.overlap(
            s, t, List.of(phone(86, 47)), Map.of(phone(570, 124).key(), phone(570, 124)));
    assertEquals(0.026254, o.tBeyondS(), 1e-6);
    assertEquals(1.0, o.sBeyondT(), 0);
    List<Segment> tested = SegmentStatistics.test(all, totals, SETTINGS);
    Map<String, Segment> r =
        byConditions(
            SegmentStatistics.rank(
                tested,
                all,
                totals,
                SETTINGS,
                SegmentStatistics.Overlaps.of(java.util.Set.of(tId, sId), pairs)));
    assertEquals(47.0225, r.get("peak=3").excess(), 1e-4);
    assertEquals(33.3182, r.get("upstream_failure=app:billing:self_service").excess(), 1e-4);
    assertEquals("kept", r.get("upstream_failure=app:billing:self_service").status());
    assertEquals(1, r.get("upstream_failure=app:billing:self_service").rank());
    assertEquals("overlaps_higher_ranked", r.get("peak=3").status());
    assertEquals(sId, r.get("peak=3").parentId());
  }

  @Test
  void properSubsetsOfThreeConditions() {
    assertEquals(6, SegmentStatistics.properSubsets(List.of("a", "b", "c")).size());
  }

  /*
   * The scope gate. Phone CSAT 1000 / 200 holds 40 strong segments a1..a40, each 200 / 100 vs
   * 800 / 100: z = 0.375 / sqrt(0.16 * (1/200 + 1/800)) = 11.86, p = 1.9e-32. Web NPS 1000 / 200
   * holds w, 100 / 32 vs 900 / 168: z = 0.13333 / sqrt(0.16 * (1/100 + 1/900)) = 3.1623,
   * p = 0.0015654, and `nulls` segments of 100 / 20 (the scope's rate, z = 0, p = 1).
   *   40 nulls: w is the 41st smallest of 81 p-values: run-wide q = 0.0015654 * 81 / 41
   *   = 0.0030926 < 0.05, but the web scope's Simes p = 0.0015654 * 41 = 0.064181 (the rest give
   *   41 / i >= 1), and BH over the two scopes (phone's p is tiny) leaves it 0.064181 > 0.05:
   *   scope_not_significant.
   *   10 nulls: Simes p = 0.0015654 * 11 = 0.017219 < 0.05: w is kept.
   */
  private static List<Segment> gateFixture(int nulls) {
    List<Candidate> all = new java.util.ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      all.add(candidate(List.of("a" + i), phone(200, 100)));
    }
    all.add(candidate(List.of("w"), web(100, 32)));
    for (int i = 1; i <= nulls; i++) {
      all.add(candidate(List.of("n" + i), web(100, 20)));
    }
    return SegmentStatistics.test(all, List.of(phone(1000, 200), web(1000, 200)), SETTINGS);
  }

  private static Cell web(long n, long x) {
    return new Cell("web", "nps", n, x, 7.0 * n, 0.7 * n, 0, 0, 0);
  }

  @Test
  void aScopeWithoutSignalOfItsOwnDoesNotReportWhatOtherScopesLetThrough() {
    Map<String, Segment> s = byConditions(gateFixture(40));
    Segment w = s.get("w");
    assertEquals(0.0015654, w.pValue(), 1e-7);
    assertEquals(0.0015654 * 81 / 41, w.qValue(), 1e-8);
    assertEquals("scope_not_significant", w.status());
    assertFalse(w.kept());
    assertEquals(
        0.0015654 * 41, SegmentStatistics.scopeQValues(gateFixture(40)).get("web/nps"), 1e-6);
    for (int i = 1; i <= 40; i++) {
      assertEquals("kept", s.get("a" + i).status());
    }
    Segment sameWithFewerTests = byConditions(gateFixture(10)).get("w");
    assertEquals("kept", sameWithFewerTests.status());
    assertEquals(
        0.0015654 * 11, SegmentStatistics.scopeQValues(gateFixture(10)).get("web/nps"), 1e-6);
  }
}
