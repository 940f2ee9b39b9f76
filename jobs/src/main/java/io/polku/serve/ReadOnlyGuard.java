package io.polku.serve;

import io.polku.serve.ServedCatalog.Served;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.ResolvedPersistentView;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedGenerator;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedView;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.PlanExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.delta.catalog.DeltaTableV2;
import org.apache.spark.sql.delta.commands.DescribeDeltaHistoryCommand;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * The rule of the SQL endpoint: every client statement is checked by allow-lists ({@link
 * SqlAllowList}) before it runs, and refused with a message that names what was refused. {@link
 * GuardedParser} calls {@link #checkStatement} on every statement a client sends:
 *
 * <ol>
 *   <li><em>The session</em>: its options may differ from the server's only in {@link
 *       SqlAllowList#SET_KEYS} (options a JDBC URL sets, such as {@code
 *       spark.sql.variable.substitute} or {@code spark.sql.runSQLOnFiles}, refuse every statement);
 *       checked before the text is parsed.
 *   <li><em>As parsed</em>: every function called is a bare built-in name on the function
 *       allow-list; an {@code IDENTIFIER(...)} clause, whose name is only known later, is refused;
 *       every table name is one part, or two with the served database; path-based tables are
 *       refused (before anything is read at the path).
 *   <li><em>As analysed</em> (the statement is analysed once here, without running it): every plan
 *       node is a read operator or an allowed SHOW/DESCRIBE/EXPLAIN/USE/SET command; every relation
 *       is a registered table or view of the served lake; a SET names an allowed key; every
 *       expression is one of Spark's built-in catalyst expressions, never a user function.
 *       EXPLAIN's and DESCRIBE QUERY's inner statement is analysed and checked too.
 * </ol>
 *
 * <p>Only client statements are checked: the queries Delta runs over its transaction log while a
 * statement is analysed or runs (path relations, typed Dataset operators) are built with the
 * DataFrame API, not parsed, and are left alone. The server's own statements (registering tables
 * and views) run {@link #privileged}.
 */
public final class ReadOnlyGuard {
  private ReadOnlyGuard() {}

  private static final ThreadLocal<Boolean> PRIVILEGED = ThreadLocal.withInitial(() -> false);

  /** Packages whose expression classes may appear in an analysed client plan. */
  private static final String EXPRESSIONS = "org.apache.spark.sql.catalyst.expressions.";

  /**
   * Expression classes of {@link #EXPRESSIONS} that are never allowed, though no allowed function
   * produces them: a second line behind the function allow-list.
   */
  private static final List<String> NEVER =
      List.of(
          EXPRESSIONS + "CallMethodViaReflection",
          EXPRESSIONS + "ScalaUDF",
          EXPRESSIONS + "PythonUDF",
          EXPRESSIONS + "PythonUDAF",
          EXPRESSIONS + "PythonUDTF",
          EXPRESSIONS + "InputFileName",
          EXPRESSIONS + "InputFileBlockStart",
          EXPRESSIONS + "InputFileBlockLength",
          EXPRESSIONS + "xml.");

  /**
   * Runs {@code action} on this thread with the rule lifted: how the server itself registers tables
   * and views.
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

  static boolean isPrivileged() {
    return PRIVILEGED.get();
  }

  /** The session's options, before a client statement's text is parsed. */
  public static void checkSession(SparkSession session) {
    if (!isPrivileged()) {
      checkSessionOptions(session, ServedCatalog.get());
    }
  }

  /**
   * Checks a client statement as parsed, then analyses it (without running it) and checks the
   * analysed plan; throws {@link ReadOnlyViolation} for anything not allowed. Analysis errors (an
   * unknown column, a type error) are thrown as Spark throws them.
   */
  public static void checkStatement(SparkSession session, LogicalPlan parsed) {
    if (isPrivileged()) {
      return;
    }
    Served served = ServedCatalog.get();
    checkSessionOptions(session, served);
    walk(parsed, true, node -> checkParsedNode(node, served), ReadOnlyGuard::checkParsedExpression);
    List<LogicalPlan> statements = new ArrayList<>();
    statements.add(parsed);
    if (parsed instanceof ExplainCommand e) {
      statements.add(e.logicalPlan());
    } else if (parsed instanceof DescribeQueryCommand d) {
      statements.add(d.plan());
    }
    for (LogicalPlan statement : statements) {
      LogicalPlan analysed =
          privileged(
              () ->
                  session
                      .sessionState()
                      .executePlan(statement, CommandExecutionMode.SKIP())
                      .analyzed());
      check(session, analysed);
    }
  }

  /** Checks an analysed client plan; throws {@link ReadOnlyViolation} for anything not allowed. */
  static void check(SparkSession session, LogicalPlan plan) {
    if (isPrivileged()) {
      return;
    }
    Served served = ServedCatalog.get();
    checkSessionOptions(session, served);
    walk(plan, false, node -> checkNode(node, served), ReadOnlyGuard::checkExpression);
  }

  /**
   * The session's options that are not allowed, key to value: an option may differ from the
   * server's only in {@link SqlAllowList#SET_KEYS}, {@link SqlAllowList#ENGINE_MANAGED_KEYS}, or by
   * holding the option's registered default where the server does not set it (Spark and Delta write
   * some defaults into a new session's options). A server option the session no longer holds
   * (unset) counts with its registered default.
   *
   * @param session the options the session holds
   * @param server the server session's options
   * @param defaults an option's registered default value, or null when it has none
   */
  static Map<String, String> disallowedOptions(
      Map<String, String> session,
      Map<String, String> server,
      java.util.function.Function<String, String> defaults) {
    Map<String, String> bad = new TreeMap<>();
    session.forEach(
        (k, v) -> {
          if (SqlAllowList.SET_KEYS.contains(k)
              || v.equals(server.get(k))
              || SqlAllowList.ENGINE_MANAGED_KEYS.contains(k)
              || (!server.containsKey(k) && v.equals(defaults.apply(k)))) {
            return;
          }
          bad.put(k, v);
        });
    server.forEach(
        (k, v) -> {
          String fallback = defaults.apply(k);
          if (!session.containsKey(k)
              && !SqlAllowList.SET_KEYS.contains(k)
              && !SqlAllowList.ENGINE_MANAGED_KEYS.contains(k)
              && fallback != null
              && !fallback.equals(v)) {
            bad.put(k, fallback + " (unset)");
          }
        });
    return bad;
  }

  /** The registered default of a Spark SQL (or Delta) option, or null. */
  static String registeredDefault(String key) {
    org.apache.spark.internal.config.ConfigEntry<?> entry =
        org.apache.spark.sql.internal.SQLConf$.MODULE$.getConfigEntry(key);
    return entry == null ? null : entry.defaultValueString();
  }

  private static void checkSessionOptions(SparkSession session, Served served) {
    if (session == null || served == null) {
      return;
    }
    Map<String, String> bad =
        disallowedOptions(
            scala.collection.JavaConverters.mapAsJavaMap(
                session.sessionState().conf().getAllConfs()),
            served.serverOptions(),
            ReadOnlyGuard::registeredDefault);
    if (!bad.isEmpty()) {
      throw new ReadOnlyViolation(
          "this session changed the server option(s) "
              + bad.keySet()
              + ", by SET or in the connection URL; only "
              + new java.util.TreeSet<>(SqlAllowList.SET_KEYS)
              + " may differ. Connect again without them in the JDBC URL");
    }
  }

  /**
   * Visits every plan node, including subqueries in expressions and CTE bodies, and every
   * expression of each node. With {@code inner} (parsed plans), also the statement inside EXPLAIN /
   * DESCRIBE QUERY; analysed plans keep it unresolved, and {@link #checkStatement} analyses and
   * checks it on its own.
   */
  private static void walk(
      LogicalPlan root,
      boolean inner,
      java.util.function.Consumer<LogicalPlan> onNode,
      java.util.function.Consumer<Expression> onExpression) {
    List<LogicalPlan> todo = new ArrayList<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      LogicalPlan node = todo.remove(todo.size() - 1);
      onNode.accept(node);
      if (node instanceof View v && v.isTempView() == false && isTrustedView(v)) {
        continue; // a view the server registered: its definition is Polku's own
      }
      addAll(todo, node.children().iterator());
      Iterator<?> innerPlans = node.innerChildren().iterator();
      while (innerPlans.hasNext()) {
        Object o = innerPlans.next();
        if (o instanceof LogicalPlan p) {
          todo.add(p);
        }
      }
      if (inner && node instanceof ExplainCommand e) {
        todo.add(e.logicalPlan());
      } else if (inner && node instanceof DescribeQueryCommand d) {
        todo.add(d.plan());
      }
      Iterator<Expression> exprs = node.expressions().iterator();
      while (exprs.hasNext()) {
        List<Expression> etodo = new ArrayList<>();
        etodo.add(exprs.next());
        while (!etodo.isEmpty()) {
          Expression e = etodo.remove(etodo.size() - 1);
          onExpression.accept(e);
          if (e instanceof PlanExpression<?> pe && pe.plan() instanceof LogicalPlan p) {
            todo.add(p);
          }
          addAll(etodo, e.children().iterator());
        }
      }
    }
  }

  private static <T> void addAll(List<T> to, Iterator<T> it) {
    while (it.hasNext()) {
      to.add(it.next());
    }
  }

  private static boolean isTrustedView(View v) {
    Served served = ServedCatalog.get();
    return served != null && served.isView(v.desc().identifier());
  }

  private static void checkParsedNode(LogicalPlan node, Served served) {
    if (node instanceof UnresolvedRelation r) {
      checkTableName(r.multipartIdentifier(), served);
    } else if (node instanceof UnresolvedTable t) {
      checkTableName(t.multipartIdentifier(), served);
    } else if (node instanceof UnresolvedTableOrView t) {
      checkTableName(t.multipartIdentifier(), served);
    } else if (node instanceof UnresolvedView v) {
      checkTableName(v.multipartIdentifier(), served);
    } else if (node.getClass().getSimpleName().contains("PathBased")) {
      throw new ReadOnlyViolation(
          "a table given by its path is not allowed; only the lake's"
              + " registered tables are served (see SHOW TABLES), never a path");
    }
    if (node instanceof UnresolvedTableValuedFunction f) {
      String name = bareName(f.name());
      if (name == null || !SqlAllowList.TABLE_FUNCTIONS.contains(name)) {
        throw new ReadOnlyViolation(
            "the table function "
                + f.name().mkString(".")
                + " is not"
                + " on the endpoint's allow-list "
                + new java.util.TreeSet<>(SqlAllowList.TABLE_FUNCTIONS));
      }
    }
    if (node.getClass().getName().endsWith(".PlanWithUnresolvedIdentifier")) {
      throw new ReadOnlyViolation(
          "an IDENTIFIER(...) clause is not allowed; name the table" + " directly");
    }
  }

  private static void checkParsedExpression(Expression e) {
    String name;
    String shown;
    if (e instanceof UnresolvedFunction f) {
      name = bareName(f.nameParts());
      shown = f.nameParts().mkString(".");
    } else if (e instanceof UnresolvedGenerator g) {
      name = g.name().database().isDefined() ? null : g.name().funcName().toLowerCase(Locale.ROOT);
      shown = g.name().unquotedString();
      if (name != null && SqlAllowList.TABLE_FUNCTIONS.contains(name)) {
        return;
      }
    } else if (e.getClass().getName().endsWith(".ExpressionWithUnresolvedIdentifier")) {
      throw new ReadOnlyViolation(
          "an IDENTIFIER(...) clause is not allowed; call the function" + " by its name");
    } else {
      return;
    }
    if (name != null && SqlAllowList.REFUSED_FUNCTIONS.containsKey(name)) {
      throw new ReadOnlyViolation(
          "the function "
              + name
              + " is not allowed: it "
              + SqlAllowList.REFUSED_FUNCTIONS.get(name));
    }
    if (name == null || !SqlAllowList.FUNCTIONS.contains(name)) {
      throw new ReadOnlyViolation(
          "the function "
              + shown
              + " is not on the endpoint's"
              + " allow-list of built-in functions (user functions cannot be created or called;"
              + " call built-ins by their bare name, e.g. upper(x))");
    }
  }

  /**
   * A table name as written: one part (a table, view or CTE name, resolved and checked after
   * analysis), or the served database and a name. Anything else (another database or catalog,
   * {@code delta.`/path`}, {@code text.`/etc/passwd`}) is refused before it is looked up.
   */
  private static void checkTableName(scala.collection.Seq<String> parts, Served served) {
    String db = served == null ? null : served.database();
    boolean ok =
        parts.size() == 1
            || (parts.size() == 2 && parts.head().equalsIgnoreCase(db))
            || (parts.size() == 3
                && parts.head().equalsIgnoreCase("spark_catalog")
                && parts.apply(1).equalsIgnoreCase(db));
    if (!ok) {
      throw new ReadOnlyViolation(
          parts.mkString(".")
              + " is not one of the lake's registered"
              + " tables; only the lake's tables and views are served (see SHOW TABLES), never a"
              + " path or another database");
    }
  }

  /** The lower-case name of a one-part function name, else null. */
  private static String bareName(scala.collection.Seq<String> parts) {
    return parts.size() == 1 ? parts.head().toLowerCase(Locale.ROOT) : null;
  }

  private static void checkNode(LogicalPlan node, Served served) {
    String cls = node.getClass().getName();
    if (!SqlAllowList.PLAN_NODES.contains(cls)) {
      throw new ReadOnlyViolation(
          statementOf(node.getClass().getSimpleName())
              + " is not allowed ("
              + node.getClass().getSimpleName()
              + " is not a read operator"
              + " on the endpoint's allow-list)");
    }
    if (node instanceof LogicalRelation r) {
      requireServed(r.catalogTable(), served, "a relation");
    } else if (node instanceof View v) {
      if (served == null
          || !(served.isView(v.desc().identifier()) || served.isTable(v.desc().identifier()))) {
        throw new ReadOnlyViolation(
            "the view "
                + v.desc().identifier().unquotedString()
                + " is not one of the lake's registered views");
      }
    } else if (node instanceof ResolvedTable t) {
      String name = t.identifier().name();
      boolean servedName =
          served != null
              && t.identifier().namespace().length == 1
              && t.identifier().namespace()[0].equals(served.database())
              && served.tables().contains(name);
      if (!servedName || (t.table() instanceof DeltaTableV2 d && d.catalogTable().isEmpty())) {
        throw new ReadOnlyViolation(
            t.identifier()
                + " is not a registered table of the lake;"
                + " only the lake's tables are served (see SHOW TABLES), never paths");
      }
    } else if (node instanceof ResolvedPersistentView v) {
      if (served == null
          || v.identifier().namespace().length != 1
          || !v.identifier().namespace()[0].equals(served.database())
          || !served.views().contains(v.identifier().name())) {
        throw new ReadOnlyViolation(v.identifier() + " is not a registered view of the lake");
      }
    } else if (node instanceof DescribeDeltaHistoryCommand h) {
      requireServed(h.table().catalogTable(), served, "DESCRIBE HISTORY");
    } else if (node instanceof SetCommand set) {
      checkSet(set);
    }
  }

  private static void requireServed(Option<CatalogTable> table, Served served, String what) {
    if (table.isEmpty()) {
      throw new ReadOnlyViolation(
          what
              + " over a path is not allowed; only the lake's"
              + " registered tables are served (see SHOW TABLES)");
    }
    if (served == null || !served.isTable(table.get().identifier())) {
      throw new ReadOnlyViolation(
          table.get().identifier().unquotedString()
              + " is not a"
              + " registered table of the lake");
    }
  }

  private static void checkSet(SetCommand set) {
    Option<Tuple2<String, Option<String>>> kv = set.kv();
    if (kv.isEmpty()) {
      throw new ReadOnlyViolation(
          "SET without a key (listing the server's settings) is not"
              + " allowed; SET one of "
              + new java.util.TreeSet<>(SqlAllowList.SET_KEYS));
    }
    String key = kv.get()._1().trim();
    if (!SqlAllowList.SET_KEYS.contains(key)) {
      throw new ReadOnlyViolation(
          "SET "
              + key
              + " is not allowed; a session may SET only "
              + new java.util.TreeSet<>(SqlAllowList.SET_KEYS));
    }
  }

  private static void checkExpression(Expression e) {
    String cls = e.getClass().getName();
    boolean builtIn = cls.startsWith(EXPRESSIONS);
    for (String never : NEVER) {
      if (cls.equals(never) || (never.endsWith(".") && cls.startsWith(never))) {
        builtIn = false;
      }
    }
    if (!builtIn) {
      throw new ReadOnlyViolation(
          "the expression "
              + e.prettyName()
              + " ("
              + e.getClass().getSimpleName()
              + ") is not a built-in function on the endpoint's"
              + " allow-list; user functions and reflection cannot be called");
    }
  }

  /** A readable statement kind for a plan class name. */
  static String statementOf(String planClass) {
    String n = planClass.toLowerCase(Locale.ROOT);
    for (String[] kw :
        new String[][] {
          {"scripttransformation", "SELECT TRANSFORM (a script)"},
          {"optimize", "OPTIMIZE"},
          {"vacuum", "VACUUM"},
          {"restore", "RESTORE"},
          {"cache", "CACHE"},
          {"jar", "ADD JAR"},
          {"addfile", "ADD FILE"},
          {"function", "CREATE/DROP FUNCTION"},
          {"view", "CREATE/ALTER/DROP VIEW"},
          {"loaddata", "LOAD DATA"}
        }) {
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
    } else if (n.contains("insert")
        || n.contains("append")
        || n.contains("overwrite")
        || n.contains("writedata")
        || n.contains("replacedata")
        || n.contains("writedelta")) {
      return "INSERT";
    } else if (n.contains("truncate")) {
      return "TRUNCATE";
    } else if (n.contains("drop")) {
      return "DROP";
    } else if (n.contains("create") || n.contains("ctas") || n.contains("replacetable")) {
      return "CREATE";
    } else if (n.contains("alter")
        || n.contains("addcolumns")
        || n.contains("rename")
        || n.contains("settableproperties")
        || n.contains("unsettableproperties")) {
      return "ALTER";
    }
    return "This statement";
  }

  /** Why a statement was refused; the message names the fix. */
  public static final class ReadOnlyViolation extends RuntimeException {
    ReadOnlyViolation(String what) {
      super(
          "Polku's SQL endpoint is read-only: "
              + what
              + ". Only the nightly"
              + " (bin/polku nightly) writes the lake; change the sources or the configuration and"
              + " re-run it. Queries (SELECT) over the lake's tables and views, SHOW, DESCRIBE and"
              + " EXPLAIN are allowed.");
    }
  }
}
