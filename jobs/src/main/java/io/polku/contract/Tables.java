package io.polku.contract;

import static io.polku.contract.TableSpec.col;
import static io.polku.contract.TableSpec.list;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * The data contract: the canonical silver tables every source is mapped onto, and the ops tables.
 * Schemas are explicit; sources are never read with schema inference.
 */
public final class Tables {
  private Tables() {}

  /** Identifier columns an event or a response can carry; at least one is required. */
  public static final List<String> IDENTIFIER_COLUMNS =
      List.of("customer_id", "anonymous_id", "device_id", "email_hash", "phone_hash");

  /** Values allowed in {@code events.outcome} (null is allowed too). */
  public static final List<String> OUTCOMES = List.of("success", "failure", "abandoned");

  private static final MapType STRING_MAP = DataTypes.createMapType(StringType, StringType, true);

  private static List<TableSpec.Column> identifiers() {
    return list(
        col(
            "customer_id",
            StringType,
            true,
            "The company's customer number, if the source knows it."),
        col("anonymous_id", StringType, true, "A cookie or other anonymous web identifier."),
        col("device_id", StringType, true, "A mobile device or app installation identifier."),
        col(
            "email_hash",
            StringType,
            true,
            "Hash of the e-mail address (never the address itself)."),
        col("phone_hash", StringType, true, "Hash of the phone number (never the number itself)."));
  }

  @SafeVarargs
  private static List<TableSpec.Column> concat(List<TableSpec.Column>... parts) {
    java.util.ArrayList<TableSpec.Column> all = new java.util.ArrayList<>();
    for (List<TableSpec.Column> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  public static final TableSpec EVENTS =
      new TableSpec(
          "events",
          "silver",
          "One row per behavioural event from any channel (web, app, e-mail, shop, portal, phone,"
              + " chat, store), mapped from the configured sources. Partitioned by event_date.",
          concat(
              list(
                  col("event_id", StringType, false, "Unique id of the event (source-prefixed)."),
                  col("event_ts", TimestampType, false, "When the event happened, UTC."),
                  col("event_date", DateType, false, "UTC date of event_ts; the partition column."),
                  col(
                      "channel",
                      StringType,
                      false,
                      "Channel from the configured vocabulary: web, app, email, shop, portal, phone,"
                          + " chat, store, other."),
                  col(
                      "event_type",
                      StringType,
                      false,
                      "What happened: page_view, login, search, self_service, purchase, error, call,"
                          + " email_open, delivery, ..."),
                  col(
                      "outcome",
                      StringType,
                      true,
                      "success, failure, abandoned, or null when the event has no outcome."),
                  col(
                      "touchpoint",
                      StringType,
                      true,
                      "Where in the channel: page, screen, flow, IVR node or topic.")),
              identifiers(),
              list(
                  col(
                      "session_id",
                      StringType,
                      true,
                      "The source's own session id, if it has one."),
                  col(
                      "properties",
                      STRING_MAP,
                      true,
                      "Source-specific details as string key/value pairs."),
                  col(
                      "source",
                      StringType,
                      false,
                      "Name of the configured source the row came from."),
                  col(
                      "ingest_run_id",
                      StringType,
                      false,
                      "Run that first wrote this exact version of the row."))),
          list("event_date"),
          list("event_id"));

  public static final TableSpec FEEDBACK =
      new TableSpec(
          "feedback",
          "silver",
          "One row per survey response or rating (NPS, CSAT, CES or a custom metric), with its"
              + " open-text comment. Partitioned by response_date.",
          concat(
              list(
                  col("response_id", StringType, false, "Unique id of the response."),
                  col("response_ts", TimestampType, false, "When the response was given, UTC."),
                  col(
                      "response_date",
                      DateType,
                      false,
                      "UTC date of response_ts; the partition column.")),
              identifiers(),
              list(
                  col(
                      "channel",
                      StringType,
                      false,
                      "The channel or service being rated, from the channel vocabulary."),
                  col("touchpoint", StringType, true, "The touchpoint or topic being rated."),
                  col("survey", StringType, false, "Name of the survey."),
                  col("metric", StringType, false, "nps, csat, ces or a custom metric name."),
                  col(
                      "score",
                      DoubleType,
                      true,
                      "The score on the metric's scale; null only for comment-only feedback."),
                  col("scale_min", DoubleType, false, "Lowest possible score of the scale."),
                  col("scale_max", DoubleType, false, "Highest possible score of the scale."),
                  col("comment", StringType, true, "Open-text comment, any language."),
                  col(
                      "language",
                      StringType,
                      true,
                      "Language of the comment (ISO 639-1), if known."),
                  col(
                      "case_id",
                      StringType,
                      true,
                      "The case, call, chat or delivery the response is about."),
                  col("properties", STRING_MAP, true, "Source-specific details."),
                  col("source", StringType, false, "Name of the configured source."),
                  col(
                      "ingest_run_id",
                      StringType,
                      false,
                      "Run that first wrote this exact version of the row."))),
          list("response_date"),
          list("response_id"));

  public static final TableSpec IDENTITY_LINKS =
      new TableSpec(
          "identity_links",
          "silver",
          "Observed links between two identifiers of the same person (a login cookie to a"
              + " customer number, a device to a customer, ...). Partitioned by observed_date.",
          list(
              col(
                  "link_id",
                  StringType,
                  false,
                  "Deterministic id of the observation: hash of both identifiers and observed_ts"
                      + " (a snapshot source's link: of both identifiers only)."),
              col(
                  "id_type_a",
                  StringType,
                  false,
                  "Type of the first identifier: customer_id, anonymous_id, device_id, email_hash,"
                      + " phone_hash."),
              col("id_a", StringType, false, "The first identifier."),
              col("id_type_b", StringType, false, "Type of the second identifier."),
              col("id_b", StringType, false, "The second identifier."),
              col(
                  "observed_ts",
                  TimestampType,
                  false,
                  "When the link was observed, UTC; for a"
                      + " snapshot source, 00:00 UTC of the first date of the first run that read it."),
              col(
                  "observed_date",
                  DateType,
                  false,
                  "UTC date of observed_ts; the partition column."),
              col("source", StringType, false, "Name of the configured source."),
              col(
                  "ingest_run_id",
                  StringType,
                  false,
                  "Run that first wrote this exact version of the row.")),
          list("observed_date"),
          list("link_id"));

  public static final TableSpec CUSTOMERS =
      new TableSpec(
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
              col(
                  "ingest_run_id",
                  StringType,
                  false,
                  "Run that first wrote this exact version of the row.")),
          list(),
          list("customer_id"));

  public static final TableSpec QUARANTINE =
      new TableSpec(
          "quarantine",
          "ops",
          "Every rejected source row, with a stable reason code, a sentence naming the value, what"
              + " was expected and the fix, and the original record. Nothing is dropped silently.",
          list(
              col(
                  "quarantine_id",
                  StringType,
                  false,
                  "Deterministic id: hash of source, record and its occurrence number."),
              col("source", StringType, false, "Name of the configured source."),
              col("source_file", StringType, true, "The file the record was read from."),
              col("run_id", StringType, false, "Run that first quarantined the record."),
              col(
                  "reason_code",
                  StringType,
                  false,
                  "Stable code: BAD_ENCODING, MALFORMED_RECORD, FIELD_COUNT, BAD_TYPE,"
                      + " FIELD_TOO_LONG, MISSING_ID, MISSING_TIMESTAMP, BAD_TIMESTAMP,"
                      + " FUTURE_TIMESTAMP, TIMESTAMP_TOO_OLD, MISSING_REQUIRED, NO_IDENTIFIER,"
                      + " UNKNOWN_CHANNEL, INVALID_VALUE, SCORE_OUT_OF_RANGE, FILE_DATE_OUTSIDE_MARGIN,"
                      + " DUPLICATE_ID."),
              col("reason", StringType, false, "The value, what was expected, and the fix."),
              col("raw", StringType, false, "The original record as JSON (or the raw line)."),
              col("ingested_ts", TimestampType, false, "When the record was first quarantined.")),
          list(),
          list("quarantine_id"));

  public static final TableSpec RUN_AUDIT =
      new TableSpec(
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
              col(
                  "status",
                  StringType,
                  false,
                  "running, succeeded, failed, dq_failed (data-quality threshold breached), or"
                      + " abandoned (still running when a later run took the lake's lock: the"
                      + " process was killed or its host died)."),
              col("rows_in", LongType, true, "Rows read."),
              col("rows_out", LongType, true, "Rows written (valid rows for an ingest source)."),
              col("rows_quarantined", LongType, true, "Rows quarantined."),
              col("message", StringType, true, "Error or warning message, if any."),
              col("spark_app_id", StringType, true, "Spark application id of the run."),
              col("config_hash", StringType, false, "SHA-256 of the effective configuration.")),
          list(),
          list("run_id", "stage", "object"));

