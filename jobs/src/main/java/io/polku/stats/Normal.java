package io.polku.stats;

/** The standard normal distribution: CDF, upper tail, quantile and two-sided critical values. */
public final class Normal {
  private static final double SQRT_TWO = 1.4142135623730950488;
  private static final double SQRT_TWO_PI = 2.5066282746310005024;

  private static final double[] QA = {
    -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
  };
  private static final double[] QB = {
    -5.447609879822406e+01,
    1.615858368580409e+02,
    -1.556989798598866e+02,
    6.680131188771972e+01,
    -1.328068155288572e+01
  };
  private static final double[] QC = {
    -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
  };
  private static final double[] QD = {
    7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
  };
  private static final double Q_LOW = 0.02425;

  private Normal() {}

  /**
   * The standard normal CDF {@code Phi(x) = P(Z <= x) = erfc(-x / sqrt 2) / 2}.
   *
   * <p>Assumptions: none beyond a double argument. Uses {@link SpecialFunctions#erfc(double)}
   * (Cody), so the lower tail keeps about 1e-15 relative precision down to {@code Phi(-37)}.
   *
   * <p>Edge cases: 0 for x &le; about -37.5, 1 for large x, NaN for NaN.
   *
   * <p>Reference: M. Abramowitz and I. A. Stegun, Handbook of Mathematical Functions (1964),
   * formula 26.2.29; W. J. Cody, Math. Comp. 23 (1969) 631-637.
   *
   * @param x the standard normal deviate
   * @return Phi(x)
   */
  public static double cdf(double x) {
    return 0.5 * SpecialFunctions.erfc(-x / SQRT_TWO);
  }

  /**
   * The upper tail {@code P(Z > x) = 1 - Phi(x) = erfc(x / sqrt 2) / 2}, computed directly so that
   * tiny tail probabilities are not lost to the cancellation in {@code 1 - Phi(x)}.
   *
   * <p>Edge cases: as {@link #cdf(double)} mirrored.
   *
   * <p>Reference: Abramowitz and Stegun (1964), 26.2.29.
   *
   * @param x the standard normal deviate
   * @return 1 - Phi(x)
   */
  public static double upperTail(double x) {
    return 0.5 * SpecialFunctions.erfc(x / SQRT_TWO);
  }

  /**
   * The two-sided p-value of a z statistic, {@code 2 P(Z > |z|) = erfc(|z| / sqrt 2)}.
   *
   * <p>Edge cases: z = 0 gives 1; NaN gives NaN.
   *
   * <p>Reference: any introductory text, e.g. A. Agresti, Categorical Data Analysis (3rd ed.,
   * 2013), section 1.3.
   *
   * @param z the statistic
   * @return the two-sided p-value in [0, 1]
   */
  public static double twoSidedP(double z) {
    return Math.min(1.0, SpecialFunctions.erfc(Math.abs(z) / SQRT_TWO));
  }

  /**
   * The standard normal quantile {@code Phi^-1(p)}.
   *
   * <p>Formula: P. J. Acklam's rational approximation (relative error below 1.15e-9), refined by
   * one step of Halley's method on {@code Phi(x) - p} using {@link #cdf(double)}, which brings the
   * result to about full double precision. For p &gt; 0.5 the result is {@code -quantile(1 - p)} (1
   * - p is exact there), so both tails are computed from the lower tail where {@code Phi} is
   * accurate in relative terms.
   *
   * <p>Edge cases: p = 0 gives -infinity, p = 1 gives +infinity, p = 0.5 gives 0.
   *
   * <p>Reference: P. J. Acklam, "An algorithm for computing the inverse normal cumulative
   * distribution function" (2003, web note); Halley refinement as suggested there.
   *
   * @param p a probability in [0, 1]
   * @return x with Phi(x) = p
   * @throws IllegalArgumentException if p is outside [0, 1] or NaN
   */
  public static double quantile(double p) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException(
          "quantile needs a probability p in [0, 1], got "
              + p
              + "; pass e.g. 0.975 for the upper 2.5% point");
    }
    if (p > 0.5) {
      return -lowerQuantile(1.0 - p);
    }
    return lowerQuantile(p);
  }

  /** The quantile for p in [0, 0.5]. */
  private static double lowerQuantile(double p) {
    if (p == 0.0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 0.5) {
      return 0.0;
    }
    double x;
    if (p < Q_LOW) {
      double q = Math.sqrt(-2.0 * Math.log(p));
      x =
          (((((QC[0] * q + QC[1]) * q + QC[2]) * q + QC[3]) * q + QC[4]) * q + QC[5])
              / ((((QD[0] * q + QD[1]) * q + QD[2]) * q + QD[3]) * q + 1.0);
    } else {
      double q = p - 0.5;
      double r = q * q;
      x =
          (((((QA[0] * r + QA[1]) * r + QA[2]) * r + QA[3]) * r + QA[4]) * r + QA[5])
              * q
              / (((((QB[0] * r + QB[1]) * r + QB[2]) * r + QB[3]) * r + QB[4]) * r + 1.0);
    }
    double e = cdf(x) - p;
    double u = e * SQRT_TWO_PI * Math.exp(0.5 * x * x);
    return x - u / (1.0 + 0.5 * x * u);
  }

  /**
   * The two-sided critical value for a confidence level, {@code z = Phi^-1(1 - (1 - c) / 2)}, e.g.
   * 1.959963984540054 for c = 0.95. Computed as {@code -quantile((1 - c) / 2)} to avoid rounding in
   * {@code 1 - alpha/2}.
   *
   * <p>Edge cases: c must be strictly between 0 and 1; c = 0 or 1 would give a zero or infinite
   * interval and is rejected.
   *
   * <p>Reference: Agresti (2013), section 1.3.
   *
   * @param confidence the confidence level, strictly between 0 and 1 (0.95 for 95%)
   * @return the positive critical value
   * @throws IllegalArgumentException if confidence is not strictly between 0 and 1
   */
  public static double criticalValue(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0)) {
      throw new IllegalArgumentException(
          "confidence must be strictly between 0 and 1, got "
              + confidence
              + "; pass e.g. 0.95 for a 95% interval (not 95)");
    }
    return -quantile((1.0 - confidence) / 2.0);
  }
}
