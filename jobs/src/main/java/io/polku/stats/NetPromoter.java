package io.polku.stats;

import java.util.Optional;

/** The Net Promoter Score (NPS) of 0-10 "would you recommend" answers, with its uncertainty. */
public final class NetPromoter {
  private NetPromoter() {}

  /** The NPS group of a single 0-10 answer. */
  public enum Category {
    /** 9 or 10. */
    PROMOTER,
    /** 7 or 8. */
    PASSIVE,
    /** 0 to 6. */
    DETRACTOR
  }

  /**
   * An NPS with its confidence interval, all on the -100..100 scale.
   *
   * @param value the score, 100 (P - D) / n
   * @param lower the lower confidence bound, at least -100
   * @param upper the upper confidence bound, at most 100
   * @param n the number of responses
   */
  public record Estimate(double value, double lower, double upper, long n) {}

  /**
   * The NPS with a 95% confidence interval; see {@link #nps(long, long, long, double)}.
   *
   * @param promoters the number of 9-10 answers
   * @param passives the number of 7-8 answers
   * @param detractors the number of 0-6 answers
   * @return the estimate, or empty when there are no responses
   * @throws IllegalArgumentException if a count is negative or the total overflows
   */
  public static Optional<Estimate> nps(long promoters, long passives, long detractors) {
    return nps(promoters, passives, detractors, 0.95);
  }

  /**
   * The NPS with a normal-approximation confidence interval.
   *
   * <p>Formula: each response scores +1 (promoter), 0 (passive) or -1 (detractor); with {@code n =
   * P + A + D} the mean is {@code m = (P - D) / n}, the variance of one response is {@code v = (P +
   * D) / n - m^2} (the plug-in, divide-by-n variance of the trinomial score), {@code SE = sqrt(v /
   * n)}, and the interval is {@code 100 (m +- z SE)} clipped to [-100, 100], z the two-sided
   * critical value (1.96 for 95%).
   *
   * <p>Assumptions: independent responses from the population of interest; the normal approximation
   * needs a reasonable n (roughly 30+ and not all in one group). When all responses are in one
   * group the variance is 0 and the interval has zero width, which understates the uncertainty for
   * small n.
   *
   * <p>Edge cases: n = 0 returns {@link Optional#empty()} (there is no score; callers should show
   * "no responses" rather than a number).
   *
   * <p>Reference: F. F. Reichheld, "The one number you need to grow", Harvard Business Review 81
   * (2003) 46-54 (the score); B. Rocks, "Interval estimation for the net promoter score", The
   * American Statistician 70 (2016) 365-372 (the variance of the trinomial difference).
   *
   * @param promoters the number of 9-10 answers
   * @param passives the number of 7-8 answers
   * @param detractors the number of 0-6 answers
   * @param confidence the confidence level strictly between 0 and 1
   * @return the estimate, or empty when there are no responses
   * @throws IllegalArgumentException if a count is negative, the total overflows or the confidence
   *     is out of range
   */
  public static Optional<Estimate> nps(
      long promoters, long passives, long detractors, double confidence) {
    requireCount("promoters", promoters);
    requireCount("passives", passives);
    requireCount("detractors", detractors);
    double z = Normal.criticalValue(confidence);
    long n;
    try {
      n = Math.addExact(promoters, Math.addExact(passives, detractors));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "promoters + passives + detractors overflows a long ("
              + promoters
              + " + "
              + passives
              + " + "
              + detractors
              + "); pass response counts",
          e);
    }
    if (n == 0) {
      return Optional.empty();
    }
    double mean = (double) (promoters - detractors) / n;
    double variance = Math.max(0.0, (double) (promoters + detractors) / n - mean * mean);
    double se = Math.sqrt(variance / n);
    double lower = Math.max(-100.0, 100.0 * (mean - z * se));
    double upper = Math.min(100.0, 100.0 * (mean + z * se));
    return Optional.of(new Estimate(100.0 * mean, lower, upper, n));
  }

  /**
   * The NPS group of a 0-10 answer: promoter for 9-10, passive for 7-8, detractor for 0-6.
   *
   * <p>Non-integer scores (e.g. from a rescaled survey) are grouped by the same thresholds: {@code
   * score >= 9} promoter, {@code 7 <= score < 9} passive, {@code score < 7} detractor.
   *
   * <p>Edge cases: NaN and values outside [0, 10] are rejected.
   *
   * <p>Reference: F. F. Reichheld, Harvard Business Review 81 (2003) 46-54.
   *
   * @param score the answer on the 0-10 scale
   * @return the group
   * @throws IllegalArgumentException if the score is NaN or outside [0, 10]
   */
  public static Category classify(double score) {
    if (!(score >= 0.0 && score <= 10.0)) {
      throw new IllegalArgumentException(
          "score must be on the 0-10 recommend scale, got "
              + score
              + "; filter out missing answers and rescale 1-5 or 0-100 scales first");
    }
    if (score >= 9.0) {
      return Category.PROMOTER;
    }
    if (score >= 7.0) {
      return Category.PASSIVE;
    }
    return Category.DETRACTOR;
  }

  private static void requireCount(String name, long count) {
    if (count < 0) {
      throw new IllegalArgumentException(
          name
              + " must be a count >= 0, got "
              + count
              + "; pass the number of responses in the group");
    }
  }
}
