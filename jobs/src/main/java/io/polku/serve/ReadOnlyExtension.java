package io.polku.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Session extension of the SQL endpoint ({@code spark.sql.extensions}): injects
 * {@link ReadOnlyGuard} as a check rule, so every statement of every client session is checked
 * after analysis, before it runs. Only {@code bin/polku serve} installs it.
 */
public final class ReadOnlyExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(new CheckRuleBuilder());
    return BoxedUnit.UNIT;
  }

  private static final class CheckRuleBuilder
      extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
      return new CheckRule();
    }
  }

  private static final class CheckRule extends AbstractFunction1<LogicalPlan, BoxedUnit>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public BoxedUnit apply(LogicalPlan plan) {
      ReadOnlyGuard.check(plan);
      return BoxedUnit.UNIT;
    }
  }
}
