package io.polku.cli;

import io.polku.ingest.IngestStage;
import io.polku.pipeline.NightlyPipeline;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs only the ingest stage. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Ingest the configured sources into the silver tables for --date D or"
            + " --from D1 --to D2, quarantining invalid rows.")
public final class IngestCommand implements Callable<Integer> {
  @Mixin Environment env;

  @ArgGroup(exclusive = false)
  DateRange dates = new DateRange();

  @Option(
      names = "--source",
      paramLabel = "NAME",
      description = "Only this source (repeatable). Default: every configured source.")
  List<String> sources = List.of();

  @Option(
      names = "--json",
      description =
          "Print one JSON document with the run's summary on"
              + " stdout (as nightly --json); progress lines go to stderr.")
  boolean json;

  @Override
  public Integer call() {
    NightlyPipeline pipeline =
        new NightlyPipeline(List.of(new IngestStage(new IngestStage.Options(sources))));
    return NightlyCommand.run(env, dates, pipeline, "ingest", json);
  }
}
