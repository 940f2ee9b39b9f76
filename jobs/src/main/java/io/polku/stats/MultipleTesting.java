package io.polku.stats;

import java.util.Arrays;
import java.util.Comparator;

/** Corrections for testing many hypotheses at once (many segments, many questions). */
public final class MultipleTesting {
  private MultipleTesting() {}

  /**
   * Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate.
   *
   * <p>Formula: with the m p-values sorted ascending as {@code p_(1) <= ... <= p_(m)},
   * {@code q_(i) = min over j >= i of min(1, p_(j) m / j)} (the step-up procedure); rejecting
   * every hypothesis with {@code q <= alpha} is the BH procedure at FDR level alpha. The q-values
   * are returned in the order of the input. Ties are handled naturally by the running minimum,
   * so tied p-values get equal q-values. Matches R's {@code p.adjust(p, "BH")}.
   *
   * <p>Assumptions: the FDR guarantee holds for independent or positively dependent (PRDS) tests.
   *
   * <p>Edge cases: an empty array gives an empty array; m = 1 returns the p-value unchanged.
   *
   * <p>Reference: Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate: a
   * practical and powerful approach to multiple testing", JRSS B 57 (1995) 289-300.
   *
   * @param pValues the raw p-values, each in [0, 1]; not modified
   * @return the adjusted p-values, in the input order
   * @throws IllegalArgumentException if the array is null or a value is NaN or outside [0, 1]
   */
  public static double[] benjaminiHochberg(double[] pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException("pValues must not be null; pass an empty array when"
          + " there is nothing to adjust");
    }
    int m = pValues.length;
    for (int i = 0; i < m; i++) {
      double p = pValues[i];
      if (Double.isNaN(p)) {
        throw new IllegalArgumentException("pValues[" + i + "] is NaN; expected a p-value in"
            + " [0, 1]. Drop untestable segments (e.g. n = 0) before adjusting, or give them"
            + " p = 1");
      }
      if (p < 0.0 || p > 1.0) {
        throw new IllegalArgumentException("pValues[" + i + "] = " + p + " is outside [0, 1];"
            + " pass p-values, not test statistics or percentages");
      }
    }
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] q = new double[m];
    double running = 1.0;
    for (int rank = m; rank >= 1; rank--) {
      int index = order[rank - 1];
      running = Math.min(running, Math.min(1.0, pValues[index] * m / rank));
      q[index] = running;
    }
    return q;
  }
}
