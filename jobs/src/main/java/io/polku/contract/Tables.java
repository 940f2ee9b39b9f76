package io.polku.contract;

import static io.polku.contract.TableSpec.col;
import static io.polku.contract.TableSpec.list;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.BooleanType;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;

/**
 * The data contract: the canonical silver tables every source is mapped onto, and the ops
 * tables. Schemas are explicit; sources are never read with schema inference.
 */
public final class Tables {
  private Tables() {}

  /** Identifier columns an event or a response can carry; at least one is required. */
  public static final List<String> IDENTIFIER_COLUMNS =
      List.of("customer_id", "anonymous_id", "device_id", "email_hash", "phone_hash");

  /** Values allowed in {@code events.outcome} (null is allowed too). */
  public static final List<String> OUTCOMES = List.of("success", "failure", "abandoned");

  private static final MapType STRING_MAP =
      DataTypes.createMapType(StringType, StringType, true);

  private static List<TableSpec.Column> identifiers() {
    return list(
        col("customer_id", StringType, true, "The company's customer number, if the source knows it."),
        col("anonymous_id", StringType, true, "A cookie or other anonymous web identifier."),
        col("device_id", StringType, true, "A mobile device or app installation identifier."),
        col("email_hash", StringType, true,
            "Hash of the e-mail address (never the address itself)."),
        col("phone_hash", StringType, true,
            "Hash of the phone number (never the number itself)."));
  }

