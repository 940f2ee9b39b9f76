package io.polku.contract;

/**
 * Stable reason codes of quarantined rows. Codes never change meaning; new ones may be added. When
 * a row has several problems, the first in this declaration order is reported.
 */
public enum ReasonCode {
  /**
   * A field or record whose bytes are not valid in the source's declared encoding (UTF-8 unless the
   * source sets {@code encoding}); first, as it can make a record unparseable. For a UTF-8 source
   * the raw record keeps the bytes as base64.
   */
  BAD_ENCODING,
  /** A JSON line (or other record) the reader could not parse at all. */
  MALFORMED_RECORD,
  /** A CSV row with more or fewer fields than the source schema declares. */
  FIELD_COUNT,
  /** A field whose value does not have the type declared in the source schema. */
  BAD_TYPE,
  /** A string field longer than {@code polku.ingest.max-field-chars}. */
  FIELD_TOO_LONG,
  /** The record's id is missing or empty. */
  MISSING_ID,
  /** The record's timestamp is missing. */
  MISSING_TIMESTAMP,
  /** The record's timestamp is present but could not be parsed by its mapping. */
  BAD_TIMESTAMP,
  /** The timestamp lies later than the run's start plus the configured tolerance. */
  FUTURE_TIMESTAMP,
  /** The timestamp lies before {@code polku.ingest.earliest-timestamp} (e.g. 1970). */
  TIMESTAMP_TOO_OLD,
  /** Another required canonical column is missing. */
  MISSING_REQUIRED,
  /** An event or response carries none of the identifier columns. */
  NO_IDENTIFIER,
  /** The channel is not in the configured vocabulary (and unknown-channel = quarantine). */
  UNKNOWN_CHANNEL,
  /** A value outside its allowed set, e.g. an outcome other than success/failure/abandoned. */
  INVALID_VALUE,
  /** A score outside its scale [scale_min, scale_max]. */
  SCORE_OUT_OF_RANGE,
  /**
   * A row dated further from the date in its file's name than the source's {@code
   * file-date-margin-days}: a run reads only the files within that margin of its dates, so such a
   * row would come and go with the runs' ranges.
   */
  FILE_DATE_OUTSIDE_MARGIN,
  /** A second record with an id already seen in this batch or already in the table. */
  DUPLICATE_ID
}
