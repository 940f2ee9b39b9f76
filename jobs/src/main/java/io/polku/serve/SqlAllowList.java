package io.polku.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a client of the SQL endpoint may use, as allow-lists: anything not named here is refused by
 * {@link ReadOnlyGuard}. Spark and Delta plan classes are named in full, so a class of the same
 * simple name elsewhere is not let through.
 *
 * <p>{@code SqlAllowListTest} enumerates every logical-plan class and every built-in function of
 * the Spark and Delta versions on the classpath and fails when one appears that has no decision
 * here or in its list of known refused classes: a new version is refused until someone decides.
 */
public final class SqlAllowList {
  private SqlAllowList() {}

  private static final String LOGICAL = "org.apache.spark.sql.catalyst.plans.logical.";
  private static final String ANALYSIS = "org.apache.spark.sql.catalyst.analysis.";
  private static final String COMMAND = "org.apache.spark.sql.execution.command.";
  private static final String DELTA = "org.apache.spark.sql.delta.commands.";

  /**
   * Read operators a query may be built of (analysed plans). Relations are checked apart: {@code
   * LogicalRelation} and {@code View} only over the served lake's registered tables and views
   * ({@link ServedCatalog}).
   */
  public static final Set<String> QUERY_NODES =
      Set.of(
          LOGICAL + "Project",
          LOGICAL + "Filter",
          LOGICAL + "Join",
          LOGICAL + "LateralJoin",
          LOGICAL + "Aggregate",
          LOGICAL + "Window",
          LOGICAL + "Sort",
          LOGICAL + "GlobalLimit",
          LOGICAL + "LocalLimit",
          LOGICAL + "Offset",
          LOGICAL + "Tail",
          LOGICAL + "Union",
          LOGICAL + "Intersect",
          LOGICAL + "Except",
          LOGICAL + "Distinct",
          LOGICAL + "Deduplicate",
          LOGICAL + "SubqueryAlias",
          LOGICAL + "Generate",
          LOGICAL + "Expand",
          LOGICAL + "Sample",
          LOGICAL + "WithCTE",
          LOGICAL + "CTERelationDef",
          LOGICAL + "CTERelationRef",
          LOGICAL + "Repartition",
          LOGICAL + "RepartitionByExpression",
          LOGICAL + "RebalancePartitions",
          LOGICAL + "ResolvedHint",
          LOGICAL + "Subquery",
          LOGICAL + "LocalRelation",
          LOGICAL + "OneRowRelation",
          LOGICAL + "Range",
          LOGICAL + "View",
          ANALYSIS + "ResolvedInlineTable",
          "org.apache.spark.sql.execution.datasources.LogicalRelation",
          // The rows of a command that ran already (after passing the guard), when re-analysed.
          LOGICAL + "CommandResult");

  /** Statements besides queries: SHOW, DESCRIBE, EXPLAIN, USE and the allowed SETs. */
  public static final Set<String> COMMANDS =
      Set.of(
          LOGICAL + "ShowTables",
          LOGICAL + "ShowTableExtended",
          LOGICAL + "ShowNamespaces",
          LOGICAL + "ShowViews",
          LOGICAL + "ShowColumns",
          LOGICAL + "ShowTableProperties",
          LOGICAL + "ShowFunctions",
          LOGICAL + "DescribeRelation",
          LOGICAL + "DescribeColumn",
          LOGICAL + "DescribeNamespace",
          LOGICAL + "DescribeFunction",
          LOGICAL + "SetCatalogAndNamespace",
          COMMAND + "ShowTablesCommand",
          COMMAND + "ShowColumnsCommand",
          COMMAND + "ShowViewsCommand",
          COMMAND + "ShowFunctionsCommand",
          COMMAND + "ShowTablePropertiesCommand",
          COMMAND + "ShowCurrentNamespaceCommand",
          COMMAND + "ShowCatalogsCommand",
          COMMAND + "DescribeTableCommand",
          COMMAND + "DescribeColumnCommand",
          COMMAND + "DescribeDatabaseCommand",
          COMMAND + "DescribeFunctionCommand",
          COMMAND + "DescribeQueryCommand",
          COMMAND + "ExplainCommand",
          COMMAND + "SetCommand",
          COMMAND + "ResetCommand",
          COMMAND + "SetCatalogCommand",
          COMMAND + "SetNamespaceCommand",
          DELTA + "DescribeDeltaHistoryCommand",
          DELTA + "DescribeDeltaDetailCommand",
          DELTA + "ShowDeltaTableColumnsCommand");

