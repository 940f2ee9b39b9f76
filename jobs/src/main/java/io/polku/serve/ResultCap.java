package io.polku.serve;

import io.polku.serve.ServedCatalog.Served;
import org.apache.spark.sql.catalyst.analysis.AnalysisContext;
import org.apache.spark.sql.catalyst.analysis.AnalysisContext$;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Limit;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.datasources.LogicalRelation;

/**
 * The row cap of the SQL endpoint ({@code polku.serve.max-result-rows}): a client query that reads
 * the lake's tables gets a {@code LIMIT cap} on top, so one query cannot pull a whole table through
 * the driver. Applied at the top of a client statement only: not inside subqueries or view bodies
 * (that would change their meaning), not to commands, not to the internal queries Delta runs over
 * its log (their relations are paths, not served tables).
 */
final class ResultCap extends Rule<LogicalPlan> {
  private static final long serialVersionUID = 1L;

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    Served served = ServedCatalog.get();
    if (served == null
        || served.maxResultRows() <= 0
        || ReadOnlyGuard.isPrivileged()
        || plan instanceof Command) {
      return plan;
    }
    AnalysisContext context = AnalysisContext$.MODULE$.get();
    if (context.outerPlan().isDefined() || !context.catalogAndNamespace().isEmpty()) {
      return plan;
    }
    long cap = served.maxResultRows();
    if (plan instanceof GlobalLimit g
        && g.limitExpr().foldable()
        && ((Number) g.limitExpr().eval(null)).longValue() <= cap) {
      return plan;
    }
    if (!readsServedTables(plan, served)) {
      return plan;
    }
    return (LogicalPlan)
        Limit.apply(
            Literal.create(
                (int) Math.min(cap, Integer.MAX_VALUE),
                org.apache.spark.sql.types.DataTypes.IntegerType),
            plan);
  }

  /** True when the plan reads a served table or view (and so is a client query). */
  private static boolean readsServedTables(LogicalPlan plan, Served served) {
    return plan.find(
            node ->
                (node instanceof LogicalRelation r
                        && r.catalogTable().isDefined()
                        && served.isTable(r.catalogTable().get().identifier()))
                    || (node instanceof View v && served.isView(v.desc().identifier())))
        .isDefined();
  }
}