  public static final TableSpec ERASURE_LOG =
      new TableSpec(
          "erasure_log",
          "ops",
          "The record of right-to-erasure requests (bin/polku forget): per request, erased person"
              + " and table, the rows deleted and whether VACUUM ran. Holds a keyed hash of the"
              + " customer id, never the id itself.",
          list(
              col("erasure_id", StringType, false, "Unique id of the forget run (a run id)."),
              col("erased_ts", TimestampType, false, "When the rows were deleted, UTC."),
              col(
                  "customer_id_hash",
                  StringType,
                  false,
                  "HMAC-SHA256 of the requested customer id keyed with polku.erasure.salt, hex:"
                      + " proves an id was erased to whoever holds the salt; never the clear id."),
              col(
                  "resolved",
                  BooleanType,
                  false,
                  "The customer id was found in identity_map (false: only rows carrying the id"
                      + " itself as customer_id or in a raw record could be matched)."),
              col(
                  "identifiers",
                  IntegerType,
                  false,
                  "Identifiers of the person's identity component that were erased (customer ids,"
                      + " cookies, devices, e-mail and phone hashes)."),
              col("table_name", StringType, false, "The table the rows were deleted from."),
              col("rows_deleted", LongType, false, "Rows of this person deleted from the table."),
              col(
                  "delta_version",
                  LongType,
                  true,
                  "Delta version of the table's delete commit; null when nothing was deleted."),
              col(
                  "vacuumed",
                  BooleanType,
                  false,
                  "VACUUM ran on the table right after the delete (forget --vacuum)."),
              col(
                  "vacuum_retention_hours",
                  IntegerType,
                  true,
                  "Retention of that VACUUM; only 0 removes the deleted rows' files at once, else"
                      + " they stay in the table's history until a VACUUM after that many hours.")),
          list(),
          list("erasure_id", "customer_id_hash", "table_name"));

  public static final TableSpec ERASED_IDENTIFIERS =
      new TableSpec(
          "erased_identifiers",
          "ops",
          "The erasure ledger: a keyed hash of every identifier of every person bin/polku forget"
              + " erased (customer ids, cookies, devices, e-mail and phone hashes), never the"
              + " identifier. Ingest drops incoming rows (snapshots, quarantined raw records, later"
              + " files) holding one of them and counts them as erased.",
          list(
              col(
                  "id_hash",
                  StringType,
                  false,
                  "HMAC-SHA256 of the identifier keyed with polku.erasure.salt, hex (as"
                      + " erasure_log.customer_id_hash for a customer id)."),
              col(
                  "id_type",
                  StringType,
                  false,
                  "The identifier's type (customer_id, anonymous_id, device_id, email_hash,"
                      + " phone_hash)."),
              col("erasure_id", StringType, false, "The forget run that erased it first."),
              col("erased_ts", TimestampType, false, "When, UTC.")),
          list(),
          list("id_hash"));

  /** One step of a journey, as stored in journeys and feedback_context arrays. */
  public static final StructType STEP =
      new StructType()
          .add("ts", TimestampType)
          .add("channel", StringType)
          .add("event_type", StringType)
          .add("outcome", StringType)
          .add("touchpoint", StringType)
          .add("properties", STRING_MAP);

  public static final TableSpec IDENTITY_MAP =
      new TableSpec(
          "identity_map",
          "gold",
          "Every identifier seen (customer number, cookie, device, e-mail or phone hash) and the"
              + " customer_key of the person it belongs to, from the connected components of the"
              + " identifier graph. A customer_key is stable across runs.",
          list(
              col(
                  "id_type",
                  StringType,
                  false,
                  "customer_id, anonymous_id, device_id, email_hash or phone_hash."),
              col("id", StringType, false, "The identifier."),
              col(
                  "customer_key",
                  StringType,
                  false,
                  "Polku's key of the person; stable across runs, also for anonymous-only people."),
              col("first_seen", TimestampType, true, "First time the identifier was seen, UTC."),
              col("last_seen", TimestampType, true, "Last time the identifier was seen, UTC.")),
          list(),
          list("id_type", "id"));

  public static final TableSpec IDENTITY_CONFLICTS =
      new TableSpec(
          "identity_conflicts",
          "gold",
          "Identifiers linked to more distinct customer numbers than polku.identity.max-customers"
              + " (a family tablet, a shop's shared phone). They are not used for linking people.",
          list(
              col("id_type", StringType, false, "Type of the shared identifier."),
              col("id", StringType, false, "The shared identifier."),
              col(
                  "degree",
                  LongType,
                  false,
                  "Number of distinct customer numbers it is linked to."),
              col(
                  "customer_ids",
                  DataTypes.createArrayType(StringType),
                  true,
                  "Up to 20 of the customer numbers it is linked to."),
              col("first_seen", TimestampType, true, "First observation, UTC."),
              col("last_seen", TimestampType, true, "Last observation, UTC.")),
          list(),
          list("id_type", "id"));

