package io.polku.text;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** Plain-text rendering of query results: an aligned table, or RFC 4180 CSV lines. */
public final class TextTable {
  private TextTable() {}

  public static List<String> cells(Row r, String nullText) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      out.add(v == null ? nullText : render(v));
    }
    return out;
  }

  private static String render(Object v) {
    if (v instanceof scala.collection.Map<?, ?> m) {
      return scala.collection.JavaConverters.mapAsJavaMap(m).toString();
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return scala.collection.JavaConverters.seqAsJavaList(s).toString();
    }
    return v.toString();
  }

  public static String render(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    sb.append(rule).append('\n');
    for (List<String> r : rows) {
      line(sb, r, width);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      sb.append(i == 0 ? "" : " | ").append(c).append(" ".repeat(width[i] - c.length()));
    }
    sb.append('\n');
  }

  public static String csvLine(List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      if (i > 0) {
        sb.append(',');
      }
      if (c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r")) {
        sb.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
