package io.polku.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Session extension of the SQL endpoint ({@code spark.sql.extensions}): wraps the parser in
 * {@link GuardedParser}, injects {@link ReadOnlyGuard} as a check rule (every statement of
 * every client session is checked after analysis, before it runs) and {@link ResultCap} as a
 * post-hoc resolution rule. Only {@code bin/polku serve} installs it.
 */
public final class ReadOnlyExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectParser(new ParserBuilder());
    extensions.injectCheckRule(new CheckRuleBuilder());
    extensions.injectPostHocResolutionRule(new CapBuilder());
    return BoxedUnit.UNIT;
  }

  private static final class ParserBuilder
      extends AbstractFunction2<SparkSession, ParserInterface, ParserInterface>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public ParserInterface apply(SparkSession session, ParserInterface delegate) {
      return new GuardedParser(session, delegate);
    }
  }

  private static final class CheckRuleBuilder
      extends AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
      return new CheckRule(session);
    }
  }

  private static final class CheckRule extends AbstractFunction1<LogicalPlan, BoxedUnit>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient SparkSession session;

    CheckRule(SparkSession session) {
      this.session = session;
    }

    @Override
    public BoxedUnit apply(LogicalPlan plan) {
      ReadOnlyGuard.check(session, plan);
      return BoxedUnit.UNIT;
    }
  }

  private static final class CapBuilder
      extends AbstractFunction1<SparkSession, Rule<LogicalPlan>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Rule<LogicalPlan> apply(SparkSession session) {
      return new ResultCap();
    }
  }
}
