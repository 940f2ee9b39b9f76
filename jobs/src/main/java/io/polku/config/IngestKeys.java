package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.oneOf;
import static io.polku.config.ConfigKey.rule;

import java.time.Duration;
import java.util.List;

/** Ingest's row checks and the channel vocabulary ({@code polku.ingest}). */
public final class IngestKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Ingest",
          "polku.ingest.",
          "The checks every source row passes before it is written to silver; a row that fails"
              + " one goes to `quarantine` with a reason code"
              + " ([usage.md](usage.md#bad-input-quarantine-nothing-lost)).");

  public static final ConfigKey<Double> MAX_QUARANTINE_SHARE =
      AREA.buildConf("max-quarantine-share")
          .doc(
              "Stop the run (exit 3) before committing a source whose quarantined share exceeds"
                  + " this. Per source: `polku.sources.<name>.max-quarantine-share`.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.05);
  public static final ConfigKey<Integer> DUPLICATE_WINDOW_DAYS =
      AREA.buildConf("duplicate-window-days")
          .doc(
              "An incoming id already written for another date within this many days of the"
                  + " run's dates is quarantined as `DUPLICATE_ID`. Only those dates' ids are read, so"
                  + " the check's cost follows the run, not the table's history; a copy re-sent further"
                  + " away is not detected.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(7);
  public static final ConfigKey<Duration> FUTURE_TOLERANCE =
      AREA.buildConf("future-tolerance")
          .doc(
              "A row whose timestamp is later than the run's start plus this is quarantined"
                  + " (`FUTURE_TIMESTAMP`).")
          .durationConf()
          .checkValue(rule(">= 0"))
          .createWithDefaultString("1d");
  public static final ConfigKey<String> EARLIEST_TIMESTAMP =
      AREA.buildConf("earliest-timestamp")
          .doc(
              "A row whose timestamp lies before this UTC instant is quarantined as"
                  + " `TIMESTAMP_TOO_OLD`: a 1970 date is usually an epoch of 0 or seconds read as"
                  + " milliseconds, not a real event. Lower it to load older history.")
          .stringConf()
          .checkValue(rule("an ISO-8601 UTC instant"))
          .createWithDefault("2000-01-01T00:00:00Z");
  public static final ConfigKey<Integer> MAX_FIELD_CHARS =
      AREA.buildConf("max-field-chars")
          .doc(
              "A row with a string field (any source column read as text) longer than this many"
                  + " characters is quarantined as `FIELD_TOO_LONG`; raise it if such values are real.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(100000);
  public static final ConfigKey<List<String>> CHANNELS =
      AREA.buildConf("channels")
          .doc("The canonical channel vocabulary (lower case).")
          .stringListConf()
          .checkValue(rule("not empty"))
          .createWithDefault(
              List.of("web", "app", "email", "shop", "portal", "phone", "chat", "store", "other"));
  public static final ConfigKey<String> UNKNOWN_CHANNEL =
      AREA.buildConf("unknown-channel")
          .doc(
              "A channel value outside the vocabulary: `quarantine` the row (`UNKNOWN_CHANNEL`),"
                  + " or map it to `other` (which must then be in `channels`).")
          .stringConf()
          .checkValue(oneOf("quarantine", "other"))
          .createWithDefault("quarantine");

  private IngestKeys() {}
}
