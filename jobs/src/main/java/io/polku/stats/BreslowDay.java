package io.polku.stats;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Breslow-Day test of homogeneous odds ratios over K 2x2 tables, with Tarone's correction
 * (Breslow and Day 1980, section 4.4; Tarone 1985): is the association the same in every stratum,
 * so that one stratified (Cochran-Mantel-Haenszel) summary describes them all?
 *
 * <p>Each stratum is {@code a} (exposed, event), {@code b} (exposed, no event), {@code c}
 * (unexposed, event), {@code d} (unexposed, no event). The common odds ratio is the Mantel-Haenszel
 * estimate; for each stratum the expected {@code a} at that odds ratio, given the stratum's
 * margins, is the root of a quadratic inside the margins' bounds. The statistic sums (a - E[a])^2 /
 * Var[a] over the strata, minus Tarone's term (sum a - sum E[a])^2 / sum Var[a], and is referred to
 * chi-squared with (strata - 1) degrees of freedom. Strata with an empty margin carry no
 * information and are skipped.
 */
public final class BreslowDay {
  private BreslowDay() {}

  /** One 2x2 table. */
  public record Table(long a, long b, long c, long d) {
    long n() {
      return a + b + c + d;
    }
  }

  /**
   * The result: statistic, degrees of freedom (informative strata minus 1), p-value, and the
   * Mantel-Haenszel odds ratio. With fewer than two informative strata, or a common odds ratio of 0
   * or infinity, there is nothing to test: statistic 0, p 1.
   */
  public record Result(
      double statistic, int degreesOfFreedom, double pValue, double mantelHaenszelOddsRatio) {}

  /** Tests the tables for a common odds ratio. */
  public static Result test(List<Table> tables) {
    double num = 0;
    double den = 0;
    int informative = 0;
    for (Table t : tables) {
      if (!informative(t)) {
        continue;
      }
      informative++;
      num += (double) t.a() * t.d() / t.n();
      den += (double) t.b() * t.c() / t.n();
    }
    double or = den == 0 ? Double.POSITIVE_INFINITY : num / den;
    if (informative < 2 || or == 0 || Double.isInfinite(or)) {
      return new Result(0, Math.max(0, informative - 1), 1.0, or);
    }
    double sum = 0;
    double sumA = 0;
    double sumE = 0;
    double sumV = 0;
    int used = 0;
    for (Table t : tables) {
      if (!informative(t)) {
        continue;
      }
      double e = expectedA(t, or);
      double n1 = t.a() + t.b();
      double m1 = t.a() + t.c();
      double n = t.n();
      double inv = 1 / e + 1 / (n1 - e) + 1 / (m1 - e) + 1 / (n - n1 - m1 + e);
      if (!(inv > 0) || Double.isInfinite(inv)) {
        continue; // the expected table sits on a bound: no variance
      }
      double v = 1 / inv;
      sum += (t.a() - e) * (t.a() - e) / v;
      sumA += t.a();
      sumE += e;
      sumV += v;
      used++;
    }
    if (used < 2) {
      return new Result(0, Math.max(0, used - 1), 1.0, or);
    }
    double statistic = Math.max(0, sum - (sumA - sumE) * (sumA - sumE) / sumV);
    int df = used - 1;
    return new Result(statistic, df, chiSquaredUpperTail(statistic, df), or);
  }

  /**
   * The {@code a} of a table with the given margins and odds ratio: the root of {@code (1 - or) A^2
   * + (n - n1 - m1 + or (n1 + m1)) A - or n1 m1 = 0} between {@code max(0, n1 + m1 - n)} and {@code
   * min(n1, m1)}.
   */
  static double expectedA(Table t, double or) {
    double n1 = t.a() + t.b();
    double m1 = t.a() + t.c();
    double n = t.n();
    double lo = Math.max(0, n1 + m1 - n);
    double hi = Math.min(n1, m1);
    double qa = 1 - or;
    double qb = n - n1 - m1 + or * (n1 + m1);
    double qc = -or * n1 * m1;
    if (Math.abs(qa) < 1e-12) {
      return -qc / qb;
    }
    double disc = Math.sqrt(Math.max(0, qb * qb - 4 * qa * qc));
    double r1 = (-qb + disc) / (2 * qa);
    double r2 = (-qb - disc) / (2 * qa);
    double eps = 1e-9 * Math.max(1, n);
    return r1 >= lo - eps && r1 <= hi + eps ? r1 : r2;
  }

  /** P(X >= x) for X chi-squared with {@code df} degrees of freedom. */
  public static double chiSquaredUpperTail(double x, int df) {
    if (x <= 0) {
      return 1.0;
    }
    return Gamma.regularizedGammaQ(df / 2.0, x / 2.0);
  }

  private static boolean informative(Table t) {
    return t.a() + t.b() > 0 && t.c() + t.d() > 0 && t.a() + t.c() > 0 && t.b() + t.d() > 0;
  }
}
