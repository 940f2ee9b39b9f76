package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.rootcause.SegmentStatistics.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pruned segments root_cause_pruned keeps, on hand-made segments (no Spark). */
class PrunedRowsTest {
  /*
   * app/nps: kept A and B. 25 supersets of A explained by it (excess 1..25), 3 segments that
   * overlap B (excess 7, 8, 9), one beyond_top_n without a parent (excess 4). web/csat: two
   * scope_not_significant without a parent (excess 3 and 3: the tie goes to the smaller id).
   * Never pruned rows, whatever their excess: not_significant (q = 0.2), lower_rate and
   * below_min_support.
   */
  private static List<Segment> segments() {
    List<Segment> all = new ArrayList<>();
    all.add(seg("app/nps/a", "kept", null, 50, 0.001));
    all.add(seg("app/nps/b", "kept", null, 40, 0.001));
    for (int e = 1; e <= 25; e++) {
      all.add(
          seg(String.format("app/nps/a&x%02d", e), "explained_by_parent", "app/nps/a", e, 0.01));
    }
    for (int e = 7; e <= 9; e++) {
      all.add(seg("app/nps/o" + e, "overlaps_higher_ranked", "app/nps/b", e, 0.02));
    }
    all.add(seg("app/nps/t", "beyond_top_n", null, 4, 0.03));
    all.add(seg("web/csat/s2", "scope_not_significant", null, 3, 0.04));
    all.add(seg("web/csat/s1", "scope_not_significant", null, 3, 0.04));
    all.add(seg("app/nps/n", "not_significant", null, 100, 0.2));
    all.add(seg("app/nps/l", "lower_rate", null, 90, 0.01));
    all.add(seg("app/nps/m", "below_min_support", null, 80, 0.01));
    return all;
  }

  @Test
  void atMostNPerParentByExcessAndTheTotalIsCounted() {
    PrunedRows.Selection s = PrunedRows.select(segments(), 20);
    assertEquals(31, s.total(), "25 + 3 + 1 + 2 passed q and are not ranked");
    assertEquals(26, s.rows().size());
    assertEquals(5, s.dropped());
    List<String> ids = ids(s);
    for (int e = 1; e <= 25; e++) {
      assertEquals(e > 5, ids.contains(String.format("app/nps/a&x%02d", e)), "excess " + e);
    }
    assertTrue(
        ids.containsAll(
            List.of(
                "app/nps/o7",
                "app/nps/o8",
                "app/nps/o9",
                "app/nps/t",
                "web/csat/s1",
                "web/csat/s2")),
        ids.toString());
    assertEquals(
        "root_cause_pruned: kept 26 of 31 pruned rows (at most 20 per parent,"
            + " polku.rootcause.max-pruned-per-parent)",
        s.summary(20));
    // In the order given (the ranking's), each with its reason.
    assertEquals("app/nps/a&x06", ids.get(0));
    assertEquals("explained_by_parent", s.rows().get(0).status());
  }

  @Test
  void rowsWithoutAParentAreCappedPerScope() {
    PrunedRows.Selection s = PrunedRows.select(segments(), 1);
    assertEquals(List.of("app/nps/a&x25", "app/nps/o9", "app/nps/t", "web/csat/s1"), ids(s));
    assertEquals(31, s.total());
  }

  /*
   * Rows explained by pruned rows count for the kept segment their chain leads to: with
   * a&x25 (parent A) parenting 30 more rows (excess 100..129), A's group holds 25 + 30 = 55
   * rows and keeps the 20 largest (the 30 grandchildren have excess 100..129: the 20 from 110
   * to 129). A chain that ends in a segment that is not in the list goes to the scope.
   */
  @Test
  void rowsExplainedByPrunedRowsCountForTheKeptAncestor() {
    List<Segment> all = segments();
    for (int e = 100; e < 130; e++) {
      all.add(seg("app/nps/a&x25&y" + e, "explained_by_parent", "app/nps/a&x25", e, 0.01));
    }
    all.add(seg("web/csat/z", "explained_by_parent", "web/csat/gone", 1000, 0.01));
    PrunedRows.Selection s = PrunedRows.select(all, 20);
    List<String> ids = ids(s);
    assertEquals(62, s.total());
    for (int e = 100; e < 130; e++) {
      assertEquals(e >= 110, ids.contains("app/nps/a&x25&y" + e), "excess " + e);
    }
    assertTrue(
        ids.stream().noneMatch(i -> i.startsWith("app/nps/a&x") && !i.contains("&y")),
        "the children of A with smaller excess are left out: " + ids);
    assertTrue(ids.contains("web/csat/z"), "grouped with its scope's parentless rows");
    assertEquals(20 + 3 + 1 + 3, ids.size(), "A's 20, B's 3, app/nps's 1, web/csat's 3");
  }

  @Test
  void keptAndFailedSegmentsAreNeverPrunedRows() {
    List<String> ids = ids(PrunedRows.select(segments(), 1000));
    assertEquals(31, ids.size());
    for (String id : List.of("app/nps/a", "app/nps/b", "app/nps/n", "app/nps/l", "app/nps/m")) {
      assertTrue(!ids.contains(id), id);
    }
    assertEquals(0, PrunedRows.select(List.of(), 20).total());
  }

  private static List<String> ids(PrunedRows.Selection s) {
    return s.rows().stream().map(Segment::segmentId).toList();
  }

  private static Segment seg(String id, String status, String parent, double excess, double q) {
    String[] p = id.split("/", 3);
    return new Segment(
        id,
        p[0],
        p[1],
        List.of(p[2].split("&")),
        100,
        40,
        0.4,
        0.3,
        0.5,
        0.2,
        2.0,
        0.2,
        q / 10,
        "z",
        q,
        excess,
        excess / 200,
        200,
        null,
        null,
        null,
        null,
        null,
        parent,
        parent == null ? null : 0.5,
        "kept".equals(status),
        status,
        null,
        null);
  }
}
