package io.polku.journey;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * Which days of the context a run reads before its first date were never ingested into the lake. A
 * range run reads events from {@code --from} minus the re-opened days and the lookback ({@code
 * polku.journeys.lookback}); on a new lake those days were never ingested (ingest keeps only the
 * run's own dates, and counts the earlier rows as out of range), so the first responses of the
 * range lose up to the lookback of their history. Known from run_audit: a day is ingested when a
 * succeeded ingest run covered it.
 *
 * <p>Collected to the driver: the date ranges of the ingest runs that overlap the lookback window
 * (a handful of rows), never events.
 */
public final class LookbackCoverage {
  private LookbackCoverage() {}

  /** The days of [first, until) that no succeeded ingest run in the lake's run_audit covered. */
  public static List<LocalDate> notIngested(Lake lake, LocalDate first, LocalDate until) {
    if (!first.isBefore(until) || !lake.exists(Tables.RUN_AUDIT)) {
      return List.of();
    }
    List<LocalDate[]> runs = new ArrayList<>();
    for (Row r :
        lake.read(Tables.RUN_AUDIT)
            .filter(
                col("stage")
                    .equalTo("ingest")
                    .and(col("object").equalTo("*"))
                    .and(col("status").equalTo("succeeded"))
                    .and(col("date_to").geq(lit(Date.valueOf(first))))
                    .and(col("date_from").lt(lit(Date.valueOf(until)))))
            .select("date_from", "date_to")
            .distinct()
            .collectAsList()) {
      runs.add(new LocalDate[] {r.getDate(0).toLocalDate(), r.getDate(1).toLocalDate()});
    }
    return notCovered(runs, first, until);
  }

  /** The days of [first, until) in none of the closed ranges {@code runs} ([from, to] each). */
  static List<LocalDate> notCovered(List<LocalDate[]> runs, LocalDate first, LocalDate until) {
    List<LocalDate> missing = new ArrayList<>();
    for (LocalDate d = first; d.isBefore(until); d = d.plusDays(1)) {
      LocalDate day = d;
      if (runs.stream().noneMatch(r -> !day.isBefore(r[0]) && !day.isAfter(r[1]))) {
        missing.add(day);
      }
    }
    return missing;
  }

  /**
   * The run summary's sentence for {@code missing} (not empty) before a range starting {@code from}
   * whose events are read from {@code readFrom}: which days, what it costs, and the commands that
   * fill them.
   */
  static String explanation(
      List<LocalDate> missing, LocalDate readFrom, LocalDate from, LocalDate to, String lookback) {
    LocalDate a = missing.get(0);
    LocalDate b = missing.get(missing.size() - 1);
    String days =
        missing.size() == 1
            ? a.toString()
            : missing.size() == b.toEpochDay() - a.toEpochDay() + 1
                ? a + ".." + b
                : missing.size() + " days between " + a + " and " + b;
    String range = from.equals(to) ? "--date " + from : "--from " + from + " --to " + to;
    return String.format(
        Locale.ROOT,
        "the context before %s was never ingested"
            + " into this lake (%s; the run reads events from %s: polku.journeys.lookback = %s"
            + " plus the re-opened days): if the sources hold events of those days, the responses"
            + " of the range's first days lack up to that much behavioural history. To fill it,"
            + " ingest those days and re-run the range: bin/polku ingest --from %s --to %s, then"
            + " bin/polku nightly %s; if the sources start at %s, there is nothing to fill",
        from,
        days,
        readFrom,
        lookback,
        a,
        b,
        range,
        from);
  }
}
