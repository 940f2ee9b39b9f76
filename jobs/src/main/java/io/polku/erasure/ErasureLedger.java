package io.polku.erasure;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import io.polku.config.ConfigException;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The erasure ledger ({@code erased_identifiers}): a keyed hash (HMAC-SHA256 with {@code
 * polku.erasure.salt}, as {@link Erasure#hash}) of every identifier of every person {@code
 * bin/polku forget} erased, never the identifier. Ingest consults it so an erased person does not
 * come back from a full snapshot (customers), from quarantined raw records of any date, or from
 * later files: {@link #mark} flags each incoming row whose identifier columns, or (for quarantined
 * rows) whose raw record, hold an erased identifier.
 *
 * <p>Cost of {@link #mark}: one extra evaluation of the input (for ingest: the source's scan and
 * classification, duplicate shuffle included), where each row's identifiers (and a quarantined
 * row's raw tokens) are hashed by a Java UDF (Spark has no built-in HMAC; an unkeyed {@code sha2}
 * would be reversible and a salt in a built-in expression would show in logged plans) and joined to
 * the broadcast ledger; the identifiers found (bounded by the erased identifiers present in the
 * input, not by the input) become one broadcast row that every input row is compared with. Nothing
 * is collected to the driver.
 *
 * <p>Dangers: a raw record is matched by its tokens (runs of letters, digits, {@code _} and {@code
 * -}) and its JSON string values; an identifier written differently in a source (other case,
 * spaces) is not matched. The raw source files still hold the person: deleting them there is the
 * operator's duty (docs/operations.md).
 */
public final class ErasureLedger {
  private ErasureLedger() {}

  /** The flag {@link #mark} adds: the row belongs to an erased person. */
  public static final String ERASED = "_erased";

  /** Identifier columns of the canonical rows ingest writes (events, feedback, links...). */
  static final List<String> ID_COLUMNS;

  static {
    List<String> c = new ArrayList<>(Tables.IDENTIFIER_COLUMNS);
    c.addAll(List.of("id_a", "id_b"));
    ID_COLUMNS = List.copyOf(c);
  }

  /** Ledger rows for the persons of an erasure: every identifier, hashed. */
  public static Dataset<Row> rows(Lake lake, Erasure.Result r, String salt) {
    Map<String, Row> byHash = new TreeMap<>();
    for (Erasure.Person p : r.persons()) {
      p.identifiers()
          .forEach(
              (type, ids) ->
                  ids.forEach(
                      id -> {
                        String hash = Erasure.hash(salt, id);
                        byHash.putIfAbsent(
                            hash,
                            RowFactory.create(
                                hash, type, r.erasureId(), Timestamp.from(r.erasedAt())));
                      }));
    }
    return lake.spark()
        .createDataFrame(new ArrayList<>(byHash.values()), Tables.ERASED_IDENTIFIERS.schema());
  }

  /**
   * The ledger's hashes for ingest, or empty when nobody was erased (no table or no row).
   *
   * @throws ConfigException when the ledger has entries but {@code salt} is null: ingest cannot
   *     recognise the erased persons without it and would bring them back
   */
  public static Optional<Dataset<Row>> forIngest(Lake lake, String salt) {
    if (!lake.exists(Tables.ERASED_IDENTIFIERS)) {
      return Optional.empty();
    }
    Dataset<Row> ledger = lake.read(Tables.ERASED_IDENTIFIERS).select("id_hash");
    if (ledger.isEmpty()) {
      return Optional.empty();
    }
    if (salt == null || salt.isBlank()) {
      throw new ConfigException(
          Erasure.SALT_KEY
              + " is not set but erased_identifiers holds"
              + " the keyed hashes of erased persons; expected the salt forget used, so that ingest"
              + " drops their rows instead of bringing them back; set "
              + Erasure.SALT_ENV
              + " (or "
              + Erasure.SALT_KEY
              + ") to it");
    }
    return Optional.of(ledger);
  }

  /** One initialised Mac per task thread and salt: Mac.getInstance per value costs more. */
  private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

  /** {@link Erasure#hash}, reusing the thread's Mac. */
  static String hashFast(String salt, String value) {
    Mac mac =
        MACS.get()
            .computeIfAbsent(
                salt,
                s -> {
                  try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                    return m;
                  } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
                  }
                });
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** HMAC-SHA256 of a string keyed with {@code salt} (null for null), as a Spark UDF. */
  static UserDefinedFunction hmac(String salt) {
    UDF1<String, String> f = v -> v == null ? null : hashFast(salt, v);
    return functions.udf(f, DataTypes.StringType).withName("erasure_hmac");
  }

  /**
   * {@code rows} with {@value #ERASED}: true when one of the identifier columns present (see {@link
   * #ID_COLUMNS}), or the raw record in {@code rawColumn} where {@code rawApplies} (e.g. the
   * quarantined rows), holds an identifier whose keyed hash is in {@code ledger} (column {@code
   * id_hash}). Lazy; no action.
   */
  public static Dataset<Row> mark(
      Dataset<Row> rows, Dataset<Row> ledger, String salt, String rawColumn, Column rawApplies) {
    List<String> present = List.of(rows.columns());
    List<Column> ids = new ArrayList<>();
    for (String c : ID_COLUMNS) {
      if (present.contains(c)) {
        ids.add(col(c).cast("string"));
      }
    }
    Column tokens =
        ids.isEmpty() ? expr("CAST(array() AS array<string>)") : array(ids.toArray(Column[]::new));
    if (rawColumn != null && present.contains(rawColumn)) {
      Column raw = col(rawColumn);
      Column rawTokens =
          concat(
              split(raw, "[^A-Za-z0-9_-]+"),
              expr("regexp_extract_all(" + rawColumn + ", '\"([^\"]+)\"', 1)"));
      tokens =
          concat(
              tokens,
              when(rawApplies.and(raw.isNotNull()), rawTokens)
                  .otherwise(expr("CAST(array() AS array<string>)")));
    }
    Column candidates = array_distinct(filter(tokens, t -> t.isNotNull().and(t.notEqual(""))));
    Dataset<Row> withTokens = rows.withColumn("_erasure_tokens", candidates);
    UserDefinedFunction hmac = hmac(salt);
    Dataset<Row> found =
        withTokens
            .select(explode(col("_erasure_tokens")).as("_erasure_token"))
            .join(
                broadcast(ledger.select(col("id_hash").as("_erasure_hash"))),
                hmac.apply(col("_erasure_token")).equalTo(col("_erasure_hash")))
            .agg(collect_set(col("_erasure_token")).as("_erased_tokens"));
    return withTokens
        .crossJoin(broadcast(found))
        .withColumn(
            ERASED,
            coalesce(arrays_overlap(col("_erasure_tokens"), col("_erased_tokens")), lit(false)))
        .drop("_erasure_tokens", "_erased_tokens");
  }
}
