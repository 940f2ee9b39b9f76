package io.polku.pipeline;

import io.polku.contract.TableSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What every stage does around its own work, written once: the timing, the output tables ensured
 * before anything is read (so a re-run or an empty first night finds them), Spark's job group
 * {@code polku-<name>} set for the stage and the caller's group restored after it ({@link
 * JobGroup}), and the {@link StageResult}. A stage keeps only its read, transform and write, in
 * {@link #execute}.
 */
public abstract class BaseStage implements Stage {
  private final String name;
  private final String description;
  private final List<TableSpec> tables;

  /**
   * @param name the stage's name (progress lines, run_audit, job group)
   * @param description the job group's description
   * @param tables tables to create empty, if missing, before {@link #execute} runs
   */
  protected BaseStage(String name, String description, TableSpec... tables) {
    this.name = name;
    this.description = description;
    this.tables = List.of(tables);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final StageResult run(RunContext ctx) {
    Instant started = Instant.now();
    return JobGroup.with(
        ctx.spark().sparkContext(),
        "polku-" + name,
        description,
        () -> {
          tables.forEach(ctx.lake()::ensure);
          Outcome outcome = execute(ctx);
          return new StageResult(
              name,
              outcome.objects(),
              outcome.warnings(),
              Duration.between(started, Instant.now()),
              outcome.explanations());
        });
  }

  /** The stage's own work: read its inputs, transform, write its outputs. */
  protected abstract Outcome execute(RunContext ctx);

  /**
   * What {@link #execute} reports: counts per object, warnings, and explanations of why it wrote
   * nothing or less than expected ({@link StageResult#explanations}).
   */
  public record Outcome(
      List<StageResult.ObjectCounts> objects, List<String> warnings, List<String> explanations) {
    public Outcome {
      objects = List.copyOf(objects);
      warnings = List.copyOf(warnings);
      explanations = List.copyOf(explanations);
    }

    /** Counts and warnings, no explanations. */
    public Outcome(List<StageResult.ObjectCounts> objects, List<String> warnings) {
      this(objects, warnings, List.of());
    }

    /** Counts with no warnings. */
    public static Outcome of(StageResult.ObjectCounts... objects) {
      return new Outcome(List.of(objects), List.of());
    }
  }
}
