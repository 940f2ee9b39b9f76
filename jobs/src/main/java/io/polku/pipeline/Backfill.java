package io.polku.pipeline;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Plans a backfill of [from, to]: which dates a {@code --resume} skips, and the consecutive batches
 * (runs) the rest is processed in. Pure: no Spark, no I/O; the caller passes the run rows of
 * run_audit.
 *
 * <p>A date is skipped by {@code --resume} when the <em>latest</em> run whose range contains it (by
 * start time, any status) succeeded with the same configuration hash. The latest, not any: a later
 * run over the date that failed or was abandoned may have rewritten some of its tables and not
 * others, so an earlier success no longer describes them.
 */
public final class Backfill {
  private Backfill() {}

  /** One run as run_audit's 'run' row records it. */
  public record AuditRun(
      String runId,
      LocalDate from,
      LocalDate to,
      Instant started,
      String status,
      String configHash) {
    boolean covers(LocalDate d) {
      return !d.isBefore(from) && !d.isAfter(to);
    }
  }

  /** Dates skipped for one reason (a run that covered them). */
  public record Skipped(LocalDate from, LocalDate to, String runId) {}

  /** A batch: one run over [from, to]. */
  public record Batch(LocalDate from, LocalDate to) {}

  public record Plan(List<Skipped> skipped, List<Batch> batches) {}

  /**
   * The plan.
   *
   * @param batchDays days per batch, or null for one run per consecutive stretch of dates
   */
  public static Plan plan(
      LocalDate from,
      LocalDate to,
      List<AuditRun> runs,
      String configHash,
      boolean resume,
      Integer batchDays) {
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "--to " + to + " is before --from " + from + "; expected --from <= --to; swap them");
    }
    if (batchDays != null && batchDays < 1) {
      throw new IllegalArgumentException(
          "--batch-days "
              + batchDays
              + " is not a number of"
              + " days; expected 1 or more, or leave it out for one run over the range");
    }
    List<Skipped> skipped = new ArrayList<>();
    List<List<LocalDate>> stretches = new ArrayList<>();
    List<LocalDate> current = null;
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      Optional<AuditRun> latest = Optional.empty();
      if (resume) {
        final LocalDate day = d;
        latest =
            runs.stream()
                .filter(r -> r.covers(day))
                .max(Comparator.comparing(AuditRun::started).thenComparing(AuditRun::runId));
      }
      boolean skip =
          latest.isPresent()
              && "succeeded".equals(latest.get().status())
              && configHash.equals(latest.get().configHash());
      if (skip) {
        String id = latest.get().runId();
        Skipped last = skipped.isEmpty() ? null : skipped.get(skipped.size() - 1);
        if (last != null && last.runId().equals(id) && last.to().plusDays(1).equals(d)) {
          skipped.set(skipped.size() - 1, new Skipped(last.from(), d, id));
        } else {
          skipped.add(new Skipped(d, d, id));
        }
        current = null;
      } else {
        if (current == null) {
          current = new ArrayList<>();
          stretches.add(current);
        }
        current.add(d);
      }
    }
    List<Batch> batches = new ArrayList<>();
    for (List<LocalDate> s : stretches) {
      int size = batchDays == null ? s.size() : batchDays;
      for (int i = 0; i < s.size(); i += size) {
        batches.add(new Batch(s.get(i), s.get(Math.min(i + size, s.size()) - 1)));
      }
    }
    return new Plan(List.copyOf(skipped), List.copyOf(batches));
  }

  /** Why a date was not skipped although a run covered it, for the progress output. */
  public static Optional<String> notSkippedBecause(
      LocalDate d, List<AuditRun> runs, String configHash) {
    return runs.stream()
        .filter(r -> r.covers(d))
        .max(Comparator.comparing(AuditRun::started).thenComparing(AuditRun::runId))
        .map(
            r ->
                !"succeeded".equals(r.status())
                    ? "its latest run " + r.runId() + " ended " + r.status()
                    : !configHash.equals(r.configHash())
                        ? "its latest run "
                            + r.runId()
                            + " had another configuration (config_hash "
                            + r.configHash().substring(0, Math.min(12, r.configHash().length()))
                            + "...)"
                        : null);
  }
}
