package io.polku.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.stats.NetPromoter.Category;
import io.polku.stats.NetPromoter.Estimate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Net Promoter Score and its interval. */
class NetPromoterTest {
  /** Phi^-1(0.975) from mpmath. */
  private static final double Z95 = 1.959963984540054;

  @Test
  void sixtyTwentyTwentyByHand() {
    // n = 100, mean = (60 - 20) / 100 = 0.4 -> NPS 40; E[x^2] = (60 + 20) / 100 = 0.8,
    // var = 0.8 - 0.16 = 0.64, SE = sqrt(0.64 / 100) = 0.08, interval 40 +- 1.96 * 8
    // = [24.32, 55.68] (with z = 1.959963985: [24.3203, 55.6797]).
    Estimate e = NetPromoter.nps(60, 20, 20).orElseThrow();
    assertEquals(40.0, e.value(), 1e-12);
    assertEquals(100, e.n());
    assertEquals(40 - Z95 * 8, e.lower(), 1e-12);
    assertEquals(40 + Z95 * 8, e.upper(), 1e-12);
    assertEquals(24.32, e.lower(), 0.001);
    assertEquals(55.68, e.upper(), 0.001);
  }

  @Test
  void theVarianceEqualsTheSampleVarianceOfTheScores() {
    // Independent check: build the 97 scores (+1 x 41, 0 x 33, -1 x 23) and compute the
    // divide-by-n variance by two passes.
    int[] counts = {41, 33, 23};
    int n = 97;
    double[] x = new double[n];
    int i = 0;
    for (int k = 0; k < counts[0]; k++) {
      x[i++] = 1;
    }
    for (int k = 0; k < counts[1]; k++) {
      x[i++] = 0;
    }
    for (int k = 0; k < counts[2]; k++) {
      x[i++] = -1;
    }
    double mean = 0;
    for (double v : x) {
      mean += v / n;
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(ss / n / n);
    Estimate e = NetPromoter.nps(41, 33, 23).orElseThrow();
    assertEquals(100 * mean, e.value(), 1e-12);
    assertEquals(100 * (mean - Z95 * se), e.lower(), 1e-10);
    assertEquals(100 * (mean + Z95 * se), e.upper(), 1e-10);
  }

  @Test
  void extremesAreClippedAndEmptyIsEmpty() {
    Estimate all = NetPromoter.nps(25, 0, 0).orElseThrow();
    assertEquals(new Estimate(100.0, 100.0, 100.0, 25), all);
    Estimate none = NetPromoter.nps(0, 0, 8).orElseThrow();
    assertEquals(new Estimate(-100.0, -100.0, -100.0, 8), none);
    // 9 promoters, 1 detractor: mean 0.8, var 1 - 0.64 = 0.36, SE = 0.1897,
    // upper 100 (0.8 + 1.96 * 0.1897) = 117.2 -> clipped to 100.
    Estimate clipped = NetPromoter.nps(9, 0, 1).orElseThrow();
    assertEquals(80.0, clipped.value(), 1e-12);
    assertEquals(100.0, clipped.upper(), 0);
    assertEquals(100 * (0.8 - Z95 * Math.sqrt(0.036)), clipped.lower(), 1e-12);
    assertEquals(Optional.empty(), NetPromoter.nps(0, 0, 0));
    Estimate passives = NetPromoter.nps(0, 12, 0).orElseThrow();
    assertEquals(new Estimate(0.0, 0.0, 0.0, 12), passives);
  }

  @Test
  void otherConfidenceLevels() {
    // 90%: z = 1.6448536269514722 (mpmath); 60/20/20 -> 40 +- 1.64485 * 8.
    Estimate e = NetPromoter.nps(60, 20, 20, 0.90).orElseThrow();
    assertEquals(40 - 1.6448536269514722 * 8, e.lower(), 1e-10);
    assertThrows(IllegalArgumentException.class, () -> NetPromoter.nps(1, 1, 1, 95));
  }

  @Test
  void classificationBoundaries() {
    assertEquals(Category.DETRACTOR, NetPromoter.classify(0));
    assertEquals(Category.DETRACTOR, NetPromoter.classify(6));
    assertEquals(Category.DETRACTOR, NetPromoter.classify(6.5));
    assertEquals(Category.PASSIVE, NetPromoter.classify(7));
    assertEquals(Category.PASSIVE, NetPromoter.classify(8));
    assertEquals(Category.PASSIVE, NetPromoter.classify(8.99));
    assertEquals(Category.PROMOTER, NetPromoter.classify(9));
    assertEquals(Category.PROMOTER, NetPromoter.classify(10));
  }

  @Test
  void errorsNameTheValueAndTheFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NetPromoter.classify(11));
    assertTrue(
        e.getMessage().startsWith("score must be on the 0-10 recommend scale, got 11.0"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NetPromoter.classify(-0.5));
    assertThrows(IllegalArgumentException.class, () -> NetPromoter.classify(Double.NaN));
    IllegalArgumentException c =
        assertThrows(IllegalArgumentException.class, () -> NetPromoter.nps(3, -1, 2));
    assertTrue(c.getMessage().startsWith("passives must be a count >= 0, got -1"), c.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NetPromoter.nps(Long.MAX_VALUE, 1, 0));
  }
}
