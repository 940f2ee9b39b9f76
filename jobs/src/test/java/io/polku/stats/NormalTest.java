package io.polku.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/**
 * The normal distribution and the special functions. References are either tabulated values
 * (Abramowitz and Stegun 1964, table 26.1), values computed with mpmath 1.3 at 40 significant
 * digits ({@code mp.ncdf}, {@code mp.erfc}, {@code mp.loggamma}, {@code sqrt(2) erfinv(2p - 1)}),
 * or an independent computation inside the test (a BigDecimal Taylor series of erf, exact
 * BigInteger factorials).
 */
class NormalTest {
  private static void assertRelative(double expected, double actual, double tolerance) {
    assertTrue(
        Math.abs(actual - expected) <= tolerance * Math.abs(expected),
        () ->
            "expected "
                + expected
                + " got "
                + actual
                + " (relative error "
                + Math.abs(actual - expected) / Math.abs(expected)
                + ")");
  }

  @Test
  void cdfMatchesTheBriefsReferenceValues() {
    // Phi(1.959963985) = 0.97500000002688 (mpmath), i.e. 0.975 to 1e-9.
    assertEquals(0.975, Normal.cdf(1.959963985), 1e-9);
    // Phi(-3) = 0.001349898031630095 (A&S table 26.1 lists Q(3) = 1.349898e-3; mpmath).
    assertEquals(0.001349898, Normal.cdf(-3), 1e-8);
    assertRelative(0.001349898031630094526, Normal.cdf(-3), 1e-13);
  }

  @Test
  void cdfKeepsRelativePrecisionDeepInTheTail() {
    // mpmath ncdf at 40 digits.
    assertRelative(0.15865525393145705141, Normal.cdf(-1), 1e-14);
    assertRelative(0.69146246127401310364, Normal.cdf(0.5), 1e-14);
    assertRelative(0.9772498680518207928, Normal.cdf(2), 1e-14);
    assertRelative(2.8665157187919391167e-7, Normal.cdf(-5), 1e-13);
    assertRelative(7.619853024160526066e-24, Normal.cdf(-10), 1e-13);
    assertRelative(2.7536241186062336951e-89, Normal.cdf(-20), 1e-12);
    assertRelative(5.7255712225245768227e-300, Normal.cdf(-37), 1e-10);
    assertEquals(0.5, Normal.cdf(0), 0);
    assertRelative(2.8665157187919391167e-7, Normal.upperTail(5), 1e-13);
    assertEquals(Normal.cdf(-2.5), Normal.upperTail(2.5), 0);
    assertEquals(1.0, Normal.twoSidedP(0), 0);
  }

  @Test
  void erfcAgreesWithAnIndependentHighPrecisionSeriesOnAGrid() {
    // erf(x) = 2/sqrt(pi) sum_k (-1)^k x^(2k+1) / (k! (2k+1)), summed in 60-digit BigDecimal;
    // erfc = 1 - erf is also formed in BigDecimal so the reference has no cancellation.
    MathContext mc = new MathContext(60);
    for (int i = 0; i <= 40; i++) {
      double x = i * 0.1;
      BigDecimal erf = erfSeries(x);
      assertRelative(
          BigDecimal.ONE.subtract(erf, mc).doubleValue(), SpecialFunctions.erfc(x), 1e-14);
      assertRelative(BigDecimal.ONE.add(erf, mc).doubleValue(), SpecialFunctions.erfc(-x), 1e-15);
    }
  }

  @Test
  void erfcMatchesMpmathInTheAsymptoticRange() {
    assertRelative(1.5374597944280348502e-12, SpecialFunctions.erfc(5), 1e-13);
    assertRelative(2.088487583762544757e-45, SpecialFunctions.erfc(10), 1e-13);
    assertRelative(5.3958656116079009289e-176, SpecialFunctions.erfc(20), 1e-12);
    assertEquals(0.0, SpecialFunctions.erfc(30), 0);
    assertEquals(2.0, SpecialFunctions.erfc(-30), 0);
    assertTrue(Double.isNaN(SpecialFunctions.erfc(Double.NaN)));
  }

