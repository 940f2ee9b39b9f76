package io.polku.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.stats.Means.MeanInterval;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mean intervals from streamed sums. */
class MeansTest {
  /** Phi^-1(0.975) from mpmath. */
  private static final double Z95 = 1.959963984540054;

  @Test
  void handWorkedExample() {
    // 2, 4, 4, 4, 5, 5, 7, 9: sum 40, sum of squares 232, n 8, mean 5;
    // s^2 = (232 - 40^2 / 8) / 7 = 32 / 7 = 4.5714286, SE = sqrt(4.5714286 / 8) = 0.75592895,
    // interval 5 +- 1.95996398 * 0.75592895 = 5 +- 1.48159351 = [3.51840649, 6.48159351].
    MeanInterval m = Means.meanInterval(40, 232, 8, 0.95);
    assertEquals(5.0, m.mean(), 0);
    assertEquals(Math.sqrt(32.0 / 7 / 8), m.standardError(), 1e-15);
    assertEquals(3.51840649, m.lower(), 1e-8);
    assertEquals(6.48159351, m.upper(), 1e-8);
    assertEquals(8, m.n());
  }

  @Test
  void agreesWithATwoPassComputation() {
    double[] x = new double[500];
    Random random = new Random(3L);
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + 4 * random.nextDouble();
      sum += x[i];
      sumSquares += x[i] * x[i];
    }
    double mean = sum / x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double se = Math.sqrt(ss / (x.length - 1) / x.length);
    MeanInterval m = Means.meanInterval(sum, sumSquares, x.length, 0.95);
    assertEquals(se, m.standardError(), 1e-12);
    assertEquals(mean - Z95 * se, m.lower(), 1e-12);
    assertEquals(mean + Z95 * se, m.upper(), 1e-12);
  }

  @Test
  void tinySamplesGiveNaNIntervals() {
    MeanInterval empty = Means.meanInterval(0, 0, 0, 0.95);
    assertTrue(
        Double.isNaN(empty.mean())
            && Double.isNaN(empty.lower())
            && Double.isNaN(empty.upper())
            && Double.isNaN(empty.standardError()));
    MeanInterval one = Means.meanInterval(7.5, 56.25, 1, 0.95);
    assertEquals(7.5, one.mean(), 0);
    assertTrue(Double.isNaN(one.lower()) && Double.isNaN(one.upper()));
    MeanInterval constant = Means.meanInterval(30, 300, 3, 0.95);
    assertEquals(new MeanInterval(10, 10, 10, 0, 3), constant);
  }

  @Test
  void errorsNameTheValueAndTheFix() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Means.meanInterval(1, 1, -2, 0.95));
    assertTrue(e.getMessage().startsWith("n must be a count >= 0, got -2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Means.meanInterval(Double.NaN, 1, 2, 0.95));
    assertThrows(IllegalArgumentException.class, () -> Means.meanInterval(1, -1, 2, 0.95));
    assertThrows(IllegalArgumentException.class, () -> Means.meanInterval(1, 1, 2, 1.0));
  }
}
