package io.polku.contract;

import java.util.List;

/**
 * A stable view for BI tools: a documented filter over one table, with the table's columns and
 * their comments. Views are the supported interface for dashboards: a table's layout may grow, a
 * view keeps its meaning.
 *
 * @param name the view's name in the catalog
 * @param description what the view shows (its catalog comment and its docs entry)
 * @param base the table it reads
 * @param where the SQL filter over the base table (its columns unqualified)
 */
public record ViewSpec(String name, String description, TableSpec base, String where) {
  /** The tables the view reads (the base table; the filter's subqueries read it too). */
  public List<TableSpec> reads() {
    return List.of(base);
  }

  /** The {@code CREATE OR REPLACE VIEW} statement, with every column's comment. */
  public String createSql(String database) {
    StringBuilder sb =
        new StringBuilder("CREATE OR REPLACE VIEW ")
            .append(database)
            .append('.')
            .append(name)
            .append(" (");
    List<TableSpec.Column> cols = base.columns();
    for (int i = 0; i < cols.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('`')
          .append(cols.get(i).name())
          .append("` COMMENT ")
          .append(literal(cols.get(i).comment()));
    }
    sb.append(") COMMENT ").append(literal(description)).append(" AS SELECT ");
    for (int i = 0; i < cols.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('`').append(cols.get(i).name()).append('`');
    }
    return sb.append(" FROM ")
        .append(database)
        .append('.')
        .append(base.name())
        .append(" WHERE ")
        .append(where.replace("${db}", database))
        .toString();
  }

  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
