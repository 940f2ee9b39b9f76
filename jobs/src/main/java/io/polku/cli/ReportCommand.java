package io.polku.cli;

import io.polku.report.RunReport;
import io.polku.session.PolkuSession;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the run report of a date (see {@link RunReport}). */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write the run report of --date (default: the last date of the latest"
            + " succeeded run) as one self-contained HTML file, <date>.html and latest.html, in"
            + " --out (default: <lake root>/reports); --format md writes Markdown with the charts"
            + " as linked SVG files. Every number comes from the lake's tables.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--date",
      paramLabel = "D",
      description = "The report date (yyyy-MM-dd); the windows end on it.")
  String date;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output folder (local path or a Hadoop URI). Default: <lake root>/reports.")
  String out;

  @Option(
      names = "--format",
      defaultValue = "html",
      description = "html or md. Default: ${DEFAULT-VALUE}.")
  String format;

  @Override
  public Integer call() {
    RunReport.Format f = RunReport.Format.parse(format);
    LocalDate day = null;
    if (date != null) {
      try {
        day = LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--date " + date + " is not a date; expected" + " yyyy-MM-dd, e.g. --date 2026-10-30");
      }
    }
    try (PolkuSession.Opened opened = PolkuSession.openUnregistered(env.config(), "report")) {
      RunReport.Result r = RunReport.write(opened.lake(), day, null, out, f);
      for (String file : r.files()) {
        System.out.println("Wrote " + file);
      }
      System.out.printf(
          Locale.ROOT,
          "Report of %s: %.1f KB in %.1f s%n",
          r.date(),
          r.bytes() / 1024.0,
          r.duration().toMillis() / 1000.0);
      return ExitCodes.OK;
    }
  }
}
