package io.polku.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The days before a range that no ingest covered, and the sentence that says so. */
class LookbackCoverageTest {
  private static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  @Test
  void daysOutsideEveryIngestedRangeAreMissing() {
    // Ingested: 08-28..08-30 and 09-02 alone; asked: [08-29, 09-04).
    List<LocalDate[]> runs =
        List.of(
            new LocalDate[] {d("2026-08-28"), d("2026-08-30")},
            new LocalDate[] {d("2026-09-02"), d("2026-09-02")});
    assertEquals(
        List.of(d("2026-08-31"), d("2026-09-01"), d("2026-09-03")),
        LookbackCoverage.notCovered(runs, d("2026-08-29"), d("2026-09-04")));
    assertEquals(
        List.of(),
        LookbackCoverage.notCovered(runs, d("2026-08-28"), d("2026-08-31")),
        "covered exactly, the ends included");
    assertEquals(
        List.of(d("2026-08-27")),
        LookbackCoverage.notCovered(List.of(), d("2026-08-27"), d("2026-08-28")),
        "no ingest at all");
    assertEquals(
        List.of(),
        LookbackCoverage.notCovered(List.of(), d("2026-08-27"), d("2026-08-27")),
        "an empty window");
  }

  @Test
  void theSentenceNamesTheDaysTheKeyAndTheCommands() {
    List<LocalDate> gap = List.of(d("2026-08-29"), d("2026-08-30"), d("2026-08-31"));
    assertEquals(
        "the context before 2026-09-06 was never ingested into this lake"
            + " (2026-08-29..2026-08-31; the run reads events from 2026-08-29: polku.journeys.lookback"
            + " = 7 days plus the re-opened days): if the sources hold events of those days, the"
            + " responses of the range's first days lack up to that much behavioural history. To fill"
            + " it, ingest those days and re-run the range: bin/polku ingest --from 2026-08-29 --to"
            + " 2026-08-31, then bin/polku nightly --from 2026-09-06 --to 2026-09-10; if the sources"
            + " start at 2026-09-06, there is nothing to fill",
        LookbackCoverage.explanation(
            gap, d("2026-08-29"), d("2026-09-06"), d("2026-09-10"), "7 days"));
    String holes =
        LookbackCoverage.explanation(
            List.of(d("2026-08-29"), d("2026-08-31")),
            d("2026-08-24"),
            d("2026-09-01"),
            d("2026-09-01"),
            "7 days");
    assertEquals(
        true,
        holes.contains("(2 days between 2026-08-29 and 2026-08-31;")
            && holes.contains("reads events from 2026-08-24:")
            && holes.contains(
                "then bin/polku nightly --date 2026-09-01; if the sources start at"
                    + " 2026-09-01, there is nothing to fill"),
        holes);
  }
}
