package io.polku.contract;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates {@code docs/tables.md} from the {@link Tables} specs, the same place the Delta column
 * comments come from. A test fails when the committed file is stale; regenerate with {@code
 * bin/polku docs --out docs/tables.md}.
 */
public final class TableDocs {
  private TableDocs() {}

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Polku tables\n\n");
    sb.append(
        "Generated from `io.polku.contract.Tables` (the same text is written as Delta"
            + " table and column comments). Do not edit by hand: run\n"
            + "`bin/polku docs --out docs/tables.md` after changing a table.\n\n");
    sb.append(
        "All timestamps are UTC. Tables live at `<lake root>/<zone>/<table>` and are"
            + " registered by location as `<database>.<table>` in each process's session"
            + " catalog.\n\n");
    for (TableSpec t : Tables.ALL) {
      sb.append("## `").append(t.name()).append("` (").append(t.zone()).append(")\n\n");
      sb.append(t.description()).append("\n\n");
      sb.append("Key: ").append(code(String.join(", ", t.keyColumns())));
      sb.append(". Partitioned by: ")
          .append(
              t.partitionColumns().isEmpty()
                  ? "(none)"
                  : code(String.join(", ", t.partitionColumns())))
          .append(".\n\n");
      sb.append("| column | type | nullable | meaning |\n|---|---|---|---|\n");
      for (TableSpec.Column c : t.columns()) {
        sb.append("| `")
            .append(c.name())
            .append("` | ")
            .append(c.type().simpleString())
            .append(" | ")
            .append(c.nullable() ? "yes" : "no")
            .append(" | ")
            .append(c.comment().replace("|", "\\|"))
            .append(" |\n");
      }
      sb.append('\n');
    }
    sb.append("# Views for BI tools\n\n");
    sb.append(
        "The supported interface for dashboards (`bin/polku serve` and `bin/polku sql`"
            + " see them): each is a filter over one table with that table's columns and column"
            + " comments, so a dashboard keeps working while the tables grow columns.\n\n");
    sb.append("| view | reads | filter | meaning |\n|---|---|---|---|\n");
    for (ViewSpec v : Views.ALL) {
      sb.append("| `")
          .append(v.name())
          .append("` | `")
          .append(v.base().name())
          .append("` | `")
          .append(v.where().replace("${db}.", "").replace("|", "\\|"))
          .append("` | ")
          .append(v.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String code(String s) {
    return "`" + s + "`";
  }

  public static void write(Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
  }
}
