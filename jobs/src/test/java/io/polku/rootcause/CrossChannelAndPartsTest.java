package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.rootcause.SegmentStatistics.Candidate;
import io.polku.rootcause.SegmentStatistics.Cell;
import io.polku.rootcause.SegmentStatistics.Segment;
import io.polku.stats.BreslowDay;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cross-channel scope's expectation and gate, the coverage limit, and distinct causes inside a
 * vaguer union, on hand-made counts (the arithmetic is in the comments). The Breslow-Day references
 * were computed with statsmodels 0.15.0 ({@code
 * StratifiedTable(tables).test_equal_odds(adjust=True)}), an implementation independent of ours.
 */
class CrossChannelAndPartsTest {
  private static final SegmentStatistics.Settings SETTINGS =
      new SegmentStatistics.Settings(0.05, 10, 10, 0.8);

  private static Cell cell(String channel, long n, long x) {
    return new Cell(channel, "csat", n, x, 0, 0, 0, 0, 0);
  }

  private static Map<String, Segment> byConditions(List<Segment> segments) {
    Map<String, Segment> m = new HashMap<>();
    for (Segment s : segments) {
      m.put(String.join("&", s.conditions()), s);
    }
    return m;
  }

  /*
   * Chat 1000 / 440 critical (44%), phone 2000 / 180 (9%), web 1000 / 300 (30%): 4000 / 920.
   * end=success holds for 970 chat (420 critical), 1950 phone (170), 960 web (290): 3880 of
   * 4000 responses (97%), 880 critical (22.7%).
   * Expected from each channel's own rate: 970 x 0.44 + 1950 x 0.09 + 960 x 0.30
   * = 426.8 + 175.5 + 288 = 890.3, i.e. 22.946% of 3880; excess 880 - 890.3 = -10.3.
   */
  @Test
  void theCrossChannelExpectationUsesEachChannelsOwnRateAndTheLabelSaysTheSame() {
    List<Cell> totals =
        List.of(cell("chat", 1000, 440), cell("phone", 2000, 180), cell("web", 1000, 300));
    Candidate success =
        new Candidate(
            "*",
            "*",
            List.of("end=success"),
            List.of(cell("chat", 970, 420), cell("phone", 1950, 170), cell("web", 960, 290)));
    Segment s = SegmentStatistics.evaluate(List.of(success), totals, SETTINGS).get(0);
    assertEquals(3880, s.responses());
    assertEquals(880, s.critical());
    assertEquals(890.3 / 3880, s.rateOutside(), 1e-12);
    assertEquals(-10.3, s.excess(), 1e-9);
    String label =
        Labels.label(
            s.channel(),
            s.metric(),
            s.conditions(),
            s.rate(),
            s.rateOutside(),
            s.responses(),
            s.shareExplained(),
            Map.of());
    assertTrue(label.contains("23% critical vs 23% expected from each channel's own rate"), label);
    assertTrue(!s.kept(), s.status());
  }

  /*
   * Phone CSAT 1000 / 300. A condition on 900 responses (90% > max-coverage 0.8) with 290
   * critical (32.2%) vs 100 / 10 outside: z-test highly significant, yet it describes nearly
   * every response: covers_nearly_all.
   */
  @Test
  void aConditionOnNearlyEveryResponseIsNotASegment() {
    Candidate broad =
        new Candidate("phone", "csat", List.of("end=success"), List.of(cell("phone", 900, 290)));
    Segment s =
        SegmentStatistics.evaluate(List.of(broad), List.of(cell("phone", 1000, 300)), SETTINGS)
            .get(0);
    assertTrue(s.pValue() < 1e-4, "significant on its own: " + s.pValue());
    assertEquals("covers_nearly_all", s.status());
  }

