package io.polku.erasure;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.delta.tables.DeltaTable;
import io.polku.config.ConfigException;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.Maintenance;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Right to erasure: resolves customer ids to their person (identity_map.customer_key) and all
 * identifiers of that identity component, then deletes the person's rows from every table {@link
 * ErasureScope} says holds person rows, one Delta commit per table, and records what it did in
 * {@code erasure_log} (keyed hashes of the ids, never the ids).
 *
 * <p>Cost: per table one broadcast nested-loop join of the table against the person tokens (a few
 * rows per person) to count, and a delete-only MERGE with the same condition, which rewrites the
 * files holding matched rows. Collected to the driver: the persons' identity_map rows, their
 * response ids, and per-table counts: all grow with the ids given, not the lake.
 *
 * <p>Dangers: the callers must hold the lake's run lock (a nightly writing meanwhile would be lost
 * or resurrect rows). The deleted rows stay in the tables' older Delta versions until a VACUUM runs
 * with a retention shorter than their age ({@link Maintenance}); the transaction log's file
 * statistics (min/max per column) of the old files may hold an identifier until Delta's log
 * retention (delta.logRetentionDuration, 30 days) cleans the old log entries. The sources are not
 * touched; {@link ErasureLedger} keeps ingest from bringing the person back, but the raw files
 * still hold them.
 */
public final class Erasure {
  /** The salt's configuration key and environment variable. */
  public static final String SALT_KEY = "polku.erasure.salt";

  public static final String SALT_ENV = "POLKU_ERASURE_SALT";
  static final int MIN_SALT_LENGTH = 16;

  static final StructType TOKENS =
      new StructType()
          .add("person", DataTypes.IntegerType, false)
          .add("kind", DataTypes.StringType, false)
          .add("value", DataTypes.StringType, false);

  /**
   * A person to erase, from one requested customer id.
   *
   * @param customerId the id as requested (never written anywhere)
   * @param customerKey identity_map's key, empty when the id is not in identity_map
   * @param identifiers identifier type to the identity component's identifiers (always holds the
   *     requested id as a customer_id)
   * @param responseIds the person's feedback responses, found before deleting
   */
  public record Person(
      String customerId,
      Optional<String> customerKey,
      Map<String, List<String>> identifiers,
      List<String> responseIds) {
    public int identifierCount() {
      return identifiers.values().stream().mapToInt(List::size).sum();
    }

    public List<String> allIdentifiers() {
      return identifiers.values().stream().flatMap(List::stream).distinct().toList();
    }

    Person withResponses(List<String> ids) {
      return new Person(customerId, customerKey, identifiers, List.copyOf(ids));
    }
  }

  /** What one table's delete did; {@code perPerson} is by index into the persons. */
  public record TableResult(
      String table, long rowsDeleted, Long deltaVersion, Map<Integer, Long> perPerson) {}

