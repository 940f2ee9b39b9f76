package io.polku.identity;

import static io.polku.identity.IdentityGraph.LABEL;
import static io.polku.identity.IdentityGraph.NODE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stable {@code customer_key}s for the components of the identifier graph.
 *
 * <p>Rule, per component (all nodes sharing a label):
 *
 * <ol>
 *   <li>If any of its identifiers has a key in the previous identity_map, the component's candidate
 *       is the smallest such key. So a person keeps the key when new identifiers join, and when two
 *       previously separate components merge, <b>one key survives</b> (the smaller); the other key
 *       disappears from the map (downstream tables keyed by it must be rebuilt or mapped, they are
 *       not rewritten here).
 *   <li>A candidate claimed by several components (a previous component split, e.g. because one of
 *       its identifiers became a shared identifier) stays with the component of the smallest label;
 *       the others get {@code "ck_" + sha2(label + "|" + lost key)}, so a key never names two
 *       components.
 *   <li>Otherwise (nothing seen before, including anonymous-only prospects) the key is new: {@code
 *       "ck_" +} the first 16 hex digits of {@code sha2(label, 256)}.
 * </ol>
 *
 * Deterministic: the same components and previous map give the same keys, so a re-run is identical.
 * Keys are 64-bit hash prefixes; two labels colliding is possible in principle (about n²/2⁶⁵ for n
 * components) and not checked.
 *
 * <p>Cost: one join of the components with the previous map (on the node string), two small
 * aggregations by label and by candidate key, and two joins back. Nothing is collected.
 */
public final class CustomerKeys {
  private CustomerKeys() {}

  /** The key of a new component: "ck_" + 16 hex digits of SHA-256 of the text. */
  public static Column newKey(Column text) {
    return concat(lit("ck_"), substring(sha2(text, 256), 1, 16));
  }

  /**
   * Adds {@code customer_key} to {@code components} ({@code node, label, ...}) using {@code
   * previousMap} ({@code id_type, id, customer_key}; empty on the first run).
   */
  public static Dataset<Row> assignKeys(Dataset<Row> components, Dataset<Row> previousMap) {
    Dataset<Row> previous =
        previousMap
            .select(
                IdentityGraph.node(col("id_type"), col("id")).as("_prev_node"),
                col("customer_key").as("_prev_key"))
            .filter(col("_prev_node").isNotNull().and(col("_prev_key").isNotNull()));
    Dataset<Row> candidate =
        components
            .select(NODE, LABEL)
            .join(previous, col(NODE).equalTo(col("_prev_node")))
            .groupBy(col(LABEL).as("_c_label"))
            .agg(min("_prev_key").as("_candidate"));
    Dataset<Row> owner = candidate.groupBy("_candidate").agg(min("_c_label").as("_owner"));
    Dataset<Row> keyed =
        candidate
            .join(owner, "_candidate")
            .select(
                col("_c_label"),
                when(col("_c_label").equalTo(col("_owner")), col("_candidate"))
                    .otherwise(newKey(concat(col("_c_label"), lit("|"), col("_candidate"))))
                    .as("_key"));
    return components
        .join(keyed, col(LABEL).equalTo(col("_c_label")), "left")
        .withColumn(
            "customer_key",
            when(col("_key").isNotNull(), col("_key")).otherwise(newKey(col(LABEL))))
        .drop("_c_label", "_key");
  }
}
