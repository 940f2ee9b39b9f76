package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.ingest.SourcePreview;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A dry run of one source's mapping on a sample of its raw files; writes nothing. */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description =
        "Dry-run one source's mapping on a sample of its raw files (the last --files"
            + " matches): the canonical rows as a table, quarantine counts by reason with an"
            + " example each, the contract columns left null, and what later stages need that"
            + " the mapping leaves out. Writes nothing: no lake, no tables, no log in the lake.")
public final class PreviewCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--source",
      paramLabel = "NAME",
      required = true,
      description = "The configured source to preview.")
  String source;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "10",
      description = "Canonical rows to show. Default: ${DEFAULT-VALUE}.")
  int rows;

  @Option(
      names = "--files",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Read the last N files the source's paths match (sorted by path)."
              + " Default: ${DEFAULT-VALUE}.")
  int files;

  @Override
  public Integer call() {
    if (rows < 1 || files < 1) {
      throw new IllegalArgumentException(
          "--rows "
              + rows
              + " --files "
              + files
              + ": expected"
              + " 1 or more for both; fix the value");
    }
    PolkuConfig config = env.config();
    SourcePreview.source(config, source); // an unknown name fails before Spark starts
    try (PolkuSession.Opened session = PolkuSession.openWithoutLake(config, "preview")) {
      print(SourcePreview.run(session.spark(), config, source, rows, files), System.out);
    }
    return ExitCodes.OK;
  }

  static void print(SourcePreview.Result r, PrintStream out) {
    var s = r.source();
    out.printf(
        Locale.ROOT,
        "Preview of source %s (kind %s, %s%s): %s%n",
        s.name(),
        s.kind().configName(),
        s.format(),
        s.snapshot() ? ", snapshot" : "",
        r.listed() == 0
            ? "read as configured"
            : "read " + r.files().size() + " of " + r.listed() + " file(s), the last by name");
    for (String f : r.files()) {
      out.println("  " + f);
    }
    out.printf(
        Locale.ROOT,
        "Rows read %,d = valid %,d + quarantined %,d (no run dates: every"
            + " valid row is shown whatever its date; nothing was written)%n%n",
        r.read(),
        r.valid(),
        r.quarantined());
    out.printf(
        Locale.ROOT,
        "Canonical %s rows (first %d of %,d valid):%n",
        s.kind().table().name(),
        r.rows().size(),
        r.valid());
    out.print(TextTable.render(r.header(), r.rows()));
    if (s.snapshot()) {
      out.println(
          "(observed_ts of a snapshot: 00:00 UTC of the first date of the first run"
              + " that reads the pair; today's date here)");
    }
    out.println();
    if (r.reasons().isEmpty()) {
      out.println("Quarantined: none");
    } else {
      out.println("Quarantined by reason (one example each):");
      for (SourcePreview.Reason q : r.reasons()) {
        out.printf(Locale.ROOT, "  %-24s %,8d  e.g. %s%n", q.code(), q.rows(), q.example());
        String raw = q.raw() == null ? "" : q.raw().replace('\n', ' ');
        out.println(
            "  "
                + " ".repeat(34)
                + "record: "
                + (raw.length() > 160 ? raw.substring(0, 157) + "..." : raw));
      }
    }
    out.println();
    out.println(
        "Contract columns left null (not mapped): "
            + (r.unmapped().isEmpty() ? "none" : String.join(", ", r.unmapped())));
    if (!r.emptyMapped().isEmpty()) {
      out.println(
          "Mapped but null in every sampled valid row: "
              + String.join(", ", r.emptyMapped())
              + " (check the expressions in "
              + s.key("columns")
              + ")");
    }
    out.println();
    if (r.needs().isEmpty()) {
      out.println("What later stages need: all there.");
    } else {
      out.println("What later stages need that is left out:");
      r.needs().forEach(n -> out.println("  - " + n));
    }
  }
}
