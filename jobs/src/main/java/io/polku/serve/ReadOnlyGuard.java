package io.polku.serve;

import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * The read-only rule of the SQL endpoint, checked on every analysed statement of a serving
 * session (injected as a check rule by {@link ReadOnlyExtension}).
 *
 * <p>An allow-list, not a deny-list: a statement is a query, or one of the commands below
 * that only read (SHOW, DESCRIBE, EXPLAIN, USE, SET of session options). Every other command
 * (INSERT, UPDATE, DELETE, MERGE, DROP, CREATE, ALTER, TRUNCATE, OPTIMIZE, VACUUM, RESTORE,
 * CACHE, ADD JAR, CREATE FUNCTION, ...) is rejected, including the commands Delta rewrites
 * DML into during analysis. {@code SET} of anything that decides where data lives or how the
 * lake is reached, and the {@code reflect}/{@code java_method} functions, are rejected too.
 */
public final class ReadOnlyGuard {
  private ReadOnlyGuard() {}

  /** Commands that only read, by class name (Spark 3.5 and Delta 3.3 plans). */
  static final Set<String> READING_COMMANDS = Set.of(
      "ShowTablesCommand", "ShowTables", "ShowTableExtended", "ShowTablesExtended",
      "ShowNamespaces", "ShowNamespacesCommand", "ShowColumns", "ShowColumnsCommand",
      "ShowViews", "ShowViewsCommand", "ShowFunctions", "ShowFunctionsCommand",
      "ShowCreateTable", "ShowCreateTableCommand", "ShowCreateTableAsSerdeCommand",
      "ShowTableProperties", "ShowTablePropertiesCommand", "ShowPartitions",
      "ShowPartitionsCommand", "ShowCatalogs", "ShowCatalogsCommand",
      "ShowCurrentNamespace", "ShowCurrentNamespaceCommand",
      "DescribeTableCommand", "DescribeRelation", "DescribeColumnCommand", "DescribeColumn",
      "DescribeNamespace", "DescribeDatabaseCommand", "DescribeFunction",
      "DescribeFunctionCommand", "DescribeCommandBase", "DescribeQueryCommand",
      "DescribeDeltaDetailCommand", "DescribeDeltaHistory", "DescribeDeltaHistoryCommand",
      "ExplainCommand", "SetCommand", "ResetCommand", "SetCatalogAndNamespace",
      "SetCatalogCommand", "SetNamespaceCommand");

  /**
   * Options a client must not change: where tables live, how storage is reached, which
   * catalog or extensions are used, Delta's behaviour, and Polku's own settings.
   */
  static final Pattern PROTECTED_OPTION = Pattern.compile(
      "^(spark\\.sql\\.warehouse\\.dir|spark\\.sql\\.catalog(\\..*)?|spark\\.sql\\.extensions"
          + "|spark\\.sql\\.runSQLOnFiles|spark\\.sql\\.defaultCatalog|spark\\.hadoop\\..*"
          + "|fs\\..*|hive\\..*|spark\\.databricks\\..*|spark\\.delta\\..*|delta\\..*"
          + "|polku\\..*|spark\\.sql\\.hive\\..*|spark\\.sql\\.sources\\..*)$");

  private static final ThreadLocal<Boolean> PRIVILEGED = ThreadLocal.withInitial(() -> false);

  /**
   * Runs {@code action} on this thread with the rule lifted: how the server itself registers
   * tables and views.
   */
  public static <T> T privileged(Supplier<T> action) {
    boolean before = PRIVILEGED.get();
    PRIVILEGED.set(true);
    try {
      return action.get();
    } finally {
      PRIVILEGED.set(before);
    }
  }

  /** Throws {@link ReadOnlyViolation} when the analysed plan would change anything. */
  public static void check(LogicalPlan plan) {
    if (PRIVILEGED.get()) {
      return;
    }
    Iterator<LogicalPlan> nodes = plan.collectWithSubqueries(
        new scala.PartialFunction<LogicalPlan, LogicalPlan>() {
          @Override
          public boolean isDefinedAt(LogicalPlan x) {
            return true;
          }

          @Override
          public LogicalPlan apply(LogicalPlan x) {
            return x;
          }
        }).iterator();
    while (nodes.hasNext()) {
      checkNode(nodes.next());
    }
  }

  private static void checkNode(LogicalPlan node) {
    String name = node.getClass().getSimpleName();
    if (node instanceof Command && !READING_COMMANDS.contains(name)) {
      throw new ReadOnlyViolation(statementOf(name) + " is not allowed (" + name + ")");
    }
    if (node instanceof SetCommand set) {
      Option<Tuple2<String, Option<String>>> kv = set.kv();
      if (kv.isDefined() && kv.get()._2().isDefined()) {
        String key = kv.get()._1().trim();
        if (PROTECTED_OPTION.matcher(key).matches()) {
          throw new ReadOnlyViolation("SET " + key + " is not allowed: it decides where the"
              + " lake's data lives or how it is read");
        }
      }
    }
    Iterator<Expression> exprs = node.expressions().iterator();
    while (exprs.hasNext()) {
      Expression e = exprs.next();
      if (e.find(ReadOnlyGuard::isReflection).isDefined()) {
        throw new ReadOnlyViolation("reflect/java_method is not allowed: it runs arbitrary"
            + " Java code on the server");
      }
    }
  }

  private static boolean isReflection(Expression e) {
    return e instanceof CallMethodViaReflection;
  }

  /** A readable statement kind for a plan class name. */
  static String statementOf(String planClass) {
    String n = planClass.toLowerCase(Locale.ROOT);
    for (String[] kw : new String[][] {{"optimize", "OPTIMIZE"}, {"vacuum", "VACUUM"},
        {"restore", "RESTORE"}, {"cache", "CACHE"}, {"jar", "ADD JAR"},
        {"function", "CREATE/DROP FUNCTION"}, {"view", "CREATE/ALTER/DROP VIEW"},
        {"loaddata", "LOAD DATA"}}) {
      if (n.contains(kw[0])) {
        return kw[1];
      }
    }
    if (n.contains("merge")) {
      return "MERGE";
    } else if (n.contains("delete")) {
      return "DELETE";
    } else if (n.contains("update")) {
      return "UPDATE";
    } else if (n.contains("insert") || n.contains("append") || n.contains("overwrite")
        || n.contains("writedata") || n.contains("replacedata") || n.contains("writedelta")) {
      return "INSERT";
    } else if (n.contains("truncate")) {
      return "TRUNCATE";
    } else if (n.contains("drop")) {
      return "DROP";
    } else if (n.contains("create") || n.contains("ctas") || n.contains("replacetable")) {
      return "CREATE";
    } else if (n.contains("alter") || n.contains("addcolumns") || n.contains("rename")
        || n.contains("settableproperties") || n.contains("unsettableproperties")) {
      return "ALTER";
    }
    return "This statement";
  }

  /** Why a statement was rejected; the message names the fix. */
  public static final class ReadOnlyViolation extends RuntimeException {
    ReadOnlyViolation(String what) {
      super("Polku's SQL endpoint is read-only: " + what + ". Only the nightly"
          + " (bin/polku nightly) writes the lake; change the sources or the configuration and"
          + " re-run it. Queries (SELECT), SHOW, DESCRIBE and EXPLAIN are allowed.");
    }
  }
}
