package io.polku.stats;

/**
 * Confidence intervals and tests for binomial proportions: the Wilson score interval, the pooled
 * two-proportion z-test, Fisher's exact test and a rule that picks between the two tests.
 */
public final class Proportions {
  /** R's relative tolerance for treating two table probabilities as tied (fisher.test). */
  private static final double TIE_TOLERANCE = 1e-7;

  /** Log-probability distance below the observed table beyond which terms cannot matter. */
  private static final double NEGLIGIBLE_LOG = 50.0;

  /**
   * Observed-versus-mode log-probability gap beyond which the p-value (at most the number of tables
   * times the observed probability, i.e. below e^-800 * 2^63) underflows a double.
   */
  private static final double UNDERFLOW_LOG = 800.0;

  /** Smallest expected cell count for which the z-test is used by {@link #difference}. */
  private static final double MIN_EXPECTED = 5.0;

  private Proportions() {}

  /**
   * A confidence interval {@code [lower, upper]}.
   *
   * @param lower the lower bound
   * @param upper the upper bound
   */
  public record Interval(double lower, double upper) {}

  /**
   * The result of a test.
   *
   * @param statistic the test statistic (a signed z for the tests in this class)
   * @param pValue the two-sided p-value in [0, 1]
   */
  public record Test(double statistic, double pValue) {}

  /** The test {@link #difference} chose. */
  public enum Method {
    /** The pooled two-proportion z-test, {@link #twoProportionZ}. */
    Z,
    /** Fisher's exact test, {@link #fisherExact}. */
    FISHER
  }

  /**
   * The outcome of {@link #difference}: the test result and which test produced its p-value.
   *
   * @param test the statistic and p-value
   * @param method the test used for the p-value
   */
  public record Comparison(Test test, Method method) {
    /**
     * The two-sided p-value, a shortcut for {@code test().pValue()}.
     *
     * @return the p-value of the chosen method
     */
    public double pValue() {
      return test.pValue();
    }
  }

