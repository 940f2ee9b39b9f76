package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.config.SourceKind;
import io.polku.contract.TableSpec;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A dry run of one source's mapping ({@code bin/polku preview}): reads a sample of its raw files
 * (the last {@code files} glob matches by name), maps and classifies them exactly as ingest does
 * (the same reader, mapping and quarantine checks; no run dates, so nothing is out of range, and no
 * comparison with rows already in the lake), and reports the canonical rows, the quarantine counts
 * by reason with one example each, the contract columns the mapping leaves null, and what later
 * stages need that it leaves out. Writes nothing and does not open the lake.
 *
 * <p>Cost: one listing of the source's globs, one scan of the sampled files with the classification
 * evaluated once (persisted), one aggregation per report part. Collected to the driver: {@code
 * rows} canonical rows, one row per reason code, one row of non-null counts.
 */
public final class SourcePreview {
  /** Canonical columns never shown: Polku's lineage columns, the same on every row. */
  private static final Set<String> HIDDEN = Set.of("source", "ingest_run_id");

  private SourcePreview() {}

  /** One quarantine reason: how many sampled rows, one example's sentence and record. */
  public record Reason(String code, long rows, String example, String raw) {}

  /**
   * What the preview found.
   *
   * @param header the canonical columns shown (the mapped ones and those Polku derives)
   * @param rows the first valid rows' cells (null shown as "null")
   * @param unmapped contract columns the mapping does not set: null in every row
   * @param emptyMapped mapped columns that are null in every sampled valid row
   * @param needs what later stages need that the mapping or the configuration leaves out
   */
  public record Result(
      SourceConfig source,
      List<String> files,
      int listed,
      long read,
      long valid,
      long quarantined,
      List<Reason> reasons,
      List<String> header,
      List<List<String>> rows,
      List<String> unmapped,
      List<String> emptyMapped,
      List<String> needs) {}

  /** The configured source {@code name}, or a configuration error listing the sources. */
  public static SourceConfig source(PolkuConfig config, String name) {
    SourceConfig s = config.sources().get(name);
    if (s == null) {
      throw new ConfigException(
          "--source "
              + name
              + " is not a configured (enabled) source;"
              + " expected one of "
              + config.sources().keySet()
              + "; check the name, or"
              + " polku.sources in the --conf file (a source with enabled = false is not listed)");
    }
    return s;
  }

