package io.polku.stats;

/**
 * The special functions the rest of the package builds on: the complementary error function and the
 * log-gamma function. Pure Java, no dependencies, safe to call from the driver and from tests.
 */
public final class SpecialFunctions {
  private static final double ONE_OVER_SQRT_PI = 0.56418958354775628695;
  private static final double ERF_SMALL_THRESHOLD = 0.46875;
  private static final double ERFC_UNDERFLOW = 26.543;

  private static final double[] A = {
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1
  };
  private static final double[] B = {
    2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03
  };
  private static final double[] C = {
    5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
    2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
    2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8
  };
  private static final double[] D = {
    1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
    1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
    3.43936767414372164e03, 1.23033935480374942e03
  };
  private static final double[] P = {
    3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
    1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2
  };
  private static final double[] Q = {
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3
  };

  private static final double LANCZOS_G = 7.0;
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LOG_TWO_PI = 0.91893853320467274178;
  private static final double[] SMALL_LOG_FACTORIALS = smallLogFactorials();

  private SpecialFunctions() {}

  /**
   * The complementary error function {@code erfc(x) = 2/sqrt(pi) * integral_x^inf exp(-t^2) dt}.
   *
   * <p>Formula: W. J. Cody's rational Chebyshev approximations on the three ranges |x| &le;
   * 0.46875, 0.46875 &lt; |x| &le; 4 and |x| &gt; 4, with {@code exp(-x^2)} split into two factors
   * so that the tail keeps full relative precision; {@code erfc(-x) = 2 - erfc(x)}. Relative error
   * is about 1e-15 or better wherever the result is a normal double.
   *
   * <p>Edge cases: {@code erfc(x) = 0} for x &ge; 26.543 (the true value underflows), 2 for very
   * negative x, NaN for NaN.
   *
   * <p>Reference: W. J. Cody, "Rational Chebyshev approximations for the error function",
   * Mathematics of Computation 23 (1969) 631-637; the CALERF routine of netlib SPECFUN.
   *
   * @param x any double
   * @return erfc(x) in [0, 2]
   */
  public static double erfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double y = Math.abs(x);
    double result;
    if (y <= ERF_SMALL_THRESHOLD) {
      double ysq = y * y;
      double num = A[4] * ysq;
      double den = ysq;
      for (int i = 0; i < 3; i++) {
        num = (num + A[i]) * ysq;
        den = (den + B[i]) * ysq;
      }
      return 1.0 - x * (num + A[3]) / (den + B[3]);
    } else if (y <= 4.0) {
      double num = C[8] * y;
      double den = y;
      for (int i = 0; i < 7; i++) {
        num = (num + C[i]) * y;
        den = (den + D[i]) * y;
      }
      result = (num + C[7]) / (den + D[7]);
      result = scaleByGaussian(y, result);
    } else if (y >= ERFC_UNDERFLOW) {
      result = 0.0;
    } else {
      double ysq = 1.0 / (y * y);
      double num = P[5] * ysq;
      double den = ysq;
      for (int i = 0; i < 4; i++) {
        num = (num + P[i]) * ysq;
        den = (den + Q[i]) * ysq;
      }
      result = ysq * (num + P[4]) / (den + Q[4]);
      result = (ONE_OVER_SQRT_PI - result) / y;
      result = scaleByGaussian(y, result);
    }
    return x < 0 ? 2.0 - result : result;
  }

  /** {@code exp(-y^2) * r}, with y^2 split into an exactly representable part and a remainder. */
  private static double scaleByGaussian(double y, double r) {
    double head = Math.floor(y * 16.0) / 16.0;
    double rest = (y - head) * (y + head);
    return Math.exp(-head * head) * Math.exp(-rest) * r;
  }

  /**
   * The natural logarithm of the gamma function, {@code ln Gamma(x)}, for x &gt; 0.
   *
   * <p>Formula: the Lanczos approximation with g = 7 and nine coefficients, {@code ln Gamma(x) =
   * 0.5 ln(2 pi) + (x - 0.5) ln(t) - t + ln(A(x))} with {@code t = x + g - 0.5}; for x &lt; 0.5 the
   * reflection formula {@code Gamma(x) Gamma(1 - x) = pi / sin(pi x)} is used. Relative error is
   * about 1e-15; for large x the absolute error grows like {@code 1e-16 * x ln x} (about 1e-9 at x
   * = 10^6), which is the precision a double holds for a number of that size.
   *
   * <p>Edge cases: {@code logGamma(1) = logGamma(2) = 0} up to rounding; +infinity for x = 0.
   *
   * <p>Reference: C. Lanczos, "A precision approximation of the gamma function", SIAM J. Numer.
   * Anal. B 1 (1964) 86-96; coefficients as in Press et al., Numerical Recipes (3rd ed., 2007),
   * section 6.1, and P. Godfrey's g = 7 set.
   *
   * @param x a positive argument
   * @return ln Gamma(x)
   * @throws IllegalArgumentException if x is not positive or is NaN
   */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException(
          "logGamma needs x > 0, got "
              + x
              + "; the gamma function of a non-positive argument is not needed for counts");
    }
    if (x < 0.5) {
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1.0 - x);
    }
    double z = x - 1.0;
    double a = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (z + i);
    }
    double t = z + LANCZOS_G + 0.5;
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
  }

  private static double[] smallLogFactorials() {
    double[] table = new double[21];
    long factorial = 1;
    for (int k = 1; k < table.length; k++) {
      factorial *= k;
      table[k] = Math.log(factorial);
    }
    return table;
  }

  /**
   * The natural logarithm of k!, {@code ln k! = ln Gamma(k + 1)}.
   *
   * <p>Formula: the logarithm of the exact factorial (held in a long) for k &le; 20, the Lanczos
   * log-gamma of {@link #logGamma(double)} above that.
   *
   * <p>Edge cases: {@code logFactorial(0) = logFactorial(1) = 0}.
   *
   * <p>Reference: Press et al., Numerical Recipes (3rd ed., 2007), section 6.1 (factln).
   *
   * @param k a non-negative count
   * @return ln k!
   * @throws IllegalArgumentException if k is negative
   */
  public static double logFactorial(long k) {
    if (k < 0) {
      throw new IllegalArgumentException("logFactorial needs k >= 0, got " + k + "; pass a count");
    }
    if (k < SMALL_LOG_FACTORIALS.length) {
      return SMALL_LOG_FACTORIALS[(int) k];
    }
    return logGamma(k + 1.0);
  }
}
