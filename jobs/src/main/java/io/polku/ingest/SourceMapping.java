package io.polku.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.config.SourceKind;
import io.polku.contract.ReasonCode;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Pure transforms that map a typed source onto its canonical table and classify every row as valid
 * or quarantined with a stable {@link ReasonCode} and a sentence naming the value, what was
 * expected and the fix. No reads, writes or actions happen here.
 *
 * <p>Every row leaves {@link #toCanonical} exactly once: {@value #REASON_CODE} is null for a valid
 * row and a code otherwise; the code is a CASE over null-safe conditions, so a null in a compared
 * column can never make a row disappear (valid + quarantined == read).
 */
public final class SourceMapping {
  public static final String REASON_CODE = "_reason_code";
  public static final String REASON = "_reason";
  public static final String IN_RANGE = "_in_range";

  private SourceMapping() {}

  /** The validation rules a run applies. */
  public record Rules(
      List<String> channels,
      PolkuConfig.UnknownChannel unknownChannel,
      Instant futureLimit,
      Instant earliestTimestamp,
      int maxFieldChars) {
    public static Rules of(PolkuConfig config, Instant runStart) {
      return new Rules(
          config.channels(),
          config.unknownChannel(),
          runStart.plus(config.futureTolerance()),
          config.earliestTimestamp(),
          config.maxFieldChars());
    }
  }

  /** One quarantine rule: a null-safe condition, its code and its message. */
  private record Check(Column condition, ReasonCode code, Column message) {}

  /**
   * Maps typed source rows (from {@link SourceReader}) onto the canonical table of the source's
   * kind, adding {@value #REASON_CODE}, {@value #REASON}, {@link SourceReader#RAW} and {@link
   * SourceReader#FILE}.
   */
  public static Dataset<Row> toCanonical(
      Dataset<Row> typed, SourceConfig source, Rules rules, String runId) {
    SourceKind kind = source.kind();
    TableSpec table = kind.table();
    List<Column> canonical = new ArrayList<>();
    for (TableSpec.Column c : table.columns()) {
      canonical.add(canonicalColumn(c, source, runId).as(c.name()));
    }
    canonical.add(col(SourceReader.RAW));
    canonical.add(col(SourceReader.CORRUPT));
    canonical.add(col(SourceReader.BAD_TYPE));
    canonical.add(col(SourceReader.BAD_ENCODING));
    canonical.add(col(SourceReader.FILE));
    // Referenced raw values, to tell a missing timestamp from an unparseable one.
    Column tsRaw =
        kind.timestampColumn() == null || source.snapshot()
            ? lit(null).cast("string")
            : referencedValues(source, kind.timestampColumn(), typed.schema());
    canonical.add(tsRaw.as("_ts_raw"));
    canonical.add(tooLong(source.schema(), rules.maxFieldChars()).as("_too_long"));
    Dataset<Row> mapped = typed.select(canonical.toArray(new Column[0]));
    mapped = withDerived(mapped, kind, source.snapshot());
    if (kind == SourceKind.EVENTS || kind == SourceKind.FEEDBACK) {
      mapped =
          mapped.withColumn(
              "channel",
              mapChannel(
                  col("channel"), source.channelMap(), rules.channels(), rules.unknownChannel()));
    }

    List<Check> checks = checks(source, rules);
    Column code = lit(null).cast("string");
    Column reason = lit(null).cast("string");
    for (int i = checks.size() - 1; i >= 0; i--) {
      Check k = checks.get(i);
      Column cond = coalesce(k.condition(), lit(false));
      code = when(cond, lit(k.code().name())).otherwise(code);
      reason = when(cond, k.message()).otherwise(reason);
    }
    return mapped
        .withColumn(REASON_CODE, code)
        .withColumn(REASON, reason)
        .drop("_ts_raw", "_too_long");
  }

  private static Column canonicalColumn(TableSpec.Column c, SourceConfig source, String runId) {
    String name = c.name();
    if (name.equals("source")) {
      return lit(source.name());
    }
    if (name.equals("ingest_run_id")) {
      return lit(runId);
    }
    String expr = source.columns().get(name);
    if (expr == null) {
      return lit(null).cast(c.type());
    }
    Column value = functions.expr(expr).cast(c.type());
    if (c.type().equals(DataTypes.StringType)) {
      value = functions.nullif(functions.trim(value), lit(""));
      if (name.equals("channel")
          || name.equals("outcome")
          || name.startsWith("id_type")
          || name.equals("metric")) {
        value = functions.lower(value);
      }
    }
    return value;
  }

  /** Adds the date partition column, the link id, and maps channels through the vocabulary. */
  private static Dataset<Row> withDerived(Dataset<Row> mapped, SourceKind kind, boolean snapshot) {
    Dataset<Row> out = mapped;
    if (kind.dateColumn() != null) {
      out = out.withColumn(kind.dateColumn(), functions.to_date(col(kind.timestampColumn())));
    }
    if (kind == SourceKind.IDENTITY_LINKS && snapshot) {
      // A snapshot link is keyed by its identifier pair alone: every run reads the same pair
      // again and merges it onto the row the first run wrote (see stampSnapshot).
      out =
          out.withColumn(
              "link_id",
              functions.sha2(
                  functions.concat_ws(
                      "|",
                      lit("snapshot"),
                      col("id_type_a"),
                      col("id_a"),
                      col("id_type_b"),
                      col("id_b")),
                  256));
    } else if (kind == SourceKind.IDENTITY_LINKS) {
      out =
          out.withColumn(
              "link_id",
              functions.sha2(
                  functions.concat_ws(
                      "|",
                      col("id_type_a"),
                      col("id_a"),
                      col("id_type_b"),
                      col("id_b"),
                      col("observed_ts").cast("string")),
                  256));
    }
    return out;
  }

  /** Maps a raw channel value through the source's channel map and the unknown-channel rule. */
  static Column mapChannel(
      Column channel,
      Map<String, String> channelMap,
      List<String> vocabulary,
      PolkuConfig.UnknownChannel unknown) {
    Column mapped = channel;
    for (Map.Entry<String, String> e : channelMap.entrySet()) {
      mapped = when(channel.equalTo(lit(e.getKey())), lit(e.getValue())).otherwise(mapped);
    }
    if (unknown == PolkuConfig.UnknownChannel.OTHER) {
      mapped = when(mapped.isin(vocabulary.toArray()), mapped).otherwise(lit("other"));
    }
    return mapped;
  }

  /** The quarantine rules, in {@link ReasonCode} order. */
  private static List<Check> checks(SourceConfig source, Rules rules) {
    SourceKind kind = source.kind();
    List<Check> checks = new ArrayList<>();
    Column corrupt = col(SourceReader.CORRUPT);
    String fix = "; fix the source record, or the mapping at " + source.key("columns");
    checks.add(
        new Check(
            col(SourceReader.BAD_ENCODING).isNotNull(),
            ReasonCode.BAD_ENCODING,
            col(SourceReader.BAD_ENCODING)));
    if (source.format().equals("csv")) {
      checks.add(
          new Check(
              corrupt.isNotNull(),
              ReasonCode.FIELD_COUNT,
              lit(
                  "CSV row does not have the "
                      + source.schema().size()
                      + " fields declared in "
                      + source.key("schema")
                      + " (separator '"
                      + source
                          .options()
                          .getOrDefault("sep", source.options().getOrDefault("delimiter", ","))
                      + "'); fix the row in the"
                      + " source, or the declared schema if the source gained or lost a column")));
    } else {
      checks.add(
          new Check(
              corrupt.isNotNull(),
              ReasonCode.MALFORMED_RECORD,
              lit(
                  "record is not valid "
                      + source.format().toUpperCase(Locale.ROOT)
                      + " for the schema declared in "
                      + source.key("schema")
                      + "; fix or remove the record in the source")));
    }
    checks.add(
        new Check(
            col(SourceReader.BAD_TYPE).isNotNull(),
            ReasonCode.BAD_TYPE,
            col(SourceReader.BAD_TYPE)));
    checks.add(
        new Check(col("_too_long").isNotNull(), ReasonCode.FIELD_TOO_LONG, col("_too_long")));

    List<String> ids =
        kind == SourceKind.IDENTITY_LINKS ? List.of("id_a", "id_b") : List.of(kind.idColumn());
    for (String id : ids) {
      checks.add(
          new Check(
              col(id).isNull(),
              ReasonCode.MISSING_ID,
              lit(
                  id
                      + " is empty; expected a non-empty id from the mapping `"
                      + source.columns().get(id)
                      + "`"
                      + fix)));
    }
    if (kind.timestampColumn() != null && !source.snapshot()) {
      String ts = kind.timestampColumn();
      String tsExpr = source.columns().get(ts);
      checks.add(
          new Check(
              col(ts).isNull().and(col("_ts_raw").isNull()),
              ReasonCode.MISSING_TIMESTAMP,
              lit(
                  ts
                      + " is missing: the source fields of `"
                      + tsExpr
                      + "` are empty; expected a"
                      + " timestamp"
                      + fix)));
      checks.add(
          new Check(
              col(ts).isNull(),
              ReasonCode.BAD_TIMESTAMP,
              concat(
                  lit(ts + " could not be parsed from "),
                  col("_ts_raw"),
                  lit(
                      " by `"
                          + tsExpr
                          + "`; expected a timestamp that expression parses; fix the"
                          + " source value or the expression at "
                          + source.key("columns." + ts)))));
      Timestamp limit = Timestamp.from(rules.futureLimit());
      checks.add(
          new Check(
              col(ts).gt(lit(limit)),
              ReasonCode.FUTURE_TIMESTAMP,
              concat(
                  lit(ts + " "),
                  col(ts).cast("string"),
                  lit(
                      " UTC lies after the run's start plus the tolerance ("
                          + limit.toInstant()
                          + "); expected a past timestamp; fix the source clock or raise"
                          + " polku.ingest.future-tolerance"))));
      checks.add(
          new Check(
              col(ts).lt(lit(Timestamp.from(rules.earliestTimestamp()))),
              ReasonCode.TIMESTAMP_TOO_OLD,
              concat(
                  lit(ts + " "),
                  col(ts).cast("string"),
                  lit(
                      " UTC lies before the earliest plausible timestamp "
                          + rules.earliestTimestamp()
                          + " (polku.ingest.earliest-timestamp); expected a"
                          + " real event time (1970 is often an epoch of 0 or seconds read as"
                          + " milliseconds); fix the source value or the expression at "
                          + source.key("columns." + ts)
                          + ", or lower"
                          + " polku.ingest.earliest-timestamp"))));
    }
    for (String req : kind.requiredMappings()) {
      if (ids.contains(req)
          || req.equals(kind.timestampColumn())
          || req.equals("channel")
          || req.equals("score")) {
        continue;
      }
      checks.add(
          new Check(
              col(req).isNull(),
              ReasonCode.MISSING_REQUIRED,
              lit(
                  req
                      + " is empty; expected a value from `"
                      + source.columns().get(req)
                      + "`"
                      + fix)));
    }
    if (kind == SourceKind.FEEDBACK) {
      checks.add(
          new Check(
              col("score").isNull().and(col("comment").isNull()),
              ReasonCode.MISSING_REQUIRED,
              lit(
                  "score is empty and there is no comment; expected a score on the scale or an"
                      + " open-text comment"
                      + fix)));
    }
    if (kind.needsIdentifier()) {
      Column none = lit(true);
      for (String idc : Tables.IDENTIFIER_COLUMNS) {
        none = none.and(col(idc).isNull());
      }
      checks.add(
          new Check(
              none,
              ReasonCode.NO_IDENTIFIER,
              lit(
                  "the record carries none of "
                      + Tables.IDENTIFIER_COLUMNS
                      + "; expected at least"
                      + " one identifier; fix the source, or map an identifier column in "
                      + source.key("columns"))));
    }
    if (kind == SourceKind.EVENTS || kind == SourceKind.FEEDBACK) {
      Column channel = col("channel");
      checks.add(
          new Check(
              channel.isNull().or(functions.not(channel.isin(rules.channels().toArray()))),
              ReasonCode.UNKNOWN_CHANNEL,
              concat(
                  lit("channel '"),
                  coalesce(channel, lit("<empty>")),
                  lit(
                      "' is not in the vocabulary "
                          + rules.channels()
                          + "; map it in "
                          + source.key("channel-map")
                          + ", add it to polku.ingest.channels, or set"
                          + " polku.ingest.unknown-channel = other"))));
    }
    if (kind == SourceKind.EVENTS) {
      Column outcome = col("outcome");
      checks.add(
          new Check(
              outcome.isNotNull().and(functions.not(outcome.isin(Tables.OUTCOMES.toArray()))),
              ReasonCode.INVALID_VALUE,
              concat(
                  lit("outcome '"),
                  outcome,
                  lit(
                      "' is not one of "
                          + Tables.OUTCOMES
                          + " or empty; map the source's values in "
                          + source.key("columns.outcome")))));
    }
    if (kind == SourceKind.IDENTITY_LINKS) {
      for (String t : List.of("id_type_a", "id_type_b")) {
        checks.add(
            new Check(
                col(t).isNull().or(functions.not(col(t).isin(Tables.IDENTIFIER_COLUMNS.toArray()))),
                ReasonCode.INVALID_VALUE,
                concat(
                    lit(t + " '"),
                    coalesce(col(t), lit("<empty>")),
                    lit(
                        "' is not one of "
                            + Tables.IDENTIFIER_COLUMNS
                            + "; map the source's values in "
                            + source.key("columns." + t)))));
      }
    }
    if (kind == SourceKind.FEEDBACK) {
      Column score = col("score");
      checks.add(
          new Check(
              score.lt(col("scale_min")).or(score.gt(col("scale_max"))),
              ReasonCode.SCORE_OUT_OF_RANGE,
              concat(
                  lit("score "),
                  score.cast("string"),
                  lit(" of metric '"),
                  coalesce(col("metric"), lit("")),
                  lit("' is outside its scale ["),
                  col("scale_min").cast("string"),
                  lit(", "),
                  col("scale_max").cast("string"),
                  lit(
                      "]; fix the source row, or the scale mapping at "
                          + source.key("columns.scale_min")
                          + " / scale_max"))));
    }
    return checks;
  }

  /**
   * A sentence naming the first string column of the source (struct fields included) whose value is
   * longer than {@code cap} characters, or null. Reads the typed source columns.
   */
  static Column tooLong(StructType schema, int cap) {
    List<String> paths = new ArrayList<>();
    stringLeaves(schema, "", paths);
    Column out = lit(null).cast("string");
    for (int i = paths.size() - 1; i >= 0; i--) {
      String p = paths.get(i);
      Column length = functions.length(functions.expr(quotedPath(p)));
      out =
          when(
                  length.gt(lit(cap)),
                  concat(
                      lit("column '" + p + "' has "),
                      length.cast("string"),
                      lit(
                          " characters, more than the cap of "
                              + cap
                              + " (polku.ingest.max-field-chars); fix the source row, or raise"
                              + " polku.ingest.max-field-chars if such values are legitimate")))
              .otherwise(out);
    }
    return out;
  }

  private static void stringLeaves(StructType schema, String prefix, List<String> out) {
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      if (f.dataType() instanceof StructType st) {
        stringLeaves(st, prefix + f.name() + ".", out);
      } else if (f.dataType().equals(DataTypes.StringType)) {
        out.add(prefix + f.name());
      }
    }
  }

  /**
   * The raw source values an expression reads, as "col='value', ..." (null when all are empty), so
   * that a missing value and an unparseable one get different reasons.
   */
  static Column referencedValues(SourceConfig source, String canonical, StructType schema) {
    String expr = source.columns().get(canonical);
    Set<String> paths = referencedColumns(expr, schema);
    List<Column> parts = new ArrayList<>();
    for (String p : paths) {
      Column v = functions.expr(quotedPath(p)).cast("string");
      parts.add(
          when(
              v.isNotNull().and(functions.trim(v).notEqual(lit(""))),
              concat(lit(p + "='"), v, lit("'"))));
    }
    if (parts.isEmpty()) {
      return lit(null).cast("string");
    }
    Column joined = functions.concat_ws(", ", parts.toArray(new Column[0]));
    return functions.nullif(joined, lit(""));
  }

  /** Source column paths an expression references (lambda variables and unknowns ignored). */
  static Set<String> referencedColumns(String expr, StructType schema) {
    Set<String> out = new LinkedHashSet<>();
    if (expr == null) {
      return out;
    }
    Expression parsed = CatalystSqlParser$.MODULE$.parseExpression(expr);
    List<Expression> leaves = scala.collection.JavaConverters.seqAsJavaList(parsed.collectLeaves());
    Set<String> top = new java.util.HashSet<>();
    for (String f : schema.fieldNames()) {
      top.add(f.toLowerCase(Locale.ROOT));
    }
    for (Expression leaf : leaves) {
      if (leaf instanceof UnresolvedAttribute a) {
        List<String> parts = scala.collection.JavaConverters.seqAsJavaList(a.nameParts());
        if (!parts.isEmpty() && top.contains(parts.get(0).toLowerCase(Locale.ROOT))) {
          out.add(String.join(".", parts));
        }
      }
    }
    return out;
  }

  /** A dotted column path as a SQL expression with each part back-quoted: a.b becomes `a`.`b`. */
  static String quotedPath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String part : path.split("\\.")) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append('`').append(part.replace("`", "``")).append('`');
    }
    return sb.toString();
  }

  /**
   * Marks second and later rows with the same key (among rows valid so far) as DUPLICATE_ID. The
   * kept row is the earliest by timestamp, then by raw record: a deterministic choice. Costs one
   * shuffle on the key.
   */
  public static Dataset<Row> markDuplicates(Dataset<Row> mapped, SourceKind kind) {
    String key = kind.keyColumn();
    Column orderTs = kind.timestampColumn() == null ? lit(0) : col(kind.timestampColumn());
    Column rank =
        functions
            .row_number()
            .over(
                Window.partitionBy(col(key), col(REASON_CODE).isNull())
                    .orderBy(
                        orderTs.asc_nulls_last(), col(SourceReader.RAW), col(SourceReader.FILE)));
    Column dup = col(REASON_CODE).isNull().and(col(key).isNotNull()).and(rank.gt(1));
    return mapped
        .withColumn(
            REASON,
            when(
                    dup,
                    concat(
                        lit(key + " '"),
                        col(key),
                        lit(
                            "' occurs more than once in this batch; the first occurrence was kept;"
                                + " expected unique ids; no action needed if the source re-sent the record,"
                                + " otherwise fix the source's ids")))
                .otherwise(col(REASON)))
        .withColumn(
            REASON_CODE,
            when(dup, lit(ReasonCode.DUPLICATE_ID.name())).otherwise(col(REASON_CODE)));
  }

  /**
   * For a source with {@code file-date-pattern}: quarantines (FILE_DATE_OUTSIDE_MARGIN) the valid
   * rows dated more than {@code file-date-margin-days} from the date in their file's name. A run
   * over other dates would not read that file (see {@link SourceFiles}), so such a row would be in
   * the table after one run and gone after another; quarantined, every run agrees, and the reason
   * says to widen the margin. Rows of files whose name carries no date are left alone.
   */
  public static Dataset<Row> markOutsideFileDate(Dataset<Row> mapped, SourceConfig source) {
    SourceKind kind = source.kind();
    if (source.fileDatePattern() == null || kind.dateColumn() == null) {
      return mapped;
    }
    int group = source.fileDatePattern().matcher("").groupCount() > 0 ? 1 : 0;
    Column text =
        functions.regexp_extract(col(SourceReader.FILE), source.fileDatePattern().pattern(), group);
    Column fileDate =
        coalesce(functions.to_date(text, "yyyy-MM-dd"), functions.to_date(text, "yyyyMMdd"));
    Column date = col(kind.dateColumn());
    Column far =
        col(REASON_CODE)
            .isNull()
            .and(fileDate.isNotNull())
            .and(date.isNotNull())
            .and(functions.abs(functions.datediff(date, fileDate)).gt(source.fileDateMarginDays()));
    return mapped
        .withColumn(
            REASON,
            when(
                    far,
                    concat(
                        lit(kind.dateColumn() + " "),
                        date.cast("string"),
                        lit(
                            " is more than "
                                + source.fileDateMarginDays()
                                + " day(s) from the date "),
                        fileDate.cast("string"),
                        lit(" in its file's name ("),
                        col(SourceReader.FILE),
                        lit(
                            "); expected within "
                                + source.key("file-date-margin-days")
                                + " = "
                                + source.fileDateMarginDays()
                                + ", as a run reads only the files dated within that margin of its dates;"
                                + " widen the margin (or fix the file's date) and re-run the row's date")))
                .otherwise(col(REASON)))
        .withColumn(
            REASON_CODE,
            when(far, lit(ReasonCode.FILE_DATE_OUTSIDE_MARGIN.name())).otherwise(col(REASON_CODE)));
  }

  /**
   * Flags the run's rows: {@value #IN_RANGE} is true for valid rows dated within the run's range
   * (undated kinds are always in range).
   */
  public static Dataset<Row> flagRange(
      Dataset<Row> mapped, SourceKind kind, LocalDate from, LocalDate to) {
    Column inRange =
        kind.dateColumn() == null
            ? lit(true)
            : col(kind.dateColumn())
                .between(lit(java.sql.Date.valueOf(from)), lit(java.sql.Date.valueOf(to)));
    return mapped.withColumn(
        IN_RANGE, col(REASON_CODE).isNull().and(coalesce(inRange, lit(false))));
  }

  /**
   * {@link #flagRange} for one source: every valid row of a snapshot source is in range (a snapshot
   * is read whole and merged by key; nothing is out of range).
   */
  public static Dataset<Row> flagRange(
      Dataset<Row> mapped, SourceConfig source, LocalDate from, LocalDate to) {
    if (source.snapshot()) {
      return mapped.withColumn(IN_RANGE, col(REASON_CODE).isNull());
    }
    return flagRange(mapped, source.kind(), from, to);
  }

  /**
   * The observation time of a snapshot source's link rows: the {@code observed_ts} the table
   * already holds for the same link_id (the identifier pair, from this source), else 00:00 UTC of
   * {@code firstDate} (the run's first date). So the first run that reads a pair dates it, and
   * every later run, a re-run of the same dates included, writes the same row again. {@code
   * existing}: the table's {@code link_id, observed_ts} rows of this source. Rows of other kinds,
   * or of timed sources, are returned unchanged.
   */
  public static Dataset<Row> stampSnapshot(
      Dataset<Row> mapped, SourceConfig source, Dataset<Row> existing, LocalDate firstDate) {
    if (!source.snapshot() || source.kind() != SourceKind.IDENTITY_LINKS) {
      return mapped;
    }
    Dataset<Row> seen =
        existing
            .groupBy(col("link_id").as("_seen_link"))
            .agg(functions.min(col("observed_ts")).as("_seen_ts"));
    Timestamp start = Timestamp.from(firstDate.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
    return mapped
        .join(seen, mapped.col("link_id").equalTo(seen.col("_seen_link")), "left")
        .withColumn("observed_ts", coalesce(col("_seen_ts"), lit(start)))
        .withColumn("observed_date", functions.to_date(col("observed_ts")))
        .drop("_seen_link", "_seen_ts");
  }

  /**
   * Marks in-range valid rows whose key the table already holds outside the run's range (ingested
   * by another run) as DUPLICATE_ID. {@code existing} has the key and date columns.
   */
  public static Dataset<Row> markAlreadyIngested(
      Dataset<Row> flagged, Dataset<Row> existing, SourceKind kind) {
    String key = kind.keyColumn();
    String date = kind.dateColumn();
    Dataset<Row> seen =
        existing.groupBy(col(key).as("_seen_key")).agg(functions.min(col(date)).as("_seen_date"));
    Dataset<Row> joined =
        flagged.join(
            seen,
            flagged.col(key).equalTo(seen.col("_seen_key")).and(flagged.col(IN_RANGE)),
            "left");
    Column dup = col("_seen_key").isNotNull();
    return joined
        .withColumn(
            REASON,
            when(
                    dup,
                    concat(
                        lit(key + " '"),
                        col(key),
                        lit("' was already ingested for "),
                        col("_seen_date").cast("string"),
                        lit(
                            " by an earlier run; expected unique ids; no action needed if the source"
                                + " re-sent the record, otherwise fix the source's ids")))
                .otherwise(col(REASON)))
        .withColumn(
            REASON_CODE, when(dup, lit(ReasonCode.DUPLICATE_ID.name())).otherwise(col(REASON_CODE)))
        .withColumn(IN_RANGE, col(IN_RANGE).and(functions.not(dup)))
        .drop("_seen_key", "_seen_date");
  }

  /** The quarantine rows of a classified source, in the quarantine table's schema. */
  public static Dataset<Row> quarantineRows(
      Dataset<Row> classified, String sourceName, String runId, Instant ingestedAt) {
    Dataset<Row> bad = classified.filter(col(REASON_CODE).isNotNull());
    Column occurrence =
        functions
            .row_number()
            .over(
                Window.partitionBy(col(SourceReader.RAW))
                    .orderBy(col(SourceReader.FILE), col(REASON_CODE)));
    return bad.withColumn("_occurrence", occurrence)
        .select(
            functions
                .sha2(
                    concat(
                        lit(sourceName + "|"),
                        col(SourceReader.RAW),
                        lit("|"),
                        col("_occurrence").cast("string")),
                    256)
                .as("quarantine_id"),
            lit(sourceName).as("source"),
            col(SourceReader.FILE).as("source_file"),
            lit(runId).as("run_id"),
            col(REASON_CODE).as("reason_code"),
            col(REASON).as("reason"),
            coalesce(col(SourceReader.RAW), lit("")).as("raw"),
            lit(Timestamp.from(ingestedAt)).as("ingested_ts"));
  }

  /** The valid rows of the run's range, in the canonical table's schema. */
  public static Dataset<Row> validRows(Dataset<Row> classified, TableSpec table) {
    return classified
        .filter(col(IN_RANGE))
        .select(table.columnNames().stream().map(functions::col).toArray(Column[]::new));
  }
}
