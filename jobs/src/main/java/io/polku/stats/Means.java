package io.polku.stats;

/** Means of numeric answers (satisfaction scores, handling times) from streamed sums. */
public final class Means {
  private Means() {}

  /**
   * A mean with its confidence interval.
   *
   * @param mean the sample mean, NaN when n = 0
   * @param lower the lower confidence bound, NaN when n &lt; 2
   * @param upper the upper confidence bound, NaN when n &lt; 2
   * @param standardError the standard error of the mean, NaN when n &lt; 2
   * @param n the number of observations
   */
  public record MeanInterval(
      double mean, double lower, double upper, double standardError, long n) {}

  /**
   * The mean and its normal-approximation confidence interval from the sufficient statistics a
   * Spark aggregation produces ({@code sum(x)}, {@code sum(x * x)}, {@code count(x)}).
   *
   * <p>Formula: {@code mean = S / n}, sample variance {@code s^2 = (Q - S^2 / n) / (n - 1)}
   * (clamped at 0 against rounding), {@code SE = s / sqrt(n)}, interval {@code mean +- z SE} with z
   * the normal critical value (1.96 for 95%).
   *
   * <p>Assumptions: independent observations and n large enough for the central limit theorem
   * (roughly 30+); for small n the Student-t interval would be wider. The one-pass formula loses
   * precision when the variance is tiny compared with the mean squared (e.g. timestamps in epoch
   * milliseconds); centre the data before summing in that case.
   *
   * <p>Edge cases: n = 0 gives mean NaN and an NaN interval; n = 1 gives the mean with an NaN
   * interval and standard error (no variance can be estimated from one value).
   *
   * <p>Reference: e.g. J. A. Rice, Mathematical Statistics and Data Analysis (3rd ed., 2007),
   * sections 7.3 and 8.5; B. P. Welford, Technometrics 4 (1962) 419-420 on the one-pass sum of
   * squares.
   *
   * @param sum the sum of the values
   * @param sumSquares the sum of the squared values
   * @param n the number of values
   * @param confidence the confidence level strictly between 0 and 1, e.g. 0.95
   * @return the mean, interval and standard error
   * @throws IllegalArgumentException if n is negative, the sums are not finite, the sum of squares
   *     is negative or the confidence is out of range
   */
  public static MeanInterval meanInterval(
      double sum, double sumSquares, long n, double confidence) {
    if (n < 0) {
      throw new IllegalArgumentException(
          "n must be a count >= 0, got " + n + "; pass the number of non-null values");
    }
    if (!Double.isFinite(sum) || !Double.isFinite(sumSquares)) {
      throw new IllegalArgumentException(
          "sum and sumSquares must be finite, got sum = "
              + sum
              + ", sumSquares = "
              + sumSquares
              + "; remove NaN or infinite values before summing");
    }
    if (sumSquares < 0) {
      throw new IllegalArgumentException(
          "sumSquares must be >= 0, got "
              + sumSquares
              + "; pass the sum of x * x, not the sum of deviations");
    }
    double z = Normal.criticalValue(confidence);
    if (n == 0) {
      return new MeanInterval(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double mean = sum / n;
    if (n == 1) {
      return new MeanInterval(mean, Double.NaN, Double.NaN, Double.NaN, 1);
    }
    double variance = Math.max(0.0, (sumSquares - sum * mean) / (n - 1));
    double se = Math.sqrt(variance / n);
    return new MeanInterval(mean, mean - z * se, mean + z * se, se, n);
  }
}