  /** The erasure's outcome. */
  public record Result(
      String erasureId, Instant erasedAt, List<Person> persons, List<TableResult> tables) {
    /** Rows deleted for person {@code i}, over every table. */
    public long rowsOf(int i) {
      return tables.stream().mapToLong(t -> t.perPerson().getOrDefault(i, 0L)).sum();
    }

    /** Requested ids with no identity_map entry and no row anywhere. */
    public List<String> unknown() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < persons.size(); i++) {
        if (persons.get(i).customerKey().isEmpty() && rowsOf(i) == 0) {
          out.add(persons.get(i).customerId());
        }
      }
      return out;
    }
  }

  private final Lake lake;
  private final SparkSession spark;

  public Erasure(Lake lake) {
    this.lake = lake;
    this.spark = lake.spark();
  }

  /**
   * The salt from {@code polku.erasure.salt}, failing with the fix when it is unset or short:
   * without it erasure_log could only hold the clear id or an unsalted hash, which anyone can
   * reverse for a customer number by trying them all.
   */
  public static String salt(com.typesafe.config.Config config) {
    String salt = config.hasPath(SALT_KEY) ? config.getString(SALT_KEY) : null;
    if (salt == null || salt.isBlank()) {
      throw new ConfigException(
          SALT_KEY
              + " is not set; expected a secret of at least "
              + MIN_SALT_LENGTH
              + " characters that keys the hashes of erased customer ids in"
              + " erasure_log (the ids themselves are never stored); set the environment variable "
              + SALT_ENV
              + " (e.g. to the output of `openssl rand -hex 32`, kept like a password"
              + " and the same for every run) or "
              + SALT_KEY
              + " in the --conf file");
    }
    if (salt.length() < MIN_SALT_LENGTH) {
      throw new ConfigException(
          SALT_KEY
              + " has "
              + salt.length()
              + " characters; expected at"
              + " least "
              + MIN_SALT_LENGTH
              + "; set "
              + SALT_ENV
              + " to a longer secret, e.g. the"
              + " output of `openssl rand -hex 32`");
    }
    return salt;
  }

  /** HMAC-SHA256 of {@code customerId} keyed with {@code salt}, lower-case hex. */
  public static String hash(String salt, String customerId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(customerId.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /**
   * Resolves each distinct customer id to its person through identity_map (all identifiers with the
   * same customer_key), then finds the persons' response ids (feedback by identifiers,
   * feedback_context and followups by customer_key). Reads only.
   */
  public List<Person> resolve(List<String> customerIds) {
    List<String> ids = customerIds.stream().distinct().toList();
    Map<String, String> keyOf = new LinkedHashMap<>();
    Map<String, Map<String, Set<String>>> component = new LinkedHashMap<>();
    if (lake.exists(Tables.IDENTITY_MAP) && !ids.isEmpty()) {
      Dataset<Row> map = lake.read(Tables.IDENTITY_MAP);
      for (Row r :
          map.filter(col("id_type").equalTo("customer_id").and(col("id").isin(ids.toArray())))
              .select("id", "customer_key")
              .collectAsList()) {
        keyOf.put(r.getString(0), r.getString(1));
      }
      if (!keyOf.isEmpty()) {
        for (Row r :
            map.filter(col("customer_key").isin(keyOf.values().stream().distinct().toArray()))
                .select("customer_key", "id_type", "id")
                .collectAsList()) {
          component
              .computeIfAbsent(r.getString(0), k -> new TreeMap<>())
              .computeIfAbsent(r.getString(1), k -> new LinkedHashSet<>())
              .add(r.getString(2));
        }
      }
    }
    List<Person> persons = new ArrayList<>();
    for (String id : ids) {
      String key = keyOf.get(id);
      Map<String, Set<String>> found = new TreeMap<>();
      if (key != null) {
        component
            .getOrDefault(key, Map.of())
            .forEach((t, v) -> found.put(t, new LinkedHashSet<>(v)));
      }
      found.computeIfAbsent("customer_id", k -> new LinkedHashSet<>()).add(id);
      Map<String, List<String>> identifiers = new TreeMap<>();
      found.forEach((t, v) -> identifiers.put(t, v.stream().sorted().toList()));
      persons.add(new Person(id, Optional.ofNullable(key), identifiers, List.of()));
    }
    if (persons.isEmpty()) {
      return persons;
    }
    Dataset<Row> tokens = tokens(persons, false);
    Map<Integer, Set<String>> responses = new TreeMap<>();
    for (TableSpec t : List.of(Tables.FEEDBACK, Tables.FEEDBACK_CONTEXT, Tables.FOLLOWUPS)) {
      if (!lake.exists(t)) {
        continue;
      }
      String cond = ErasureScope.of(t).condition().orElseThrow();
      for (Row r :
          lake.read(t)
              .as("t")
              .join(broadcast(tokens).as("s"), expr(cond))
              .select(col("s.person"), col("t.response_id"))
              .distinct()
              .collectAsList()) {
        responses.computeIfAbsent(r.getInt(0), k -> new java.util.TreeSet<>()).add(r.getString(1));
      }
    }
    List<Person> out = new ArrayList<>();
    for (int i = 0; i < persons.size(); i++) {
      out.add(persons.get(i).withResponses(List.copyOf(responses.getOrDefault(i, Set.of()))));
    }
    return out;
  }

  /**
   * The persons' tokens: (person index, kind, value) for their customer key, identifiers by type,
   * response ids and (with {@code raw}) one regular expression over all their identifiers for raw
   * records.
   */
  Dataset<Row> tokens(List<Person> persons, boolean raw) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < persons.size(); i++) {
      Person p = persons.get(i);
      final int person = i;
      p.customerKey().ifPresent(k -> rows.add(RowFactory.create(person, ErasureScope.KEY, k)));
      p.identifiers()
          .forEach(
              (type, values) -> values.forEach(v -> rows.add(RowFactory.create(person, type, v))));
      p.responseIds().forEach(r -> rows.add(RowFactory.create(person, ErasureScope.RESPONSE, r)));
      if (raw) {
        rows.add(
            RowFactory.create(
                person, ErasureScope.RAW_PATTERN, ErasureScope.tokenPattern(p.allIdentifiers())));
      }
    }
    return spark.createDataFrame(rows, TOKENS);
  }

  /**
   * Deletes the persons' rows from every existing table that holds person rows, one delete-only
   * MERGE commit per table with matches (none for a table without), calling {@code beforeEachTable}
   * first (the lock check) and reporting each table to {@code progress}.
   */
  public Result erase(
      String erasureId,
      Instant at,
      List<Person> persons,
      Runnable beforeEachTable,
      Consumer<String> progress) {
    Dataset<Row> tokens = tokens(persons, true).cache();
    List<TableResult> results = new ArrayList<>();
    for (ErasureScope.Rule rule : ErasureScope.all()) {
      TableSpec t = rule.table();
      if (!rule.holdsPersonRows() || !lake.exists(t)) {
        continue;
      }
      beforeEachTable.run();
      long t0 = System.nanoTime();
      spark.sparkContext().setJobGroup("forget", "forget: " + t.name(), false);
      String cond = rule.condition().orElseThrow();
      Map<Integer, Long> perPerson = new TreeMap<>();
      long matched = 0;
      // One pass: rows per person, and (the rollup's null person) distinct rows in all.
      for (Row r :
          lake.read(t)
              .withColumn("_erasure_row", monotonically_increasing_id())
              .as("t")
              .join(broadcast(tokens).as("s"), expr(cond))
              .rollup(col("s.person"))
              .agg(countDistinct(col("t._erasure_row")))
              .collectAsList()) {
        if (r.isNullAt(0)) {
          matched = r.getLong(1);
        } else {
          perPerson.put(r.getInt(0), r.getLong(1));
        }
      }
      Long version = null;
      long deleted = 0;
      if (matched > 0) {
        DeltaTable.forPath(spark, lake.location(t))
            .as("t")
            .merge(broadcast(tokens).as("s"), cond)
            .whenMatched()
            .delete()
            .execute();
        Row h =
            DeltaTable.forPath(spark, lake.location(t))
                .history(1)
                .select("version", "operation", "operationMetrics")
                .first();
        version = h.getLong(0);
        Map<String, String> metrics = h.getJavaMap(2);
        deleted = Long.parseLong(metrics.getOrDefault("numTargetRowsDeleted", "-1"));
        if (deleted != matched) {
          throw new IllegalStateException(
              "forget deleted "
                  + deleted
                  + " rows of "
                  + t.name()
                  + " (Delta version "
                  + version
                  + ") but counted "
                  + matched
                  + " matching rows"
                  + " just before; expected the same under the run lock; check what else writes"
                  + " to "
                  + lake.location(t)
                  + " and re-run forget with the same ids");
        }
      }
      results.add(new TableResult(t.name(), deleted, version, perPerson));
      progress.accept(
          String.format(
              java.util.Locale.ROOT,
              "%s: %d rows deleted (%.1f s)",
              t.name(),
              deleted,
              (System.nanoTime() - t0) / 1e9));
    }
    spark.sparkContext().clearJobGroup();
    tokens.unpersist();
    return new Result(erasureId, at, persons, results);
  }

  /**
   * Appends the erasure's rows to erasure_log (one commit), with vacuumed = false, and the persons'
   * identifiers, hashed, to the erasure ledger erased_identifiers (one commit).
   */
  public void log(Result r, String salt) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < r.persons().size(); i++) {
      Person p = r.persons().get(i);
      String hash = hash(salt, p.customerId());
      for (TableResult t : r.tables()) {
        rows.add(
            RowFactory.create(
                r.erasureId(),
                Timestamp.from(r.erasedAt()),
                hash,
                p.customerKey().isPresent(),
                p.identifierCount(),
                t.table(),
                t.perPerson().getOrDefault(i, 0L),
                t.deltaVersion(),
                false,
                null));
      }
    }
    lake.ensure(Tables.ERASURE_LOG);
    if (!rows.isEmpty()) {
      lake.insertNew(Tables.ERASURE_LOG, spark.createDataFrame(rows, Tables.ERASURE_LOG.schema()));
    }
    // The ledger ingest consults: an identifier erased before keeps its first erasure.
    lake.ensure(Tables.ERASED_IDENTIFIERS);
    if (!r.persons().isEmpty()) {
      lake.insertNew(Tables.ERASED_IDENTIFIERS, ErasureLedger.rows(lake, r, salt));
    }
  }

  /**
   * VACUUMs every table of the erasure that holds person rows, whether this run deleted rows from
   * it or not (an earlier forget of the same person, or of others, without --vacuum left their rows
   * in older versions), with {@code retentionHours} (below Delta's 168 h only with {@code force}),
   * and marks them vacuumed in erasure_log. Returns the tables.
   *
   * @throws IllegalStateException when a retention of 0 left a data file that the table's current
   *     version does not reference (an older version could still return the rows)
   */
  public List<String> vacuum(
      Result r,
      int retentionHours,
      boolean force,
      Runnable beforeEachTable,
      Consumer<String> progress) {
    Maintenance.checkRetention(retentionHours, force);
    Maintenance m = new Maintenance(lake);
    List<String> done = new ArrayList<>();
    // VACUUM lists files with this many tasks (Spark's default 10,000: minutes per table on
    // 2 cores even for a tiny table); a few per core is plenty for listing.
    String key = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    String previous = spark.conf().get(key, null);
    spark
        .conf()
        .set(key, String.valueOf(Math.max(8, spark.sparkContext().defaultParallelism() * 4)));
    try {
      for (TableResult t : r.tables()) {
        beforeEachTable.run();
        TableSpec spec = Tables.byName(t.table()).orElseThrow();
        Maintenance.Report report = m.maintain(spec, List.of(), false, retentionHours, force);
        progress.accept(
            t.table()
                + ": VACUUM RETAIN "
                + retentionHours
                + " HOURS removed "
                + report.vacuumedFiles()
                + " files");
        long left = m.physicalFiles(spec) - report.after().files();
        if (retentionHours == 0 && left > 0) {
          throw new IllegalStateException(
              "VACUUM RETAIN 0 HOURS left "
                  + left
                  + " data files"
                  + " of "
                  + t.table()
                  + " that its current version does not reference; expected"
                  + " none, or older versions may still return erased rows; check that nothing"
                  + " else writes to "
                  + lake.location(spec)
                  + " and run forget --vacuum"
                  + " --retention-hours 0 --force again");
        }
        done.add(t.table());
      }
    } finally {
      if (previous == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, previous);
      }
    }
    if (!done.isEmpty()) {
      DeltaTable.forPath(spark, lake.location(Tables.ERASURE_LOG))
          .update(
              col("erasure_id").equalTo(r.erasureId()).and(col("table_name").isin(done.toArray())),
              Map.of("vacuumed", lit(true), "vacuum_retention_hours", lit(retentionHours)));
    }
    return done;
  }
}
