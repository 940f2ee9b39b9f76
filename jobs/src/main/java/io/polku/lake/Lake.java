package io.polku.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.contract.ViewSpec;
import io.polku.contract.Views;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import scala.Option;

/**
 * The lake: every table's fixed location under the root URI, creating tables with their documented
 * schemas, registering them by location in this process's session catalog, and the atomic Delta
 * writes stages use (replace a date range, merge by key).
 *
 * <p>Lake locations are URI strings handled by Hadoop's FileSystem and Delta ({@code file:}, {@code
 * s3a:}, ...), never {@code java.io.File}.
 */
public final class Lake {
  private final SparkSession spark;
  private final String root;
  private final String database;

  public Lake(SparkSession spark, String root, String database) {
    this.spark = spark;
    // Hadoop's normal form (file:/x, s3a://b/x): Delta compares locations textually.
    this.root = new Path(root).toString();
    this.database = database;
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String database() {
    return database;
  }

  /** The table's fixed location: {@code <root>/<zone>/<name>}. */
  public String location(TableSpec table) {
    return root + "/" + table.zone() + "/" + table.name();
  }

  /** The table's name in the session catalog. */
  public String qualifiedName(TableSpec table) {
    return database + "." + table.name();
  }

  public boolean exists(TableSpec table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  /** Creates the table at its location if absent, with the documented schema and comments. */
  public void ensure(TableSpec table) {
    if (!exists(table)) {
      clearInterruptedCreation(table);
      DeltaTableBuilder builder =
          DeltaTable.createIfNotExists(spark)
              .location(location(table))
              .addColumns(table.schema())
              .comment(table.description())
              .property("polku.table", table.name());
      if (!table.partitionColumns().isEmpty()) {
        builder = builder.partitionedBy(table.partitionColumns().toArray(new String[0]));
      }
      try {
        builder.execute();
      } catch (Exception e) { // Delta's AnalysisException is checked in Java
        if (exists(table)) {
          throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        throw new IllegalStateException(
            "Cannot create table "
                + table.name()
                + " at "
                + location(table)
                + ": its _delta_log folder holds files but no commit, and they"
                + " are not only the remains of an interrupted creation, which Polku removes by"
                + " itself ("
                + e.getMessage()
                + "). If no run is writing this lake, move that"
                + " _delta_log folder aside and re-run.",
            e);
      }
    }
    register(table);
  }

  /**
   * Removes what a process killed while creating the table left behind: a {@code _delta_log} folder
   * without a single commit or checkpoint. Delta writes a commit to a temporary file and renames
   * it, and makes the log's {@code _commits} folder before the first commit, so a kill in between
   * leaves only temporary files (with their Hadoop {@code .crc} side files) and an empty {@code
   * _commits}. Delta would take such a folder for a table and creating or reading it would fail
   * ({@code DELTA_TABLE_NOT_FOUND}). An allow-list: the log is removed only when everything in it
   * is one of those remains; a location holding any other file, or a log with a commit, checkpoint
   * or checksum, is left as it is.
   */
  private void clearInterruptedCreation(TableSpec table) {
    Path location = new Path(location(table));
    Path log = new Path(location, "_delta_log");
    try {
      org.apache.hadoop.fs.FileSystem fs =
          location.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(log)) {
        return;
      }
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(location)) {
        if (!f.getPath().getName().equals("_delta_log")) {
          return;
        }
      }
      if (onlyRemainsOfACreation(fs, log)) {
        fs.delete(log, true);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "Could not inspect "
              + log
              + " before creating "
              + table.name()
              + ": "
              + e.getMessage()
              + "; check the lake's storage",
          e);
    }
  }

  /** Whether {@code dir} holds only temporary files and an empty-of-commits {@code _commits}. */
  private static boolean onlyRemainsOfACreation(org.apache.hadoop.fs.FileSystem fs, Path dir)
      throws java.io.IOException {
    for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      boolean ok =
          f.isDirectory()
              ? name.equals("_commits") && onlyRemainsOfACreation(fs, f.getPath())
              : name.startsWith(".") && (name.endsWith(".tmp") || name.endsWith(".tmp.crc"));
      if (!ok) {
        return false; // a commit, checkpoint, checksum or anything else: not ours to remove
      }
    }
    return true;
  }