  /**
   * The Wilson score interval for a binomial proportion.
   *
   * <p>Formula: with {@code p = x / n} and z the two-sided critical value, {@code (p + z^2/(2n) +-
   * z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)}: the set of true proportions pi for which {@code
   * |p - pi| <= z sqrt(pi(1-pi)/n)}. Assumes independent Bernoulli trials. Unlike the Wald interval
   * it stays inside [0, 1] and keeps close to nominal coverage for small n and for p near 0 or 1.
   *
   * <p>Edge cases: n = 0 gives the uninformative (0, 1); x = 0 gives a lower bound of exactly 0 and
   * x = n an upper bound of exactly 1.
   *
   * <p>Reference: E. B. Wilson, "Probable inference, the law of succession, and statistical
   * inference", JASA 22 (1927) 209-212; L. D. Brown, T. T. Cai and A. DasGupta, "Interval
   * estimation for a binomial proportion", Statistical Science 16 (2001) 101-133; R. G. Newcombe,
   * Statistics in Medicine 17 (1998) 857-872 (method 3).
   *
   * @param successes the number of successes x, 0 &le; x &le; n
   * @param n the number of trials
   * @param confidence the confidence level strictly between 0 and 1, e.g. 0.95
   * @return the interval
   * @throws IllegalArgumentException if the counts or the confidence are out of range
   */
  public static Interval wilson(long successes, long n, double confidence) {
    requireTrials("n", n);
    requireSuccesses("successes", successes, n);
    double z = Normal.criticalValue(confidence);
    if (n == 0) {
      return new Interval(0.0, 1.0);
    }
    double p = (double) successes / n;
    double z2n = z * z / n;
    double denominator = 1.0 + z2n;
    double centre = (p + z2n / 2.0) / denominator;
    double half = z / denominator * Math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n));
    double lower = successes == 0 ? 0.0 : Math.max(0.0, centre - half);
    double upper = successes == n ? 1.0 : Math.min(1.0, centre + half);
    return new Interval(lower, upper);
  }

  /**
   * The pooled two-proportion z-test of {@code H0: pi1 = pi2} against the two-sided alternative.
   *
   * <p>Formula: {@code p1 = x1/n1}, {@code p2 = x2/n2}, pooled {@code p = (x1+x2)/(n1+n2)}, {@code
   * z = (p1 - p2) / sqrt(p(1-p)(1/n1 + 1/n2))}, p-value {@code 2 P(Z > |z|)}. It equals the Pearson
   * chi-square test without continuity correction ({@code z^2 = X^2}). Assumes independent samples
   * and large enough counts (every expected cell at least about 5; otherwise use {@link
   * #fisherExact} or {@link #difference}).
   *
   * <p>Edge cases: n1 = 0, n2 = 0, or a pooled proportion of 0 or 1 (no variance, nothing to test)
   * give statistic 0 and p-value 1.
   *
   * <p>Reference: A. Agresti, Categorical Data Analysis (3rd ed., 2013), sections 2.1 and 3.1; J.
   * L. Fleiss, B. Levin and M. C. Paik, Statistical Methods for Rates and Proportions (3rd ed.,
   * 2003), section 2.5.
   *
   * @param x1 successes in group 1, 0 &le; x1 &le; n1
   * @param n1 size of group 1
   * @param x2 successes in group 2, 0 &le; x2 &le; n2
   * @param n2 size of group 2
   * @return the signed z (positive when group 1 has the higher proportion) and the p-value
   * @throws IllegalArgumentException if a count is out of range
   */
  public static Test twoProportionZ(long x1, long n1, long x2, long n2) {
    requireTrials("n1", n1);
    requireTrials("n2", n2);
    requireSuccesses("x1", x1, n1);
    requireSuccesses("x2", x2, n2);
    if (n1 == 0 || n2 == 0) {
      return new Test(0.0, 1.0);
    }
    long pooledSuccesses = x1 + x2;
    long pooledN = n1 + n2;
    if (pooledSuccesses == 0 || pooledSuccesses == pooledN) {
      return new Test(0.0, 1.0);
    }
    double pooled = (double) pooledSuccesses / pooledN;
    double se = Math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2));
    double z = ((double) x1 / n1 - (double) x2 / n2) / se;
    return new Test(z, Normal.twoSidedP(z));
  }

  /**
   * The two-sided p-value of Fisher's exact test for the 2x2 table {@code [[a, b], [c, d]]}.
   *
   * <p>Formula: conditional on the margins, the top-left cell follows the hypergeometric
   * distribution {@code P(k) = C(a+b, k) C(c+d, a+c-k) / C(n, a+c)} on {@code max(0, a+c-(c+d)) <=
   * k <= min(a+b, a+c)}. The p-value is the sum of {@code P(k)} over all k with {@code P(k) <= P(a)
   * (1 + 1e-7)} (the "probabilities no larger than observed" rule with R's relative tie tolerance),
   * matching R's {@code fisher.test}. Log-probabilities come from log-factorials ({@link
   * SpecialFunctions#logFactorial(long)}); the margin constant cancels because the sums are
   * normalised over the support. The walk starts at the mode and stops on each side once terms fall
   * more than e^-50 below the observed one (the distribution is log-concave, so all further terms
   * are smaller still), so tables with counts around 10^6 take milliseconds. When the observed
   * table is more than e^-800 less likely than the mode the p-value underflows and 0 is returned
   * without walking.
   *
   * <p>Assumptions: fixed margins (or conditioning on them), independent observations.
   *
   * <p>Edge cases: an all-zero table, or any zero margin (only one possible table), gives 1.
   * p-values below about 1e-300 are returned as 0.
   *
   * <p>Reference: R. A. Fisher, Statistical Methods for Research Workers (5th ed., 1934), section
   * 21.02; A. Agresti, "A survey of exact inference for contingency tables", Statistical Science 7
   * (1992) 131-153; R Core Team, {@code stats::fisher.test}.
   *
   * @param a top-left count (group 1 successes)
   * @param b top-right count (group 1 failures)
   * @param c bottom-left count (group 2 successes)
   * @param d bottom-right count (group 2 failures)
   * @return the two-sided p-value in [0, 1]
   * @throws IllegalArgumentException if a count is negative or the total overflows
   */
  public static double fisherExact(long a, long b, long c, long d) {
    requireCell("a", a);
    requireCell("b", b);
    requireCell("c", c);
    requireCell("d", d);
    long row1;
    long n;
    try {
      row1 = Math.addExact(a, b);
      n = Math.addExact(row1, Math.addExact(c, d));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "the table [["
              + a
              + ", "
              + b
              + "], ["
              + c
              + ", "
              + d
              + "]] has a total beyond the range of a long; pass counts, not sums of weights",
          e);
    }
    long col1 = a + c;
    long lo = Math.max(0, col1 - (n - row1));
    long hi = Math.min(row1, col1);
    if (lo == hi) {
      return 1.0;
    }
    long mode =
        Math.max(lo, Math.min(hi, (long) Math.floor((row1 + 1.0) * (col1 + 1.0) / (n + 2.0))));
    double logMode = logWeight(mode, row1, col1, n);
    double logObserved = logWeight(a, row1, col1, n);
    if (logObserved - logMode < -UNDERFLOW_LOG) {
      return 0.0;
    }
    double tieLimit = logObserved + Math.log1p(TIE_TOLERANCE);
    double stop = logObserved - NEGLIGIBLE_LOG;
    double total = 0.0;
    double tail = 0.0;
    for (int direction = 0; direction < 2; direction++) {
      long k = direction == 0 ? mode : mode + 1;
      long step = direction == 0 ? -1 : 1;
      for (; k >= lo && k <= hi; k += step) {
        double w = k == mode ? logMode : logWeight(k, row1, col1, n);
        total += Math.exp(w - logMode);
        if (w <= tieLimit) {
          tail += Math.exp(w - logObserved);
          if (w < stop) {
            break;
          }
        }
      }
    }
    return Math.min(1.0, Math.exp(logObserved - logMode + Math.log(tail / total)));
  }

  /** Log of {@code 1 / (k! (row1-k)! (col1-k)! (n-row1-col1+k)!)}: P(k) up to a constant. */
  private static double logWeight(long k, long row1, long col1, long n) {
    return -(SpecialFunctions.logFactorial(k)
        + SpecialFunctions.logFactorial(row1 - k)
        + SpecialFunctions.logFactorial(col1 - k)
        + SpecialFunctions.logFactorial(n - row1 - col1 + k));
  }

  /**
   * Tests whether two proportions differ, choosing the test by the usual rule of thumb: Fisher's
   * exact test when any expected count of the table {@code [[x1, n1-x1], [x2, n2-x2]]} under
   * independence ({@code row total * column total / n}) is below 5, otherwise the pooled z-test.
   *
   * <p>The statistic is always the pooled z of {@link #twoProportionZ} (so its sign tells the
   * direction, positive when group 1 is higher); the p-value comes from the chosen method.
   *
   * <p>Edge cases: an empty group (n1 = 0 or n2 = 0) has expected counts of 0 and so goes to
   * Fisher, which returns p = 1 with statistic 0.
   *
   * <p>Reference: W. G. Cochran, "Some methods for strengthening the common chi-square tests",
   * Biometrics 10 (1954) 417-451 (the expected count of 5 rule); Agresti (2013), section 3.5.
   *
   * @param x1 successes in group 1, 0 &le; x1 &le; n1
   * @param n1 size of group 1
   * @param x2 successes in group 2, 0 &le; x2 &le; n2
   * @param n2 size of group 2
   * @return the test result and the method that produced the p-value
   * @throws IllegalArgumentException if a count is out of range
   */
  public static Comparison difference(long x1, long n1, long x2, long n2) {
    Test z = twoProportionZ(x1, n1, x2, n2);
    double n = (double) n1 + n2;
    double successes = (double) x1 + x2;
    double failures = n - successes;
    double smallestExpected =
        n == 0 ? 0.0 : Math.min(Math.min(n1, n2) * successes, Math.min(n1, n2) * failures) / n;
    if (smallestExpected < MIN_EXPECTED) {
      double p = fisherExact(x1, n1 - x1, x2, n2 - x2);
      return new Comparison(new Test(z.statistic(), p), Method.FISHER);
    }
    return new Comparison(z, Method.Z);
  }

  private static void requireTrials(String name, long n) {
    if (n < 0) {
      throw new IllegalArgumentException(
          name + " must be a count >= 0, got " + n + "; pass the number of responses in the group");
    }
  }

  private static void requireSuccesses(String name, long x, long n) {
    if (x < 0 || x > n) {
      throw new IllegalArgumentException(
          name
              + " must be between 0 and n = "
              + n
              + ", got "
              + x
              + "; pass the count of responses with the outcome, at most the group size");
    }
  }

  private static void requireCell(String name, long count) {
    if (count < 0) {
      throw new IllegalArgumentException(
          "cell "
              + name
              + " of the 2x2 table must be >= 0, got "
              + count
              + "; pass counts of responses, not differences");
    }
  }
}