  /*
   * Chat 1000 / 200, phone 1000 / 100.
   *   consistent: chat 100 / 60 (outside 900 / 140), phone 100 / 40 (outside 900 / 60):
   *     odds ratios 8.14 and 9.33; Breslow-Day (Tarone) 0.16978, p 0.6803 -> kept.
   *   heterogeneous: chat 100 / 60, phone 200 / 30 (outside 800 / 70): odds ratios 8.14 and
   *     1.84, both above 1, excess 44.4 and 30 - 200 x 70/800 = 12.5 (chat 78% of it);
   *     Breslow-Day 21.713, p 3.17e-6 -> inconsistent_across_channels.
   *   opposite: chat 100 / 60, phone 100 / 5 (5% vs 95/900 = 10.6% outside): phone points the
   *     other way -> inconsistent_across_channels.
   *   one channel: chat 100 / 60, phone 3 / 1 (fewer than 5 responses): single_channel.
   *   one channel carries it: chat 100 / 60 (excess 60 - 100 x 140/900 = 44.4), phone 100 / 11
   *     (excess 11 - 100 x 89/900 = 1.11): 44.4 / 45.6 = 97.6% > 90% -> single_channel.
   */
  @Test
  void aCrossChannelSegmentNeedsTwoChannelsInTheSameDirectionWithoutHeterogeneity() {
    Map<String, Cell> totals =
        Map.of(
            cell("chat", 0, 0).key(),
            cell("chat", 1000, 200),
            cell("phone", 0, 0).key(),
            cell("phone", 1000, 100));
    assertNull(status(totals, cell("chat", 100, 60), cell("phone", 100, 40)));
    assertEquals(
        "inconsistent_across_channels",
        status(totals, cell("chat", 100, 60), cell("phone", 200, 30)));
    assertEquals(
        "inconsistent_across_channels",
        status(totals, cell("chat", 100, 60), cell("phone", 100, 5)));
    assertEquals("single_channel", status(totals, cell("chat", 100, 60), cell("phone", 3, 1)));
    assertEquals("single_channel", status(totals, cell("chat", 100, 60)));
    assertEquals("single_channel", status(totals, cell("chat", 100, 60), cell("phone", 100, 11)));
  }

  private static String status(Map<String, Cell> totals, Cell... cells) {
    return SegmentStatistics.crossChannelStatus(
        new Candidate("*", "*", List.of("x"), List.of(cells)), totals, 0.05);
  }

  @Test
  void breslowDayMatchesAnIndependentImplementation() {
    var consistent =
        BreslowDay.test(
            List.of(new BreslowDay.Table(60, 40, 140, 760), new BreslowDay.Table(40, 60, 60, 840)));
    assertEquals(8.608695652173914, consistent.mantelHaenszelOddsRatio(), 1e-12);
    assertEquals(0.16978318481684407, consistent.statistic(), 1e-9);
    assertEquals(0.6803045700896935, consistent.pValue(), 1e-9);
    assertEquals(1, consistent.degreesOfFreedom());
    var three =
        BreslowDay.test(
            List.of(
                new BreslowDay.Table(60, 40, 140, 760),
                new BreslowDay.Table(12, 88, 88, 812),
                new BreslowDay.Table(30, 20, 100, 300)));
    assertEquals(4.235558664801119, three.mantelHaenszelOddsRatio(), 1e-12);
    assertEquals(23.772817168267704, three.statistic(), 1e-8);
    assertEquals(6.88332605824904e-06, three.pValue(), 1e-12);
    assertEquals(2, three.degreesOfFreedom());
    // One informative stratum: nothing to test.
    assertEquals(
        1.0,
        BreslowDay.test(
                List.of(new BreslowDay.Table(60, 40, 140, 760), new BreslowDay.Table(0, 0, 10, 90)))
            .pValue(),
        0);
  }

