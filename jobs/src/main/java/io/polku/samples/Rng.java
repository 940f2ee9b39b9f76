package io.polku.samples;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Small deterministic random helpers. Every person gets independent streams derived from the seed
 * and the person's index, so the behaviour of one person never depends on another person and the
 * score stream never disturbs the behaviour stream.
 */
final class Rng {

  private Rng() {}

  /** An independent stream for ({@code seed}, {@code index}, {@code stream}). */
  static SplittableRandom stream(long seed, long index, int stream) {
    long h = mix(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    h = mix(h ^ (index * 0xD1B54A32D192ED03L));
    h = mix(h ^ (stream * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL));
    return new SplittableRandom(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /** Index drawn with probability proportional to {@code weights}. */
  static int pick(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  static <T> T oneOf(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  static <T> T oneOf(SplittableRandom r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  static boolean chance(SplittableRandom r, double p) {
    return r.nextDouble() < p;
  }

  static double uniform(SplittableRandom r, double from, double to) {
    return from + (to - from) * r.nextDouble();
  }

  static long between(SplittableRandom r, long fromInclusive, long toExclusive) {
    return fromInclusive + r.nextLong(toExclusive - fromInclusive);
  }

  /** Poisson draw (Knuth), fine for the small means used here. */
  static int poisson(SplittableRandom r, double mean) {
    if (mean <= 0) {
      return 0;
    }
    double limit = Math.exp(-mean);
    double product = r.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= r.nextDouble();
      n++;
    }
    return n;
  }

  static String hex(SplittableRandom r, int digits) {
    StringBuilder sb = new StringBuilder(digits);
    while (sb.length() < digits) {
      String part = Long.toHexString(r.nextLong() | Long.MIN_VALUE);
      sb.append(part, 1, Math.min(part.length(), 1 + digits - sb.length()));
    }
    return sb.toString();
  }

  /** A version-4 style UUID string drawn from {@code r}. */
  static String uuid(SplittableRandom r) {
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(msb, lsb).toString();
  }
}