  public static final TableSpec JOURNEYS =
      new TableSpec(
          "journeys",
          "gold",
          "One row per customer journey: consecutive sessions of one person, across channels,"
              + " less than polku.journeys.gap apart. Partitioned by journey_date (its start date).",
          list(
              col("journey_id", StringType, false, "Deterministic id: customer_key and start."),
              col("customer_key", StringType, false, "The person (identity_map.customer_key)."),
              col("journey_date", DateType, false, "UTC date of the journey's start; partition."),
              col("journey_start", TimestampType, false, "First step, UTC."),
              col("journey_end", TimestampType, false, "Last step, UTC."),
              col("duration_minutes", DoubleType, false, "From first to last step."),
              col("steps", LongType, false, "Number of events in the journey."),
              col("sessions", LongType, false, "Number of sessions in the journey."),
              col(
                  "channel_path",
                  StringType,
                  false,
                  "Channels in order with repeats collapsed, e.g. app>web>phone."),
              col("first_channel", StringType, false, "Channel of the first step."),
              col("last_channel", StringType, false, "Channel of the last step."),
              col(
                  "channel_switches",
                  LongType,
                  false,
                  "Steps whose channel differs from the previous."),
              col(
                  "handoffs",
                  LongType,
                  false,
                  "Switches into an assisted channel (polku.journeys.assisted-channels)."),
              col(
                  "failures",
                  LongType,
                  false,
                  "Steps with outcome failure or abandoned, or an error event."),
              col(
                  "failure_steps",
                  DataTypes.createArrayType(STEP),
                  true,
                  "The first 10 failing steps (channel, touchpoint, type, outcome, time)."),
              col(
                  "topics",
                  DataTypes.createArrayType(StringType),
                  true,
                  "Distinct touchpoints of the journey (up to 20)."),
              col(
                  "ended_assisted",
                  BooleanType,
                  false,
                  "The last step was in an assisted channel."),
              col(
                  "assisted_contacts",
                  LongType,
                  false,
                  "Sessions (contacts) in an assisted channel."),
              col(
                  "repeat_contact",
                  BooleanType,
                  false,
                  "The journey has an assisted contact on a touchpoint that already had an assisted"
                      + " contact within polku.journeys.repeat-window before (in this journey or an"
                      + " earlier one)."),
              col(
                  "peak_severity",
                  LongType,
                  false,
                  "Most severe step: 3 failure, 2 abandoned or error, 1 assisted contact, 0 none."),
              col("peak_step", STEP, true, "The most severe step (the first if tied)."),
              col("end_outcome", StringType, true, "Outcome of the last step (null if none)."),
              col("success", BooleanType, false, "No failure and no assisted contact.")),
          list("journey_date"),
          list("journey_id"));

  public static final TableSpec FEEDBACK_CONTEXT =
      new TableSpec(
          "feedback_context",
          "gold",
          "Every feedback response with the cross-channel journey that contains or precedes it"
              + " (within polku.journeys.lookback). Responses without behaviour are kept with"
              + " has_history = false. Partitioned by response_date.",
          list(
              col("response_id", StringType, false, "The response (feedback.response_id)."),
              col("response_ts", TimestampType, false, "When it was given, UTC."),
              col("response_date", DateType, false, "UTC date; the partition column."),
              col(
                  "customer_key",
                  StringType,
                  true,
                  "The person (identity_map.customer_key); null only if identity did not resolve."),
              col("channel", StringType, false, "The rated channel."),
              col("touchpoint", StringType, true, "The rated touchpoint or topic."),
              col("survey", StringType, false, "Survey name."),
              col("metric", StringType, false, "nps, csat, ces or a custom metric."),
              col("score", DoubleType, true, "The score."),
              col("scale_min", DoubleType, false, "Lowest score of the scale."),
              col("scale_max", DoubleType, false, "Highest score of the scale."),
              col("comment", StringType, true, "Open-text comment."),
              col("language", StringType, true, "Language of the comment."),
              col(
                  "has_history",
                  BooleanType,
                  false,
                  "Whether any event of the person lies within the lookback before the response."),
              col("journey_id", StringType, true, "The journey containing or preceding it."),
              col(
                  "path_before",
                  StringType,
                  true,
                  "Channels of that journey up to the response, repeats collapsed."),
              col("steps_before", LongType, false, "Steps of the journey up to the response."),
              col(
                  "prev_channel",
                  StringType,
                  true,
                  "Channel of the last step before the response."),
              col(
                  "prev_event_type",
                  StringType,
                  true,
                  "Type of the last step before the response."),
              col(
                  "prev_failure_channel",
                  StringType,
                  true,
                  "Channel of the last failing step before the response (within the lookback)."),
              col("prev_failure_touchpoint", StringType, true, "Its touchpoint."),
              col("prev_failure_type", StringType, true, "Its event type."),
              col("hours_since_prev_failure", DoubleType, true, "Hours from it to the response."),
              col(
                  "upstream_failure_channel",
                  StringType,
                  true,
                  "Channel of the last failing step in another channel than the rated one (within"
                      + " the lookback): where the customer failed before turning to this one."),
              col("upstream_failure_touchpoint", StringType, true, "Its touchpoint."),
              col("upstream_failure_type", StringType, true, "Its event type."),
              col(
                  "hours_since_upstream_failure",
                  DoubleType,
                  true,
                  "Hours from it to the response."),
              col("switches_before", LongType, false, "Channel switches in the journey before it."),
              col("handoffs_before", LongType, false, "Hand-offs to assisted channels before it."),
              col("failures_before", LongType, false, "Failing steps in the journey before it."),
              col("hours_since_journey_start", DoubleType, true, "Hours from the journey's start."),
              col(
                  "peak_before",
                  LongType,
                  false,
                  "Most severe step before the response (see journeys.peak_severity)."),
              col("end_before", StringType, true, "Outcome of the last step before the response."),
              col(
                  "last_steps",
                  DataTypes.createArrayType(STEP),
                  true,
                  "The last K steps before the response (polku.journeys.context-steps), oldest"
                      + " first.")),
          list("response_date"),
          list("response_id"));

  public static final TableSpec KPI_JOURNEY_DAILY =
      new TableSpec(
          "kpi_journey_daily",
          "gold",
          "Journey KPIs per start date and first channel.",
          list(
              col("journey_date", DateType, false, "Start date of the journeys."),
              col("first_channel", StringType, false, "Channel the journeys started in."),
              col("journeys", LongType, false, "Number of journeys."),
              col(
                  "success_rate",
                  DoubleType,
                  false,
                  "Share with no failure and no assisted contact."),
              col(
                  "first_channel_resolution",
                  DoubleType,
                  false,
                  "Share that stayed in the first channel and ended without failure."),
              col("mean_switches", DoubleType, false, "Mean channel switches per journey."),
              col(
                  "repeat_contact_rate",
                  DoubleType,
                  false,
                  "Share with a repeat assisted contact."),
              col(
                  "assisted_contact_rate",
                  DoubleType,
                  false,
                  "Share with at least one assisted contact.")),
          list("journey_date"),
          list("journey_date", "first_channel"));

