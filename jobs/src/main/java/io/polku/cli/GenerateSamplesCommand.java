package io.polku.cli;

import io.polku.samples.SampleGenerator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes realistic raw sample sources with planted root causes and bad rows. */
@Command(
    name = "generate-samples",
    mixinStandardHelpOptions = true,
    description =
        "Generate deterministic raw sample sources (web, app, calls, e-mail, shop,"
            + " surveys, CRM, identity links) with planted root-cause scenarios, a red herring and"
            + " bad rows; the truth goes to GROUND_TRUTH.json, counts to MANIFEST.json.")
public final class GenerateSamplesCommand implements Callable<Integer> {
  @Option(
      names = "--customers",
      defaultValue = "2000",
      description = "Customers." + " Default: ${DEFAULT-VALUE}.")
  int customers;

  @Option(names = "--days", defaultValue = "60", description = "Days. Default: ${DEFAULT-VALUE}.")
  int days;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed. Default:" + " ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2026-09-01",
      description = "First day (UTC)." + " Default: ${DEFAULT-VALUE}.")
  LocalDate start;

  @Option(
      names = "--out",
      defaultValue = "data-samples",
      description = "Output folder." + " Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--no-scenarios",
      description =
          "Plant no root causes: behaviour has no"
              + " effect on scores (a null data set for checking false discoveries).")
  boolean noScenarios;

  @Option(
      names = "--scenarios",
      split = ",",
      paramLabel = "KIND",
      defaultValue = "S1,S2,S3,S4",
      description =
          "Scenario kinds to plant, comma-separated, of S1-S7. S5 (a parcel that is"
              + " never delivered: a second cause under the same vaguer 'failed web-shop step' as"
              + " S3's late delivery) adds raw/shop/delivery_exceptions.csv, read by the source"
              + " shop_delivery_exceptions (disabled in conf/local.conf; enable it with --set"
              + " polku.sources.shop_delivery_exceptions.enabled=true). S6 (a price-change notice"
              + " e-mail, the contract terms page and a call, no failure) adds those events; S7 (an"
              + " order of 4+ items, a small effect on the delivery NPS) only its effect. Name them"
              + " with polku.rootcause.steps and polku.rootcause.properties. Default: ${DEFAULT-VALUE}"
              + " (the committed samples).")
  List<String> scenarios;

  @Option(
      names = "--rated-channels",
      split = ",",
      paramLabel = "CHANNEL",
      description =
          "Keep only the surveys rating these channels (of phone, chat, shop, app,"
              + " web), e.g. --rated-channels shop for a data set with a single rated channel; the"
              + " behaviour in every channel stays. Default: all.")
  List<String> ratedChannels = List.of();

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    SampleGenerator.Result r =
        new SampleGenerator(
                new SampleGenerator.Options(
                    customers, days, seed, start, !noScenarios, scenarios, ratedChannels))
            .generate(out);
    for (Map.Entry<String, Long> e : r.rowsPerSource().entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "  %-22s rows %,9d  planted bad rows %,4d%n",
          e.getKey(),
          e.getValue(),
          r.badRowsPerSource().getOrDefault(e.getKey(), 0L));
    }
    System.out.printf(
        Locale.ROOT,
        "Wrote %s (%,d bytes) in %.1f s%n",
        out,
        r.bytesWritten(),
        (System.nanoTime() - t0) / 1e9);
    return ExitCodes.OK;
  }
}