  /*
   * Shop NPS 10000 responses / 3250 critical. U = upstream_failure_channel=shop (any failed
   * web-shop step) 3257 / 2498 is made of A = upstream_failure=shop:delivery:missing 2913 /
   * 2272 and B = upstream_failure=shop:delivery:late 346 / 228; A and B share 2 responses, 2
   * critical (2913 + 346 - 2 = 3257, 2272 + 228 - 2 = 2498).
   *   excess: U 2498 - 3257 x 752/6743 = 2134.8; A 2272 - 2913 x 978/7087 = 1870.0;
   *           B 228 - 346 x 3022/9654 = 119.7. Walk order U, A, B.
   *   A vs U: nothing of A outside U; U minus A (344 / 226) is critical far more often than
   *     neither (6743 / 752), so U is not a blurred A; A is more detailed and A (78%) is
   *     critical more often than neither (11%): a part of U, shown.
   *   B vs U: the same, a part of U (66% vs 11%); B vs A: B minus A (344 / 226) beyond neither.
   *   U minus both parts: 3257 - 2913 - 346 + 2 = 0 responses: U is explained by its parts.
   * Before this rule, B went to root_cause_pruned as overlaps_higher_ranked of U.
   */
  @Test
  void distinctCausesInsideAVaguerUnionAreShownAndTheUnionIsExplainedByThem() {
    Map<String, Segment> r = rankUnion(3257, 2498);
    String u = U;
    String a = A;
    String b = B;
    String aid = "shop/csat/" + A;
    assertEquals(2134.8, r.get(u).excess(), 0.05);
    assertEquals(1870.0, r.get(a).excess(), 0.05);
    assertEquals(119.7, r.get(b).excess(), 0.05);
    assertEquals("kept", r.get(a).status());
    assertEquals(1, r.get(a).rank());
    assertEquals("kept", r.get(b).status());
    assertEquals(2, r.get(b).rank());
    assertEquals("explained_by_parts", r.get(u).status());
    assertEquals(aid, r.get(u).parentId());
  }

  /*
   * The same, but U also holds 400 more responses (200 critical, 50%) outside both parts:
   * U = 3657 / 2698. What the parts leave (400 / 200) is critical far more often than the
   * responses outside U (6343 / 552): U stays, beside its two parts.
   */
  @Test
  void aUnionWithSignalOfItsOwnBeyondItsPartsStaysBesideThem() {
    Map<String, Segment> r = rankUnion(3657, 2698);
    String u = U;
    String a = A;
    String b = B;
    assertEquals("kept", r.get(u).status());
    assertEquals("kept", r.get(a).status());
    assertEquals("kept", r.get(b).status());
  }

  private static final String U = "upstream_failure_channel=shop";
  private static final String A = "upstream_failure=shop:delivery:missing";
  private static final String B = "upstream_failure=shop:delivery:late";

  /** Ranks U (n / x as given), A and B over shop 10000 / 3250 with A, B inside U. */
  private static Map<String, Segment> rankUnion(long uN, long uX) {
    Candidate cu = new Candidate("shop", "csat", List.of(U), List.of(cell("shop", uN, uX)));
    Candidate ca = new Candidate("shop", "csat", List.of(A), List.of(cell("shop", 2913, 2272)));
    Candidate cb = new Candidate("shop", "csat", List.of(B), List.of(cell("shop", 346, 228)));
    List<Candidate> all = List.of(cu, ca, cb);
    List<Cell> totals = List.of(cell("shop", 10000, 3250));
    String uid = "shop/csat/" + U;
    String aid = "shop/csat/" + A;
    String bid = "shop/csat/" + B;
    Map<String, List<Cell>> pairs =
        Map.of(
            aid + "\n" + uid, List.of(cell("shop", 2913, 2272)),
            bid + "\n" + uid, List.of(cell("shop", 346, 228)),
            aid + "\n" + bid, List.of(cell("shop", 2, 2)));
    List<Segment> tested = SegmentStatistics.test(all, totals, SETTINGS);
    return byConditions(
        SegmentStatistics.rank(
            tested,
            all,
            totals,
            SETTINGS,
            SegmentStatistics.Overlaps.of(Set.of(uid, aid, bid), pairs)));
  }
}
