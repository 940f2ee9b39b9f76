package io.polku.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Resolves rows that carry identifiers (events, feedback) to the person's {@code customer_key} from
 * identity_map. For use by the stages after identity and in notebooks.
 *
 * <p>The key is that of the row's highest-priority identifier ({@link IdentityGraph#PRIORITY}:
 * customer_id, email_hash, phone_hash, device_id, anonymous_id) that is in the map. All of a row's
 * identifiers are normally in one component (the row's star links them), so priority only decides
 * when one of them is a shared identifier: it is in the map as a singleton, and with {@link
 * #resolve(Dataset, Dataset, Dataset)} it loses to any other identifier the row carries. Rows none
 * of whose identifiers is in the map get a null key; no row is ever dropped or duplicated (one row
 * out per row in).
 *
 * <p>Cost: one left join per identifier type (five) of the rows with a slice of the map. The map is
 * first reduced to one key per (id_type, id), so a map with duplicate keys cannot multiply rows.
 * The joins are broadcast when the map is below {@code spark.sql.autoBroadcastJoinThreshold},
 * otherwise each shuffles the rows. No UDF, nothing collected.
 */
public final class IdentityResolution {
  private IdentityResolution() {}

  public static final String CUSTOMER_KEY = "customer_key";

  /**
   * {@code rows} plus a {@code customer_key} column (replacing one it may already have). Needs the
   * identifier columns; the map needs {@code id_type, id, customer_key}.
   */
  public static Dataset<Row> resolve(Dataset<Row> rows, Dataset<Row> identityMap) {
    return resolve(rows, identityMap, null);
  }

  /**
   * As {@link #resolve(Dataset, Dataset)}, but identifiers listed in {@code conflicts}
   * (identity_conflicts: {@code id_type, id}) are used only when the row has no other identifier in
   * the map. {@code conflicts} may be null.
   */
  public static Dataset<Row> resolve(
      Dataset<Row> rows, Dataset<Row> identityMap, Dataset<Row> conflicts) {
    List<String> missing = new ArrayList<>();
    for (String t : IdentityGraph.PRIORITY) {
      if (!Arrays.asList(rows.columns()).contains(t)) {
        missing.add(t);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot resolve customer keys: the rows lack the"
              + " identifier columns "
              + missing
              + " (they have "
              + Arrays.toString(rows.columns())
              + "); expected all of "
              + IdentityGraph.PRIORITY
              + "; pass events or feedback, or add"
              + " the missing columns as typed nulls");
    }
    Dataset<Row> map =
        identityMap
            .groupBy("id_type", "id")
            .agg(min(CUSTOMER_KEY).as("_key"))
            .withColumn("_shared", lit(false));
    if (conflicts != null) {
      Dataset<Row> shared =
          conflicts.select(col("id_type").as("_c_type"), col("id").as("_c_id")).distinct();
      map =
          map.join(
                  shared,
                  col("id_type").equalTo(col("_c_type")).and(col("id").equalTo(col("_c_id"))),
                  "left")
              .withColumn("_shared", col("_c_id").isNotNull())
              .drop("_c_type", "_c_id");
    }
    Dataset<Row> out = rows.drop(CUSTOMER_KEY);
    List<Column> preferred = new ArrayList<>();
    List<Column> fallback = new ArrayList<>();
    for (String t : IdentityGraph.PRIORITY) {
      String key = "_key_" + t;
      String shared = "_shared_" + t;
      String id = "_id_" + t;
      Dataset<Row> slice =
          map.filter(col("id_type").equalTo(t))
              .select(col("id").as(id), col("_key").as(key), col("_shared").as(shared));
      if (conflicts == null) {
        slice = slice.drop(shared);
      }
      out = out.join(slice, out.col(t).equalTo(col(id)), "left").drop(id);
      if (conflicts == null) {
        preferred.add(col(key));
      } else {
        preferred.add(when(col(shared).equalTo(lit(false)), col(key)));
        fallback.add(col(key));
      }
    }
    List<Column> order = new ArrayList<>(preferred);
    order.addAll(fallback);
    out = out.withColumn(CUSTOMER_KEY, coalesce(order.toArray(new Column[0])));
    for (String t : IdentityGraph.PRIORITY) {
      out = out.drop("_key_" + t, "_shared_" + t);
    }
    return out;
  }
}
