package io.polku.lake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import scala.collection.JavaConverters;

/**
 * The lake tables and views a SQL query names, found with the session's parser (no catalog, no
 * analysis): every relation in the query, its CTE definitions and its subqueries, so a process
 * registers only those instead of the whole lake.
 *
 * <p>Only a query (SELECT, WITH, VALUES, TABLE) is answered. A command (SHOW TABLES, DESCRIBE,
 * EXPLAIN, INSERT, SET, ...) may need the whole catalog: {@link #of} returns empty and the caller
 * registers everything. Names are lower case, without the database; a name qualified with another
 * database or a path (``delta.`/x` ``) is not the lake's and is left out. CTE names are included
 * (the parser cannot tell them from tables); a caller that registers only known lake names ignores
 * them.
 */
public final class QueryRelations {
  private QueryRelations() {}

  /**
   * The names of the relations {@code sql} reads in {@code database} (or unqualified), or empty
   * when the statement is not a plain query. A statement that does not parse gives an empty set:
   * running it reports the syntax error.
   */
  public static Optional<Set<String>> of(SparkSession spark, String sql, String database) {
    LogicalPlan plan;
    try {
      plan = spark.sessionState().sqlParser().parsePlan(sql);
    } catch (ParseException e) {
      return Optional.of(Set.of());
    }
    Set<String> names = new LinkedHashSet<>();
    Deque<LogicalPlan> todo = new ArrayDeque<>();
    todo.push(plan);
    while (!todo.isEmpty()) {
      LogicalPlan p = todo.pop();
      if (p instanceof Command || p instanceof ParsedStatement) {
        return Optional.empty();
      }
      if (p instanceof UnresolvedRelation r) {
        lakeName(JavaConverters.seqAsJavaList(r.multipartIdentifier()), database)
            .ifPresent(names::add);
      }
      // Children, CTE definitions (inner children) and the plans of subquery expressions.
      JavaConverters.seqAsJavaList(p.children()).forEach(todo::push);
      for (Object inner : JavaConverters.seqAsJavaList(p.innerChildren())) {
        if (inner instanceof LogicalPlan lp) {
          todo.push(lp);
        }
      }
      JavaConverters.seqAsJavaList(p.subqueries()).forEach(todo::push);
    }
    return Optional.of(names);
  }

  /** {@code name}, {@code db.name} or {@code spark_catalog.db.name}, with db the lake's. */
  private static Optional<String> lakeName(List<String> parts, String database) {
    String db = database.toLowerCase(Locale.ROOT);
    List<String> lower = parts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    int n = lower.size();
    boolean ours =
        n == 1
            || (n == 2 && lower.get(0).equals(db))
            || (n == 3 && lower.get(0).equals("spark_catalog") && lower.get(1).equals(db));
    return ours ? Optional.of(lower.get(n - 1)) : Optional.empty();
  }
}
