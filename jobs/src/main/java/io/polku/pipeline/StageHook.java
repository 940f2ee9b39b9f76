package io.polku.pipeline;

/**
 * Called by {@link NightlyPipeline} around each stage, outside the stages' own work: the command
 * line's lock check and run summary, and fault injection in the crash tests ({@link
 * HaltAfterStage}). A hook that throws before a stage stops the run there.
 */
public interface StageHook {
  /** Before {@code stage} starts. */
  default void beforeStage(String stage) {}

  /** After a stage ended, succeeded or not (its audit row is written already). */
  default void afterStage(NightlyPipeline.StageReport report) {}
}