  /** Resolved leaves under the commands above; tables and views are checked as served. */
  public static final Set<String> RESOLVED_LEAVES =
      Set.of(
          ANALYSIS + "ResolvedNamespace",
          ANALYSIS + "ResolvedTable",
          ANALYSIS + "ResolvedPersistentView",
          ANALYSIS + "ResolvedNonPersistentFunc",
          ANALYSIS + "ResolvedPersistentFunc");

  /** Every node class a client statement's analysed plan may contain. */
  public static final Set<String> PLAN_NODES = union(QUERY_NODES, COMMANDS, RESOLVED_LEAVES);

  /**
   * Session options a client may SET (and read with {@code SET key}): how results are shown,
   * nothing that decides what is read or how the server runs.
   */
  public static final Set<String> SET_KEYS =
      Set.of(
          "spark.sql.session.timeZone", "spark.sql.shuffle.partitions", "spark.sql.ansi.enabled");

  /**
   * Session options that Spark's Thrift server and Delta set in sessions themselves, to values that
   * vary (seen on Spark 3.5.4 with Delta 3.3.3: the Java 8 time API for Thrift results; Parquet
   * field-id matching, which Delta switches when it reads a table). They decide how values are
   * converted, not what is read; a session may hold any value of them.
   */
  public static final Set<String> ENGINE_MANAGED_KEYS =
      Set.of(
          "spark.sql.datetime.java8API.enabled",
          "spark.sql.parquet.fieldId.read.enabled",
          "spark.sql.parquet.fieldId.write.enabled");

  /** Table-valued functions (FROM f(...), LATERAL VIEW f(...)). */
  public static final Set<String> TABLE_FUNCTIONS =
      Set.of(
          "range",
          "explode",
          "explode_outer",
          "inline",
          "inline_outer",
          "json_tuple",
          "posexplode",
          "posexplode_outer",
          "stack",
          "sql_keywords");

  /** Built-in functions that are refused, with the reason a client is told. */
  public static final Map<String, String> REFUSED_FUNCTIONS = refused();

  /** Built-in scalar, aggregate and window functions a client may call (lower case). */
  public static final Set<String> FUNCTIONS = load("allowed-functions.txt");

  private static Map<String, String> refused() {
    Map<String, String> m = new LinkedHashMap<>();
    String reflection = "calls any Java method on the server";
    m.put("reflect", reflection);
    m.put("java_method", reflection);
    String files = "reveals the lake's file paths";
    m.put("input_file_name", files);
    m.put("input_file_block_start", files);
    m.put("input_file_block_length", files);
    String xml = "parses XML on the server (external entities)";
    for (String x :
        new String[] {
          "xpath",
          "xpath_boolean",
          "xpath_double",
          "xpath_float",
          "xpath_int",
          "xpath_long",
          "xpath_number",
          "xpath_short",
          "xpath_string"
        }) {
      m.put(x, xml);
    }
    return Map.copyOf(m);
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new TreeSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return Set.copyOf(all);
  }

  private static Set<String> load(String resource) {
    Set<String> names = new TreeSet<>();
    try (InputStream in = SqlAllowList.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "io/polku/serve/"
                + resource
                + " is missing from the"
                + " classpath; rebuild the jar (mvn -B package)");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(names);
  }
}