  /**
   * Registers the table by location in this process's catalog (idempotent). A registration of the
   * same name at another location (another lake used earlier in this process) is replaced; the
   * table is external, so dropping the registration never deletes data.
   */
  public void register(TableSpec table) {
    if (!"default".equals(database)) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + database);
    }
    TableIdentifier id = new TableIdentifier(table.name(), Option.apply(database));
    SessionCatalog catalog = spark.sessionState().catalog();
    if (catalog.tableExists(id)) {
      String registered;
      try {
        registered = catalog.getTableRawMetadata(id).location().toString();
      } catch (Exception e) { // NoSuchDatabaseException/NoSuchTableException: checked in Java
        throw new IllegalStateException(
            "Cannot read the catalog entry of " + qualifiedName(table) + ": " + e.getMessage(), e);
      }
      if (new Path(registered)
          .toUri()
          .normalize()
          .equals(new Path(location(table)).toUri().normalize())) {
        return;
      }
      // Only the catalog entry goes; the data (possibly of another lake) is never touched.
      catalog.dropTable(id, true, false);
    }
    // With the table's comment, so catalogs (BI tools over JDBC) show what the table means.
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + qualifiedName(table)
            + " USING delta COMMENT '"
            + table.description().replace("\\", "\\\\").replace("'", "\\'")
            + "' LOCATION '"
            + location(table).replace("'", "\\'")
            + "'");
  }

  /** Registers every table that exists in the lake; returns the ones registered. */
  public List<TableSpec> registerExisting() {
    List<TableSpec> registered = new ArrayList<>();
    for (TableSpec t : Tables.ALL) {
      if (exists(t)) {
        register(t);
        registered.add(t);
      }
    }
    registerViews(registered);
    return registered;
  }

  /**
   * Registers only the lake tables and views among {@code names} (lower-case, unqualified, e.g.
   * from {@link QueryRelations}) that exist, and for a view the tables it reads first; other names
   * are ignored. Returns the names registered, tables before views. Costs one Delta log read per
   * named table instead of one per lake table ({@link #registerExisting}).
   */
  public List<String> registerNamed(java.util.Collection<String> names) {
    java.util.Set<TableSpec> tables = new java.util.LinkedHashSet<>();
    List<ViewSpec> views = new ArrayList<>();
    for (ViewSpec v : Views.ALL) {
      if (names.contains(v.name())) {
        views.add(v);
        tables.addAll(v.reads());
      }
    }
    for (TableSpec t : Tables.ALL) {
      if (names.contains(t.name())) {
        tables.add(t);
      }
    }
    List<TableSpec> present = new ArrayList<>();
    List<String> registered = new ArrayList<>();
    for (TableSpec t : tables) {
      if (exists(t)) {
        register(t);
        present.add(t);
        registered.add(t.name());
      }
    }
    for (ViewSpec v : views) {
      if (present.containsAll(v.reads())) {
        spark.sql(v.createSql(database));
        registered.add(v.name());
      }
    }
    return registered;
  }

  /**
   * (Re)creates every BI view ({@link Views}) whose tables are registered; returns their names. A
   * view is a stored query over the registered name, so it always reads the latest Delta version.
   */
  public List<String> registerViews(List<TableSpec> registered) {
    List<String> views = new ArrayList<>();
    for (ViewSpec v : Views.ALL) {
      if (registered.containsAll(v.reads())) {
        spark.sql(v.createSql(database));
        views.add(v.name());
      }
    }
    return views;
  }

  public Dataset<Row> read(TableSpec table) {
    return spark.read().format("delta").load(location(table));
  }

  /**
   * The rows of a table partitioned by one date column whose date lies in [from, to], both
   * inclusive: a filter on the partition column, so Delta reads only those dates' files.
   *
   * @throws IllegalArgumentException when the table is not partitioned by one date column
   */
  public Dataset<Row> readDates(TableSpec table, LocalDate from, LocalDate to) {
    List<String> partitions = table.partitionColumns();
    if (partitions.size() != 1
        || !(table.schema().apply(partitions.get(0)).dataType() instanceof DateType)) {
      throw new IllegalArgumentException(
          table.name()
              + " is partitioned by "
              + partitions
              + ", expected one date column; read it with read(table) and filter it");
    }
    return read(table)
        .filter(col(partitions.get(0)).between(lit(Date.valueOf(from)), lit(Date.valueOf(to))));
  }

  /**
   * Atomically replaces the rows matching {@code condition} with {@code rows} (one Delta commit).
   * Re-running with the same rows gives the same table contents.
   */
  public void replaceWhere(TableSpec table, Dataset<Row> rows, String condition) {
    conform(table, rows)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", condition)
        .save(location(table));
  }

  /**
   * Replaces all rows of a snapshot table in one Delta commit: readers see the old or the new
   * snapshot, never a mix.
   */
  public void overwrite(TableSpec table, Dataset<Row> rows) {
    conform(table, rows).write().format("delta").mode("overwrite").save(location(table));
  }

  /**
   * Appends {@code rows} in one Delta commit, without reading the table: for rows whose key is new
   * by construction (a run's own audit rows). A blind append costs a write and a commit; a merge
   * would also scan the table, whose size grows with the lake's history.
   */
  public void append(TableSpec table, Dataset<Row> rows) {
    conform(table, rows).write().format("delta").mode("append").save(location(table));
  }

  /** Upserts by the table's key: inserts new keys, updates changed rows, keeps unchanged ones. */
  public void upsert(TableSpec table, Dataset<Row> rows, List<String> compareColumns) {
    upsert(table, rows, compareColumns, null);
  }

  /**
   * {@link #upsert(TableSpec, Dataset, List)} where every key of {@code rows} lies in the table's
   * rows matching {@code targetFilter} (a predicate over the table's columns prefixed {@code t.},
   * e.g. {@code t.run_id IN ('r1')}): Delta then reads only the files whose statistics can hold
   * such rows. Null for none.
   */
  public void upsert(
      TableSpec table, Dataset<Row> rows, List<String> compareColumns, String targetFilter) {
    StringBuilder on = new StringBuilder(targetFilter == null ? "" : "(" + targetFilter + ")");
    for (String k : table.keyColumns()) {
      if (on.length() > 0) {
        on.append(" AND ");
      }
      on.append("t.").append(k).append(" = s.").append(k);
    }
    StringBuilder changed = new StringBuilder();
    for (String c : compareColumns) {
      if (changed.length() > 0) {
        changed.append(" OR ");
      }
      if (table.column(c).type() instanceof MapType) {
        // Maps have no equality in Spark SQL; compare their sorted entries.
        changed
            .append("NOT (to_json(array_sort(map_entries(t.")
            .append(c)
            .append("))) <=> to_json(array_sort(map_entries(s.")
            .append(c)
            .append("))))");
      } else {
        changed.append("NOT (t.").append(c).append(" <=> s.").append(c).append(")");
      }
    }
    DeltaTable.forPath(spark, location(table))
        .as("t")
        .merge(conform(table, rows).as("s"), on.toString())
        .whenMatched(changed.length() == 0 ? "false" : changed.toString())
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /**
   * Merges by the table's key in one Delta commit: inserts new keys (all columns), updates only
   * {@code updateColumns} of existing keys when one of them changed (the other columns, e.g. a
   * status set by someone else, are never touched), and deletes the table's rows matching {@code
   * deleteUnmatchedWhere} (a predicate over the table's columns, or null for none) whose key is not
   * in {@code rows}: the rows a re-run of that scope no longer produces.
   */
  public void mergeKeepingColumns(
      TableSpec table, Dataset<Row> rows, List<String> updateColumns, String deleteUnmatchedWhere) {
    java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
    StringBuilder changed = new StringBuilder();
    for (String c : updateColumns) {
      set.put(c, "s." + c);
      if (changed.length() > 0) {
        changed.append(" OR ");
      }
      changed.append("NOT (t.").append(c).append(" <=> s.").append(c).append(")");
    }
    io.delta.tables.DeltaMergeBuilder merge =
        DeltaTable.forPath(spark, location(table))
            .as("t")
            .merge(conform(table, rows).as("s"), keyCondition(table));
    if (!set.isEmpty()) {
      merge = merge.whenMatched(changed.toString()).updateExpr(set);
    }
    merge = merge.whenNotMatched().insertAll();
    if (deleteUnmatchedWhere != null) {
      merge = merge.whenNotMatchedBySource(deleteUnmatchedWhere).delete();
    }
    merge.execute();
  }

  /**
   * Sets {@code columns} of existing rows from {@code rows} (the key columns plus those, cast to
   * the contract's types), where a value differs; keys not in the table are ignored. One Delta
   * commit.
   */
  public void updateColumns(TableSpec table, Dataset<Row> rows, List<String> columns) {
    List<Column> cols = new ArrayList<>();
    for (String k : table.keyColumns()) {
      cols.add(col(k).cast(table.column(k).type()).as(k));
    }
    java.util.Map<String, String> set = new java.util.LinkedHashMap<>();
    StringBuilder changed = new StringBuilder();
    for (String c : columns) {
      cols.add(col(c).cast(table.column(c).type()).as(c));
      set.put(c, "s." + c);
      if (changed.length() > 0) {
        changed.append(" OR ");
      }
      changed.append("NOT (t.").append(c).append(" <=> s.").append(c).append(")");
    }
    DeltaTable.forPath(spark, location(table))
        .as("t")
        .merge(rows.select(cols.toArray(new Column[0])).as("s"), keyCondition(table))
        .whenMatched(changed.toString())
        .updateExpr(set)
        .execute();
  }

  private static String keyCondition(TableSpec table) {
    StringBuilder on = new StringBuilder();
    for (String k : table.keyColumns()) {
      if (on.length() > 0) {
        on.append(" AND ");
      }
      on.append("t.").append(k).append(" = s.").append(k);
    }
    return on.toString();
  }

  /** Inserts the rows whose key is not in the table yet (an append that is safe to repeat). */
  public void insertNew(TableSpec table, Dataset<Row> rows) {
    StringBuilder on = new StringBuilder();
    for (String k : table.keyColumns()) {
      if (on.length() > 0) {
        on.append(" AND ");
      }
      on.append("t.").append(k).append(" = s.").append(k);
    }
    DeltaTable.forPath(spark, location(table))
        .as("t")
        .merge(conform(table, rows).as("s"), on.toString())
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /** Selects the table's columns in order, cast to the contract types. */
  public static Dataset<Row> conform(TableSpec table, Dataset<Row> rows) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      cols.add(col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  /**
   * An order-independent fingerprint of a dataset's contents: row count and the sum of a 64-bit
   * hash per row (maps are hashed as their sorted entries). Used to prove re-runs and other runs
   * leave identical tables.
   */
  public static Row contentHash(Dataset<Row> rows) {
    Column rowHash = rowHash(rows.schema(), java.util.Set.of()).cast("decimal(38,0)");
    return rows.agg(
            functions.count(functions.lit(1)).as("rows"),
            functions.coalesce(functions.sum(rowHash), functions.lit(0)).cast("string").as("hash"))
        .first();
  }

  /** A 64-bit hash of a row's columns, except {@code exclude} (maps hashed sorted). */
  public static Column rowHash(
      org.apache.spark.sql.types.StructType schema, java.util.Set<String> exclude) {
    List<Column> parts = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!exclude.contains(f.name())) {
        parts.add(hashable(col(f.name()), f.dataType()));
      }
    }
    return functions.xxhash64(parts.toArray(new Column[0]));
  }

  /**
   * A column in a form Spark can hash: maps, wherever they are nested, become their entries sorted
   * by key (Spark refuses to hash maps, whose entry order is not part of their value).
   */
  private static Column hashable(Column c, DataType type) {
    if (type instanceof MapType m) {
      Column entries = functions.array_sort(functions.map_entries(c));
      if (!containsMap(m.valueType())) {
        return entries;
      }
      return functions.transform(
          entries,
          e ->
              functions.struct(
                  e.getField("key").as("key"),
                  hashable(e.getField("value"), m.valueType()).as("value")));
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType a && containsMap(a.elementType())) {
      return functions.transform(c, e -> hashable(e, a.elementType()));
    }
    if (type instanceof org.apache.spark.sql.types.StructType st && containsMap(st)) {
      List<Column> fields = new ArrayList<>();
      for (StructField f : st.fields()) {
        fields.add(hashable(c.getField(f.name()), f.dataType()).as(f.name()));
      }
      return functions
          .when(c.isNull(), functions.lit(null))
          .otherwise(functions.struct(fields.toArray(new Column[0])));
    }
    return c;
  }

  private static boolean containsMap(DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType a) {
      return containsMap(a.elementType());
    }
    if (type instanceof org.apache.spark.sql.types.StructType st) {
      for (StructField f : st.fields()) {
        if (containsMap(f.dataType())) {
          return true;
        }
      }
    }
    return false;
  }
}
