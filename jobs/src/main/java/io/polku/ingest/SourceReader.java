package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.polku.config.SourceConfig;
import io.polku.pipeline.SourceNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 * corrupt-record column, so that a malformed line, a wrong field count and a value of the
 * wrong type are each told apart and quarantined with the column and the value, instead of
 * silently becoming null. The declared types are then applied with {@code try_cast}.
 *
 * <p>Output columns: the declared source columns (typed), {@value #RAW} (the record as JSON,
 * or the raw line when it could not be parsed), {@value #CORRUPT} (the unparseable line or
 * null), {@value #BAD_TYPE} (a sentence naming the first column whose value has the wrong type,
 * or null) and {@value #FILE}.
 */
public final class SourceReader {
  public static final String CORRUPT = "_corrupt_record";
  public static final String RAW = "_raw";
  public static final String BAD_TYPE = "_bad_type";
  public static final String FILE = "_source_file";

  private SourceReader() {}

  /** Whether the format is parsed from text (and so can hold malformed records). */
  public static boolean isText(String format) {
    return format.equals("csv") || format.equals("json");
  }

  /**
   * Reads the source. Throws {@link SourceNotFoundException} when a path does not exist;
   * returns an empty dataset when a glob matches no files in an existing folder.
   */
  public static Dataset<Row> read(SparkSession spark, SourceConfig source) {
    List<String> present = existingPaths(spark, source);
    StructType declared = source.schema();
    boolean text = isText(source.format());
    StructType readSchema = text ? stringify(declared).add(CORRUPT, DataTypes.StringType)
        : declared;
    Dataset<Row> raw;
    if (present.isEmpty()) {
      raw = spark.createDataFrame(new ArrayList<Row>(), readSchema);
      raw = raw.withColumn(FILE, lit(null).cast("string"));
    } else if (text) {
      DataFrameReader reader = spark.read().format(source.format()).schema(readSchema)
          .option("mode", "PERMISSIVE")
          .option("columnNameOfCorruptRecord", CORRUPT)
          .options(source.options());
      raw = reader.load(present.toArray(new String[0]))
          .withColumn(FILE, functions.input_file_name());
    } else {
      Dataset<Row> loaded = spark.read().format(source.format()).options(source.options())
          .load(present.toArray(new String[0]));
      List<String> missing = new ArrayList<>();
      List<Column> cols = new ArrayList<>();
      for (StructField f : declared.fields()) {
        if (!Arrays.asList(loaded.columns()).contains(f.name())) {
          missing.add(f.name());
        } else {
          cols.add(col(f.name()));
        }
      }
      if (!missing.isEmpty()) {
        throw new SourceNotFoundException("Source " + source.name() + " has no column(s) "
            + missing + " declared in " + source.key("schema") + "; found "
            + Arrays.toString(loaded.columns()) + "; fix the declared schema or the source");
      }
      cols.add(functions.input_file_name().as(FILE));
      raw = loaded.select(cols.toArray(new Column[0]));
    }
    return typed(raw, declared, text);
  }

  /**
   * Applies the declared types to a dataset read with {@link #stringify}'d columns and adds
   * {@value #RAW} and {@value #BAD_TYPE}. Pure: no reads, writes or actions.
   */
  static Dataset<Row> typed(Dataset<Row> raw, StructType declared, boolean text) {
    List<Column> sourceCols = new ArrayList<>();
    for (StructField f : declared.fields()) {
      sourceCols.add(col(f.name()));
    }
    Column asJson = functions.to_json(functions.struct(sourceCols.toArray(new Column[0])),
        java.util.Map.of("ignoreNullFields", "false"));
    Column corrupt = text ? col(CORRUPT) : lit(null).cast("string");
    Column rawRecord = functions.when(corrupt.isNotNull(), corrupt).otherwise(asJson);

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
    out.add(col(FILE));
    return raw.select(out.toArray(new Column[0]));
  }

  /**
   * Rebuilds a column with its declared type from its all-string form, and records for every
   * atomic leaf a check "value present but does not cast" with a message naming column, value
   * and expected type.
   */
  private static Column castLeaves(Column c, DataType declared, String path,
      List<Column[]> checks) {
    if (declared instanceof StructType st) {
      List<Column> fields = new ArrayList<>();
      for (StructField f : st.fields()) {
        fields.add(castLeaves(c.getField(f.name()), f.dataType(), path + "." + f.name(), checks)
            .as(f.name()));
      }
      return functions.when(c.isNull(), lit(null).cast(declared))
          .otherwise(functions.struct(fields.toArray(new Column[0])));
    }
    if (declared instanceof AtomicType && !declared.equals(DataTypes.StringType)) {
      Column trimmed = functions.trim(c);
      Column cast = functions.expr("try_cast(trim(" + quotedPath(path) + ") AS "
          + declared.sql() + ")");
      Column bad = c.isNotNull().and(trimmed.notEqual(lit(""))).and(cast.isNull());
      Column message = functions.concat(lit("column '" + path + "' has value '"), c,
          lit("', expected " + declared.sql() + "; fix the source row, or declare the column"
              + " STRING in the source schema and convert it in the column mapping"));
      checks.add(new Column[] {bad, message});
      return functions.when(trimmed.equalTo(lit("")), lit(null).cast(declared)).otherwise(cast);
    }
    return c;
  }

  private static String quotedPath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String part : path.split("\\.")) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append('`').append(part.replace("`", "``")).append('`');
    }
    return sb.toString();
  }

  /** The schema with every atomic leaf (inside structs) as STRING; arrays and maps kept. */
  static StructType stringify(StructType declared) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : declared.fields()) {
      DataType t = f.dataType();
      DataType s = t instanceof StructType st ? stringify(st)
          : t instanceof AtomicType ? DataTypes.StringType : t;
      fields.add(new StructField(f.name(), s, true, f.metadata()));
    }
    return new StructType(fields.toArray(new StructField[0]));
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
          throw new SourceNotFoundException("Source " + source.name() + ": path " + p
              + " does not exist (configured in " + source.key("paths") + "); expected an"
              + " existing file, folder or glob; fix the path or create it"
              + (p.toLowerCase(Locale.ROOT).contains("data-samples")
                  ? " (bin/polku generate-samples writes the samples)" : ""));
        }
        if (matches.length > 0) {
          present.add(p);
        }
      } catch (IOException e) {
        throw new SourceNotFoundException("Source " + source.name() + ": cannot list " + p
            + " (configured in " + source.key("paths") + "): " + e.getMessage()
            + "; check the path and the file system's credentials");
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
