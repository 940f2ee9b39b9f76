package io.polku.config;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * One configured source: where it lives, how to read it, its declared schema, and one Spark SQL
 * expression per canonical column. Built and validated by {@link PolkuConfig#load}.
 *
 * @param name the source's key under {@code polku.sources}
 * @param kind the canonical table it is mapped onto
 * @param format a Spark data source: csv, json, parquet, orc or delta
 * @param paths resolved URIs; globs allowed
 * @param options reader options (header, sep, multiLine, ...)
 * @param encoding the character set of a text source (csv, json), canonical name such as UTF-8;
 *     rows whose bytes are not valid in it are quarantined as BAD_ENCODING
 * @param schema the declared source schema (never inferred)
 * @param columns canonical column name to Spark SQL expression over the source columns
 * @param channelMap raw channel value (lower case) to a canonical channel
 * @param maxQuarantineShare the data-quality threshold for this source
 * @param fileDatePattern when set, a run reads only the files (glob matches) whose path's first
 *     group of this pattern is a date within the run's dates widened by {@code fileDateMarginDays},
 *     plus the matches that carry no date; null reads every file
 * @param fileDateMarginDays days before and after the run's dates whose files are read too
 * @param snapshot the source is a snapshot (identity_links or customers, {@code snapshot = true}):
 *     it has no time column, every run reads it whole and merges its rows by key, and no row is out
 *     of range. A snapshot link's observed_ts is 00:00 UTC of the first date of the first run that
 *     read its identifier pair; later runs keep it (see docs/usage.md)
 */
public record SourceConfig(
    String name,
    SourceKind kind,
    String format,
    List<String> paths,
    Map<String, String> options,
    String encoding,
    StructType schema,
    String schemaDdl,
    Map<String, String> columns,
    Map<String, String> channelMap,
    double maxQuarantineShare,
    java.util.regex.Pattern fileDatePattern,
    int fileDateMarginDays,
    boolean snapshot) {

  public SourceConfig {
    paths = List.copyOf(paths);
    options = Map.copyOf(options);
    columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
    channelMap = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(channelMap));
  }

  /** This source reading only the given paths (files or globs) instead of its configured ones. */
  public SourceConfig withPaths(List<String> selected) {
    return new SourceConfig(
        name,
        kind,
        format,
        selected,
        options,
        encoding,
        schema,
        schemaDdl,
        columns,
        channelMap,
        maxQuarantineShare,
        fileDatePattern,
        fileDateMarginDays,
        snapshot);
  }

  /** Whether the source's text is declared UTF-8 (the default). */
  public boolean utf8() {
    return java.nio.charset.StandardCharsets.UTF_8.name().equals(encoding);
  }

  /** The configuration key of this source, for error messages. */
  public String key() {
    return "polku.sources." + name;
  }

  /** The configuration key of one of this source's settings. */
  public String key(String setting) {
    return key() + "." + setting;
  }
}
