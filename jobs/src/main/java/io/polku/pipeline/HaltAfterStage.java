package io.polku.pipeline;

import io.polku.config.ConfigException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fault injection for the crash tests ({@code polku.debug.halt-after-stage}): the process dies like
 * {@code kill -9} right after the named stage has committed and been audited, with exit status
 * {@link #STATUS}. Testing only; the command line installs it when the key is set.
 */
public final class HaltAfterStage implements StageHook {
  /** The exit status of a process stopped by {@code polku.debug.halt-after-stage}. */
  public static final int STATUS = 99;

  private final String stage;
  private final Consumer<String> progress;

  private HaltAfterStage(String stage, Consumer<String> progress) {
    this.stage = stage;
    this.progress = progress;
  }

  /**
   * The hook for {@code polku.debug.halt-after-stage = stage}, checked against the names of the
   * pipeline's stages.
   */
  public static HaltAfterStage of(
      String stage, List<String> stageNames, Consumer<String> progress) {
    if (!stageNames.contains(stage)) {
      throw new ConfigException(
          "polku.debug.halt-after-stage = '"
              + stage
              + "' is not a stage; expected one of "
              + stageNames
              + "; fix it or unset it");
    }
    return new HaltAfterStage(stage, progress);
  }

  @Override
  public void afterStage(NightlyPipeline.StageReport report) {
    if (report.stage().equals(stage) && "succeeded".equals(report.status())) {
      progress.accept(
          "Halting after stage " + stage + " (polku.debug.halt-after-stage; testing only)");
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(STATUS);
    }
  }
}
