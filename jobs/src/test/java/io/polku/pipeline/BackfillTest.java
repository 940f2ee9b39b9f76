package io.polku.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.polku.pipeline.Backfill.AuditRun;
import io.polku.pipeline.Backfill.Batch;
import io.polku.pipeline.Backfill.Skipped;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backfill plan: resume's skipped dates and the batches; pure, no Spark. */
class BackfillTest {
  private static final String HASH = "aaaaaaaaaaaaaaaa";

  private static LocalDate d(int day) {
    return LocalDate.of(2026, 9, day);
  }

  private static AuditRun run(
      String id, int from, int to, int startedMinute, String status, String hash) {
    return new AuditRun(
        id,
        d(from),
        d(to),
        Instant.parse("2026-10-01T00:00:00Z").plusSeconds(60L * startedMinute),
        status,
        hash);
  }

  @Test
  void withoutFlagsTheWholeRangeIsOneRun() {
    assertEquals(
        new Backfill.Plan(List.of(), List.of(new Batch(d(1), d(10)))),
        Backfill.plan(
            d(1), d(10), List.of(run("r1", 1, 10, 0, "succeeded", HASH)), HASH, false, null));
  }

  @Test
  void batchesAreConsecutiveInDateOrderWithAShortLastOne() {
    assertEquals(
        List.of(new Batch(d(1), d(3)), new Batch(d(4), d(6)), new Batch(d(7), d(7))),
        Backfill.plan(d(1), d(7), List.of(), HASH, false, 3).batches());
    assertEquals(
        List.of(new Batch(d(5), d(5))),
        Backfill.plan(d(5), d(5), List.of(), HASH, false, 3).batches());
  }

  @Test
  void resumeSkipsDatesWhoseLatestRunSucceededWithTheSameConfiguration() {
    List<AuditRun> runs =
        List.of(
            run("r1", 1, 3, 0, "succeeded", HASH), // 1-3 done
            run("r2", 4, 6, 1, "succeeded", HASH), // 4-6 done, but:
            run("r3", 6, 6, 2, "failed", HASH), // 6 re-run later and failed: not done
            run("r4", 7, 8, 3, "succeeded", "other"), // 7-8 with another configuration
            run("r5", 9, 9, 4, "abandoned", HASH), // 9 killed
            run("r6", 12, 12, 5, "succeeded", HASH), // 12 done
            run("r7", 20, 25, 6, "succeeded", HASH)); // outside the range: irrelevant
    Backfill.Plan plan = Backfill.plan(d(1), d(14), runs, HASH, true, null);
    assertEquals(
        List.of(
            new Skipped(d(1), d(3), "r1"),
            new Skipped(d(4), d(5), "r2"),
            new Skipped(d(12), d(12), "r6")),
        plan.skipped());
    // One run per stretch of remaining dates, in date order.
    assertEquals(List.of(new Batch(d(6), d(11)), new Batch(d(13), d(14))), plan.batches());
    assertEquals(
        List.of(new Batch(d(6), d(9)), new Batch(d(10), d(11)), new Batch(d(13), d(14))),
        Backfill.plan(d(1), d(14), runs, HASH, true, 4).batches());

    assertEquals(
        Optional.of("its latest run r3 ended failed"),
        Backfill.notSkippedBecause(d(6), runs, HASH));
    assertEquals(
        Optional.of("its latest run r4 had another configuration (config_hash other...)"),
        Backfill.notSkippedBecause(d(7), runs, HASH));
    assertEquals(Optional.empty(), Backfill.notSkippedBecause(d(10), runs, HASH));
  }

  @Test
  void aLaterSuccessOverridesAnEarlierFailureAndAllDoneMeansNothingToRun() {
    List<AuditRun> runs =
        List.of(run("r1", 1, 2, 0, "failed", HASH), run("r2", 1, 2, 1, "succeeded", HASH));
    assertEquals(
        new Backfill.Plan(List.of(new Skipped(d(1), d(2), "r2")), List.of()),
        Backfill.plan(d(1), d(2), runs, HASH, true, 1));
  }

  @Test
  void badBatchDaysAreRefusedWithTheFix() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Backfill.plan(d(1), d(2), List.of(), HASH, false, 0));
    assertEquals(
        "--batch-days 0 is not a number of days; expected 1 or more, or leave it out"
            + " for one run over the range",
        e.getMessage());
  }
}
