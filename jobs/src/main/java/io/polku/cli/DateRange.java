package io.polku.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** --date D, or --from D1 --to D2; default: yesterday (UTC), the usual nightly date. */
public final class DateRange {
  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "The run date. Default: yesterday (UTC).")
  LocalDate date;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First date of a range.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last date of a range.")
  LocalDate to;

  LocalDate from() {
    validate();
    if (date != null) {
      return date;
    }
    return from != null ? from : LocalDate.now(ZoneOffset.UTC).minusDays(1);
  }

  LocalDate to() {
    validate();
    if (date != null) {
      return date;
    }
    return to != null ? to : from();
  }

  private void validate() {
    if (date != null && (from != null || to != null)) {
      throw new IllegalArgumentException(
          "--date "
              + date
              + " cannot be combined with --from or"
              + " --to; pass either --date D or --from D1 --to D2");
    }
    if ((from == null) != (to == null)) {
      throw new IllegalArgumentException(
          "--from and --to go together (got --from "
              + from
              + " --to "
              + to
              + "); pass both, or --date D");
    }
    if (from != null && to.isBefore(from)) {
      throw new IllegalArgumentException(
          "--to " + to + " is before --from " + from + "; expected --from <= --to; swap them");
    }
  }
}
