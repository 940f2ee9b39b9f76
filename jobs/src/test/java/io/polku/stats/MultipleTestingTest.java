package io.polku.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Benjamini-Hochberg q-values. */
class MultipleTestingTest {
  /** Benjamini and Hochberg (1995), section 4.1: 15 p-values from a myocardial infarction study. */
  private static final double[] BH_1995 = {
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
    0.6528, 0.7590, 1.000
  };

  /**
   * Naive O(m^2) reference written straight from the definition: the rank of p_j is the number of
   * p-values &lt;= p_j (the largest rank of a tie group, where p m / rank is smallest), and q_i =
   * min over all j with p_j &gt;= p_i of min(1, p_j m / rank_j).
   */
  private static double[] naive(double[] p) {
    int m = p.length;
    double[] q = new double[m];
    for (int i = 0; i < m; i++) {
      double best = 1.0;
      for (int j = 0; j < m; j++) {
        if (p[j] >= p[i]) {
          int rank = 0;
          for (double other : p) {
            if (other <= p[j]) {
              rank++;
            }
          }
          best = Math.min(best, Math.min(1.0, p[j] * m / rank));
        }
      }
      q[i] = best;
    }
    return q;
  }

  @Test
  void thePapersExampleRejectsExactlyTheFourSmallestAtFivePercent() {
    double[] q = MultipleTesting.benjaminiHochberg(BH_1995);
    int rejected = 0;
    for (int i = 0; i < q.length; i++) {
      if (q[i] <= 0.05) {
        rejected++;
        assertTrue(i < 4, "rejected p = " + BH_1995[i]);
      }
    }
    assertEquals(4, rejected);
    // By hand: q_(4) = 0.0095 * 15 / 4 = 0.035625; q_(5) = min over j >= 5 of p_(j) 15 / j
    // = min(0.0603, 0.0695, 0.063857, 0.0645, 0.0765, ...) = 0.0603 > 0.05.
    assertEquals(0.035625, q[3], 1e-15);
    assertEquals(0.0603, q[4], 1e-15);
    assertEquals(1.0, q[14], 0);
    assertArrayEquals(naive(BH_1995), q, 1e-15);
  }

  @Test
  void inputOrderIsPreservedAndTheInputIsUntouched() {
    double[] shuffled = {
      0.6528, 0.0001, 0.3240, 0.0459, 1.000, 0.0019, 0.0278, 0.7590, 0.0095, 0.4262, 0.0004, 0.0344,
      0.5719, 0.0201, 0.0298
    };
    double[] copy = shuffled.clone();
    double[] q = MultipleTesting.benjaminiHochberg(shuffled);
    assertArrayEquals(copy, shuffled, 0);
    double[] sortedQ = MultipleTesting.benjaminiHochberg(BH_1995);
    for (int i = 0; i < shuffled.length; i++) {
      int sortedIndex = Arrays.binarySearch(BH_1995, shuffled[i]);
      assertEquals(sortedQ[sortedIndex], q[i], 0, "p = " + shuffled[i]);
    }
    assertArrayEquals(naive(shuffled), q, 1e-15);
  }

  @Test
  void randomInputsWithTiesMatchTheNaiveDefinition() {
    Random random = new Random(7L);
    for (int trial = 0; trial < 200; trial++) {
      int m = 1 + random.nextInt(40);
      double[] p = new double[m];
      for (int i = 0; i < m; i++) {
        p[i] = random.nextInt(4) == 0 ? random.nextInt(5) / 20.0 : random.nextDouble() * 0.2;
      }
      assertArrayEquals(naive(p), MultipleTesting.benjaminiHochberg(p), 1e-15);
    }
  }

  @Test
  void edgeCasesAndErrors() {
    assertEquals(0, MultipleTesting.benjaminiHochberg(new double[0]).length);
    assertArrayEquals(
        new double[] {0.03}, MultipleTesting.benjaminiHochberg(new double[] {0.03}), 0);
    IllegalArgumentException nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleTesting.benjaminiHochberg(new double[] {0.01, Double.NaN}));
    assertTrue(
        nan.getMessage().startsWith("pValues[1] is NaN; expected a p-value in [0, 1]"),
        nan.getMessage());
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleTesting.benjaminiHochberg(new double[] {1.96}));
    assertTrue(
        range.getMessage().contains("pValues[0] = 1.96 is outside [0, 1]"), range.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MultipleTesting.benjaminiHochberg(null));
  }

  @Test
  void simesIsTheSmallestOfPSortedTimesMOverRank() {
    // The 1995 example, by hand: p_(i) 15 / i = 0.0015, 0.003, 0.0095, 0.035625, ... -> 0.0015.
    assertEquals(0.0015, MultipleTesting.simes(BH_1995), 1e-15);
    // Where the minimum is not at the smallest p: 0.04 * 3 = 0.12, 0.045 * 3 / 2 = 0.0675,
    // 0.05 * 3 / 3 = 0.05 -> 0.05 (Bonferroni would give 0.12).
    assertEquals(0.05, MultipleTesting.simes(new double[] {0.05, 0.04, 0.045}), 1e-15);
    assertEquals(0.3, MultipleTesting.simes(new double[] {0.3}), 0);
    assertThrows(IllegalArgumentException.class, () -> MultipleTesting.simes(new double[0]));
  }
}
