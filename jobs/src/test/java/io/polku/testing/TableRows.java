package io.polku.testing;

import io.polku.contract.TableSpec;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/** Fixture rows of a contract table written as column-to-value maps. */
public final class TableRows {
  private TableRows() {}

  /** A map from alternating column names and values. */
  public static Map<String, Object> m(Object... kv) {
    Map<String, Object> v = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      v.put((String) kv[i], kv[i + 1]);
    }
    return v;
  }

  /** The table's rows: the given columns, null or a neutral value for the rest. */
  public static Dataset<Row> rows(
      SparkSession spark, TableSpec t, List<Map<String, Object>> values) {
    List<Row> rows = new ArrayList<>();
    StructField[] fields = t.schema().fields();
    for (Map<String, Object> v : values) {
      Object[] row = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        row[i] =
            v.containsKey(fields[i].name())
                ? v.get(fields[i].name())
                : fields[i].nullable() ? null : neutral(fields[i].dataType());
      }
      rows.add(RowFactory.create(row));
    }
    return spark.createDataFrame(rows, t.schema());
  }

  private static Object neutral(DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return "x";
    } else if (type.equals(DataTypes.LongType)) {
      return 0L;
    } else if (type.equals(DataTypes.IntegerType)) {
      return 0;
    } else if (type.equals(DataTypes.DoubleType)) {
      return 0.0;
    } else if (type.equals(DataTypes.BooleanType)) {
      return false;
    } else if (type.equals(DataTypes.DateType)) {
      return Date.valueOf("2026-10-01");
    } else if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.valueOf("2026-10-01 12:00:00");
    } else if (type instanceof ArrayType) {
      return List.of();
    } else if (type instanceof MapType) {
      return Map.of();
    }
    throw new IllegalArgumentException("no neutral value for " + type);
  }

  /** Command-line arguments {@code a} followed by {@code b}. */
  public static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