  private static BigDecimal erfSeries(double x) {
    MathContext mc = new MathContext(60);
    BigDecimal bx = new BigDecimal(x);
    BigDecimal x2 = bx.multiply(bx, mc);
    BigDecimal power = bx;
    BigDecimal factorial = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ZERO;
    for (int k = 0; k < 400; k++) {
      if (k > 0) {
        power = power.multiply(x2, mc);
        factorial = factorial.multiply(BigDecimal.valueOf(k), mc);
      }
      BigDecimal term = power.divide(factorial.multiply(BigDecimal.valueOf(2L * k + 1), mc), mc);
      sum = (k % 2 == 0) ? sum.add(term, mc) : sum.subtract(term, mc);
      if (term.compareTo(new BigDecimal("1e-40")) < 0) {
        break;
      }
    }
    BigDecimal sqrtPi = new BigDecimal("1.772453850905516027298167483341145182797549456122387128");
    return sum.multiply(BigDecimal.valueOf(2), mc).divide(sqrtPi, mc);
  }

  @Test
  void quantileMatchesTheBriefsReferenceValues() {
    // Phi^-1(0.975) = 1.959963984540054235 (mpmath sqrt(2) erfinv(0.95)).
    assertEquals(1.959963985, Normal.quantile(0.975), 1e-8);
    assertEquals(1.959963984540054, Normal.quantile(0.975), 1e-14);
    assertEquals(1.959963984540054, Normal.criticalValue(0.95), 1e-14);
    assertRelative(-6.3613409024040561991, Normal.quantile(1e-10), 1e-13);
    assertRelative(-3.0902323061678135354, Normal.quantile(0.001), 1e-13);
    assertRelative(-1.9729610513118848376, Normal.quantile(0.02425), 1e-13);
    assertRelative(-0.52440051270804081597, Normal.quantile(0.3), 1e-13);
    assertEquals(0.0, Normal.quantile(0.5), 0);
    assertEquals(Double.NEGATIVE_INFINITY, Normal.quantile(0), 0);
    assertEquals(Double.POSITIVE_INFINITY, Normal.quantile(1), 0);
  }

  @Test
  void quantileRoundTripsThroughTheCdfOnAGrid() {
    for (int i = 1; i < 1000; i++) {
      double p = i / 1000.0;
      double x = Normal.quantile(p);
      assertEquals(p, Normal.cdf(x), 1e-14 + 1e-13 * p, "p = " + p);
      assertEquals(-x, Normal.quantile(1 - p), 1e-12, "symmetry at p = " + p);
    }
    for (int e = 3; e <= 300; e += 3) {
      double p = Math.pow(10, -e);
      assertRelative(p, Normal.cdf(Normal.quantile(p)), 1e-11);
    }
    // Positive x go through the upper tail: Phi(x) itself rounds away the information there.
    for (int i = -370; i <= 370; i++) {
      double x = i / 10.0;
      double back = x <= 0 ? Normal.quantile(Normal.cdf(x)) : -Normal.quantile(Normal.upperTail(x));
      assertEquals(x, back, 1e-13 * Math.max(1, Math.abs(x)), "x = " + x);
    }
  }

  @Test
  void quantileAndCriticalValueRejectNonsenseWithAClearMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Normal.quantile(1.5));
    assertTrue(e.getMessage().contains("got 1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Normal.quantile(Double.NaN));
    IllegalArgumentException c =
        assertThrows(IllegalArgumentException.class, () -> Normal.criticalValue(95));
    assertTrue(
        c.getMessage().contains("got 95.0") && c.getMessage().contains("0.95"), c.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Normal.criticalValue(1.0));
    assertThrows(IllegalArgumentException.class, () -> Normal.criticalValue(0.0));
  }

  @Test
  void logGammaMatchesExactFactorialsAndMpmath() {
    // ln k! from the exact BigInteger factorial: ln(m * 2^s) with m the top 60 bits.
    BigInteger factorial = BigInteger.ONE;
    for (int k = 0; k <= 400; k++) {
      if (k > 0) {
        factorial = factorial.multiply(BigInteger.valueOf(k));
      }
      int shift = Math.max(0, factorial.bitLength() - 60);
      double expected = Math.log(factorial.shiftRight(shift).doubleValue()) + shift * Math.log(2);
      assertEquals(
          expected, SpecialFunctions.logFactorial(k), 1e-13 * Math.max(1, expected), "k = " + k);
    }
    // mpmath loggamma.
    assertRelative(0.5723649429247000870717137, SpecialFunctions.logGamma(0.5), 1e-14);
    assertRelative(2.252712651734205902006238, SpecialFunctions.logGamma(0.1), 1e-14);
    assertRelative(361.4355404677776215552519, SpecialFunctions.logGamma(100.5), 1e-14);
    assertRelative(12815518.38465816962425108, SpecialFunctions.logFactorial(1_000_000), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.logGamma(0));
    assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.logFactorial(-1));
  }
}
