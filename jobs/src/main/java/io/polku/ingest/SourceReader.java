package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.polku.config.SourceConfig;
import io.polku.pipeline.SourceNotFoundException;
import io.polku.pipeline.SourceSchemaException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one source with its declared schema, never inferring one.
 *
 * <p>Text formats (CSV, JSON) are read with every declared leaf column as STRING plus a
 * corrupt-record column, so that a malformed line, a wrong field count and a value of the wrong
 * type are each told apart and quarantined with the column and the value, instead of silently
 * becoming null. The declared types are then applied with {@code try_cast}.
 *
 * <p>Output columns: the declared source columns (typed), {@value #RAW} (the record as JSON, or the
 * raw line when it could not be parsed), {@value #CORRUPT} (the unparseable line or null), {@value
 * #BAD_TYPE} (a sentence naming the first column whose value has the wrong type, or null), {@value
 * #BAD_ENCODING} (a sentence naming the first text column whose bytes are not valid in the source's
 * encoding, or null) and {@value #FILE}.
 *
 * <p>Encoding: a UTF-8 CSV source is read as ISO-8859-1, which maps every byte to one character,
 * and each field is then decoded as UTF-8 by Spark's {@code decode}; a field whose bytes do not
 * survive the round trip is invalid UTF-8, and its row's {@value #RAW} holds the original bytes as
 * base64 instead of replacement characters. Exact, per row, no extra scan. A UTF-8 JSON line with
 * invalid bytes does not parse, and Spark keeps its bytes unchanged in the corrupt-record column:
 * the same check applies to them. Other encodings are checked for the replacement character U+FFFD
 * after decoding; the bytes of such a row are not recoverable.
 *
 * <p>Zero-byte files are not read (a CSV header cannot be checked in them): see {@link
 * #emptyFiles}.
 */
public final class SourceReader {
  public static final String CORRUPT = "_corrupt_record";
  public static final String RAW = "_raw";
  public static final String BAD_TYPE = "_bad_type";
  public static final String FILE = "_source_file";
  public static final String BAD_ENCODING = "_bad_encoding";

  /** For a row with bad encoding: its text fields' original bytes, base64, as JSON. */
  static final String RAW_BYTES = "_raw_bytes";

  private SourceReader() {}

  /** Whether the format is parsed from text (and so can hold malformed records). */
  public static boolean isText(String format) {
    return format.equals("csv") || format.equals("json");
  }

  /**
   * Reads the source. Throws {@link SourceNotFoundException} when a path does not exist; returns an
   * empty dataset when a glob matches no files in an existing folder.
   */
  public static Dataset<Row> read(SparkSession spark, SourceConfig source) {
    List<String> present = existingPaths(spark, source);
    StructType declared = source.schema();
    boolean text = isText(source.format());
    StructType readSchema =
        text ? stringify(declared).add(CORRUPT, DataTypes.StringType) : declared;
    Dataset<Row> raw;
    if (present.isEmpty()) {
      raw = spark.createDataFrame(new ArrayList<Row>(), readSchema);
      raw = raw.withColumn(FILE, lit(null).cast("string"));
    } else if (text) {
      // Zero-byte files are left out of the header comparison; Spark reads them as no rows.
      Map<List<String>, List<String>> headers = csvHeaders(spark, source, present);
      List<String> declaredNames = Arrays.asList(declared.fieldNames());
      if (headers.isEmpty()
          || (headers.size() == 1
              && sameNames(headers.keySet().iterator().next(), declaredNames))) {
        raw =
            textReader(spark, source, readSchema)
                .load(present.toArray(new String[0]))
                .withColumn(FILE, functions.input_file_name());
      } else {
        // The header differs from the declared schema (a column added, or reordered): read
        // each group of files by its own header and keep the declared columns.
        List<String> problems = csvProblems(source, headers);
        if (!problems.isEmpty()) {
          throw new SourceSchemaException(problems);
        }
        raw = null;
        for (Map.Entry<List<String>, List<String>> group : headers.entrySet()) {
          StructType byHeader = new StructType();
          for (String name : group.getKey()) {
            StructField d = field(readSchema, name);
            byHeader =
                d != null && !d.name().equals(CORRUPT)
                    ? byHeader.add(d.name(), d.dataType())
                    : byHeader.add(name, DataTypes.StringType);
          }
          byHeader = byHeader.add(CORRUPT, DataTypes.StringType);
          List<Column> keep = new ArrayList<>();
          for (String name : declaredNames) {
            keep.add(col(quoted(name)));
          }
          keep.add(col(CORRUPT));
          keep.add(functions.input_file_name().as(FILE));
          Dataset<Row> part =
              textReader(spark, source, byHeader)
                  .load(group.getValue().toArray(new String[0]))
                  .select(keep.toArray(new Column[0]));
          raw = raw == null ? part : raw.unionByName(part);
        }
      }
    } else {
      Dataset<Row> loaded =
          spark
              .read()
              .format(source.format())
              .options(source.options())
              .load(present.toArray(new String[0]));
      List<String> problems = new ArrayList<>();
      List<Column> cols = new ArrayList<>();
      for (StructField f : declared.fields()) {
        StructField found = field(loaded.schema(), f.name());
        String where = source.format() + " files " + present;
        if (found == null) {
          problems.add(lost(source, f, where, loaded.schema().fieldNames()));
          continue;
        }
        List<String> typeProblems = new ArrayList<>();
        Column c =
            conform(
                col(quoted(found.name())), f.dataType(), found.dataType(), f.name(), typeProblems);
        for (String column : typeProblems) {
          problems.add(typeChanged(source, column, where));
        }
        cols.add(c.as(f.name()));
      }
      if (!problems.isEmpty()) {
        throw new SourceSchemaException(problems);
      }
      cols.add(functions.input_file_name().as(FILE));
      raw = loaded.select(cols.toArray(new Column[0]));
    }
    if (text && !present.isEmpty()) {
      raw = checkEncoding(raw, source);
    }
    return typed(raw, declared, text);
  }

  /**
   * Adds {@value #BAD_ENCODING} and {@value #RAW_BYTES} to a text source's rows. UTF-8 CSV (read as
   * ISO-8859-1): each text field's bytes are recovered exactly and decoded as UTF-8 here. UTF-8
   * JSON: Spark keeps an unparseable line's bytes as they are (an invalid UTF-8 byte makes the line
   * unparseable), so the corrupt-record column's bytes are checked. Other encodings: a check for
   * U+FFFD after decoding, bytes not recoverable. Pure: no actions.
   *
   * <p>One check per row, over the row's text fields joined by NUL (a byte that is valid UTF-8 on
   * its own, so the joined bytes are valid exactly when every field is): a check per field made the
   * plans of wide sources grow past what a 1 GB driver could optimise. The column a message names
   * is the first whose decoded text holds U+FFFD.
   */
  static Dataset<Row> checkEncoding(Dataset<Row> raw, SourceConfig source) {
    boolean csvBytes = byteExact(source);
    boolean exact = source.utf8();
    List<String> paths = new ArrayList<>();
    if (csvBytes || !exact) {
      stringLeaves(stringify(source.schema()), "", paths);
    }
    paths.add(CORRUPT); // UTF-8 JSON: a field that parsed is valid; only a corrupt line is not
    String fix =
        "; fix: set "
            + source.key("encoding")
            + " to the file's real encoding (e.g."
            + " \"ISO-8859-1\" or \"windows-1252\"), or re-export the file as "
            + source.encoding();
    String sep = "\u0000";
    List<Column> values = new ArrayList<>();
    List<Column> names = new ArrayList<>();
    List<Column> bytes = new ArrayList<>();
    for (String p : paths) {
      Column value = functions.expr(SourceMapping.quotedPath(p));
      values.add(functions.coalesce(value, lit("")));
      names.add(lit(p.equals(CORRUPT) ? "the record" : "column '" + p + "'"));
      Column original = csvBytes ? functions.encode(value, "ISO-8859-1") : value.cast("binary");
      // Spark 3.5's base64 breaks lines every 76 characters (spark.sql.chunkBase64String.
      // enabled); one unbroken string is plain RFC 4648 base64.
      bytes.add(
          functions
              .translate(functions.base64(original), "\r\n", "")
              .as(p.equals(CORRUPT) ? "_record" : p));
    }
    Column joined = functions.concat_ws(sep, values.toArray(new Column[0]));
    Column decoded;
    Column bad;
    if (exact) {
      Column original = csvBytes ? functions.encode(joined, "ISO-8859-1") : joined.cast("binary");
      decoded = functions.decode(original, "UTF-8");
      bad = functions.coalesce(functions.encode(decoded, "UTF-8").notEqual(original), lit(false));
    } else {
      decoded = joined;
      bad = functions.instr(joined, "\uFFFD").gt(0);
    }
    Column firstBad =
        functions.array_position(
            functions.transform(
                functions.split(decoded, sep), x -> functions.instr(x, "\uFFFD").gt(0)),
            true);
    Column what =
        functions.coalesce(
            functions.try_element_at(
                functions.array(names.toArray(new Column[0])), firstBad.cast("int")),
            lit("a text column"));
    Column message =
        exact
            ? functions.concat(
                what,
                lit(
                    " is not valid UTF-8 (the source's encoding, set at "
                        + source.key("encoding")
                        + "); its bytes are kept as base64 in the quarantine's raw"
                        + " record"
                        + fix))
            : functions.concat(
                what,
                lit(
                    " holds characters that are not valid "
                        + source.encoding()
                        + " (decoded as the replacement character U+FFFD; the original"
                        + " bytes are not recoverable)"
                        + fix));
    // Computed on the undecoded columns, before the decoded ones replace them below.
    Dataset<Row> flagged =
        raw.withColumn(BAD_ENCODING, functions.when(bad, message))
            .withColumn(
                RAW_BYTES,
                exact
                    ? functions.when(
                        col(BAD_ENCODING).isNotNull(),
                        functions.to_json(functions.struct(bytes.toArray(new Column[0]))))
                    : lit(null).cast("string"));
    if (!csvBytes) {
      return flagged;
    }
    List<Column> decodedCols = new ArrayList<>();
    for (String name : flagged.columns()) {
      boolean text = paths.contains(name);
      decodedCols.add(
          text
              ? functions
                  .decode(functions.encode(col(quoted(name)), "ISO-8859-1"), "UTF-8")
                  .as(name)
              : col(quoted(name)));
    }
    return flagged.select(decodedCols.toArray(new Column[0]));
  }

  /** Whether the source is read byte-exactly (UTF-8 CSV read as ISO-8859-1, see above). */
  private static boolean byteExact(SourceConfig source) {
    return "csv".equals(source.format()) && source.utf8();
  }

  private static void stringLeaves(StructType schema, String prefix, List<String> out) {
    for (StructField f : schema.fields()) {
      if (f.dataType() instanceof StructType st) {
        stringLeaves(st, prefix + f.name() + ".", out);
      } else if (f.dataType().equals(DataTypes.StringType)) {
        out.add(prefix + f.name());
      }
    }
  }

  /**
   * The schema drift of a source against its declared schema, without reading its rows: declared
   * columns that are gone, and (typed formats) columns whose type changed to one that does not
   * safely up-cast to the declared type. A source that gained columns has no problem. Empty when
   * none; a CSV without a header and JSON carry no schema to compare with (a lost JSON field reads
   * as null and its rows are quarantined, see docs/operations.md#schema-drift).
   */
  public static List<String> driftProblems(SparkSession spark, SourceConfig source) {
    List<String> present = existingPaths(spark, source);
    if (present.isEmpty()) {
      return List.of();
    }
    try {
      read(spark, source);
      return List.of();
    } catch (SourceSchemaException e) {
      return e.problems();
    }
  }

  private static DataFrameReader textReader(
      SparkSession spark, SourceConfig source, StructType schema) {
    DataFrameReader reader =
        spark
            .read()
            .format(source.format())
            .schema(schema)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .options(source.options());
    if (byteExact(source)) {
      reader = reader.option("encoding", "ISO-8859-1");
    } else if (!source.utf8()) {
      reader = reader.option("encoding", source.encoding());
    }
    return reader;
  }

  /**
   * A column of the found type as the declared type: itself when equal, cast when Spark can up-cast
   * it safely (INT to BIGINT, FLOAT to DOUBLE, ...), structs field by field (extra fields dropped);
   * otherwise the column's path goes to {@code problems} as "path|declared|found".
   */
  static Column conform(
      Column c, DataType declared, DataType found, String path, List<String> problems) {
    if (declared.sameType(found)) {
      return c;
    }
    if (declared instanceof StructType d && found instanceof StructType f) {
      List<Column> fields = new ArrayList<>();
      for (StructField df : d.fields()) {
        StructField ff = field(f, df.name());
        String sub = path + "." + df.name();
        if (ff == null) {
          problems.add(sub + "|" + df.dataType().sql() + "|(missing)");
          continue;
        }
        fields.add(
            conform(c.getField(ff.name()), df.dataType(), ff.dataType(), sub, problems)
                .as(df.name()));
      }
      return functions
          .when(c.isNull(), lit(null).cast(declared))
          .otherwise(functions.struct(fields.toArray(new Column[0])));
    }
    if (org.apache.spark.sql.catalyst.expressions.Cast.canUpCast(found, declared)) {
      return c.cast(declared);
    }
    problems.add(path + "|" + declared.sql() + "|" + found.sql());
    return c;
  }

  private static String lost(
      SourceConfig source, StructField declared, String where, String[] found) {
    return "source "
        + source.name()
        + ": column '"
        + declared.name()
        + "' (declared "
        + declared.dataType().sql()
        + " in "
        + source.key("schema")
        + ") is missing from "
        + where
        + "; found columns "
        + Arrays.toString(found)
        + ". Fix: restore the column in"
        + " the source, or remove it from "
        + source.key("schema")
        + removeFrom(source, declared.name());
  }

  private static String typeChanged(SourceConfig source, String problem, String where) {
    String[] p = problem.split("\\|", 3);
    if ("(missing)".equals(p[2])) {
      return "source "
          + source.name()
          + ": field '"
          + p[0]
          + "' (declared "
          + p[1]
          + " in "
          + source.key("schema")
          + ") is missing from "
          + where
          + ". Fix: restore it in the"
          + " source, or remove it from the declared struct in "
          + source.key("schema")
          + removeFrom(source, p[0].substring(0, p[0].indexOf('.')));
    }
    return "source "
        + source.name()
        + ": column '"
        + p[0]
        + "' has type "
        + p[2]
        + " in "
        + where
        + ", expected "
        + p[1]
        + " as declared in "
        + source.key("schema")
        + " (Spark cannot up-cast "
        + p[2]
        + " to "
        + p[1]
        + " without loss). Fix: declare '"
        + p[0]
        + "' as "
        + p[2]
        + " in "
        + source.key("schema")
        + checkIn(source, p[0].contains(".") ? p[0].substring(0, p[0].indexOf('.')) : p[0])
        + ", or restore the source's type";
  }

  private static String removeFrom(SourceConfig source, String column) {
    List<String> keys = usedBy(source, column);
    return keys.isEmpty()
        ? " (no column mapping uses it)"
        : " and from the mappings that use it: " + String.join(", ", keys);
  }

  private static String checkIn(SourceConfig source, String column) {
    List<String> keys = usedBy(source, column);
    return keys.isEmpty()
        ? " (no column mapping uses it)"
        : " and adapt the mappings that use it: " + String.join(", ", keys);
  }

  /** Which canonical column mappings mention the source column, for the fix hint. */
  private static List<String> usedBy(SourceConfig source, String column) {
    Pattern word =
        Pattern.compile("(?<![A-Za-z0-9_])`?" + Pattern.quote(column) + "`?(?![A-Za-z0-9_])");
    List<String> keys = new ArrayList<>();
    for (Map.Entry<String, String> e : source.columns().entrySet()) {
      if (word.matcher(e.getValue()).find()) {
        keys.add(source.key("columns." + e.getKey()));
      }
    }
    return keys;
  }

  private static List<String> csvProblems(
      SourceConfig source, Map<List<String>, List<String>> headers) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<List<String>, List<String>> group : headers.entrySet()) {
      List<String> files = group.getValue();
      String where =
          "the header of "
              + files.get(0)
              + (files.size() > 1 ? " (and " + (files.size() - 1) + " more files)" : "");
      for (StructField f : source.schema().fields()) {
        if (group.getKey().stream().noneMatch(f.name()::equalsIgnoreCase)) {
          problems.add(lost(source, f, where, group.getKey().toArray(new String[0])));
        }
      }
    }
    return problems;
  }

  /**
   * For a CSV source read with {@code header = true}: the files grouped by their header's column
   * names (empty for other formats). One small read of the first line per file.
   */
  static Map<List<String>, List<String>> csvHeaders(
      SparkSession spark, SourceConfig source, List<String> present) {
    Map<List<String>, List<String>> groups = new LinkedHashMap<>();
    if (!"csv".equals(source.format())
        || !"true".equalsIgnoreCase(source.options().getOrDefault("header", "false"))) {
      return groups;
    }
    String sep =
        source.options().getOrDefault("sep", source.options().getOrDefault("delimiter", ","));
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String p : present) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        for (FileStatus match : fs.globStatus(path)) {
          List<FileStatus> files = new ArrayList<>();
          if (match.isDirectory()) {
            for (FileStatus f : fs.listStatus(match.getPath())) {
              String n = f.getPath().getName();
              if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
                files.add(f);
              }
            }
          } else {
            files.add(match);
          }
          for (FileStatus f : files) {
            if (f.getLen() == 0) {
              continue; // no header to compare; read as no rows, see emptyFiles
            }
            groups
                .computeIfAbsent(
                    header(
                        fs, f.getPath(), sep, java.nio.charset.Charset.forName(source.encoding())),
                    k -> new ArrayList<>())
                .add(f.getPath().toString());
          }
        }
      } catch (IOException e) {
        throw new SourceNotFoundException(
            "Source "
                + source.name()
                + ": cannot read the CSV"
                + " header of "
                + p
                + " (configured in "
                + source.key("paths")
                + "): "
                + e.getMessage()
                + "; check the file and the file system's credentials");
      }
    }
    return groups;
  }

  private static List<String> header(
      FileSystem fs, Path file, String sep, java.nio.charset.Charset charset) throws IOException {
    try (java.io.BufferedReader in =
        new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file), charset))) {
      String line = in.readLine();
      if (line == null) {
        return List.of();
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      List<String> names = new ArrayList<>();
      for (String n : line.split(Pattern.quote(sep), -1)) {
        String t = n.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
          t = t.substring(1, t.length() - 1);
        }
        names.add(t);
      }
      return names;
    }
  }

  /** The same column names in the same order, ignoring case (as Spark resolves names). */
  private static boolean sameNames(List<String> header, List<String> declared) {
    if (header.size() != declared.size()) {
      return false;
    }
    for (int i = 0; i < header.size(); i++) {
      if (!header.get(i).equalsIgnoreCase(declared.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f; // Spark resolves column names case-insensitively
      }
    }
    return null;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * Applies the declared types to a dataset read with {@link #stringify}'d columns and adds {@value
   * #RAW} and {@value #BAD_TYPE}. Pure: no reads, writes or actions.
   */
  static Dataset<Row> typed(Dataset<Row> raw, StructType declared, boolean text) {
    List<Column> sourceCols = new ArrayList<>();
    for (StructField f : declared.fields()) {
      sourceCols.add(col(f.name()));
    }
    Column asJson =
        functions.to_json(
            functions.struct(sourceCols.toArray(new Column[0])),
            java.util.Map.of("ignoreNullFields", "false"));
    Column corrupt = text ? col(CORRUPT) : lit(null).cast("string");
    List<String> present = Arrays.asList(raw.columns());
    Column badEncoding =
        present.contains(BAD_ENCODING) ? col(BAD_ENCODING) : lit(null).cast("string");
    Column rawBytes = present.contains(RAW_BYTES) ? col(RAW_BYTES) : lit(null).cast("string");
    Column rawRecord =
        functions
            .when(rawBytes.isNotNull(), rawBytes)
            .when(corrupt.isNotNull(), corrupt)
            .otherwise(asJson);

    List<Column> out = new ArrayList<>();
    List<Column[]> badTypeChecks = new ArrayList<>();
    for (StructField f : declared.fields()) {
      if (text) {
        out.add(castLeaves(col(f.name()), f.dataType(), f.name(), badTypeChecks).as(f.name()));
      } else {
        out.add(col(f.name()));
      }
    }
    Column badType = lit(null).cast("string");
    for (int i = badTypeChecks.size() - 1; i >= 0; i--) {
      Column[] check = badTypeChecks.get(i);
      badType = functions.when(check[0], check[1]).otherwise(badType);
    }
    out.add(rawRecord.as(RAW));
    out.add(corrupt.as(CORRUPT));
    out.add(functions.when(corrupt.isNull(), badType).as(BAD_TYPE));
    out.add(badEncoding.as(BAD_ENCODING));
    out.add(col(FILE));
    return raw.select(out.toArray(new Column[0]));
  }

  /**
   * Rebuilds a column with its declared type from its all-string form, and records for every atomic
   * leaf a check "value present but does not cast" with a message naming column, value and expected
   * type.
   */
  private static Column castLeaves(
      Column c, DataType declared, String path, List<Column[]> checks) {
    if (declared instanceof StructType st) {
      List<Column> fields = new ArrayList<>();
      for (StructField f : st.fields()) {
        fields.add(
            castLeaves(c.getField(f.name()), f.dataType(), path + "." + f.name(), checks)
                .as(f.name()));
      }
      return functions
          .when(c.isNull(), lit(null).cast(declared))
          .otherwise(functions.struct(fields.toArray(new Column[0])));
    }
    if (declared instanceof AtomicType && !declared.equals(DataTypes.StringType)) {
      Column trimmed = functions.trim(c);
      Column cast =
          functions.expr(
              "try_cast(trim(" + SourceMapping.quotedPath(path) + ") AS " + declared.sql() + ")");
      Column bad = c.isNotNull().and(trimmed.notEqual(lit(""))).and(cast.isNull());
      Column message =
          functions.concat(
              lit("column '" + path + "' has value '"),
              c,
              lit(
                  "', expected "
                      + declared.sql()
                      + "; fix the source row, or declare the column"
                      + " STRING in the source schema and convert it in the column mapping"));
      checks.add(new Column[] {bad, message});
      return functions.when(trimmed.equalTo(lit("")), lit(null).cast(declared)).otherwise(cast);
    }
    return c;
  }

  /** The schema with every atomic leaf (inside structs) as STRING; arrays and maps kept. */
  static StructType stringify(StructType declared) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : declared.fields()) {
      DataType t = f.dataType();
      DataType s =
          t instanceof StructType st
              ? stringify(st)
              : t instanceof AtomicType ? DataTypes.StringType : t;
      fields.add(new StructField(f.name(), s, true, f.metadata()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /**
   * Warnings, one per zero-byte file among the source's files (any format): such a file is read as
   * no rows. One listing of the source's paths on the driver, no data read.
   */
  public static List<String> emptyFiles(SparkSession spark, SourceConfig source) {
    List<String> warnings = new ArrayList<>();
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String p : existingPaths(spark, source)) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        for (FileStatus match : fs.globStatus(path)) {
          FileStatus[] files =
              match.isDirectory() ? fs.listStatus(match.getPath()) : new FileStatus[] {match};
          for (FileStatus f : files) {
            String n = f.getPath().getName();
            if (f.isFile() && f.getLen() == 0 && !n.startsWith("_") && !n.startsWith(".")) {
              warnings.add(
                  "source "
                      + source.name()
                      + ": file "
                      + f.getPath()
                      + " is empty (0"
                      + " bytes) and was read as no rows; expected a file with "
                      + (isText(source.format())
                              && "true"
                                  .equalsIgnoreCase(
                                      source.options().getOrDefault("header", "false"))
                          ? "at least a header line"
                          : "data")
                      + "; no action needed if the export had nothing, otherwise re-export it");
            }
          }
        }
      } catch (IOException e) {
        throw cannotList(source, p, e);
      }
    }
    return warnings;
  }

  /** A configured path that cannot be listed: the source, the path, the cause and the fix. */
  static SourceNotFoundException cannotList(SourceConfig source, String path, IOException e) {
    return new SourceNotFoundException(
        "Source "
            + source.name()
            + ": cannot list "
            + path
            + " (configured in "
            + source.key("paths")
            + "): "
            + e.getMessage()
            + "; check the path and the file system's credentials");
  }

  /** The configured paths that exist; a missing path is a configuration error (exit 2). */
  static List<String> existingPaths(SparkSession spark, SourceConfig source) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> present = new ArrayList<>();
    for (String p : source.paths()) {
      Path path = new Path(p);
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || (matches.length == 0 && !parentExists(fs, path))) {
          throw new SourceNotFoundException(
              "Source "
                  + source.name()
                  + ": path "
                  + p
                  + " does not exist (configured in "
                  + source.key("paths")
                  + "); expected an"
                  + " existing file, folder or glob; fix the path or create it"
                  + (p.toLowerCase(Locale.ROOT).contains("data-samples")
                      ? " (bin/polku generate-samples writes the samples)"
                      : ""));
        }
        if (matches.length > 0) {
          present.add(p);
        }
      } catch (IOException e) {
        throw cannotList(source, p, e);
      }
    }
    return present;
  }

  private static boolean parentExists(FileSystem fs, Path glob) throws IOException {
    Path p = glob;
    while (p != null && hasGlob(p.toString())) {
      p = p.getParent();
    }
    return p != null && fs.exists(p);
  }

  private static boolean hasGlob(String s) {
    return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
  }
}
