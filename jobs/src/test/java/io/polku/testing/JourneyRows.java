package io.polku.testing;

import io.polku.contract.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** Rows of the journeys table for fixtures: the given columns, neutral defaults for the rest. */
public final class JourneyRows {
  private JourneyRows() {}

  public static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  /**
   * A journeys row of {@code key} from {@code start} to {@code end} (ISO instants) with the given
   * column values; journey_id is key + start, journey_date the start's date; a journey without
   * failures or assisted contacts that succeeded, on the web.
   */
  public static Row journey(String key, String start, String end, Object... columnValues) {
    Map<String, Object> v = new HashMap<>();
    v.put("journey_id", key + "@" + start);
    v.put("customer_key", key);
    v.put("journey_start", ts(start));
    v.put("journey_end", ts(end));
    v.put("journey_date", Date.valueOf(start.substring(0, 10)));
    v.put("channel_path", "web");
    v.put("first_channel", "web");
    v.put("last_channel", "web");
    v.put("success", true);
    for (int i = 0; i < columnValues.length; i += 2) {
      v.put((String) columnValues[i], columnValues[i + 1]);
    }
    StructField[] fields = Tables.JOURNEYS.schema().fields();
    Object[] values = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      String name = fields[i].name();
      DataType t = fields[i].dataType();
      if (v.containsKey(name)) {
        values[i] = v.get(name);
      } else if (t.equals(DataTypes.LongType)) {
        values[i] = 0L;
      } else if (t.equals(DataTypes.DoubleType)) {
        values[i] = 0.0;
      } else if (t.equals(DataTypes.BooleanType)) {
        values[i] = false;
      }
    }
    return RowFactory.create(values);
  }
}
