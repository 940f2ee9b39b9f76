package io.polku.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Row-by-row comparison of two feedback-context results on {@code response_id}: the ordered pass
 * (Polku) against {@link RangeJoinContext} (the hand-written reference), over the columns of {@link
 * RangeJoinContext#COLUMNS}. Strings and booleans must be equal (null equals null), doubles within
 * {@link #TOLERANCE}, {@code last_steps} equal step by step (time, channel, type, outcome,
 * touchpoint, properties compared as sorted entries). A response present on one side only is a
 * mismatch of every column.
 *
 * <p>Cost: one full outer join of the two inputs on response_id and one aggregate; at most {@link
 * #EXAMPLES} mismatching rows are collected to the driver. Run it on a sample.
 */
public final class Agreement {
  private Agreement() {}

  public static final double TOLERANCE = 1e-9;
  public static final int EXAMPLES = 10;

  /**
   * The outcome.
   *
   * @param compared responses compared (present on either side)
   * @param onlyPolku responses only in the first input
   * @param onlyReference responses only in the second input
   * @param mismatches per column, the responses whose values differ
   * @param examples up to {@link #EXAMPLES} differing rows, both sides' values, as text
   */
  public record Result(
      long compared,
      long onlyPolku,
      long onlyReference,
      Map<String, Long> mismatches,
      List<String> examples) {
    public boolean passed() {
      return compared > 0
          && onlyPolku == 0
          && onlyReference == 0
          && mismatches.values().stream().allMatch(n -> n == 0);
    }

    public long mismatchingColumns() {
      return mismatches.values().stream().filter(n -> n > 0).count();
    }
  }

  /** Compares {@code polku} with {@code reference}; both need response_id and the columns. */
  public static Result compare(Dataset<Row> polku, Dataset<Row> reference) {
    List<String> columns = RangeJoinContext.COLUMNS;
    Dataset<Row> a = side(polku, "a_", columns);
    Dataset<Row> b = side(reference, "b_", columns);
    Dataset<Row> joined =
        a.join(b, a.col("a_response_id").equalTo(b.col("b_response_id")), "full_outer");
    List<Column> aggs = new ArrayList<>();
    List<Column> anyDiff = new ArrayList<>();
    aggs.add(count(lit(1)).as("compared"));
    aggs.add(sum(when(col("b_response_id").isNull(), 1).otherwise(0)).as("only_a"));
    aggs.add(sum(when(col("a_response_id").isNull(), 1).otherwise(0)).as("only_b"));
    for (String c : columns) {
      Column differs = differs(c, polku.schema().apply(c).dataType());
      aggs.add(sum(when(differs, 1).otherwise(0)).as("d_" + c));
      anyDiff.add(differs);
    }
    Dataset<Row> flagged =
        joined.withColumn("_differs", anyDiff.stream().reduce(Column::or).orElseThrow());
    Row totals =
        flagged.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    Map<String, Long> mismatches = new LinkedHashMap<>();
    for (String c : columns) {
      mismatches.put(c, totals.getLong(totals.fieldIndex("d_" + c)));
    }
    long only = totals.getLong(1) + totals.getLong(2);
    List<String> examples = new ArrayList<>();
    if (only > 0 || mismatches.values().stream().anyMatch(n -> n > 0)) {
      for (Row r :
          flagged
              .filter(col("_differs"))
              .orderBy(coalesce(col("a_response_id"), col("b_response_id")))
              .limit(EXAMPLES)
              .collectAsList()) {
        examples.add(describe(r, columns));
      }
    }
    return new Result(
        totals.getLong(0), totals.getLong(1), totals.getLong(2), mismatches, examples);
  }

  private static Dataset<Row> side(Dataset<Row> rows, String prefix, List<String> columns) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("response_id").as(prefix + "response_id"));
    cols.add(col("customer_key").as(prefix + "customer_key"));
    for (String c : columns) {
      if (c.equals("last_steps")) {
        // Maps have no equality: compare each step's properties as sorted entries.
        cols.add(
            expr("to_json(transform(last_steps, s -> named_struct('ts', s.ts, 'channel',"
                    + " s.channel, 'event_type', s.event_type, 'outcome', s.outcome, 'touchpoint',"
                    + " s.touchpoint, 'properties', array_sort(map_entries(s.properties)))))")
                .as(prefix + c));
      } else {
        cols.add(col(c).as(prefix + c));
      }
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  private static Column differs(String c, DataType type) {
    Column a = col("a_" + c);
    Column b = col("b_" + c);
    Column missing = col("a_response_id").isNull().or(col("b_response_id").isNull());
    Column different;
    if (type.equals(DataTypes.DoubleType)) {
      different =
          a.isNull()
              .notEqual(b.isNull())
              .or(a.isNotNull().and(b.isNotNull()).and(abs(a.minus(b)).gt(TOLERANCE)));
    } else {
      different = a.eqNullSafe(b).unary_$bang();
    }
    return missing.or(different);
  }

  private static String describe(Row r, List<String> columns) {
    StringBuilder sb = new StringBuilder();
    sb.append("response ")
        .append(
            r.<Object>getAs("a_response_id") != null
                ? r.<Object>getAs("a_response_id")
                : r.<Object>getAs("b_response_id"));
    sb.append(" (customer_key ")
        .append(
            r.<Object>getAs("a_customer_key") != null
                ? r.<Object>getAs("a_customer_key")
                : r.<Object>getAs("b_customer_key"))
        .append("):");
    if (r.getAs("a_response_id") == null) {
      return sb.append(" only in the reference").toString();
    }
    if (r.getAs("b_response_id") == null) {
      return sb.append(" only in Polku").toString();
    }
    for (String c : columns) {
      Object a = r.getAs("a_" + c);
      Object b = r.getAs("b_" + c);
      boolean same =
          a == null
              ? b == null
              : (a instanceof Double da && b instanceof Double db)
                  ? Math.abs(da - db) <= TOLERANCE
                  : a.equals(b);
      if (!same) {
        sb.append(' ')
            .append(c)
            .append(": polku=")
            .append(a)
            .append(" reference=")
            .append(b)
            .append(';');
      }
    }
    return sb.toString();
  }
}
