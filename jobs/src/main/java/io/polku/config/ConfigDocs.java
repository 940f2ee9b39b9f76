package io.polku.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates {@code docs/configuration.md} from the key declarations ({@link ConfigKeys}). A test
 * fails when the committed file is stale, and when a declaration and {@code reference.conf}
 * disagree; regenerate with {@code bin/polku docs --config --out docs/configuration.md}.
 */
public final class ConfigDocs {
  /** A default longer than this is shown below its area's table instead of in the cell. */
  private static final int INLINE_DEFAULT = 60;

  private ConfigDocs() {}

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Polku configuration keys\n\n");
    sb.append(
        """
        Generated from the key declarations in `io.polku.config` (one `*Keys` class per area).
        Do not edit by hand: run `bin/polku docs --config --out docs/configuration.md` after
        changing a key. A test checks that every key of `jobs/src/main/resources/reference.conf`
        is declared here with the same default, and that this file is up to date.

        HOCON; precedence, highest first: `--set KEY=VALUE`, the `--conf` file, then
        `reference.conf`. How values are written, secrets, and why a key under `polku` that is
        not listed here is an error: [usage.md](usage.md#configuration). *unset* means no value
        (`null`, or an unset `${?VAR}`); `<name>` stands for a name you choose.

        """);
    sb.append("- [Long history: a worked example](#long-history-a-worked-example)\n");
    for (ConfigArea a : ConfigKeys.AREAS) {
      sb.append("- [").append(a.title()).append("](#").append(anchor(a.title())).append(")\n");
    }
    sb.append('\n');
    sb.append(LONG_HISTORY);
    for (ConfigArea a : ConfigKeys.AREAS) {
      area(sb, a);
    }
    return sb.toString();
  }

  private static void area(StringBuilder sb, ConfigArea a) {
    sb.append("## ").append(a.title()).append("\n\n").append(a.intro()).append("\n\n");
    sb.append("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n");
    StringBuilder below = new StringBuilder();
    for (ConfigKey<?> k : a.keys()) {
      String def;
      if (!k.hasDefault()) {
        def = "*unset*";
      } else if (k.defaultText().length() > INLINE_DEFAULT || k.defaultText().contains("\n")) {
        def = "below";
        below
            .append("`")
            .append(k.key())
            .append("`:\n\n```hocon\n")
            .append(k.defaultText())
            .append("\n```\n\n");
      } else {
        def = code(k.defaultText());
      }
      sb.append("| `")
          .append(k.key())
          .append("` | ")
          .append(k.type().shown())
          .append(" | ")
          .append(def)
          .append(" | ")
          .append(k.check() == null ? "" : cell(k.check().describe()))
          .append(" | ")
          .append(cell(k.doc()))
          .append(" |\n");
    }
    sb.append('\n');
    if (below.length() > 0) {
      sb.append("Defaults:\n\n").append(below);
    }
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'. */
  private static String anchor(String title) {
    return title
        .toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9 _-]", "")
        .replace(' ', '-');
  }

  private static String code(String s) {
    return "`" + cell(s) + "`";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }

  public static void write(Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
  }

  /** The worked example: which keys matter for two years of history, read from the stages. */
  private static final String LONG_HISTORY =
      """
      ## Long history: a worked example

      Two years of history (2025-01-01 to 2026-12-31) loaded into a new lake, then a nightly.
      What each key that sounds like "history" really does:

      - `polku.journeys.lookback` (7d) is **not** how much history is kept or analysed. It is
        how far back before a response its context (`feedback_context.last_steps`, at most
        `context-steps` steps) reaches, and so how many days of events a run reads before the
        journeys it re-opens. Leave it at 7d for two years of data; raise it only if the
        journey before a response really spans longer (every run then reads that many more
        days of events).
      - `polku.rootcause.window-days` (90) is the rolling window a root-cause run analyses:
        responses dated in [D - 89, D] for a run whose last date is D. Every night analyses
        the whole window again, so its cost follows the window. Keep 90 for the nightly; to
        search the two years once, run their last night with a 730-day window.
      - `polku.rootcause.min-support-share` (0.05) is relative to the window: a segment must
        hold at least max(share, `min-support` / critical responses) of a scope's critical
        responses. In a 730-day window 5% is about 36 days' worth of critical responses, so a
        cause that lasted a month would not reach it; lower the share (0.01) and let
        `min-support` (10) be the absolute floor.
      - `polku.ingest.duplicate-window-days` (7): an id already written for another date within
        this many days of a run's dates is a `DUPLICATE_ID`. Loading two years in batches, a
        copy re-sent further away than that (a corrected monthly re-export) is not detected;
        raise it to cover how far apart your systems re-send (each run then reads the ids of
        that many days around its dates, not the history).
      - `polku.sources.<name>.file-date-pattern`: without it every run reads all of a source's
        files (two years) and keeps its own dates; with it a batch or a night reads only the
        files dated within its dates ± `file-date-margin-days` (1). Set it on every file
        source exported per day.
      - `polku.ingest.earliest-timestamp` ("2000-01-01T00:00:00Z") quarantines older rows:
        two years are fine, lower it for history before 2000.

      ```hocon
      polku {
        ingest.duplicate-window-days = 31   # re-exports within a month are duplicates
        sources.web_clickstream.file-date-pattern = "clickstream-(\\\\d{4}-\\\\d{2}-\\\\d{2})"
        # journeys.lookback stays 7d; rootcause.window-days stays 90 for the nightly
      }
      ```

      ```bash
      bin/polku nightly --from 2025-01-01 --to 2026-12-31 --batch-days 30     # the backfill
      bin/polku nightly --date 2026-12-31 \\
        --set polku.rootcause.window-days=730 --set polku.rootcause.min-support-share=0.01
      ```

      The second command re-runs the last night with a two-year root-cause window; its
      `root_cause_*` partition for 2026-12-31 then holds the two-year search. It changes the
      configuration hash, so `--resume` with the nightly configuration runs that date again.
      Batches give what running the dates night by night would have given
      ([operations.md](operations.md#backfills-batches-and-resume)).

      """;
}
