package io.polku.samples;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * The generated time window [start 00:00 UTC, start+days 00:00 UTC), weekday seasonality, diurnal
 * patterns (in Europe/Helsinki local time, so the 2026-10-25 DST change shifts the UTC hours like
 * in real data) and the timestamp formats of the raw sources.
 */
final class TimeModel {

  static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
  static final long SECOND = 1_000L;
  static final long MINUTE = 60_000L;
  static final long HOUR = 3_600_000L;
  static final long DAY = 86_400_000L;

  /** Relative activity Monday..Sunday: Monday busiest, weekends quiet. */
  private static final double[] WEEKDAY_WEIGHT = {1.3, 1.1, 1.05, 1.0, 0.9, 0.55, 0.5};

  /** Web, app and shop activity per local hour. */
  static final double[] ONLINE_HOURS = {
    0.15, 0.08, 0.05, 0.04, 0.05, 0.15, 0.45, 0.9, 1.2, 1.3, 1.3, 1.25,
    1.3, 1.25, 1.2, 1.2, 1.25, 1.3, 1.4, 1.5, 1.5, 1.3, 0.9, 0.4
  };

  /** Contact centre opening hours 08-20 local. */
  static final double[] OFFICE_HOURS = {
    0, 0, 0, 0, 0, 0, 0, 0, 1.0, 1.4, 1.5, 1.3, 1.1, 1.3, 1.3, 1.2, 1.1, 1.0, 0.8, 0.6, 0, 0, 0, 0
  };

  /** Parcel deliveries 09-20 local. */
  static final double[] DELIVERY_HOURS = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0
  };

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(HELSINKI);
  private static final DateTimeFormatter OFFSET =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(HELSINKI);

  final LocalDate start;
  final int days;
  final long startMs;
  final long endMs;
  private final double[] dayWeights;

  TimeModel(LocalDate start, int days) {
    this.start = start;
    this.days = days;
    this.startMs = start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    this.endMs = startMs + days * DAY;
    this.dayWeights = new double[days];
    for (int d = 0; d < days; d++) {
      dayWeights[d] = WEEKDAY_WEIGHT[start.plusDays(d).getDayOfWeek().getValue() - 1];
    }
  }

  /** A day index weighted by weekday seasonality. */
  int sampleDay(SplittableRandom r) {
    return Rng.pick(r, dayWeights);
  }

  /** A time on a weighted random day with the given local-hour profile. */
  long sampleTime(SplittableRandom r, double[] hourWeights) {
    return sampleTime(r, sampleDay(r), hourWeights);
  }

  /**
   * A millisecond instant on local date {@code start+day} with the given local-hour profile, always
   * inside the window (local hours that fall outside the UTC window are redrawn).
   */
  long sampleTime(SplittableRandom r, int day, double[] hourWeights) {
    LocalDate date = start.plusDays(day);
    for (int attempt = 0; attempt < 20; attempt++) {
      int hour = Rng.pick(r, hourWeights);
      int second = r.nextInt(3600);
      long t =
          LocalDateTime.of(
                      date.getYear(),
                      date.getMonth(),
                      date.getDayOfMonth(),
                      hour,
                      second / 60,
                      second % 60)
                  .atZone(HELSINKI)
                  .toInstant()
                  .toEpochMilli()
              + r.nextInt(1000);
      if (inWindow(t)) {
        return t;
      }
    }
    return startMs + day * DAY + 10 * HOUR + r.nextInt(3_600_000);
  }

  /** The first instant at or after {@code t} whose local hour has a positive weight. */
  long nextOpen(long t, double[] hourWeights) {
    long candidate = t;
    for (int i = 0; i < 96 && hourWeights[localHour(candidate)] <= 0; i++) {
      candidate += 20 * MINUTE;
    }
    return candidate;
  }

  boolean inWindow(long t) {
    return t >= startMs && t < endMs;
  }

  /** Day index (UTC) of {@code t}, clamped into the window. */
  int dayIndex(long t) {
    long d = Math.floorDiv(t - startMs, DAY);
    return (int) Math.max(0, Math.min(days - 1, d));
  }

  LocalDate date(int dayIndex) {
    return start.plusDays(dayIndex);
  }

  static int localHour(long t) {
    return Instant.ofEpochMilli(t).atZone(HELSINKI).getHour();
  }

  static boolean isLocalMonday(long t) {
    return Instant.ofEpochMilli(t).atZone(HELSINKI).getDayOfWeek() == DayOfWeek.MONDAY;
  }

  static LocalDate utcDate(long t) {
    return Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate();
  }

  static String isoMillis(long t) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(t));
  }

  static String isoSeconds(long t) {
    return ISO_SECONDS.format(Instant.ofEpochMilli(t));
  }

  static String helsinkiLocal(long t) {
    return LOCAL.format(Instant.ofEpochMilli(t));
  }

  static String helsinkiOffset(long t) {
    return OFFSET.format(Instant.ofEpochMilli(t));
  }

  /** {@code t} moved to the same UTC instant-of-year in {@code year} (for planted future rows). */
  static long withYear(long t, int year) {
    return Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).withYear(year).toInstant().toEpochMilli();
  }
}