  /** Columns of root_cause_segments and root_cause_pruned. */
  private static List<TableSpec.Column> segmentColumns() {
    return list(
        col("run_date", DateType, false, "The run's last date; the partition column."),
        col(
            "segment_id",
            StringType,
            false,
            "Stable id: channel/metric/conditions joined with '&'."),
        col(
            "channel",
            StringType,
            false,
            "Rated channel of the responses searched, or '*' for all channels together."),
        col(
            "metric",
            StringType,
            false,
            "Metric of the responses searched (nps, csat, ces, custom), or '*' with channel"
                + " '*'. Channels are searched per metric: critical means different things"
                + " for different metrics."),
        col(
            "conditions",
            DataTypes.createArrayType(StringType, false),
            false,
            "The segment's conditions, sorted, e.g. upstream_failure=app:billing:self_service."),
        col("condition_count", IntegerType, false, "Number of conditions (1-3)."),
        col("label", StringType, false, "The segment in plain language, with its numbers."),
        col(
            "status",
            StringType,
            false,
            "kept (ranked, in root_cause_segments); in root_cause_pruned the reason it is not"
                + " ranked: explained_by_parent (no significant gain over a simpler kept"
                + " segment); overlaps_higher_ranked (mostly the same responses as a"
                + " higher-ranked segment of its channel and metric, adding nothing beyond it,"
                + " or a blurred version of a sharper one); beyond_top_n;"
                + " scope_not_significant (passed the run-wide q, but its channel and metric"
                + " as a whole show no signal: Simes' test over the scope's segments, BH over"
                + " the scopes, not below max-q)."),
        col(
            "channel_rank",
            IntegerType,
            true,
            "Rank by excess critical responses within the channel (all its metrics), 1 ="
                + " explains most; null in root_cause_pruned."),
        col(
            "rank",
            IntegerType,
            true,
            "Rank by excess critical responses over all kept segments: the channel segments"
                + " first, then the cross-channel ones (channel '*', summaries of patterns the"
                + " channel segments show per channel); null in root_cause_pruned."),
        col("responses", LongType, false, "Responses in the segment."),
        col("critical", LongType, false, "Critical responses in the segment."),
        col("critical_rate", DoubleType, false, "critical / responses."),
        col("critical_rate_lower", DoubleType, false, "Wilson 95% interval, lower bound."),
        col("critical_rate_upper", DoubleType, false, "Wilson 95% interval, upper bound."),
        col(
            "rate_outside",
            DoubleType,
            false,
            "Critical rate of the channel's (and metric's) other responses; for channel '*'"
                + " the rate expected from each channel's own rate outside the segment."),
        col("lift", DoubleType, true, "critical_rate / rate_outside; null when the latter is 0."),
        col("risk_difference", DoubleType, false, "critical_rate - rate_outside."),
        col("p_value", DoubleType, false, "Two-sided p-value of the difference (see test)."),
        col(
            "test",
            StringType,
            false,
            "z (pooled two-proportion z-test), fisher (Fisher's exact test, when an expected"
                + " count is below 5) or cmh (Cochran-Mantel-Haenszel, stratified by channel"
                + " and metric, for channel '*')."),
        col(
            "q_value",
            DoubleType,
            false,
            "Benjamini-Hochberg q-value over all segments tested in the run."),
        col(
            "segments_tested",
            LongType,
            false,
            "Number of segments tested in the run (the multiple-testing family)."),
        col(
            "excess_critical",
            DoubleType,
            false,
            "critical - responses x rate_outside: critical responses the segment adds."),
        col(
            "share_explained",
            DoubleType,
            false,
            "excess_critical / critical responses of the channel and metric (all responses"
                + " for '*')."),
        col(
            "scope_critical",
            LongType,
            false,
            "Critical responses of the channel and metric (all channels for '*')."),
        col(
            "score_mean",
            DoubleType,
            true,
            "Mean raw score in the segment (for '*', the mean score normalised to [0, 1])."),
        col("score_mean_outside", DoubleType, true, "The same outside the segment."),
        col("nps", DoubleType, true, "NPS of the segment (-100..100); only for metric nps."),
        col("nps_lower", DoubleType, true, "NPS 95% interval, lower bound."),
        col("nps_upper", DoubleType, true, "NPS 95% interval, upper bound."),
        col(
            "parent_segment_id",
            StringType,
            true,
            "explained_by_parent and kept: the best simpler kept segment (a subset of the"
                + " conditions) it was tested against; overlaps_higher_ranked: the segment it"
                + " overlaps."),
        col(
            "p_vs_parent",
            DoubleType,
            true,
            "One-sided p-value of the segment's rate against the rest of that parent (or,"
                + " for overlaps, of its responses outside the other segment against the"
                + " responses in neither)."),
        col(
            "distinguishing_words",
            DataTypes.createArrayType(StringType, false),
            true,
            "Top words of the segment's comments against the rest of its channel (weighted"
                + " log-odds, informative Dirichlet prior); kept segments only."),
        col("window_from", DateType, false, "First response date analysed."),
        col("window_to", DateType, false, "Last response date analysed (= run_date)."),
        col("run_id", StringType, false, "The run that wrote the row."));
  }

  public static final TableSpec ROOT_CAUSE_SEGMENTS =
      new TableSpec(
          "root_cause_segments",
          "gold",
          "Root-cause journey segments: conjunctions of up to 3 journey conditions (from"
              + " feedback_context) under which feedback is critical more often, per rated channel"
              + " and metric and across channels (channel '*'), with honest statistics. The ranked"
              + " segments only (status kept): 'order by rank' reads best first. Segments that"
              + " passed the false-discovery threshold but are not ranked are in root_cause_pruned."
              + " Partitioned by run_date; a run replaces its run_date.",
          segmentColumns(),
          list("run_date"),
          list("run_date", "segment_id"));

  public static final TableSpec ROOT_CAUSE_PRUNED =
      new TableSpec(
          "root_cause_pruned",
          "gold",
          "Segments that passed the false-discovery threshold (q < max-q, lift > 1) but are not"
              + " ranked, with the reason (status) and the segment that accounts for them"
              + " (parent_segment_id): for analysts who ask why a segment they expected is"
              + " missing. At most polku.rootcause.max-pruned-per-parent rows (default 20) per"
              + " parent_segment_id (without one, per channel and metric), the largest"
              + " excess_critical first; run_audit's root_cause_pruned row has how many passed"
              + " (rows_in) and how many were written (rows_out). Same columns as"
              + " root_cause_segments. Partitioned by run_date.",
          segmentColumns(),
          list("run_date"),
          list("run_date", "segment_id"));

