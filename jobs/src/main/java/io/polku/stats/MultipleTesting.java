package io.polku.stats;

import java.util.Arrays;
import java.util.Comparator;

/** Corrections for testing many hypotheses at once (many segments, many questions). */
public final class MultipleTesting {
  private MultipleTesting() {}

  /**
   * Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate.
   *
   * <p>Formula: with the m p-values sorted ascending as {@code p_(1) <= ... <= p_(m)}, {@code q_(i)
   * = min over j >= i of min(1, p_(j) m / j)} (the step-up procedure); rejecting every hypothesis
   * with {@code q <= alpha} is the BH procedure at FDR level alpha. The q-values are returned in
   * the order of the input. Ties are handled naturally by the running minimum, so tied p-values get
   * equal q-values. Matches R's {@code p.adjust(p, "BH")}.
   *
   * <p>Assumptions: the FDR guarantee holds for independent or positively dependent (PRDS) tests.
   *
   * <p>Edge cases: an empty array gives an empty array; m = 1 returns the p-value unchanged.
   *
   * <p>Reference: Y. Benjamini and Y. Hochberg, "Controlling the false discovery rate: a practical
   * and powerful approach to multiple testing", JRSS B 57 (1995) 289-300.
   *
   * @param pValues the raw p-values, each in [0, 1]; not modified
   * @return the adjusted p-values, in the input order
   * @throws IllegalArgumentException if the array is null or a value is NaN or outside [0, 1]
   */
  public static double[] benjaminiHochberg(double[] pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException(
          "pValues must not be null; pass an empty array when" + " there is nothing to adjust");
    }
    int m = pValues.length;
    for (int i = 0; i < m; i++) {
      double p = pValues[i];
      if (Double.isNaN(p)) {
        throw new IllegalArgumentException(
            "pValues["
                + i
                + "] is NaN; expected a p-value in"
                + " [0, 1]. Drop untestable segments (e.g. n = 0) before adjusting, or give them"
                + " p = 1");
      }
      if (p < 0.0 || p > 1.0) {
        throw new IllegalArgumentException(
            "pValues["
                + i
                + "] = "
                + p
                + " is outside [0, 1];"
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

  /**
   * Simes' combined p-value of a family of tests: the p-value of the global null hypothesis that
   * none of the family's hypotheses is false.
   *
   * <p>Formula: with the m p-values sorted ascending, {@code p_S = min over i of min(1, p_(i) m /
   * i)}. It is the smallest of the family's Benjamini-Hochberg q-values, so {@code p_S <= alpha}
   * exactly when BH at level alpha on the family alone rejects something.
   *
   * <p>Assumptions: a level-alpha test for independent or positively dependent (PRDS) tests.
   *
   * <p>Used to test families before their members (Benjamini and Bogomolov 2014): BH over the
   * families' Simes p-values selects the families with a signal of their own, so that many true
   * discoveries in one family do not loosen the threshold for another (Efron 2008).
   *
   * <p>References: R. J. Simes, "An improved Bonferroni procedure for multiple tests of
   * significance", Biometrika 73 (1986) 751-754; Y. Benjamini and M. Bogomolov, "Selective
   * inference on multiple families of hypotheses", JRSS B 76 (2014) 297-318; B. Efron,
   * "Simultaneous inference: when should hypothesis testing problems be combined?", Annals of
   * Applied Statistics 2 (2008) 197-223.
   *
   * @param pValues the family's raw p-values, each in [0, 1]; not modified
   * @return the combined p-value in [0, 1]
   * @throws IllegalArgumentException if the array is null or empty, or a value is NaN or outside
   *     [0, 1]
   */
  public static double simes(double[] pValues) {
    if (pValues == null || pValues.length == 0) {
      throw new IllegalArgumentException(
          "Simes' test needs at least one p-value; a family"
              + " without tests has nothing to combine (leave it out)");
    }
    double[] q = benjaminiHochberg(pValues);
    double min = 1.0;
    for (double v : q) {
      min = Math.min(min, v);
    }
    return min;
  }
}
