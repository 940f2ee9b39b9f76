package io.polku.config;

import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.oneOf;
import static io.polku.config.ConfigKey.rule;

import java.util.List;

/**
 * The keys of one source, {@code polku.sources.<name>.<key>}: a family, one per source the user
 * names (reference.conf has none; {@code conf/local.conf} maps nine).
 */
public final class SourceKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Sources",
          "polku.sources.<name>.",
          "One block per source, named in lower-case letters, digits and `_`, mapped onto the data"
              + " contract by configuration only (worked example:"
              + " [usage.md](usage.md#plugging-in-your-own-sources)).");

  public static final ConfigKey<String> KIND =
      AREA.buildConf("kind")
          .doc("Which table the source feeds. Required.")
          .stringConf()
          .checkValue(oneOf("events", "feedback", "identity_links", "customers"))
          .createOptional();
  public static final ConfigKey<String> FORMAT =
      AREA.buildConf("format")
          .doc("The reader. Required.")
          .stringConf()
          .checkValue(oneOf("csv", "json", "parquet", "orc", "delta"))
          .createOptional();
  public static final ConfigKey<List<String>> PATHS =
      AREA.buildConf("paths")
          .doc(
              "Files, folders or globs (`s3a://raw/web/dt=*/part-*.json`), relative to"
                  + " `polku.base-dir` unless absolute. Required; a missing path stops the run (exit 2).")
          .stringListConf()
          .checkValue(rule("not empty"))
          .createOptional();
  public static final ConfigKey<Object> OPTIONS =
      AREA.buildConf("options")
          .doc(
              "Spark reader options passed through, e.g. `{ header = true, sep = \";\" }` (not the"
                  + " encoding: see `encoding`).")
          .objectConf()
          .createOptional();
  public static final ConfigKey<String> SCHEMA =
      AREA.buildConf("schema")
          .doc(
              "The source's columns as a DDL string, e.g. `\"id STRING, ts STRING, score INT\"`;"
                  + " schemas are never inferred. Required.")
          .stringConf()
          .checkValue(rule("parses as DDL"))
          .createOptional();
  public static final ConfigKey<Object> COLUMNS =
      AREA.buildConf("columns")
          .doc(
              "One Spark SQL expression over the source's columns per canonical column of the"
                  + " kind's table; the required ones must be mapped, Polku fills `source`,"
                  + " `ingest_run_id` and the date partition itself. Required.")
          .objectConf()
          .checkValue(rule("columns of the kind's table; expressions parse"))
          .createOptional();
  public static final ConfigKey<Object> CHANNEL_MAP =
      AREA.buildConf("channel-map")
          .doc("The source's channel labels to the vocabulary, e.g. `{ puhelin = phone }`.")
          .objectConf()
          .checkValue(rule("values in polku.ingest.channels"))
          .createOptional();
  public static final ConfigKey<Double> MAX_QUARANTINE_SHARE =
      AREA.buildConf("max-quarantine-share")
          .doc("This source's quarantine limit; unset: `polku.ingest.max-quarantine-share`.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createOptional();
  public static final ConfigKey<Boolean> ENABLED =
      AREA.buildConf("enabled")
          .doc("`false`: the source is not read (nor checked).")
          .booleanConf()
          .createWithDefault(true);
  public static final ConfigKey<String> ENCODING =
      AREA.buildConf("encoding")
          .doc(
              "Character set of a text source (`csv`, `json`), e.g. `\"ISO-8859-1\"` or"
                  + " `\"windows-1252\"`; rows not valid in it are quarantined (`BAD_ENCODING`). Set it"
                  + " here, not in `options`.")
          .stringConf()
          .checkValue(rule("a character set the JVM knows"))
          .createWithDefault("UTF-8");
  public static final ConfigKey<String> FILE_DATE_PATTERN =
      AREA.buildConf("file-date-pattern")
          .doc(
              "A regular expression whose first group finds a date (`yyyy-MM-dd` or `yyyyMMdd`) in"
                  + " each glob match's path, e.g. `\"clickstream-(\\\\d{4}-\\\\d{2}-\\\\d{2})\"`. A run then"
                  + " reads only the files dated within its dates ± `file-date-margin-days` (and those"
                  + " whose name has no date), so a one-day night reads one day's files, not the"
                  + " history. Unset: every file is read. Not for `delta` sources.")
          .stringConf()
          .checkValue(rule("a regular expression; not on delta sources"))
          .createOptional();
  public static final ConfigKey<Integer> FILE_DATE_MARGIN_DAYS =
      AREA.buildConf("file-date-margin-days")
          .doc(
              "Days before and after the run's dates whose files are read too (an export named by"
                  + " local date, late events in the next day's file); a row further from its file's"
                  + " date is quarantined (`FILE_DATE_OUTSIDE_MARGIN`).")
          .intConf()
          .checkValue(between(0, 366))
          .createWithDefault(1);
  public static final ConfigKey<Boolean> SNAPSHOT =
      AREA.buildConf("snapshot")
          .doc(
              "`true` on an `identity_links` or `customers` source that is a snapshot without a"
                  + " time column: every run reads it whole and merges it by key (a link by its"
                  + " identifier pair), nothing is out of range; a snapshot link's `observed_ts` is"
                  + " 00:00 UTC of the first date of the first run that read it"
                  + " ([usage.md](usage.md#timed-and-snapshot-sources)). A snapshot may not map"
                  + " `observed_ts` nor set `file-date-pattern`; on an `events` or `feedback` source it"
                  + " is an error.")
          .booleanConf()
          .createWithDefault(false);

  private SourceKeys() {}
}
