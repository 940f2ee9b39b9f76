package io.polku.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Session extension of the SQL endpoint ({@code spark.sql.extensions}): wraps the parser in {@link
 * GuardedParser}, which checks every client statement with {@link ReadOnlyGuard} before it runs,
 * and injects {@link ResultCap} as a post-hoc resolution rule. Only {@code bin/polku serve}
 * installs it. (Not a check rule: Spark runs those on the queries Delta builds over its log too,
 * which are no client's.)
 */
public final class ReadOnlyExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectParser(new ParserBuilder());
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

  private static final class CapBuilder extends AbstractFunction1<SparkSession, Rule<LogicalPlan>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Rule<LogicalPlan> apply(SparkSession session) {
      return new ResultCap();
    }
  }
}
