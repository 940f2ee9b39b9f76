package io.polku.pipeline;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Spark's job group (its id, description and interrupt flag: the thread's local properties) set
 * around a piece of work and restored afterwards, so that a nested group (a source within ingest)
 * or a caller's own group (a notebook, a test) comes back when the work ends. As Iceberg's {@code
 * BaseSparkAction.withJobGroupInfo} does.
 */
public final class JobGroup {
  private static final String ID = "spark.jobGroup.id";
  private static final String DESCRIPTION = "spark.job.description";
  private static final String INTERRUPT = "spark.job.interruptOnCancel";

  private JobGroup() {}

  /** Runs {@code work} in job group {@code id} and restores the group that was set before. */
  public static <T> T with(SparkContext sc, String id, String description, Supplier<T> work) {
    String previousId = sc.getLocalProperty(ID);
    String previousDescription = sc.getLocalProperty(DESCRIPTION);
    String previousInterrupt = sc.getLocalProperty(INTERRUPT);
    sc.setJobGroup(id, description, false);
    try {
      return work.get();
    } finally {
      sc.setLocalProperty(ID, previousId);
      sc.setLocalProperty(DESCRIPTION, previousDescription);
      sc.setLocalProperty(INTERRUPT, previousInterrupt);
    }
  }

  /** {@link #with(SparkContext, String, String, Supplier)} for work without a result. */
  public static void run(SparkContext sc, String id, String description, Runnable work) {
    with(
        sc,
        id,
        description,
        () -> {
          work.run();
          return null;
        });
  }
}
