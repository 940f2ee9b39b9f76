package io.polku.pipeline;

/** A pipeline stage: reads its inputs from the lake, writes its outputs atomically. */
public interface Stage {
  String name();

  StageResult run(RunContext context);
}
