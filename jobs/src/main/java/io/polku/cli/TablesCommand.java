package io.polku.cli;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists the lake's tables: rows, partitions, Delta version, last commit and last run. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description =
        "List the lake's tables: rows, partitions, Delta version, last commit and"
            + " the last run that wrote each.")
public final class TablesCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Override
  public Integer call() {
    try (PolkuSession.Opened opened = PolkuSession.openUnregistered(env.config(), "tables")) {
      Lake lake = opened.lake();
      boolean audit = lake.exists(Tables.RUN_AUDIT);
      List<List<String>> rows = new ArrayList<>();
      for (TableSpec t : Tables.ALL) {
        if (!lake.exists(t)) {
          rows.add(
              List.of(lake.qualifiedName(t), t.zone(), "-", "-", "-", "-", "(not created yet)"));
          continue;
        }
        long count = lake.read(t).count();
        String partitions =
            t.partitionColumns().isEmpty()
                ? "-"
                : String.valueOf(
                    lake.read(t).select(t.partitionColumns().get(0)).distinct().count());
        Row last =
            DeltaTable.forPath(opened.spark(), lake.location(t))
                .history(1)
                .select("version", "timestamp")
                .first();
        rows.add(
            List.of(
                lake.qualifiedName(t),
                t.zone(),
                String.format(Locale.ROOT, "%,d", count),
                partitions,
                String.valueOf(last.getLong(0)),
                String.valueOf(last.get(1)),
                audit ? lastRun(lake, t) : "-"));
      }
      System.out.print(
          TextTable.render(
              List.of(
                  "table",
                  "zone",
                  "rows",
                  "partitions",
                  "delta_version",
                  "last_commit",
                  "last_run"),
              rows));
      System.out.println("Lake: " + lake.root());
      return ExitCodes.OK;
    }
  }

  /** The latest run whose audit rows name this table (or, for ops tables, any run). */
  private static String lastRun(Lake lake, TableSpec t) {
    var audit = lake.read(Tables.RUN_AUDIT);
    var rows =
        t.zone().equals("ops")
            ? audit.filter(col("stage").equalTo("run"))
            : audit.filter(col("object").equalTo(t.name()));
    Row r =
        rows
            .orderBy(functions.col("started_ts").desc())
            .select("run_id", "status")
            .limit(1)
            .collectAsList()
            .stream()
            .findFirst()
            .orElse(null);
    return r == null ? "-" : r.getString(0) + " (" + r.getString(1) + ")";
  }
}
