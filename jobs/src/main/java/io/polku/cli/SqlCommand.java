package io.polku.cli;

import io.polku.contract.Tables;
import io.polku.contract.Views;
import io.polku.lake.Lake;
import io.polku.lake.QueryRelations;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs Spark SQL over the lake's tables. Registers only the tables and views the query names (see
 * {@link QueryRelations}); a command such as SHOW TABLES registers them all first.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "Run a Spark SQL query over the lake's tables and views (the ones it names are"
            + " registered by location) and print an aligned table or CSV.")
public final class SqlCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or csv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "At most this many rows are printed. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  public Integer call() {
    if (!format.equals("table") && !format.equals("csv")) {
      throw new IllegalArgumentException(
          "--format " + format + " is not supported; expected" + " table or csv");
    }
    try (PolkuSession.Opened opened = PolkuSession.openUnregistered(env.config(), "sql")) {
      Lake lake = opened.lake();
      Optional<Set<String>> named = QueryRelations.of(opened.spark(), query, lake.database());
      if (named.isPresent()) {
        lake.registerNamed(named.get());
      } else {
        lake.registerExisting(); // a command (SHOW TABLES, DESCRIBE, ...) may need them all
      }
      Dataset<Row> result = run(lake, query);
      // Bounded by --limit: the CLI prints at most that many rows.
      List<Row> rows = result.limit(limit + 1).collectAsList();
      boolean truncated = rows.size() > limit;
      if (truncated) {
        rows = rows.subList(0, limit);
      }
      String[] header = result.columns();
      if (format.equals("csv")) {
        System.out.println(TextTable.csvLine(List.of(header)));
        for (Row r : rows) {
          System.out.println(TextTable.csvLine(TextTable.cells(r, "")));
        }
      } else {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
          cells.add(TextTable.cells(r, "NULL"));
        }
        System.out.print(TextTable.render(List.of(header), cells));
        System.out.printf(
            Locale.ROOT,
            "(%d row%s%s)%n",
            rows.size(),
            rows.size() == 1 ? "" : "s",
            truncated ? ", truncated at --limit " + limit : "");
      }
      return ExitCodes.OK;
    }
  }

  /**
   * Analyses the query. A lake table or view the parser did not see (a name that only appears after
   * variable substitution, say) is registered when Spark reports it missing, and the query analysed
   * again; an unknown name fails with the lake's names and the fix.
   */
  static Dataset<Row> run(Lake lake, String query) {
    Set<String> retried = new HashSet<>();
    while (true) {
      try {
        return lake.spark().sql(query);
      } catch (Exception e) {
        if (!(e instanceof AnalysisException a)) {
          throw e;
        }
        String missing = missingRelation(a);
        if (missing == null) {
          throw new IllegalArgumentException(
              "the query does not run: "
                  + a.getSimpleMessage()
                  + "; `bin/polku tables` lists the tables you can query");
        }
        String name = unqualified(missing);
        if (retried.add(name) && !lake.registerNamed(Set.of(name)).isEmpty()) {
          continue;
        }
        throw new IllegalArgumentException(unknownRelation(lake, missing, name));
      }
    }
  }

  /** The relation name of a "table or view not found" error, as Spark quotes it, or null. */
  private static String missingRelation(AnalysisException a) {
    if (!"TABLE_OR_VIEW_NOT_FOUND".equals(a.getErrorClass())) {
      return null;
    }
    String name = a.getMessageParameters().get("relationName");
    return name == null || name.isBlank() ? null : name;
  }

  /** {@code `db`.`name`} to {@code name}, lower case. */
  private static String unqualified(String quoted) {
    String last =
        quoted.substring(quoted.lastIndexOf("`.`") < 0 ? 0 : quoted.lastIndexOf("`.`") + 2);
    return last.replace("`", "").toLowerCase(Locale.ROOT);
  }

  private static String unknownRelation(Lake lake, String quoted, String name) {
    boolean contract =
        Tables.byName(name).isPresent() || Views.ALL.stream().anyMatch(v -> v.name().equals(name));
    if (contract) {
      return "the query does not run: "
          + quoted
          + " is a lake table or view, but it (or the"
          + " table it reads) has not been created under "
          + lake.root()
          + " yet; run"
          + " `bin/polku nightly` first, and `bin/polku tables` shows which tables exist";
    }
    List<String> known = new ArrayList<>();
    Tables.ALL.forEach(t -> known.add(t.name()));
    Views.ALL.forEach(v -> known.add(v.name()));
    return "the query does not run: the table or view "
        + quoted
        + " is not in the lake;"
        + " expected one of the lake's tables or views ("
        + String.join(", ", known)
        + ")"
        + (lake.database().equals("default") ? "" : " in the database " + lake.database())
        + "; `bin/polku tables` lists the tables and their rows";
  }
}
