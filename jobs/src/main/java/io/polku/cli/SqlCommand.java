package io.polku.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs Spark SQL over the lake's tables. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run a Spark SQL query over the lake's tables (registered by location) and"
        + " print an aligned table or CSV.")
public final class SqlCommand implements Callable<Integer> {
  @Mixin
  Environment env;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--format", defaultValue = "table",
      description = "table or csv. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--limit", defaultValue = "1000",
      description = "At most this many rows are printed. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  public Integer call() {
    if (!format.equals("table") && !format.equals("csv")) {
      throw new IllegalArgumentException("--format " + format + " is not supported; expected"
          + " table or csv");
    }
    try (Environment.Opened opened = Environment.open(env.config(), "sql")) {
      Dataset<Row> result;
      try {
        result = opened.spark().sql(query);
      } catch (Exception e) {
        if (e instanceof org.apache.spark.sql.AnalysisException a) {
          throw new IllegalArgumentException("the query does not run: " + a.getSimpleMessage()
              + "; `bin/polku tables` lists the tables you can query");
        }
        throw e;
      }
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
        System.out.printf(Locale.ROOT, "(%d row%s%s)%n", rows.size(), rows.size() == 1 ? "" : "s",
            truncated ? ", truncated at --limit " + limit : "");
      }
      return ExitCodes.OK;
    }
  }
}