  public static final TableSpec ROOT_CAUSE_EXAMPLES =
      new TableSpec(
          "root_cause_examples",
          "gold",
          "A few example responses of each kept root-cause segment, with the journey steps before"
              + " them and the comment. Critical responses first. Partitioned by run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col("segment_id", StringType, false, "The segment (root_cause_segments.segment_id)."),
              col("example_rank", IntegerType, false, "1 = first example shown."),
              col("response_id", StringType, false, "The response (feedback.response_id)."),
              col("response_ts", TimestampType, false, "When it was given, UTC."),
              col("channel", StringType, false, "The rated channel."),
              col("metric", StringType, false, "The metric."),
              col("score", DoubleType, true, "The score."),
              col("critical", BooleanType, false, "Whether the response is critical."),
              col("comment", StringType, true, "Open-text comment."),
              col(
                  "last_steps",
                  DataTypes.createArrayType(STEP),
                  true,
                  "The steps before the response (feedback_context.last_steps), oldest first.")),
          list("run_date"),
          list("run_date", "segment_id", "response_id"));

  public static final TableSpec ROOT_CAUSE_DRIVERS =
      new TableSpec(
          "root_cause_drivers",
          "gold",
          "Key drivers of critical feedback per rated channel and metric: a logistic regression of"
              + " critical on groups of journey conditions (binary features). Conditions that hold"
              + " for the same responses, or exactly for the others (complements), are one group;"
              + " a group enters only with enough support; near-duplicate groups are merged. An elastic-net fit ranks the groups and"
              + " gives the holdout AUC; the top groups are refitted without penalty for odds ratios"
              + " with 95% intervals. 'order by channel, metric, rank' reads each model's strongest"
              + " drivers first. Partitioned by run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col("channel", StringType, false, "Rated channel."),
              col("metric", StringType, false, "Metric modelled."),
              col(
                  "condition",
                  StringType,
                  false,
                  "The group's name: its conditions joined with ' | ', the complements as 'not c',"
                      + " e.g. 'prev_channel=shop | not no_history'."),
              col(
                  "conditions",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "The group's conditions, sorted: they hold for exactly the same responses of the"
                      + " channel and metric. The feature is 1 on them."),
              col(
                  "complement_conditions",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "Conditions that hold for exactly the other responses of the channel and metric"
                      + " (the feature is 0 on them); empty when none."),
              col(
                  "similar_conditions",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "Conditions of near-duplicate groups merged into this one: their responses overlap"
                      + " this group's with Jaccard similarity >= polku.rootcause.drivers"
                      + ".merge-jaccard ('not c': c overlaps the other responses so); the group was"
                      + " the most strongly associated with critical feedback and stands for them."),
              col(
                  "rank",
                  IntegerType,
                  false,
                  "Rank within the channel and metric by |standardized_coefficient|, 1 = strongest."),
              col(
                  "coefficient",
                  DoubleType,
                  false,
                  "Log odds ratio in the elastic-net fit, the other groups held fixed (0 = shrunk"
                      + " away). Penalised: shrunk towards 0."),
              col("odds_ratio", DoubleType, false, "exp(coefficient)."),
              col(
                  "standardized_coefficient",
                  DoubleType,
                  false,
                  "coefficient x the feature's standard deviation in the scope: the change in log"
                      + " odds per standard deviation, what the rank orders by."),
              col(
                  "refit_odds_ratio",
                  DoubleType,
                  true,
                  "Odds ratio of the unpenalised refit of the top groups (polku.rootcause.drivers"
                      + ".top-k with a non-zero coefficient) on all responses of the channel and"
                      + " metric, the other top groups held fixed; null for the other groups, when"
                      + " the refit gave no standard errors, or when the group is not estimable (an"
                      + " odds ratio beyond e^10 or a standard error of its log above 5: its"
                      + " responses are all critical or none, or other top groups add up to it)."),
              col(
                  "refit_odds_ratio_lower",
                  DoubleType,
                  true,
                  "Wald 95% interval of refit_odds_ratio, lower bound (conditional on the groups"
                      + " chosen: the selection by the penalised fit is not accounted for)."),
              col(
                  "refit_odds_ratio_upper",
                  DoubleType,
                  true,
                  "Wald 95% interval, upper bound; null when infinite (a group whose responses are"
                      + " all critical or none)."),
              col(
                  "refit_p_value",
                  DoubleType,
                  true,
                  "Two-sided Wald p-value of the refit coefficient (not adjusted for multiple"
                      + " testing)."),
              col(
                  "responses_with",
                  LongType,
                  false,
                  "Responses with the group's conditions (support)."),
              col("critical_with", LongType, false, "Critical responses with the conditions."),
              col("critical_rate_with", DoubleType, false, "critical_with / responses_with."),
              col(
                  "critical_rate_without",
                  DoubleType,
                  false,
                  "Critical rate of the channel and metric's other responses."),
              col(
                  "in_kept_segment",
                  BooleanType,
                  false,
                  "Whether one of the group's conditions (either side, or a similar one) is among the"
                      + " conditions of a"
                      + " kept segment of the same channel and metric (root_cause_segments): the"
                      + " driver and the segments point the same way."),
              col(
                  "kept_segment_id",
                  StringType,
                  true,
                  "The best-ranked such segment (root_cause_segments.segment_id); null if none."),
              col("intercept", DoubleType, false, "The elastic-net model's intercept."),
              col(
                  "auc_holdout",
                  DoubleType,
                  true,
                  "Area under the ROC curve of the elastic-net model on the random holdout; null if"
                      + " it has one class."),
              col("train_responses", LongType, false, "Responses in the training split."),
              col("holdout_responses", LongType, false, "Responses in the holdout split."),
              col("reg_param", DoubleType, false, "Regularisation strength."),
              col("elastic_net", DoubleType, false, "Elastic-net mixing (0 = ridge, 1 = lasso)."),
              col("window_from", DateType, false, "First response date of the training window."),
              col("window_to", DateType, false, "Last response date of the training window."),
              col("run_id", StringType, false, "The run that wrote the row.")),
          list("run_date"),
          list("run_date", "channel", "metric", "condition"));

  public static final TableSpec ROOT_CAUSE_HYPOTHESES =
      new TableSpec(
          "root_cause_hypotheses",
          "gold",
          "The analysts' hypotheses (polku.rootcause.hypotheses): each configured condition set"
              + " tested in its scope, whatever the search's minimum support, with its critical"
              + " rate against the rest of the scope and a plain verdict. Pre-registered: every"
              + " hypothesis is tested on its own at 5%, NOT corrected for multiple testing with"
              + " the search's segments (their q-values are in root_cause_segments); many"
              + " hypotheses still mean some chance findings. One row per hypothesis and scope"
              + " where its conditions occur (or the configured scope); a hypothesis that matches"
              + " no response gets one row saying so. Partitioned by run_date; a run replaces its"
              + " run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col(
                  "segment_id",
                  StringType,
                  false,
                  "channel/metric/conditions joined with '&': the id the same segment has in"
                      + " root_cause_segments and root_cause_pruned."),
              col(
                  "channel",
                  StringType,
                  false,
                  "Rated channel tested, or '*' for all channels together (for a hypothesis"
                      + " without a scope, only when two or more channels are rated; on a row of a"
                      + " hypothesis that matches nothing, any channel)."),
              col(
                  "metric",
                  StringType,
                  false,
                  "Metric tested, or '*' with channel '*' (and for any metric on a no-match row)."),
              col(
                  "conditions",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "The hypothesis' conditions, sorted."),
              col(
                  "responses",
                  LongType,
                  false,
                  "Responses of the scope (with a score) that have every condition."),
              col("critical", LongType, false, "Critical responses among them."),
              col(
                  "critical_rate",
                  DoubleType,
                  true,
                  "critical / responses; null when no response matches."),
              col("critical_rate_lower", DoubleType, true, "Wilson 95% interval, lower bound."),
              col("critical_rate_upper", DoubleType, true, "Wilson 95% interval, upper bound."),
              col(
                  "responses_outside",
                  LongType,
                  false,
                  "The scope's other responses (with a score)."),
              col("critical_outside", LongType, false, "Critical responses among them."),
              col(
                  "rate_outside",
                  DoubleType,
                  true,
                  "critical_outside / responses_outside, pooled over the scope's channels and"
                      + " metrics; null when there is none."),
              col("rate_outside_lower", DoubleType, true, "Wilson 95% interval, lower bound."),
              col("rate_outside_upper", DoubleType, true, "Wilson 95% interval, upper bound."),
              col(
                  "expected_critical",
                  DoubleType,
                  true,
                  "Critical responses expected at the outside rate of each rated channel and"
                      + " metric (sum of responses x that rate): the baseline of the cmh test."),
              col("difference", DoubleType, true, "critical_rate - rate_outside."),
              col(
                  "p_value",
                  DoubleType,
                  true,
                  "Two-sided p-value of the difference (see test); null when nothing matches."),
              col(
                  "test",
                  StringType,
                  true,
                  "z (pooled two-proportion z-test) or fisher (Fisher's exact test, when an"
                      + " expected count is below 5) in a channel scope; cmh"
                      + " (Cochran-Mantel-Haenszel, stratified by channel and metric) for channel"
                      + " '*', whose direction is critical against expected_critical and can"
                      + " differ from the pooled difference's."),
              col(
                  "verdict",
                  StringType,
                  false,
                  "'higher (p=...)' or 'lower (p=...)' when p < 0.05, else 'not significant"
                      + " (p=...)'; 'no response matches these conditions' (in the scope, when"
                      + " one is configured) when responses = 0."),
              col("window_from", DateType, false, "First response date analysed."),
              col("window_to", DateType, false, "Last response date analysed (= run_date)."),
              col("run_id", StringType, false, "The run that wrote the row.")),
          list("run_date"),
          list("run_date", "segment_id"));

  /** Columns shared by kpi_daily and kpi_weekly after the period column. */
  private static List<TableSpec.Column> kpiColumns() {
    return list(
        col("channel", StringType, false, "The rated channel."),
        col(
            "path_before",
            StringType,
            false,
            "'*' for all responses of the channel; otherwise one of its most common journey"
                + " paths (feedback_context.path_before, e.g. app>web>phone; '(none)' for"
                + " responses without a journey before them), ranked over"
                + " polku.kpis.path-window-days days ending on the period's last day. Paths"
                + " outside the top polku.kpis.top-paths have no row of their own."),
        col(
            "path_rank",
            IntegerType,
            true,
            "Rank of the path in its channel by responses in that window (1 = most common);"
                + " null for '*'."),
        col("responses", LongType, false, "Responses (every metric, with or without a score)."),
        col("scored_responses", LongType, false, "Responses with a score."),
        col("nps_responses", LongType, false, "Scored responses of metric nps (n_nps)."),
        col("promoters", LongType, false, "NPS responses scoring 9-10."),
        col("detractors", LongType, false, "NPS responses scoring 0-6."),
        col(
            "nps",
            DoubleType,
            true,
            "Net Promoter Score, 100 x (promoters - detractors) / nps_responses (-100..100);"
                + " null without NPS responses."),
        col(
            "nps_lower",
            DoubleType,
            true,
            "95% interval, lower bound: 100 x (m - 1.96 sqrt(v / n)), m = (P - D) / n, v = (P"
                + " + D) / n - m^2 the variance of the promoter-minus-detractor indicator"
                + " (+1/0/-1), n = nps_responses; clipped to -100."),
        col("nps_upper", DoubleType, true, "95% interval, upper bound (clipped to 100)."),
        col("csat_responses", LongType, false, "Scored responses of metric csat."),
        col(
            "csat_mean",
            DoubleType,
            true,
            "Mean CSAT score on its scale (1-5); null without" + " CSAT responses."),
        col(
            "csat_top2_share",
            DoubleType,
            true,
            "Share of CSAT responses in the top two boxes (4-5 of 1-5: normalised score >="
                + " 0.75); null without CSAT responses."),
        col("ces_responses", LongType, false, "Scored responses of metric ces."),
        col(
            "ces_mean",
            DoubleType,
            true,
            "Mean CES score on its scale (1-7, higher = more effort); null without CES"
                + " responses."),
        col("other_responses", LongType, false, "Scored responses of any other metric."),
        col(
            "critical",
            LongType,
            false,
            "Critical responses (polku.rootcause.critical, the same rules as root causes and"
                + " follow-ups)."),
        col(
            "critical_rate",
            DoubleType,
            true,
            "critical / scored_responses; null without scored responses."));
  }

  public static final TableSpec KPI_DAILY =
      new TableSpec(
          "kpi_daily",
          "gold",
          "Experience KPIs per response date and rated channel (path_before = '*'), and per date,"
              + " channel and each of the channel's most common journey paths: NPS with its 95%"
              + " interval, CSAT mean and top-2 share, CES mean, critical rate, counts per metric."
              + " Read from feedback_context. Partitioned by response_date; a run rewrites its"
              + " dates.",
          concat(
              list(
                  col(
                      "response_date",
                      DateType,
                      false,
                      "UTC date of the responses; the partition column.")),
              kpiColumns()),
          list("response_date"),
          list("response_date", "channel", "path_before"));

  public static final TableSpec KPI_WEEKLY =
      new TableSpec(
          "kpi_weekly",
          "gold",
          "The KPIs of kpi_daily per ISO week (Monday to Sunday), recomputed from the week's"
              + " responses (never averaged over days). A run rewrites every week it touches, so"
              + " the current week is partial until its Sunday has run. Partitioned by week_start.",
          concat(
              list(
                  col(
                      "week_start",
                      DateType,
                      false,
                      "Monday of the ISO week (UTC dates); the partition column.")),
              kpiColumns()),
          list("week_start"),
          list("week_start", "channel", "path_before"));

  public static final TableSpec KPI_PEAK_END =
      new TableSpec(
          "kpi_peak_end",
          "gold",
          "Peak-end view: how the most severe step (peak_before) and the last step's outcome"
              + " (end_before) of the journey before a response relate to its score, per rated"
              + " channel and metric, over the polku.kpis.peak-end-window-days days ending on"
              + " run_date. Partitioned by run_date; a run replaces its run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col("channel", StringType, false, "The rated channel."),
              col("metric", StringType, false, "The metric (lower case)."),
              col(
                  "peak_before",
                  LongType,
                  false,
                  "Most severe step before the response: 3 failure, 2 abandoned or error, 1"
                      + " assisted contact, 0 none (feedback_context.peak_before)."),
              col(
                  "end_before",
                  StringType,
                  false,
                  "Outcome of the last step before the response: success, failure, abandoned, or"
                      + " 'none' (no outcome or no step)."),
              col("responses", LongType, false, "Scored responses in the cell."),
              col(
                  "score_norm_mean",
                  DoubleType,
                  false,
                  "Mean score normalised to [0, 1] by its scale, (score - scale_min) / (scale_max"
                      + " - scale_min); for CES 1 = most effort."),
              col("critical", LongType, false, "Critical responses in the cell."),
              col("critical_rate", DoubleType, false, "critical / responses."),
              col("critical_rate_lower", DoubleType, false, "Wilson 95% interval, lower bound."),
              col("critical_rate_upper", DoubleType, false, "Wilson 95% interval, upper bound."),
              col(
                  "channel_metric_critical_rate",
                  DoubleType,
                  false,
                  "Critical rate of all the channel's responses of the metric in the window, for"
                      + " comparison."),
              col("window_from", DateType, false, "First response date in the window."),
              col("window_to", DateType, false, "Last response date in the window (= run_date).")),
          list("run_date"),
          list("run_date", "channel", "metric", "peak_before", "end_before"));

  /** Follow-up statuses. */
  public static final List<String> FOLLOWUP_STATUSES = List.of("open", "in_progress", "closed");

  public static final TableSpec FOLLOWUPS =
      new TableSpec(
          "followups",
          "gold",
          "Close-the-loop follow-ups: one row per critical response (polku.rootcause.critical),"
              + " keyed by response_id, with the root-cause segments it matches, the owning team,"
              + " priority, due date and status. Rows are merged: a run rewrites the rows of its"
              + " response dates but never the status columns, which come only from"
              + " followup_updates.",
          list(
              col(
                  "response_id",
                  StringType,
                  false,
                  "The critical response (feedback.response_id)."),
              col("response_date", DateType, false, "UTC date of the response."),
              col("response_ts", TimestampType, false, "When it was given, UTC."),
              col("customer_key", StringType, true, "The person (identity_map.customer_key)."),
              col("channel", StringType, false, "The rated channel."),
              col("touchpoint", StringType, true, "The rated touchpoint or topic."),
              col("metric", StringType, false, "The metric."),
              col("score", DoubleType, false, "The score."),
              col("comment", StringType, true, "Open-text comment."),
              col(
                  "segment_labels",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "Labels of the root_cause_segments (latest run_date <= the run's last date) whose"
                      + " channel and metric (or '*') and all conditions the response matches,"
                      + " sorted; empty when none."),
              col(
                  "team",
                  StringType,
                  false,
                  "Owning team: polku.followups.teams for channel/touchpoint, else for channel,"
                      + " else polku.followups.default-team."),
              col(
                  "severity",
                  IntegerType,
                  false,
                  "2 when the normalised badness of the score (1 - normalised score; the"
                      + " normalised score itself for metrics with a min threshold such as CES) is"
                      + " at least polku.followups.severe-badness, else 1."),
              col(
                  "value_tier",
                  StringType,
                  true,
                  "The customer's value tier (customers.value_tier via identity_map); null when"
                      + " unknown."),
              col(
                  "priority",
                  StringType,
                  false,
                  "P1 when severity + value points (polku.followups.value-points of the tier,"
                      + " unknown 0) >= 3, P2 when 2, P3 otherwise."),
              col(
                  "opened_date",
                  DateType,
                  false,
                  "Date the follow-up was opened: the response date (the nightly of that date"
                      + " opens it)."),
              col(
                  "due_date",
                  DateType,
                  false,
                  "opened_date + polku.followups.sla-days of the priority."),
              col(
                  "status",
                  StringType,
                  false,
                  "open (new follow-ups), in_progress or closed: the latest followup_updates row;"
                      + " historical: opened by a run whose last date was more than"
                      + " polku.followups.historical-after-days after the response (a range run"
                      + " over old dates), never counted as overdue, until an update sets another"
                      + " status."),
              col(
                  "status_ts",
                  TimestampType,
                  true,
                  "updated_ts of the update that set the status; null while never updated."),
              col("status_note", StringType, true, "Note of that update."),
              col("closed_ts", TimestampType, true, "When it was closed (status closed), UTC.")),
          list(),
          list("response_id"));

  public static final TableSpec FOLLOWUP_UPDATES =
      new TableSpec(
          "followup_updates",
          "silver",
          "Optional input: status changes of follow-ups written by the teams' tools (append"
              + " only). The latest row per response_id (by updated_ts) sets followups.status;"
              + " a re-run never resets it. Rows with another status or an unknown response_id"
              + " are ignored and reported in the followups stage's warnings.",
          list(
              col("response_id", StringType, false, "The follow-up (followups.response_id)."),
              col("status", StringType, false, "open, in_progress or closed."),
              col("updated_ts", TimestampType, false, "When the status was set, UTC."),
              col("note", StringType, true, "Free-text note, e.g. what was done.")),
          list(),
          list("response_id", "updated_ts"));

  public static final TableSpec FOLLOWUP_SUMMARY =
      new TableSpec(
          "followup_summary",
          "gold",
          "How the loop is closed: per team and priority, the follow-ups opened up to run_date"
              + " by status, the closure rate, overdue ones and the median time to close."
              + " Partitioned by run_date; a run replaces its run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col("team", StringType, false, "Owning team, or '*' for all."),
              col("priority", StringType, false, "P1, P2, P3, or '*' for all."),
              col(
                  "followups",
                  LongType,
                  false,
                  "Follow-ups opened on or before run_date (historical ones included: followups -"
                      + " open - in_progress - closed)."),
              col("open", LongType, false, "Of them with status open."),
              col("in_progress", LongType, false, "Of them with status in_progress."),
              col("closed", LongType, false, "Of them with status closed."),
              col("closure_rate", DoubleType, false, "closed / followups."),
              col(
                  "overdue",
                  LongType,
                  false,
                  "Open or in_progress and due_date before run_date (historical ones are not)."),
              col(
                  "closed_within_sla",
                  LongType,
                  false,
                  "Closed on or before the end of due_date (UTC)."),
              col(
                  "median_hours_to_close",
                  DoubleType,
                  true,
                  "Median hours from response_ts to closed_ts of the closed ones (exact"
                      + " percentile); null when none is closed.")),
          list("run_date"),
          list("run_date", "team", "priority"));

  public static final TableSpec FIX_EFFECTS =
      new TableSpec(
          "fix_effects",
          "gold",
          "Did a fix work? For each fix in polku.followups.fixes, the segment's critical rate in"
              + " the fix-window-days days before the fix date against the same span from the"
              + " date on (up to run_date), responses matching the segment's channel, metric and"
              + " conditions, with a two-proportion test. Partitioned by run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col("segment", StringType, false, "The fix's segment as configured."),
              col("channel", StringType, false, "Rated channel of the segment ('*' = any)."),
              col("metric", StringType, false, "Metric of the segment ('*' = any)."),
              col(
                  "conditions",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "The segment's conditions, sorted."),
              col("fix_date", DateType, false, "The day the fix went live."),
              col("note", StringType, true, "The fix's note."),
              col("before_from", DateType, false, "First date of the before span."),
              col("before_to", DateType, false, "Last date of the before span (fix_date - 1)."),
              col("after_from", DateType, false, "First date of the after span (fix_date)."),
              col(
                  "after_to",
                  DateType,
                  true,
                  "Last date of the after span: fix_date + window - 1, at most run_date; null when"
                      + " the fix date is after run_date."),
              col("before_responses", LongType, false, "Scored matching responses before."),
              col("before_critical", LongType, false, "Of them critical."),
              col("before_rate", DoubleType, true, "before_critical / before_responses."),
              col("after_responses", LongType, false, "Scored matching responses after."),
              col("after_critical", LongType, false, "Of them critical."),
              col("after_rate", DoubleType, true, "after_critical / after_responses."),
              col(
                  "p_value",
                  DoubleType,
                  true,
                  "Two-sided p-value of after vs before (pooled z-test, or Fisher's exact test"
                      + " when an expected count is below 5); null when a span is empty."),
              col("test", StringType, true, "z or fisher; null when a span is empty."),
              col(
                  "verdict",
                  StringType,
                  false,
                  "improved (p < polku.followups.fix-alpha, after rate lower), worse (p <"
                      + " fix-alpha, higher), no_change (p >= fix-alpha), or pending (the fix date"
                      + " is after run_date or a span has no responses).")),
          list("run_date"),
          list("run_date", "segment", "fix_date"));
  public static final TableSpec PROFILE_SPEC =
      new TableSpec(
          "profile_spec",
          "gold",
          "Why customer_profiles has the columns it has: the greedy forward selection of the"
              + " smallest attribute set whose holdout AUC reaches polku.profiles.auc-share of the"
              + " all-attribute model's, for the decision target. Step 0 is the all-attribute model;"
              + " each later step adds the attribute that raised the holdout AUC most. Partitioned by"
              + " run_date; a run replaces its run_date.",
          list(
              col("run_date", DateType, false, "The run's last date; the partition column."),
              col(
                  "step",
                  IntegerType,
                  false,
                  "0 = the model on all candidate attributes; 1.. = forward-selection steps."),
              col(
                  "attribute_added",
                  StringType,
                  true,
                  "The attribute added at this step (null at 0)."),
              col(
                  "attributes",
                  DataTypes.createArrayType(StringType, false),
                  false,
                  "The attributes of the step's model, in the order they were added."),
              col(
                  "auc_holdout",
                  DoubleType,
                  true,
                  "Holdout area under the ROC curve of the step's model; null when not computable."),
              col("full_model_auc", DoubleType, true, "Holdout AUC of the all-attribute model."),
              col("target_auc", DoubleType, true, "auc-share x full_model_auc: the bar to reach."),
              col("reached", BooleanType, false, "auc_holdout >= target_auc."),
              col(
                  "chosen",
                  BooleanType,
                  false,
                  "This step's attributes are the profile (the first step that reached the bar, or"
                      + " the last step when the cap or the data stopped the search)."),
              col(
                  "models_fitted",
                  IntegerType,
                  false,
                  "Models fitted for this step (one per remaining candidate; 1 at step 0)."),
              col(
                  "status",
                  StringType,
                  false,
                  "reached, step_cap (max-steps hit before the bar), no_gain (no attribute raised the"
                      + " AUC), not_enough_data (too few customers or one class: no model) or reused"
                      + " (no search tonight: the latest search's attributes re-fitted, one row;"
                      + " polku.profiles.reselect-every-days)."),
              col(
                  "target",
                  StringType,
                  false,
                  "The decision target, e.g. critical-feedback|repeat-contact within 30 days."),
              col(
                  "cutoff_date",
                  DateType,
                  false,
                  "Training cut-off: features from data strictly before it, labels from it on."),
              col("feature_from", DateType, false, "First date of the feature window."),
              col("label_to", DateType, false, "Last date of the label window (= run_date)."),
              col("candidates", IntegerType, false, "Number of candidate attributes."),
              col("kept", IntegerType, false, "Attributes of the chosen set."),
              col("minimisation_ratio", DoubleType, false, "kept / candidates."),
              col("train_customers", LongType, false, "Customers in the training split."),
              col("holdout_customers", LongType, false, "Customers in the holdout split."),
              col(
                  "positive_rate",
                  DoubleType,
                  true,
                  "Share of labelled customers with the target."),
              col("message", StringType, true, "Why the search stopped, in words.")),
          list("run_date"),
          list("run_date", "step"));

  public static final TableSpec CUSTOMER_PROFILES =
      new TableSpec(
          "customer_profiles",
          "gold",
          "The minimum-viable customer profile: per customer only the attributes profile_spec"
              + " chose for the decision target, the model's score, and the few operational fields"
              + " surveys and follow-ups must check. Upserted by customer_key (a customer without"
              + " activity in the lookback keeps the row of its last run; as_of says when).",
          list(
              col("customer_key", StringType, false, "The person (identity_map.customer_key)."),
              col(
                  "as_of",
                  DateType,
                  false,
                  "Run date the row was computed for: features from the lookback-days before the"
                      + " day after it."),
              col(
                  "attributes",
                  DataTypes.createMapType(StringType, DoubleType, true),
                  false,
                  "The chosen attributes (names in profile_spec) and their values. A map, not fixed"
                      + " columns, because the chosen set is re-measured every run and may change;"
                      + " the table schema stays stable and the spec documents the keys."),
              col(
                  "score",
                  DoubleType,
                  true,
                  "Probability of the decision target in the next horizon-days by the chosen"
                      + " model; null when no model could be fitted."),
              col(
                  "survey_consent",
                  BooleanType,
                  false,
                  "Consent to surveys (customers.survey_consent; false when unknown): surveys must"
                      + " never go to a customer without it."),
              col(
                  "marketing_consent",
                  BooleanType,
                  false,
                  "Consent to marketing (false when unknown): a follow-up beyond the service matter"
                      + " may only use it."),
              col(
                  "last_contacted_date",
                  DateType,
                  true,
                  "Last survey invitation before as_of (survey_invitations): fatigue and follow-up"
                      + " timing need it."),
              col(
                  "last_response_ts",
                  TimestampType,
                  true,
                  "Last feedback response before the end of as_of: no survey soon after a"
                      + " response.")),
          list(),
          list("customer_key"));

  /** Columns shared by survey_invitations and survey_suppressions. */
  private static List<TableSpec.Column> surveyCandidateColumns() {
    return list(
        col(
            "invitation_id",
            StringType,
            false,
            "Deterministic id: hash of customer_key and invitation_date."),
        col("customer_key", StringType, false, "The person (identity_map.customer_key)."),
        col("invitation_date", DateType, false, "The targeting date; the partition column."),
        col(
            "customer_id",
            StringType,
            true,
            "The customer number to send to (null for a person known only by other ids)."),
        col("trigger", StringType, false, "The behaviour trigger (polku.surveys.triggers)."),
        col("survey", StringType, false, "The survey (polku.surveys.surveys)."),
        col("send_channel", StringType, false, "Channel to send the invitation through."),
        col("journey_id", StringType, false, "The journey that triggered it."),
        col("journey_end", TimestampType, false, "When that journey's last step happened, UTC."),
        col(
            "rated_channel",
            StringType,
            false,
            "The journey's last channel: what the survey asks about."),
        col(
            "uncertainty",
            DoubleType,
            false,
            "Width of the Wilson 95% interval of the rated channel's critical rate over the"
                + " uncertainty window (1 when it has no responses): wider first."),
        col(
            "critical_journey",
            BooleanType,
            false,
            "The journey had a failure, abandonment or error (peak_severity >= 2)."),
        col("profile_score", DoubleType, true, "customer_profiles.score, if any."),
        col(
            "priority",
            IntegerType,
            false,
            "Rank of the day's candidates that passed consent and fatigue rules (1 = first):"
                + " by uncertainty desc, critical_journey desc, profile_score desc, then a hash"
                + " of customer_key and date; null-free, 0 for candidates stopped before"
                + " ranking."));
  }

  public static final TableSpec SURVEY_INVITATIONS =
      new TableSpec(
          "survey_invitations",
          "gold",
          "Behaviour-triggered survey invitations: at most one per customer and day, within the"
              + " fatigue caps and the daily cap, with the short survey to send. Also the contact"
              + " history the fatigue rules read. Partitioned by invitation_date; a run replaces its"
              + " date.",
          concat(
              surveyCandidateColumns(),
              list(
                  col(
                      "questions",
                      DataTypes.createArrayType(
                          new StructType().add("id", StringType).add("text", StringType), false),
                      false,
                      "The survey's questions (1-3), id and text."))),
          list("invitation_date"),
          list("invitation_id"));

  public static final TableSpec SURVEY_SUPPRESSIONS =
      new TableSpec(
          "survey_suppressions",
          "gold",
          "Every survey candidate of a date that was not invited, with the reason. Candidates of a"
              + " date = invitations + suppressions (checked). Partitioned by invitation_date.",
          concat(
              surveyCandidateColumns(),
              list(
                  col(
                      "reason",
                      StringType,
                      false,
                      "The first rule that stopped it: no_consent, recent_response, cap_<days>d (e.g."
                          + " cap_30d, cap_90d), daily_cap."),
                  col(
                      "detail",
                      StringType,
                      true,
                      "The rule's numbers, e.g. the last response date."))),
          list("invitation_date"),
          list("invitation_id"));

  /** Every table, in documentation order. */
  public static final List<TableSpec> ALL =
      List.of(
          EVENTS,
          FEEDBACK,
          IDENTITY_LINKS,
          CUSTOMERS,
          IDENTITY_MAP,
          IDENTITY_CONFLICTS,
          JOURNEYS,
          FEEDBACK_CONTEXT,
          KPI_JOURNEY_DAILY,
          ROOT_CAUSE_SEGMENTS,
          ROOT_CAUSE_PRUNED,
          ROOT_CAUSE_EXAMPLES,
          ROOT_CAUSE_DRIVERS,
          ROOT_CAUSE_HYPOTHESES,
          PROFILE_SPEC,
          CUSTOMER_PROFILES,
          SURVEY_INVITATIONS,
          SURVEY_SUPPRESSIONS,
          FOLLOWUPS,
          FOLLOWUP_UPDATES,
          FOLLOWUP_SUMMARY,
          FIX_EFFECTS,
          KPI_DAILY,
          KPI_WEEKLY,
          KPI_PEAK_END,
          QUARANTINE,
          RUN_AUDIT,
          ERASURE_LOG,
          ERASED_IDENTIFIERS);

  public static Optional<TableSpec> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
