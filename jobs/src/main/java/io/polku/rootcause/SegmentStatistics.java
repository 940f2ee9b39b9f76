package io.polku.rootcause;

import io.polku.analysis.Conditions;
import io.polku.stats.BreslowDay;
import io.polku.stats.MultipleTesting;
import io.polku.stats.NetPromoter;
import io.polku.stats.Normal;
import io.polku.stats.Proportions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statistics, ranking and pruning of candidate segments: pure Java on the driver, over a table
 * bounded by the number of candidates (times the strata of the cross-channel scope), never by the
 * number of responses. Uses {@link io.polku.stats} for every test and interval.
 *
 * <p><b>Scopes and strata.</b> A segment lives in a scope: a rated channel and metric (e.g.
 * phone/csat), or the cross-channel scope {@code * / *}. Counts are kept per stratum (rated
 * channel, metric). In a channel scope there is one stratum and the segment is compared with the
 * rest of the scope by {@link Proportions#difference} (z-test, Fisher's exact test when an expected
 * count is below 5). In the cross-channel scope the comparison is stratified, so a condition that
 * merely marks a channel with a high base rate is not reported: the expected critical count is the
 * sum over strata of the segment's responses times the stratum's own critical rate (over all its
 * responses: the Cochran-Mantel-Haenszel test's expectation, so the label's "expected from each
 * channel's own rate" and the test agree), and the p-value is the CMH test (1 df, no continuity
 * correction). A cross-channel segment is kept only when at least two rated channels carry it in
 * the same direction, no channel carries nearly all of it, and the Breslow-Day test finds no
 * heterogeneity of its odds ratios across the strata ({@link #crossChannelStatus}); one rated
 * channel's segment is never repeated as a cross-channel one. In every scope, a segment holding
 * more than {@code maxCoverage} of the scope's responses is not a segment ({@code
 * covers_nearly_all}).
 *
 * <p><b>Keeping and pruning.</b> A segment is kept when its Benjamini-Hochberg q-value (over every
 * segment tested in the run, all scopes together) is below {@code maxQ}, its critical rate is above
 * the rate outside (lift &gt; 1), it has at least {@code minSupport} critical responses, and its
 * scope passes the scope gate ({@link #scopeQValues}: Simes' test of the scope's segments, BH over
 * the scopes, below {@code maxQ}; otherwise the status is {@code scope_not_significant}). The gate
 * matters when some scopes hold strong findings: the thousands of correlated segments that describe
 * them raise the run-wide BH threshold, and a scope without any effect would otherwise get chance
 * segments through it. A kept segment is then dropped when a simpler kept segment explains it as
 * well: among its kept proper subsets (its parents), take the one with the highest critical rate;
 * the segment must have a higher rate than the rest of that parent's responses (parent minus
 * segment) at one-sided p &lt; {@code maxQ} (half the two-sided p of the same test, when the
 * difference points the right way). Finally segments are ranked by excess critical responses
 * ({@code critical - responses x rate outside}), skipping a segment that a higher-ranked one of its
 * scope already accounts for (correlated conditions describe the same responses: see {@link
 * #rank}); {@code rank} counts within the rated channel (all its metrics together) and the overall
 * rank over all channel scopes, then the cross-channel scope after them (it summarises what the
 * channel scopes show); the top N per channel are kept.
 */
public final class SegmentStatistics {
  private static final double CONFIDENCE = 0.95;

  private SegmentStatistics() {}

  /** Counts of responses of one stratum (rated channel, metric) in a segment or in total. */
  public record Cell(
      String channel,
      String metric,
      long n,
      long x,
      double sumScore,
      double sumNorm,
      long promoters,
      long passives,
      long detractors) {
    String key() {
      return channel + "\u0000" + metric;
    }

    Cell minus(Cell o) {
      return new Cell(
          channel,
          metric,
          n - o.n,
          x - o.x,
          sumScore - o.sumScore,
          sumNorm - o.sumNorm,
          promoters - o.promoters,
          passives - o.passives,
          detractors - o.detractors);
    }
  }

  /** A candidate: its scope, its conditions (sorted) and its counts per stratum. */
  public record Candidate(
      String scopeChannel, String scopeMetric, List<String> conditions, List<Cell> cells) {
    public Candidate {
      conditions = conditions.stream().sorted().toList();
      cells = List.copyOf(cells);
    }

    String scope() {
      return scopeChannel + "/" + scopeMetric;
    }
  }

  /** The result of comparing a group with another, possibly stratified. */
  public record Comparison(double statistic, double pValue, String test, double expected) {}

  /** One evaluated segment. Rates are shares in [0, 1]. */
  public record Segment(
      String segmentId,
      String channel,
      String metric,
      List<String> conditions,
      long responses,
      long critical,
      double rate,
      double rateLower,
      double rateUpper,
      double rateOutside,
      Double lift,
      double riskDifference,
      double pValue,
      String test,
      double qValue,
      double excess,
      double shareExplained,
      long scopeCritical,
      Double scoreMean,
      Double scoreMeanOutside,
      Double nps,
      Double npsLower,
      Double npsUpper,
      String parentId,
      Double pVsParent,
      boolean kept,
      String status,
      Integer rank,
      Integer overallRank) {
    Segment with(boolean kept, String status, String parentId, Double pVsParent) {
      return copy(kept, status, parentId, pVsParent, rank, overallRank);
    }

    Segment ranked(Integer rank, Integer overallRank) {
      return copy(kept, status, parentId, pVsParent, rank, overallRank);
    }

    /** This segment's estimates with another verdict and rank. */
    private Segment copy(
        boolean kept,
        String status,
        String parentId,
        Double pVsParent,
        Integer rank,
        Integer overallRank) {
      return new Segment(
          segmentId,
          channel,
          metric,
          conditions,
          responses,
          critical,
          rate,
          rateLower,
          rateUpper,
          rateOutside,
          lift,
          riskDifference,
          pValue,
          test,
          qValue,
          excess,
          shareExplained,
          scopeCritical,
          scoreMean,
          scoreMeanOutside,
          nps,
          npsLower,
          npsUpper,
          parentId,
          pVsParent,
          kept,
          status,
          rank,
          overallRank);
    }

    boolean crossChannel() {
      return "*".equals(channel);
    }
  }

  /**
   * Settings of {@link #evaluate}.
   *
   * @param maxCoverage the largest share of its scope's responses a segment may hold: a condition
   *     that nearly every response has (e.g. "the last step succeeded") describes the scope, not a
   *     cause, and its rate outside rests on the few responses left over
   */
  public record Settings(double maxQ, int minSupport, int topN, double maxCoverage) {
    public Settings(double maxQ, int minSupport, int topN) {
      this(maxQ, minSupport, topN, 1.0);
    }
  }

  /**
   * A cross-channel segment is shown only when at least this many rated channels carry it (see
   * {@link #crossChannelStatus}).
   */
  static final int MIN_CROSS_CHANNELS = 2;

  /** Responses a channel needs in a segment for its direction to count. */
  static final int MIN_CHANNEL_RESPONSES = 5;

  /** The largest share of a cross-channel segment's excess one channel may carry. */
  static final double MAX_CHANNEL_SHARE = 0.9;

  /** A stable id of a segment: scope and conditions. */
  public static String segmentId(String channel, String metric, List<String> conditions) {
    return channel + "/" + metric + "/" + String.join("&", conditions.stream().sorted().toList());
  }

  /**
   * Computes every candidate's statistics, the q-values over all of them, keeps and prunes, then
   * ranks without overlap information (every kept segment is assumed distinct). Returns every
   * candidate (kept or not, with its status) in ranking order.
   *
   * @param candidates the candidates with their per-stratum counts
   * @param totals the per-stratum totals of all responses analysed
   */
  public static List<Segment> evaluate(
      List<Candidate> candidates, List<Cell> totals, Settings settings) {
    return rank(test(candidates, totals, settings), candidates, totals, settings, Overlaps.NONE);
  }

  /** Statistics, q-values, keeping and pruning (no ranking): every candidate with its status. */
  public static List<Segment> test(
      List<Candidate> candidates, List<Cell> totals, Settings settings) {
    Map<String, Cell> total = totalsByKey(totals);
    List<Segment> segments = new ArrayList<>();
    Map<String, Candidate> byId = byId(candidates);
    for (Candidate c : candidates) {
      segments.add(describe(c, total));
    }
    double[] p = segments.stream().mapToDouble(Segment::pValue).toArray();
    double[] q = MultipleTesting.benjaminiHochberg(p);
    Map<String, Double> scopeQ = scopeQValues(segments);
    List<Segment> withQ = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      boolean significant = q[i] < settings.maxQ();
      boolean higher = s.rate() > s.rateOutside();
      boolean supported = s.critical() >= settings.minSupport();
      boolean scopeSignificant = scopeQ.get(s.channel() + "/" + s.metric()) < settings.maxQ();
      long scopeN = scopeResponses(s.channel(), s.metric(), total);
      boolean tooBroad = scopeN > 0 && (double) s.responses() / scopeN > settings.maxCoverage();
      String status =
          !supported
              ? "below_min_support"
              : !significant
                  ? "not_significant"
                  : !higher
                      ? "lower_rate"
                      : !scopeSignificant
                          ? "scope_not_significant"
                          : tooBroad ? "covers_nearly_all" : "kept";
      if ("kept".equals(status) && s.crossChannel()) {
        String cross = crossChannelStatus(byId.get(s.segmentId()), total, settings.maxQ());
        status = cross == null ? status : cross;
      }
      withQ.add(
          new Segment(
              s.segmentId(),
              s.channel(),
              s.metric(),
              s.conditions(),
              s.responses(),
              s.critical(),
              s.rate(),
              s.rateLower(),
              s.rateUpper(),
              s.rateOutside(),
              s.lift(),
              s.riskDifference(),
              s.pValue(),
              s.test(),
              q[i],
              s.excess(),
              s.shareExplained(),
              s.scopeCritical(),
              s.scoreMean(),
              s.scoreMeanOutside(),
              s.nps(),
              s.npsLower(),
              s.npsUpper(),
              null,
              null,
              "kept".equals(status),
              status,
              null,
              null));
    }
    return prune(withQ, byId, settings.maxQ());
  }

  /**
   * The scope gate: per scope (rated channel and metric, or *), Simes' p-value of every segment
   * tested in it, then Benjamini-Hochberg over the scopes (Benjamini and Bogomolov 2014). A scope
   * whose q is not below max-q shows no signal of its own: its segments passed the run-wide q only
   * because true findings elsewhere loosened the run-wide threshold.
   *
   * @return the q-value of each scope, keyed {@code channel + "/" + metric}
   */
  static Map<String, Double> scopeQValues(List<Segment> segments) {
    Map<String, List<Double>> byScope = new LinkedHashMap<>();
    for (Segment s : segments) {
      byScope
          .computeIfAbsent(s.channel() + "/" + s.metric(), k -> new ArrayList<>())
          .add(s.pValue());
    }
    List<String> scopes = new ArrayList<>(byScope.keySet());
    double[] simes = new double[scopes.size()];
    for (int i = 0; i < scopes.size(); i++) {
      simes[i] =
          MultipleTesting.simes(
              byScope.get(scopes.get(i)).stream().mapToDouble(Double::doubleValue).toArray());
    }
    double[] q = MultipleTesting.benjaminiHochberg(simes);
    Map<String, Double> out = new HashMap<>();
    for (int i = 0; i < scopes.size(); i++) {
      out.put(scopes.get(i), q[i]);
    }
    return out;
  }

  /**
   * The kept segments whose overlaps {@link #rank} needs: the {@code perScope} with the largest
   * excess in each scope (rated channel and metric, or *).
   */
  public static List<Segment> shortlist(List<Segment> tested, int perScope) {
    Map<String, Integer> taken = new HashMap<>();
    List<Segment> out = new ArrayList<>();
    for (Segment s : tested.stream().filter(Segment::kept).sorted(BY_EXCESS).toList()) {
      if (taken.merge(s.channel() + "/" + s.metric(), 1, Integer::sum) <= perScope) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The responses two segments share, per stratum. {@link #NONE}: nothing is known, every pair is
   * treated as distinct.
   */
  public interface Overlaps {
    Overlaps NONE =
        new Overlaps() {
          @Override
          public boolean known(String segmentId) {
            return true;
          }

          @Override
          public List<Cell> shared(String a, String b) {
            return null;
          }
        };

    /** Whether the segment's overlaps were computed (it was on the shortlist). */
    boolean known(String segmentId);

    /** Shared responses per stratum (empty: none), or null when not computed. */
    List<Cell> shared(String a, String b);

    /** Overlaps from a map keyed {@code a + "\n" + b} (both orders not needed). */
    static Overlaps of(Set<String> shortlisted, Map<String, List<Cell>> pairs) {
      return new Overlaps() {
        @Override
        public boolean known(String segmentId) {
          return shortlisted.contains(segmentId);
        }

        @Override
        public List<Cell> shared(String a, String b) {
          List<Cell> c = pairs.get(a + "\n" + b);
          if (c == null) {
            c = pairs.get(b + "\n" + a);
          }
          return c == null ? List.of() : c;
        }
      };
    }
  }

  /** Statistics of one candidate against the rest of its scope. */
  static Segment describe(Candidate c, Map<String, Cell> total) {
    List<Cell> in = c.cells();
    List<Cell> out = new ArrayList<>();
    long scopeCritical = 0;
    for (Cell cell : in) {
      Cell t = total.get(cell.key());
      if (t == null) {
        throw new IllegalStateException(
            "No totals for stratum "
                + cell.channel()
                + "/"
                + cell.metric()
                + " of segment "
                + c.conditions()
                + "; the totals must be computed"
                + " from the same responses as the candidates");
      }
      out.add(t.minus(cell));
    }
    if ("*".equals(c.scopeChannel())) {
      for (Cell t : total.values()) {
        scopeCritical += t.x();
      }
    } else {
      for (Cell t : total.values()) {
        if (t.channel().equals(c.scopeChannel()) && t.metric().equals(c.scopeMetric())) {
          scopeCritical += t.x();
        }
      }
    }
    long n = in.stream().mapToLong(Cell::n).sum();
    long x = in.stream().mapToLong(Cell::x).sum();
    Comparison cmp = compare(in, out);
    double rate = n == 0 ? 0 : (double) x / n;
    // A channel scope compares with the rest of the scope; the cross-channel scope with what
    // each channel's own critical rate predicts for the segment's responses (the CMH test's
    // expectation), so the label's "expected" and the test agree.
    double expected = "*".equals(c.scopeChannel()) ? stratifiedExpected(in, total) : cmp.expected();
    double rateOutside = n == 0 ? 0 : expected / n;
    Proportions.Interval ci = Proportions.wilson(x, n, CONFIDENCE);
    Double lift = rateOutside > 0 ? rate / rateOutside : null;
    double excess = x - expected;
    double share = scopeCritical == 0 ? 0 : excess / scopeCritical;
    Double mean = null;
    Double meanOutside = null;
    Double nps = null;
    Double npsLower = null;
    Double npsUpper = null;
    boolean cross = "*".equals(c.scopeChannel());
    long nOut = out.stream().mapToLong(Cell::n).sum();
    if (cross) {
      mean = n == 0 ? null : in.stream().mapToDouble(Cell::sumNorm).sum() / n;
      meanOutside = nOut == 0 ? null : out.stream().mapToDouble(Cell::sumNorm).sum() / nOut;
    } else {
      mean = n == 0 ? null : in.stream().mapToDouble(Cell::sumScore).sum() / n;
      meanOutside = nOut == 0 ? null : out.stream().mapToDouble(Cell::sumScore).sum() / nOut;
      if ("nps".equals(c.scopeMetric())) {
        long pr = in.stream().mapToLong(Cell::promoters).sum();
        long pa = in.stream().mapToLong(Cell::passives).sum();
        long de = in.stream().mapToLong(Cell::detractors).sum();
        var est = NetPromoter.nps(pr, pa, de);
        if (est.isPresent()) {
          nps = est.get().value();
          npsLower = est.get().lower();
          npsUpper = est.get().upper();
        }
      }
    }
    return new Segment(
        segmentId(c.scopeChannel(), c.scopeMetric(), c.conditions()),
        c.scopeChannel(),
        c.scopeMetric(),
        c.conditions(),
        n,
        x,
        rate,
        ci.lower(),
        ci.upper(),
        rateOutside,
        lift,
        rate - rateOutside,
        cmp.pValue(),
        cmp.test(),
        Double.NaN,
        excess,
        share,
        scopeCritical,
        mean,
        meanOutside,
        nps,
        npsLower,
        npsUpper,
        null,
        null,
        false,
        null,
        null,
        null);
  }

  /**
   * Compares the critical rate of {@code in} with {@code out}, stratum by stratum (the two lists
   * are aligned). One stratum: {@link Proportions#difference}; several: the Cochran-Mantel-Haenszel
   * test. {@code expected} is the critical count {@code in} would have at the rates of {@code out}:
   * the sum over strata of n_in x rate_out (the stratum's own combined rate when {@code out} is
   * empty there).
   */
  public static Comparison compare(List<Cell> in, List<Cell> out) {
    double expected = 0;
    for (int i = 0; i < in.size(); i++) {
      Cell a = in.get(i);
      Cell b = out.get(i);
      double rateOut =
          b.n() > 0 ? (double) b.x() / b.n() : (a.n() > 0 ? (double) a.x() / a.n() : 0);
      expected += a.n() * rateOut;
    }
    if (in.size() == 1) {
      Cell a = in.get(0);
      Cell b = out.get(0);
      Proportions.Comparison c = Proportions.difference(a.x(), a.n(), b.x(), b.n());
      return new Comparison(
          c.test().statistic(),
          c.pValue(),
          c.method() == Proportions.Method.FISHER ? "fisher" : "z",
          expected);
    }
    double sumA = 0;
    double sumE = 0;
    double sumV = 0;
    for (int i = 0; i < in.size(); i++) {
      Cell a = in.get(i);
      Cell b = out.get(i);
      double n1 = a.n();
      double n2 = b.n();
      double t = n1 + n2;
      double m1 = a.x() + b.x();
      double m2 = t - m1;
      if (t < 2 || n1 == 0 || n2 == 0) {
        continue;
      }
      sumA += a.x();
      sumE += n1 * m1 / t;
      sumV += n1 * n2 * m1 * m2 / (t * t * (t - 1));
    }
    if (sumV <= 0) {
      return new Comparison(0, 1, "cmh", expected);
    }
    double z = (sumA - sumE) / Math.sqrt(sumV);
    return new Comparison(z, Normal.twoSidedP(z), "cmh", expected);
  }

  /**
   * The critical count the cells would have at each stratum's own rate over all its responses (the
   * Cochran-Mantel-Haenszel expectation): the sum of n_in x total critical / total n.
   */
  static double stratifiedExpected(List<Cell> in, Map<String, Cell> total) {
    double expected = 0;
    for (Cell a : in) {
      Cell t = total.get(a.key());
      expected += t.n() == 0 ? 0 : a.n() * (double) t.x() / t.n();
    }
    return expected;
  }

  /** Responses of a scope: its stratum's total, or every stratum's for "*". */
  static long scopeResponses(String channel, String metric, Map<String, Cell> total) {
    long n = 0;
    for (Cell t : total.values()) {
      if ("*".equals(channel) || t.channel().equals(channel) && t.metric().equals(metric)) {
        n += t.n();
      }
    }
    return n;
  }

  /**
   * Whether a cross-channel segment describes something several channels share, or null when it
   * does: otherwise {@code single_channel} (fewer than {@link #MIN_CROSS_CHANNELS} rated channels
   * with at least {@link #MIN_CHANNEL_RESPONSES} responses in the segment and more critical
   * responses than their own rate outside it predicts, or one channel carrying more than {@link
   * #MAX_CHANNEL_SHARE} of the excess: that channel's own segment says it) or {@code
   * inconsistent_across_channels} (a channel with enough responses points the other way, or the
   * Breslow-Day test finds the odds ratios of the strata heterogeneous at {@code alpha}: one
   * stratified summary would average different effects).
   */
  static String crossChannelStatus(Candidate c, Map<String, Cell> total, double alpha) {
    Map<String, double[]> byChannel = new java.util.TreeMap<>(); // n_in, excess
    List<BreslowDay.Table> tables = new ArrayList<>();
    for (Cell a : c.cells()) {
      Cell rest = total.get(a.key()).minus(a);
      double rateOut = rest.n() > 0 ? (double) rest.x() / rest.n() : (double) a.x() / a.n();
      double[] v = byChannel.computeIfAbsent(a.channel(), k -> new double[2]);
      v[0] += a.n();
      v[1] += a.x() - a.n() * rateOut;
      tables.add(new BreslowDay.Table(a.x(), a.n() - a.x(), rest.x(), rest.n() - rest.x()));
    }
    int carrying = 0;
    double positive = 0;
    double largest = 0;
    for (double[] v : byChannel.values()) {
      if (v[0] < MIN_CHANNEL_RESPONSES) {
        continue;
      }
      if (v[1] <= 0) {
        return "inconsistent_across_channels";
      }
      carrying++;
      positive += v[1];
      largest = Math.max(largest, v[1]);
    }
    if (carrying < MIN_CROSS_CHANNELS || largest > MAX_CHANNEL_SHARE * positive) {
      return "single_channel";
    }
    if (BreslowDay.test(tables).pValue() < alpha) {
      return "inconsistent_across_channels";
    }
    return null;
  }

  /** Drops a kept segment that its best kept parent explains as well (see the class comment). */
  static List<Segment> prune(
      List<Segment> segments, Map<String, Candidate> candidates, double alpha) {
    Map<String, Segment> keptBySet = new LinkedHashMap<>();
    for (Segment s : segments) {
      if (s.kept()) {
        keptBySet.put(s.segmentId(), s);
      }
    }
    List<Segment> out = new ArrayList<>();
    for (Segment s : segments) {
      if (!s.kept() || s.conditions().size() < 2) {
        out.add(s);
        continue;
      }
      Segment best = null;
      for (List<String> subset : properSubsets(s.conditions())) {
        Segment parent = keptBySet.get(segmentId(s.channel(), s.metric(), subset));
        if (parent != null && (best == null || parent.rate() > best.rate())) {
          best = parent;
        }
      }
      if (best == null) {
        out.add(s);
        continue;
      }
      Candidate child = candidates.get(s.segmentId());
      Candidate parent = candidates.get(best.segmentId());
      Map<String, Cell> parentCells = new HashMap<>();
      for (Cell c : parent.cells()) {
        parentCells.put(c.key(), c);
      }
      List<Cell> in = new ArrayList<>();
      List<Cell> rest = new ArrayList<>();
      for (Cell c : child.cells()) {
        Cell pc = parentCells.get(c.key());
        in.add(c);
        rest.add(pc == null ? new Cell(c.channel(), c.metric(), 0, 0, 0, 0, 0, 0, 0) : pc.minus(c));
      }
      Comparison cmp = compare(in, rest);
      double oneSided = cmp.statistic() > 0 ? cmp.pValue() / 2 : 1 - cmp.pValue() / 2;
      boolean gains = oneSided < alpha;
      out.add(s.with(gains, gains ? "kept" : "explained_by_parent", best.segmentId(), oneSided));
    }
    return out;
  }

  private static final Comparator<Segment> BY_EXCESS =
      Comparator.comparingDouble(Segment::excess).reversed().thenComparing(Segment::segmentId);

  /**
   * Ranks kept segments by excess within each channel, skipping a segment that a higher-ranked
   * segment T of the same scope already accounts for. Walking in order of excess, a segment S is
   * compared with every shown T, by one-sided tests at {@code maxQ / k}, where k is the number of
   * the scope's segments the walk compares (those whose overlaps are known). Bonferroni over the
   * scope: each segment the walk shows after the first is a claim that it adds something beyond the
   * ones above it, and a scope with one strong finding has dozens of kept segments around it, so at
   * {@code maxQ} itself about one in twenty of those that add nothing would be shown by chance (and
   * a blurred version of a finding would keep the top rank over its sharper description on a chance
   * difference):
   *
   * <ol>
   *   <li>S minus T critical more often than the responses in neither: S adds something beyond T —
   *       shown;
   *   <li>otherwise, if T minus S is not critical more often than the responses in neither (all of
   *       T's signal is in S) and S has no more conditions but a more detailed one ({@link
   *       #detail}: e.g. "a failed app self-service attempt on billing" rather than "a failed step"
   *       or "arriving via app -> phone"), S is shown and T withdrawn ({@code
   *       overlaps_higher_ranked}, parent S);
   *   <li>otherwise, if S is more detailed than T and S &cap; T is critical more often than the
   *       responses in neither: S is a distinct part of a vaguer union T (e.g. "a late delivery"
   *       inside "any failed web-shop step", beside "an order never delivered") — shown, recorded
   *       as a part of T, and never withdrawn as an overlap of its union;
   *   <li>otherwise, if S has no more conditions than T and S &cap; T is critical more often than T
   *       minus S: S is a sharper core of T that T adds to — both are shown;
   *   <li>otherwise S is the same finding as T in other words: S is withdrawn ({@code
   *       overlaps_higher_ranked}, parent T).
   * </ol>
   *
   * After the walk, a union with two or more shown parts is withdrawn ({@code explained_by_parts},
   * parent its largest part) when its responses outside every part are not critical more often than
   * the responses outside it ({@link #residualBeyondParts}); otherwise it stays beside its parts. A
   * simpler description always wins over a longer conjunction of the same responses: a longer one
   * must add responses beyond it (1.), the parent rule having already tested it against its own
   * subsets. Shown segments are ranked by excess and the top N per channel kept; the rest are
   * {@code beyond_top_n}. Only segments whose overlaps are known (the shortlist) can be shown.
   */
  public static List<Segment> rank(
      List<Segment> tested,
      List<Candidate> candidates,
      List<Cell> totals,
      Settings settings,
      Overlaps overlaps) {
    Map<String, Candidate> byId = byId(candidates);
    Map<String, Cell> total = totalsByKey(totals);
    List<Segment> kept = tested.stream().filter(Segment::kept).sorted(BY_EXCESS).toList();
    Map<String, List<Segment>> shownPerScope = new LinkedHashMap<>();
    Map<String, Segment> withdrawn = new LinkedHashMap<>();
    Map<String, List<Segment>> parts = new HashMap<>();
    List<Segment> dropped = new ArrayList<>();
    Map<String, Integer> compared = new HashMap<>();
    for (Segment s : kept) {
      if (overlaps.known(s.segmentId())) {
        compared.merge(s.channel() + "/" + s.metric(), 1, Integer::sum);
      }
    }
    for (Segment s : kept) {
      if (!overlaps.known(s.segmentId())) {
        dropped.add(s.with(false, "beyond_top_n", s.parentId(), s.pVsParent()));
        continue;
      }
      double alpha = settings.maxQ() / compared.get(s.channel() + "/" + s.metric());
      List<Segment> shown =
          shownPerScope.computeIfAbsent(s.channel() + "/" + s.metric(), k -> new ArrayList<>());
      Segment covering = null;
      double coveringP = 0;
      List<Segment> blurred = new ArrayList<>();
      List<Segment> partOf = new ArrayList<>();
      for (Segment t : shown) {
        List<Cell> shared = overlaps.shared(s.segmentId(), t.segmentId());
        if (shared == null) {
          continue;
        }
        Overlap o = overlap(byId.get(s.segmentId()), byId.get(t.segmentId()), shared, total);
        if (o.sBeyondT() < alpha) {
          continue;
        }
        boolean simpler = s.conditions().size() <= t.conditions().size();
        if (o.tBeyondS() >= alpha && simpler && detail(s) > detail(t)) {
          blurred.add(t); // T adds nothing beyond S: the more detailed description is shown
          continue;
        }
        // A distinct, more detailed part of a vaguer union: shown, and recorded as its part.
        boolean part = detail(s) > detail(t) && o.coreVsNeither() < alpha;
        if (part) {
          partOf.add(t);
        }
        if (part || o.coreVsRestOfT() < alpha && simpler) {
          continue; // (or a sharper core of T that adds to it): both are shown
        }
        covering = t;
        coveringP = o.sBeyondT();
        break;
      }
      if (covering != null) {
        dropped.add(s.with(false, "overlaps_higher_ranked", covering.segmentId(), coveringP));
        continue;
      }
      for (Segment t : blurred) {
        for (var e : withdrawn.entrySet()) {
          if (t.segmentId().equals(e.getValue().parentId())) {
            e.setValue(e.getValue().with(false, "overlaps_higher_ranked", s.segmentId(), null));
          }
        }
      }
      for (Segment t : blurred) {
        shown.remove(t);
        withdrawn.put(t.segmentId(), t.with(false, "overlaps_higher_ranked", s.segmentId(), null));
      }
      for (Segment t : partOf) {
        parts.computeIfAbsent(t.segmentId(), k -> new ArrayList<>()).add(s);
      }
      shown.add(s);
    }
    // A union explained by its parts: withdrawn when what its parts leave is not critical more
    // often than the responses outside it.
    for (List<Segment> shown : shownPerScope.values()) {
      for (Segment t : List.copyOf(shown)) {
        List<Segment> ps =
            parts.getOrDefault(t.segmentId(), List.of()).stream().filter(shown::contains).toList();
        if (ps.size() < 2) {
          continue;
        }
        double alpha = settings.maxQ() / compared.get(t.channel() + "/" + t.metric());
        double p = residualBeyondParts(byId.get(t.segmentId()), ps, overlaps, total);
        if (p >= alpha) {
          shown.remove(t);
          withdrawn.put(
              t.segmentId(), t.with(false, "explained_by_parts", ps.get(0).segmentId(), p));
        }
      }
    }
    List<Segment> all = new ArrayList<>();
    shownPerScope.values().forEach(all::addAll);
    all.sort(BY_EXCESS);
    Map<String, Integer> perChannel = new HashMap<>();
    List<Segment> result = new ArrayList<>();
    int overall = 0;
    for (Segment s : all) {
      int r = perChannel.merge(s.channel(), 1, Integer::sum);
      if (r > settings.topN()) {
        dropped.add(s.with(false, "beyond_top_n", s.parentId(), s.pVsParent()));
        continue;
      }
      result.add(s.ranked(r, s.crossChannel() ? null : ++overall));
    }
    // The cross-channel summaries are ranked after every channel segment.
    for (int i = 0; i < result.size(); i++) {
      Segment s = result.get(i);
      if (s.crossChannel()) {
        result.set(i, s.ranked(s.rank(), ++overall));
      }
    }
    result.addAll(withdrawn.values());
    result.addAll(dropped);
    tested.stream().filter(s -> !s.kept()).sorted(BY_EXCESS).forEach(result::add);
    return result;
  }

  /**
   * How much a segment says about where the customer failed: the most detailed of its conditions —
   * 10 a registered signal (or any other named condition), 8 an upstream failure with channel,
   * touchpoint and type, 6 a failure with channel and type or touchpoint, 5 a named touchpoint of
   * any step, a pair of them or a configured event property, 4 a failure's channel, 3 a three-step
   * channel path, 2 a two-step path or a path's end, 0 anything else (journey shape, timing,
   * customer attributes).
   */
  static int detail(Segment s) {
    int best = 0;
    for (String c : s.conditions()) {
      String f = Conditions.family(c);
      int d =
          f.startsWith(Conditions.PROPERTY_PREFIX)
              ? 5
              : switch (f) {
                case Conditions.STEP, Conditions.STEP_PAIR -> 5;
                case "upstream_failure" -> 8;
                case "upstream_failure_type", "prev_failure", "failed_before" -> 6;
                case "upstream_failure_channel", "prev_failure_channel" -> 4;
                case "path_trigram" -> 3;
                case "path_bigram", "path_ends" -> 2;
                case "prev_channel",
                    "prev_failure_within",
                    "upstream_failure_within",
                    "switches",
                    "handoffs",
                    "failures",
                    "repeat_contact",
                    "peak",
                    "end",
                    "no_history",
                    "segment",
                    "tenure" ->
                    0;
                default -> 10;
              };
      best = Math.max(best, d);
    }
    return best;
  }

  /** One-sided p-values of the four overlap comparisons of {@link #rank}. */
  record Overlap(double sBeyondT, double coreVsRestOfT, double tBeyondS, double coreVsNeither) {}

  /**
   * One-sided p that the responses of union {@code t} outside all its {@code parts} are critical
   * more often than the responses outside {@code t}. The rest is counted by inclusion and exclusion
   * up to pairs: t minus each part's share of t plus each pair of parts' shared responses (exact
   * for two parts, and for parts that do not overlap three at a time), floored at zero.
   */
  static double residualBeyondParts(
      Candidate t, List<Segment> parts, Overlaps overlaps, Map<String, Cell> total) {
    String tid = segmentId(t.scopeChannel(), t.scopeMetric(), t.conditions());
    Map<String, long[]> rest = new java.util.TreeMap<>();
    for (Cell c : t.cells()) {
      rest.put(c.key(), new long[] {c.n(), c.x()});
    }
    for (int i = 0; i < parts.size(); i++) {
      for (Cell c : overlaps.shared(parts.get(i).segmentId(), tid)) {
        add(rest, c, -1);
      }
      for (int j = i + 1; j < parts.size(); j++) {
        for (Cell c : overlaps.shared(parts.get(i).segmentId(), parts.get(j).segmentId())) {
          add(rest, c, 1);
        }
      }
    }
    List<Cell> residual = new ArrayList<>();
    List<Cell> outside = new ArrayList<>();
    Map<String, Cell> tCells = cellsByKey(t.cells());
    for (var e : rest.entrySet()) {
      Cell tot = total.get(e.getKey());
      long n = Math.max(0, e.getValue()[0]);
      long x = Math.min(n, Math.max(0, e.getValue()[1]));
      residual.add(new Cell(tot.channel(), tot.metric(), n, x, 0, 0, 0, 0, 0));
      outside.add(tot.minus(tCells.get(e.getKey())));
    }
    return greater(residual, outside);
  }

  /** Adds {@code sign} times the cell's counts to its stratum, if the stratum is present. */
  private static void add(Map<String, long[]> acc, Cell c, int sign) {
    long[] v = acc.get(c.key());
    if (v != null) {
      v[0] += sign * c.n();
      v[1] += sign * c.x();
    }
  }

  static Overlap overlap(Candidate s, Candidate t, List<Cell> shared, Map<String, Cell> total) {
    Map<String, Cell> sCells = cellsByKey(s.cells());
    Map<String, Cell> tCells = cellsByKey(t.cells());
    Map<String, Cell> both = cellsByKey(shared);
    java.util.Set<String> strata = new java.util.TreeSet<>(sCells.keySet());
    strata.addAll(tCells.keySet());
    List<Cell> onlyS = new ArrayList<>();
    List<Cell> onlyT = new ArrayList<>();
    List<Cell> core = new ArrayList<>();
    List<Cell> neither = new ArrayList<>();
    for (String k : strata) {
      Cell tot = total.get(k);
      Cell zero = new Cell(tot.channel(), tot.metric(), 0, 0, 0, 0, 0, 0, 0);
      Cell sc = sCells.getOrDefault(k, zero);
      Cell tc = tCells.getOrDefault(k, zero);
      Cell bc = both.getOrDefault(k, zero);
      onlyS.add(sc.minus(bc));
      onlyT.add(tc.minus(bc));
      core.add(bc);
      neither.add(tot.minus(sc).minus(tc.minus(bc)));
    }
    return new Overlap(
        greater(onlyS, neither),
        greater(core, onlyT),
        greater(onlyT, neither),
        greater(core, neither));
  }

  /** One-sided p-value that {@code a} is critical more often than {@code b}; 1 if a is empty. */
  static double greater(List<Cell> a, List<Cell> b) {
    if (a.stream().mapToLong(Cell::n).sum() == 0) {
      return 1.0;
    }
    Comparison cmp = compare(a, b);
    return cmp.statistic() > 0 ? cmp.pValue() / 2 : 1 - cmp.pValue() / 2;
  }

  private static Map<String, Cell> cellsByKey(List<Cell> cells) {
    Map<String, Cell> m = new HashMap<>();
    for (Cell c : cells) {
      m.put(c.key(), c);
    }
    return m;
  }

  private static Map<String, Cell> totalsByKey(List<Cell> totals) {
    Map<String, Cell> total = new HashMap<>();
    for (Cell c : totals) {
      total.put(c.key(), c);
    }
    return total;
  }

  private static Map<String, Candidate> byId(List<Candidate> candidates) {
    Map<String, Candidate> m = new HashMap<>();
    for (Candidate c : candidates) {
      m.put(segmentId(c.scopeChannel(), c.scopeMetric(), c.conditions()), c);
    }
    return m;
  }

  /** All non-empty proper subsets of a sorted list (at most 6 for three conditions). */
  static List<List<String>> properSubsets(List<String> items) {
    List<List<String>> out = new ArrayList<>();
    int n = items.size();
    for (int mask = 1; mask < (1 << n) - 1; mask++) {
      List<String> sub = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          sub.add(items.get(i));
        }
      }
      out.add(sub);
    }
    return out;
  }

  /** Conditions of a segment id's scope, for tests. */
  static Set<String> conditionSet(Segment s) {
    return Set.copyOf(s.conditions());
  }
}
