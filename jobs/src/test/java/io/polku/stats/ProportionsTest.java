package io.polku.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.stats.Proportions.Comparison;
import io.polku.stats.Proportions.Interval;
import io.polku.stats.Proportions.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Wilson intervals, the two-proportion z-test, Fisher's exact test and the choice between them. */
class ProportionsTest {
  /** Phi^-1(0.975) from mpmath ({@code sqrt(2) * erfinv(0.95)}), independent of {@link Normal}. */
  private static final double Z95 = 1.959963984540054235;

  // ---------------------------------------------------------------- Wilson

  /**
   * Second method: the Wilson bounds are the two solutions of |p - pi| = z sqrt(pi (1 - pi) / n);
   * find each by bisection on g(pi) = |p - pi| - z sqrt(pi (1 - pi) / n), which is positive at the
   * ends of [0, 1] (or zero when p is 0 or 1) and negative at pi = p.
   */
  private static double[] wilsonByBisection(long x, long n, double z) {
    double p = (double) x / n;
    double lower = x == 0 ? 0.0 : bisect(0.0, p, p, n, z);
    double upper = x == n ? 1.0 : bisect(1.0, p, p, n, z);
    return new double[] {lower, upper};
  }

  /** Root of g between {@code outside} (g &gt; 0) and {@code inside} = p (g &lt; 0). */
  private static double bisect(double outside, double inside, double p, long n, double z) {
    double a = outside;
    double b = inside;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (a + b);
      double g = Math.abs(p - mid) - z * Math.sqrt(mid * (1 - mid) / n);
      if (g > 0) {
        a = mid;
      } else {
        b = mid;
      }
    }
    return 0.5 * (a + b);
  }

  @Test
  void wilsonMatchesNewcombesPublishedIntervals() {
    // Newcombe (1998), Stat Med 17:857-872, table I, method 3 (Wilson score, no continuity
    // correction). All four agree to 4 decimals with the bisection below and with mpmath
    // (0.255289-0.366210, 0.062386-0.160487, 0-0.161125, 0.006113-0.171755), so all are kept.
    assertInterval(0.2553, 0.3662, Proportions.wilson(81, 263, 0.95));
    assertInterval(0.0624, 0.1605, Proportions.wilson(15, 148, 0.95));
    assertInterval(0.0000, 0.1611, Proportions.wilson(0, 20, 0.95));
    assertInterval(0.0061, 0.1718, Proportions.wilson(1, 29, 0.95));
    for (long[] c : new long[][] {{81, 263}, {15, 148}, {0, 20}, {1, 29}}) {
      double[] ref = wilsonByBisection(c[0], c[1], Z95);
      Interval w = Proportions.wilson(c[0], c[1], 0.95);
      assertEquals(Math.round(ref[0] * 1e4), Math.round(w.lower() * 1e4));
      assertEquals(Math.round(ref[1] * 1e4), Math.round(w.upper() * 1e4));
    }
  }

  private static void assertInterval(double lower, double upper, Interval actual) {
    assertEquals(lower, actual.lower(), 0.5e-4, "lower of " + actual);
    assertEquals(upper, actual.upper(), 0.5e-4, "upper of " + actual);
  }

  @Test
  void wilsonMatchesTheBisectionSolutionOnAGrid() {
    for (long n : new long[] {1, 2, 3, 5, 10, 29, 100, 263, 1000, 123_457, 10_000_000}) {
      for (long x : new long[] {0, 1, 2, n / 3, n / 2, n - 1, n}) {
        if (x < 0 || x > n) {
          continue;
        }
        double[] ref = wilsonByBisection(x, n, Z95);
        Interval w = Proportions.wilson(x, n, 0.95);
        assertEquals(ref[0], w.lower(), 1e-12, x + "/" + n);
        assertEquals(ref[1], w.upper(), 1e-12, x + "/" + n);
      }
    }
    // 90%: z = 1.6448536269514722 (mpmath sqrt(2) erfinv(0.9)).
    double[] ref = wilsonByBisection(7, 40, 1.6448536269514722);
    Interval w = Proportions.wilson(7, 40, 0.90);
    assertEquals(ref[0], w.lower(), 1e-12);
    assertEquals(ref[1], w.upper(), 1e-12);
  }

  @Test
  void wilsonEdgeCases() {
    assertEquals(new Interval(0.0, 1.0), Proportions.wilson(0, 0, 0.95));
    assertEquals(0.0, Proportions.wilson(0, 50, 0.95).lower(), 0);
    assertEquals(1.0, Proportions.wilson(50, 50, 0.95).upper(), 0);
    Interval a = Proportions.wilson(3, 40, 0.95);
    Interval b = Proportions.wilson(37, 40, 0.95);
    assertEquals(a.lower(), 1 - b.upper(), 1e-15);
    assertEquals(a.upper(), 1 - b.lower(), 1e-15);
  }

  @Test
  void wilsonRejectsImpossibleCountsWithAClearMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(41, 40, 0.95));
    assertEquals(
        "successes must be between 0 and n = 40, got 41; pass the count of responses"
            + " with the outcome, at most the group size",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(-1, 40, 0.95));
    assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(0, -1, 0.95));
    assertThrows(IllegalArgumentException.class, () -> Proportions.wilson(1, 4, 95));
  }

  // ---------------------------------------------------------------- two-proportion z

  @Test
  void twoProportionZMatchesAHandWorkedExample() {
    // 45/100 vs 30/100: p1 = 0.45, p2 = 0.30, pooled p = 75/200 = 0.375,
    // var = 0.375 * 0.625 * (1/100 + 1/100) = 0.234375 * 0.02 = 0.0046875,
    // SE = sqrt(0.0046875) = 0.0684653197, z = 0.15 / 0.0684653197 = 2.1908902300,
    // p = 2 * (1 - Phi(2.19089023)) = 0.0284597369 (mpmath erfc(z / sqrt 2)).
    Proportions.Test t = Proportions.twoProportionZ(45, 100, 30, 100);
    assertEquals(2.190890230020664, t.statistic(), 1e-12);
    assertEquals(0.02845973691631058, t.pValue(), 1e-12);
    // The same z^2 as Pearson's X^2 = sum (O - E)^2 / E on [[45, 55], [30, 70]] with
    // E = [[37.5, 62.5], [37.5, 62.5]]: 56.25 * (2 / 37.5 + 2 / 62.5) = 4.8.
    assertEquals(4.8, t.statistic() * t.statistic(), 1e-12);
  }

  @Test
  void twoProportionZIsAntisymmetricAndHandlesDegenerateTables() {
    Proportions.Test ab = Proportions.twoProportionZ(12, 80, 30, 95);
    Proportions.Test ba = Proportions.twoProportionZ(30, 95, 12, 80);
    assertEquals(-ab.statistic(), ba.statistic(), 1e-15);
    assertEquals(ab.pValue(), ba.pValue(), 1e-15);
    assertEquals(new Proportions.Test(0.0, 1.0), Proportions.twoProportionZ(0, 50, 0, 70));
    assertEquals(new Proportions.Test(0.0, 1.0), Proportions.twoProportionZ(50, 50, 70, 70));
    assertEquals(new Proportions.Test(0.0, 1.0), Proportions.twoProportionZ(0, 0, 3, 70));
    assertEquals(new Proportions.Test(0.0, 1.0), Proportions.twoProportionZ(0, 0, 0, 0));
    Proportions.Test same = Proportions.twoProportionZ(10, 40, 20, 80);
    assertEquals(0.0, same.statistic(), 1e-15);
    assertEquals(1.0, same.pValue(), 1e-15);
  }

  // ---------------------------------------------------------------- Fisher

  @Test
  void fisherMatchesTheLadyTastingTea() {
    // Fisher (1935): [[3, 1], [1, 3]], P(k) = C(4,k) C(4,4-k) / C(8,4) = 1, 16, 36, 16, 1 / 70;
    // tables with P <= 16/70: k = 0, 1, 3, 4, so p = 34/70 = 0.4857142857.
    assertEquals(34.0 / 70.0, Proportions.fisherExact(3, 1, 1, 3), 1e-14);
  }

  @Test
  void fisherMatchesR() {
    // R: fisher.test(matrix(c(1, 11, 9, 3), 2))$p.value = 0.002759456; the exact rational is
    // 41/14858 (enumeration with Python fractions), also checked by brute force below.
    assertEquals(41.0 / 14858.0, Proportions.fisherExact(1, 9, 11, 3), 1e-14);
    assertEquals(0.002759, Proportions.fisherExact(1, 9, 11, 3), 0.5e-6);
  }

  /** Exact two-sided Fisher p-value by enumerating all tables with BigInteger binomials. */
  private static double bruteForceFisher(long a, long b, long c, long d) {
    long row1 = a + b;
    long row2 = c + d;
    long col1 = a + c;
    BigInteger observed = choose(row1, a).multiply(choose(row2, c));
    BigInteger total = BigInteger.ZERO;
    BigInteger tail = BigInteger.ZERO;
    for (long k = Math.max(0, col1 - row2); k <= Math.min(row1, col1); k++) {
      BigInteger weight = choose(row1, k).multiply(choose(row2, col1 - k));
      total = total.add(weight);
      if (weight.compareTo(observed) <= 0) {
        tail = tail.add(weight);
      }
    }
    return new BigDecimal(tail).divide(new BigDecimal(total), new MathContext(40)).doubleValue();
  }

  private static BigInteger choose(long n, long k) {
    BigInteger result = BigInteger.ONE;
    for (long i = 1; i <= k; i++) {
      result = result.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
    }
    return result;
  }

  @Test
  void fisherAgreesWithBruteForceEnumerationOnRandomTables() {
    Random random = new Random(20240611L);
    for (int i = 0; i < 300; i++) {
      int bound = i < 200 ? 12 : 60;
      long a = random.nextInt(bound);
      long b = random.nextInt(bound);
      long c = random.nextInt(bound);
      long d = random.nextInt(bound);
      double expected = bruteForceFisher(a, b, c, d);
      double actual = Proportions.fisherExact(a, b, c, d);
      assertEquals(
          expected,
          actual,
          1e-12 * Math.max(expected, 1e-300) + 1e-300,
          "[[" + a + ", " + b + "], [" + c + ", " + d + "]]");
    }
    // Symmetric margins produce exact ties P(k) = P(row1 - k); both must be counted.
    assertEquals(bruteForceFisher(2, 3, 3, 2), Proportions.fisherExact(2, 3, 3, 2), 1e-14);
    assertEquals(1.0, Proportions.fisherExact(5, 5, 5, 5), 1e-14);
    assertEquals(bruteForceFisher(0, 7, 7, 0), Proportions.fisherExact(0, 7, 7, 0), 1e-14);
    // Tiny but representable p-values are not cut off: 2 / C(600, 300) = 1.5e-179, and a
    // lopsided table around 1e-200.
    for (long[] t : new long[][] {{300, 0, 0, 300}, {400, 20, 25, 400}, {0, 350, 340, 3}}) {
      double expected = bruteForceFisher(t[0], t[1], t[2], t[3]);
      assertTrue(expected > 0 && expected < 1e-150, "reference " + expected);
      assertEquals(expected, Proportions.fisherExact(t[0], t[1], t[2], t[3]), 1e-11 * expected);
    }
  }

  @Test
  void fisherOnALargeTableIsExactAndInLineWithTheZTest() {
    double p = Proportions.fisherExact(500, 400, 300, 600);
    // Exact: 2.527245833620819e-21 (Python fractions enumeration, also scipy.stats.fisher_exact),
    // and the BigInteger enumeration here.
    assertEquals(2.527245833620819e-21, p, 1e-12 * 2.5e-21);
    assertEquals(bruteForceFisher(500, 400, 300, 600), p, 1e-12 * 2.5e-21);
    assertTrue(p < 1e-10);
    // z = 9.4868, p = 2.3816e-21: same order of magnitude.
    double z = Proportions.twoProportionZ(500, 900, 300, 900).pValue();
    assertTrue(Math.abs(Math.log10(p) - Math.log10(z)) < 1, p + " vs " + z);
  }

  @Test
  void fisherHandlesCountsAroundAMillion() {
    double p = Proportions.fisherExact(1_000_000, 999_000, 998_000, 1_001_000);
    // mpmath at 30 digits, summing log-probabilities over +-60000 around the mode (the
    // distribution's SD is about 700): 0.04555424807402251. scipy.stats.fisher_exact gives
    // 0.045554248082 (agrees to 2e-10 relative).
    assertEquals(0.04555424807402251, p, 1e-8 * 0.0456);
    // Perfectly balanced: the observed table is the mode, every other table is less likely.
    assertEquals(1.0, Proportions.fisherExact(1_000_000, 1_000_000, 1_000_000, 1_000_000), 1e-12);
    // A whole zero margin leaves one possible table.
    assertEquals(1.0, Proportions.fisherExact(0, 0, 0, 0), 0);
    assertEquals(1.0, Proportions.fisherExact(0, 5, 0, 9), 0);
    assertEquals(0.0, Proportions.fisherExact(100_000, 0, 0, 100_000), 0);
  }

  @Test
  void fisherRejectsNegativeCells() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Proportions.fisherExact(1, -2, 3, 4));
    assertTrue(
        e.getMessage().startsWith("cell b of the 2x2 table must be >= 0, got -2"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Proportions.fisherExact(Long.MAX_VALUE, 1, 1, 1));
  }

  // ---------------------------------------------------------------- difference

  @Test
  void differenceUsesFisherForSmallExpectedCountsAndZOtherwise() {
    // [[1, 9], [8, 3]]: n = 21, column totals 9 and 12; smallest expected count
    // 10 * 9 / 21 = 4.29 < 5 -> Fisher. [[1, 9], [11, 3]]: n = 24, column totals 12 and 12;
    // expected counts 10 * 12 / 24 = 5 and 14 * 12 / 24 = 7, none below 5 -> z.
    Comparison small = Proportions.difference(1, 10, 8, 11);
    assertEquals(Method.FISHER, small.method());
    assertEquals(Proportions.fisherExact(1, 9, 8, 3), small.pValue(), 0);
    assertTrue(small.test().statistic() < 0);
    Comparison borderline = Proportions.difference(1, 10, 11, 14);
    assertEquals(Method.Z, borderline.method());
    Comparison large = Proportions.difference(45, 100, 30, 100);
    assertEquals(Method.Z, large.method());
    assertEquals(Proportions.twoProportionZ(45, 100, 30, 100), large.test());
    Comparison empty = Proportions.difference(0, 0, 4, 10);
    assertEquals(Method.FISHER, empty.method());
    assertEquals(1.0, empty.pValue(), 0);
    assertEquals(0.0, empty.test().statistic(), 0);
  }
}