  @SafeVarargs
  private static List<TableSpec.Column> concat(List<TableSpec.Column>... parts) {
    java.util.ArrayList<TableSpec.Column> all = new java.util.ArrayList<>();
    for (List<TableSpec.Column> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  public static final TableSpec EVENTS = new TableSpec(
      "events",
      "silver",
      "One row per behavioural event from any channel (web, app, e-mail, shop, portal, phone,"
          + " chat, store), mapped from the configured sources. Partitioned by event_date.",
      concat(
          list(
              col("event_id", StringType, false, "Unique id of the event (source-prefixed)."),
              col("event_ts", TimestampType, false, "When the event happened, UTC."),
              col("event_date", DateType, false, "UTC date of event_ts; the partition column."),
              col("channel", StringType, false,
                  "Channel from the configured vocabulary: web, app, email, shop, portal, phone,"
                      + " chat, store, other."),
              col("event_type", StringType, false,
                  "What happened: page_view, login, search, self_service, purchase, error, call,"
                      + " email_open, delivery, ..."),
              col("outcome", StringType, true,
                  "success, failure, abandoned, or null when the event has no outcome."),
              col("touchpoint", StringType, true,
                  "Where in the channel: page, screen, flow, IVR node or topic.")),
          identifiers(),
          list(
              col("session_id", StringType, true, "The source's own session id, if it has one."),
              col("properties", STRING_MAP, true,
                  "Source-specific details as string key/value pairs."),
              col("source", StringType, false, "Name of the configured source the row came from."),
              col("ingest_run_id", StringType, false,
                  "Run that first wrote this exact version of the row."))),
      list("event_date"),
      list("event_id"));

  public static final TableSpec FEEDBACK = new TableSpec(
      "feedback",
      "silver",
      "One row per survey response or rating (NPS, CSAT, CES or a custom metric), with its"
          + " open-text comment. Partitioned by response_date.",
      concat(
          list(
              col("response_id", StringType, false, "Unique id of the response."),
              col("response_ts", TimestampType, false, "When the response was given, UTC."),
              col("response_date", DateType, false,
                  "UTC date of response_ts; the partition column.")),
          identifiers(),
          list(
              col("channel", StringType, false,
                  "The channel or service being rated, from the channel vocabulary."),
              col("touchpoint", StringType, true, "The touchpoint or topic being rated."),
              col("survey", StringType, false, "Name of the survey."),
              col("metric", StringType, false, "nps, csat, ces or a custom metric name."),
              col("score", DoubleType, true,
                  "The score on the metric's scale; null only for comment-only feedback."),
              col("scale_min", DoubleType, false, "Lowest possible score of the scale."),
              col("scale_max", DoubleType, false, "Highest possible score of the scale."),
              col("comment", StringType, true, "Open-text comment, any language."),
              col("language", StringType, true, "Language of the comment (ISO 639-1), if known."),
              col("case_id", StringType, true,
                  "The case, call, chat or delivery the response is about."),
              col("properties", STRING_MAP, true, "Source-specific details."),
              col("source", StringType, false, "Name of the configured source."),
              col("ingest_run_id", StringType, false,
                  "Run that first wrote this exact version of the row."))),
      list("response_date"),
      list("response_id"));

  public static final TableSpec IDENTITY_LINKS = new TableSpec(
      "identity_links",
      "silver",
      "Observed links between two identifiers of the same person (a login cookie to a"
          + " customer number, a device to a customer, ...). Partitioned by observed_date.",
      list(
          col("link_id", StringType, false,
              "Deterministic id of the observation: hash of both identifiers and observed_ts."),
          col("id_type_a", StringType, false,
              "Type of the first identifier: customer_id, anonymous_id, device_id, email_hash,"
                  + " phone_hash."),
          col("id_a", StringType, false, "The first identifier."),
          col("id_type_b", StringType, false, "Type of the second identifier."),
          col("id_b", StringType, false, "The second identifier."),
          col("observed_ts", TimestampType, false, "When the link was observed, UTC."),
          col("observed_date", DateType, false, "UTC date of observed_ts; the partition column."),
          col("source", StringType, false, "Name of the configured source."),
          col("ingest_run_id", StringType, false,
              "Run that first wrote this exact version of the row.")),
      list("observed_date"),
      list("link_id"));

  public static final TableSpec CUSTOMERS = new TableSpec(
      "customers",
      "silver",
      "Master attributes of known customers, upserted by customer_id.",
      list(
          col("customer_id", StringType, false, "The company's customer number."),
          col("segment", StringType, true, "Customer segment, e.g. consumer, small_business."),
          col("region", StringType, true, "Region of the customer."),
          col("customer_since", DateType, true, "Start of the customer relationship."),
          col("value_tier", StringType, true, "Value tier, e.g. gold, silver, bronze."),
          col("marketing_consent", BooleanType, true, "Consent to marketing messages."),
          col("survey_consent", BooleanType, true, "Consent to being surveyed."),
          col("properties", STRING_MAP, true, "Further source attributes."),
          col("source", StringType, false, "Name of the configured source."),
          col("ingest_run_id", StringType, false,
              "Run that first wrote this exact version of the row.")),
      list(),
      list("customer_id"));

  public static final TableSpec QUARANTINE = new TableSpec(
      "quarantine",
      "ops",
      "Every rejected source row, with a stable reason code, a sentence naming the value, what"
          + " was expected and the fix, and the original record. Nothing is dropped silently.",
      list(
          col("quarantine_id", StringType, false,
              "Deterministic id: hash of source, record and its occurrence number."),
          col("source", StringType, false, "Name of the configured source."),
          col("source_file", StringType, true, "The file the record was read from."),
          col("run_id", StringType, false, "Run that first quarantined the record."),
          col("reason_code", StringType, false,
              "Stable code: MALFORMED_RECORD, FIELD_COUNT, BAD_TYPE, MISSING_ID,"
                  + " MISSING_TIMESTAMP, BAD_TIMESTAMP, FUTURE_TIMESTAMP, MISSING_REQUIRED,"
                  + " NO_IDENTIFIER, UNKNOWN_CHANNEL, INVALID_VALUE, SCORE_OUT_OF_RANGE,"
                  + " DUPLICATE_ID."),
          col("reason", StringType, false, "The value, what was expected, and the fix."),
          col("raw", StringType, false, "The original record as JSON (or the raw line)."),
          col("ingested_ts", TimestampType, false, "When the record was first quarantined.")),
      list(),
      list("quarantine_id"));

  public static final TableSpec RUN_AUDIT = new TableSpec(
      "run_audit",
      "ops",
      "The audit trail: one row per run, stage and object (source or table) with its status"
          + " and row counts; object '*' is the stage as a whole.",
      list(
          col("run_id", StringType, false, "Unique id of the run."),
          col("stage", StringType, false, "Stage name, or 'run' for the run as a whole."),
          col("object", StringType, false, "Source or table the counts are for; '*' for all."),
          col("date_from", DateType, false, "First date of the run's range."),
          col("date_to", DateType, false, "Last date of the run's range."),
          col("started_ts", TimestampType, false, "Start, UTC."),
          col("ended_ts", TimestampType, true, "End, UTC; null while running."),
          col("status", StringType, false,
              "running, succeeded, failed, or dq_failed (data-quality threshold breached)."),
          col("rows_in", LongType, true, "Rows read."),
          col("rows_out", LongType, true, "Rows written (valid rows for an ingest source)."),
          col("rows_quarantined", LongType, true, "Rows quarantined."),
          col("message", StringType, true, "Error or warning message, if any."),
          col("spark_app_id", StringType, true, "Spark application id of the run."),
          col("config_hash", StringType, false, "SHA-256 of the effective configuration.")),
      list(),
      list("run_id", "stage", "object"));

  /** Every table, in documentation order. */
  public static final List<TableSpec> ALL =
      List.of(EVENTS, FEEDBACK, IDENTITY_LINKS, CUSTOMERS, QUARANTINE, RUN_AUDIT);

  public static Optional<TableSpec> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

}
