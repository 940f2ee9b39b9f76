package io.polku.followup;

import io.polku.config.PolkuConfig.Fix;
import io.polku.stats.Proportions;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The verdict on one fix: its spans and, from the counts of matching responses, the critical rate
 * before and after with a two-proportion test ({@link Proportions#difference}: pooled z-test, or
 * Fisher's exact test when an expected count is below 5). Pure Java.
 */
public final class FixEffects {
  private FixEffects() {}

  /**
   * The spans of a fix: before [date - window, date - 1], after [date, min(date + window - 1,
   * run)].
   */
  public record Spans(
      LocalDate beforeFrom, LocalDate beforeTo, LocalDate afterFrom, LocalDate afterTo) {
    public static Spans of(Fix fix, LocalDate runDate, int windowDays) {
      LocalDate afterEnd = fix.date().plusDays(windowDays - 1L);
      return new Spans(
          fix.date().minusDays(windowDays),
          fix.date().minusDays(1),
          fix.date(),
          fix.date().isAfter(runDate) ? null : afterEnd.isAfter(runDate) ? runDate : afterEnd);
    }
  }

  /** The verdict and its test, from the counts. */
  public record Verdict(String verdict, Double pValue, String test) {}

  /**
   * improved / worse when p &lt; alpha and the after rate is lower / higher, no_change when p &gt;=
   * alpha, pending when a span has no responses.
   */
  public static Verdict verdict(
      long beforeN, long beforeX, long afterN, long afterX, double alpha) {
    if (beforeN == 0 || afterN == 0) {
      return new Verdict("pending", null, null);
    }
    Proportions.Comparison c = Proportions.difference(afterX, afterN, beforeX, beforeN);
    double p = c.test().pValue();
    String test = c.method() == Proportions.Method.FISHER ? "fisher" : "z";
    double before = (double) beforeX / beforeN;
    double after = (double) afterX / afterN;
    String v = p >= alpha || after == before ? "no_change" : after < before ? "improved" : "worse";
    return new Verdict(v, p, test);
  }

  /** A fix_effects row. */
  public static Row row(
      LocalDate runDate,
      Fix fix,
      Spans spans,
      long beforeN,
      long beforeX,
      long afterN,
      long afterX,
      double alpha) {
    Verdict v = verdict(beforeN, beforeX, afterN, afterX, alpha);
    return RowFactory.create(
        Date.valueOf(runDate),
        fix.segment(),
        fix.channel(),
        fix.metric(),
        fix.conditions().toArray(new String[0]),
        Date.valueOf(fix.date()),
        fix.note(),
        Date.valueOf(spans.beforeFrom()),
        Date.valueOf(spans.beforeTo()),
        Date.valueOf(spans.afterFrom()),
        spans.afterTo() == null ? null : Date.valueOf(spans.afterTo()),
        beforeN,
        beforeX,
        beforeN == 0 ? null : (double) beforeX / beforeN,
        afterN,
        afterX,
        afterN == 0 ? null : (double) afterX / afterN,
        v.pValue(),
        v.test(),
        v.verdict());
  }
}
