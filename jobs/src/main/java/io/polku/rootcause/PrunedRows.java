package io.polku.rootcause;

import io.polku.rootcause.SegmentStatistics.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rows of {@code root_cause_pruned}: the segments that passed q but are not ranked, with their
 * reason, at most {@code perParent} per parent. One strong cause has hundreds of correlated
 * supersets and permutations that all pass q and are all explained by the same kept segment; a few
 * of them, the largest by excess, say as much as all of them.
 *
 * <p>Pure; cost: one sort of the pruned segments.
 */
public final class PrunedRows {
  private PrunedRows() {}

  /** The rows to write, in the order given, and how many passed q in all. */
  public record Selection(List<Segment> rows, int total) {
    public Selection {
      rows = List.copyOf(rows);
    }

    public int dropped() {
      return total - rows.size();
    }

    /** "root_cause_pruned: kept N of M pruned rows (at most K per parent)". */
    public String summary(int perParent) {
      return String.format(
          Locale.ROOT,
          "root_cause_pruned: kept %,d of %,d pruned rows (at most"
              + " %d per parent, polku.rootcause.max-pruned-per-parent)",
          rows.size(),
          total,
          perParent);
    }
  }

  /**
   * The pruned rows of {@code segments} (every segment tested; the kept ones and those that did not
   * pass q, {@code not_significant}, {@code lower_rate} and {@code below_min_support}, are never
   * pruned rows): those with a status of {@link RootCauseStage#REPORTED} (each of which passed q,
   * had lift &gt; 1 and min-support critical responses), grouped by the kept segment their chain of
   * parents leads to (rows whose chain reaches no kept segment by their scope, channel and metric),
   * the {@code perParent} with the largest excess of each group (ties: segment id).
   */
  public static Selection select(List<Segment> segments, int perParent) {
    List<Segment> pruned =
        segments.stream()
            .filter(s -> !s.kept() && RootCauseStage.REPORTED.contains(s.status()))
            .toList();
    Map<String, Segment> byId = new HashMap<>();
    for (Segment s : segments) {
      byId.put(s.segmentId(), s);
    }
    Map<String, List<Segment>> groups = new HashMap<>();
    for (Segment s : pruned) {
      groups.computeIfAbsent(group(s, byId), k -> new ArrayList<>()).add(s);
    }
    Comparator<Segment> byExcess =
        Comparator.comparingDouble(Segment::excess).reversed().thenComparing(Segment::segmentId);
    Set<String> chosen = new HashSet<>();
    for (List<Segment> g : groups.values()) {
      g.stream().sorted(byExcess).limit(perParent).forEach(s -> chosen.add(s.segmentId()));
    }
    return new Selection(
        pruned.stream().filter(s -> chosen.contains(s.segmentId())).toList(), pruned.size());
  }

  /**
   * The kept segment a pruned row leads to through its chain of parents (a row explained by a
   * pruned row is grouped with that row's kept ancestor), or its scope when the chain ends before a
   * kept segment.
   */
  private static String group(Segment s, Map<String, Segment> byId) {
    Set<String> seen = new HashSet<>();
    Segment at = s;
    while (at.parentId() != null && seen.add(at.segmentId())) {
      Segment parent = byId.get(at.parentId());
      if (parent == null) {
        break;
      }
      if (parent.kept()) {
        return "parent\u0000" + parent.segmentId();
      }
      at = parent;
    }
    return "scope\u0000" + s.channel() + "\u0000" + s.metric();
  }
}