  /** Previews {@code name} on its last {@code files} files, showing {@code rows} rows. */
  public static Result run(
      SparkSession spark, PolkuConfig config, String name, int rows, int files) {
    SourceConfig configured = source(config, name);
    List<String> matches = matches(spark, configured);
    List<String> sample =
        matches.size() <= files ? matches : matches.subList(matches.size() - files, matches.size());
    SourceConfig source = configured.withPaths(sample.isEmpty() ? configured.paths() : sample);
    SourceMapping.Rules rules = SourceMapping.Rules.of(config, Instant.now());
    Dataset<Row> mapped =
        SourceMapping.toCanonical(SourceReader.read(spark, source), source, rules, "preview");
    mapped = SourceMapping.markOutsideFileDate(mapped, source);
    mapped = SourceMapping.markDuplicates(mapped, source.kind());
    TableSpec table = source.kind().table();
    if (source.snapshot() && source.kind() == SourceKind.IDENTITY_LINKS) {
      mapped =
          SourceMapping.stampSnapshot(
              mapped,
              source,
              spark.createDataFrame(
                  List.of(),
                  new org.apache.spark.sql.types.StructType()
                      .add("link_id", "string")
                      .add("observed_ts", "timestamp")),
              LocalDate.now(ZoneOffset.UTC));
    }
    Dataset<Row> classified =
        mapped.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      List<Reason> reasons = new ArrayList<>();
      long quarantined = 0;
      for (Row r :
          classified
              .filter(col(SourceMapping.REASON_CODE).isNotNull())
              .groupBy(col(SourceMapping.REASON_CODE))
              .agg(
                  count(lit(1)).as("n"),
                  functions
                      .min(functions.struct(col(SourceReader.RAW), col(SourceMapping.REASON)))
                      .as("ex"))
              .orderBy(col("n").desc(), col(SourceMapping.REASON_CODE))
              .collectAsList()) {
        Row ex = r.getStruct(2);
        reasons.add(new Reason(r.getString(0), r.getLong(1), ex.getString(1), ex.getString(0)));
        quarantined += r.getLong(1);
      }
      Dataset<Row> valid = classified.filter(col(SourceMapping.REASON_CODE).isNull());
      List<String> unmapped = new ArrayList<>();
      List<String> shown = new ArrayList<>();
      for (String c : table.columnNames()) {
        if (HIDDEN.contains(c)) {
          continue;
        }
        boolean derived =
            source.kind().derivedColumns().contains(c)
                || (source.snapshot() && c.equals(source.kind().timestampColumn()));
        if (source.columns().containsKey(c) || derived) {
          shown.add(c);
        } else {
          unmapped.add(c);
        }
      }
      List<Column> nonNull = new ArrayList<>();
      nonNull.add(count(lit(1)));
      for (String c : shown) {
        nonNull.add(count(col(c)));
      }
      Row counts =
          valid
              .agg(nonNull.get(0), nonNull.subList(1, nonNull.size()).toArray(new Column[0]))
              .first();
      long validRows = counts.getLong(0);
      List<String> emptyMapped = new ArrayList<>();
      for (int i = 0; i < shown.size(); i++) {
        if (validRows > 0
            && counts.getLong(i + 1) == 0
            && source.columns().containsKey(shown.get(i))) {
          emptyMapped.add(shown.get(i));
        }
      }
      List<List<String>> cells = new ArrayList<>();
      for (Row r :
          valid
              .select(shown.stream().map(functions::col).toArray(Column[]::new))
              .limit(rows)
              .collectAsList()) {
        List<String> line = new ArrayList<>();
        for (int i = 0; i < r.length(); i++) {
          line.add(cell(r.get(i)));
        }
        cells.add(line);
      }
      return new Result(
          source,
          sample,
          matches.size(),
          validRows + quarantined,
          validRows,
          quarantined,
          reasons,
          shown,
          cells,
          unmapped,
          emptyMapped,
          needs(config, source, unmapped, emptyMapped));
    } finally {
      classified.unpersist();
    }
  }

  private static String cell(Object v) {
    if (v == null) {
      return "null";
    }
    String s;
    if (v instanceof scala.collection.Map<?, ?> m) {
      s = new TreeMap<>(scala.collection.JavaConverters.mapAsJavaMap(m)).toString();
    } else if (v instanceof scala.collection.Seq<?> q) {
      s = scala.collection.JavaConverters.seqAsJavaList(q).toString();
    } else {
      s = v.toString();
    }
    s = s.replace('\n', ' ').replace('\r', ' ');
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  /** Every file the source's globs match, sorted by path (folders count as one match). */
  static List<String> matches(SparkSession spark, SourceConfig source) {
    if (source.format().equals("delta")) {
      return List.of();
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> out = new ArrayList<>();
    for (String p : SourceReader.existingPaths(spark, source)) {
      try {
        Path glob = new Path(p);
        FileSystem fs = glob.getFileSystem(hadoop);
        FileStatus[] found = fs.globStatus(glob);
        for (FileStatus m : found == null ? new FileStatus[0] : found) {
          String n = m.getPath().getName();
          if (!n.startsWith("_") && !n.startsWith(".")) {
            out.add(m.getPath().toString());
          }
        }
      } catch (IOException e) {
        throw SourceReader.cannotList(source, p, e);
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * What later stages need that the mapping leaves out (or maps to nothing in the sample), and what
   * the configuration as a whole lacks.
   */
  static List<String> needs(
      PolkuConfig config, SourceConfig source, List<String> unmapped, List<String> emptyMapped) {
    Map<String, String> needs = new LinkedHashMap<>();
    switch (source.kind()) {
      case EVENTS -> {
        needs.put(
            "outcome",
            "journeys and root causes find friction in failure and abandoned"
                + " outcomes: this source's events never count as a failure");
        needs.put(
            "touchpoint",
            "journey paths and root-cause conditions name touchpoints:"
                + " this source's events have none");
        needs.put(
            "session_id",
            "journeys split this source's events into sessions by"
                + " inactivity gaps (polku.journeys.gap)");
        needs.put(
            "customer_id",
            "identity: events without customer_id reach a customer only"
                + " through identity_links or other rows sharing an identifier");
        needs.put(
            "properties",
            "root-cause property conditions (polku.rootcause.properties)"
                + " see no properties of this source");
      }
      case FEEDBACK -> {
        needs.put("comment", "follow-ups and root-cause examples carry no open text");
        needs.put(
            "touchpoint",
            "follow-up routing by channel/touchpoint"
                + " (polku.followups.teams) falls back to the channel");
        needs.put(
            "customer_id",
            "feedback context: responses without customer_id are put in"
                + " context only through their other identifiers");
      }
      case CUSTOMERS -> {
        needs.put(
            "survey_consent",
            "survey invitations need survey_consent and will all be" + " suppressed as no_consent");
        needs.put(
            "value_tier",
            "follow-up priorities get no value points" + " (polku.followups.value-points)");
        needs.put("segment", "root-cause conditions by segment are not found");
        needs.put("region", "root-cause conditions by region are not found");
      }
      default -> {}
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : needs.entrySet()) {
      if (unmapped.contains(e.getKey())) {
        out.add(e.getKey() + " is not mapped: " + e.getValue());
      } else if (emptyMapped.contains(e.getKey())) {
        out.add(e.getKey() + " is mapped but empty in every sampled row: " + e.getValue());
      }
    }
    Set<SourceKind> kinds = EnumSet.noneOf(SourceKind.class);
    config.sources().values().forEach(s -> kinds.add(s.kind()));
    if (!kinds.contains(SourceKind.CUSTOMERS)) {
      out.add(
          "no customers source: survey invitations need consent and will all be"
              + " suppressed as no_consent; follow-up priorities get no value points");
    }
    if (!kinds.contains(SourceKind.FEEDBACK)) {
      out.add(
          "no feedback source: no responses, so no feedback context, root causes or"
              + " follow-ups");
    }
    if (!kinds.contains(SourceKind.IDENTITY_LINKS)) {
      out.add(
          "no identity_links source: identifiers are linked only where one event or"
              + " response carries two of them");
    }
    return out;
  }
}
