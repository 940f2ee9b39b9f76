package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.erasure.Erasure;
import io.polku.lake.LakeLock;
import io.polku.lake.Maintenance;
import io.polku.pipeline.RunContext;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Right to erasure: deletes a person's rows from every table of the lake. */
@Command(
    name = "forget",
    mixinStandardHelpOptions = true,
    description = {
      "Right to erasure: resolve each customer id to its person (identity_map) and"
          + " all identifiers of that person (cookies, devices, e-mail and phone hashes, other"
          + " customer ids), delete every row of the person from every table that holds person"
          + " rows (one Delta commit per table), and record it in erasure_log with a keyed hash"
          + " of the id (needs polku.erasure.salt / POLKU_ERASURE_SALT), never the id.",
      "Takes the lake's run lock: it never runs alongside a nightly. The deleted rows stay"
          + " in the tables' Delta history until VACUUM; --vacuum runs it now with the"
          + " retention of polku.maintenance (168 h minimum without --force), on every"
          + " table that holds person rows. The person's identifiers go, as keyed hashes,"
          + " to the erasure ledger (erased_identifiers): ingest drops their rows from then"
          + " on. The sources are not touched: delete the person there.",
      "Exit 5 when some id was not found (no identity_map entry and no row); the others"
          + " are erased all the same."
    })
public final class ForgetCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--customer-id",
      paramLabel = "ID",
      description = "A customer id (customer_id) to erase. Repeatable.")
  List<String> customerIds = List.of();

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description =
          "A file of customer ids, one per line (a first line 'customer_id' or 'id'"
              + " is a header; blank lines are skipped).")
  Path file;

  @Option(
      names = "--vacuum",
      description =
          "VACUUM every table that holds person rows (also"
              + " those an earlier forget deleted from), with polku.maintenance.retention-hours (or"
              + " --retention-hours).")
  boolean vacuum;

  @Option(
      names = "--retention-hours",
      paramLabel = "H",
      description =
          "VACUUM retention for --vacuum (overrides"
              + " polku.maintenance.retention-hours). 0 removes the deleted rows' files at once.")
  Integer retentionHours;

  @Option(
      names = "--force",
      description =
          "Allow a --vacuum retention below 168 h (only when"
              + " nothing else reads or writes the lake: older versions lose their files).")
  boolean force;

  static final String SOURCES_CAVEAT =
      "The sources were not changed: their files still hold"
          + " this person. Later ingest runs drop the person's rows by the erasure ledger"
          + " (erased_identifiers); deleting them from the source systems and landing files is"
          + " the operator's job (docs/operations.md, right to erasure).";

  @Override
  public Integer call() {
    PolkuConfig config = env.config();
    List<String> ids = new ArrayList<>(customerIds);
    if (file != null) {
      try {
        ids.addAll(parseIds(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString()));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read --file " + file + ": " + e.getMessage(), e);
      }
    }
    ids = List.copyOf(new LinkedHashSet<>(ids.stream().map(String::trim).toList()));
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(
          "no customer id given; expected --customer-id ID"
              + " (repeatable) or --file FILE with one id per line");
    }
    // Before the lock and Spark: configuration errors fail fast and touch nothing.
    String salt = Erasure.salt(config.raw());
    Integer retention = null;
    if (vacuum) {
      retention =
          retentionHours != null
              ? retentionHours
              : Maintenance.Options.from(config.raw()).retentionHours();
      Maintenance.checkRetention(retention, force);
    }
    Instant started = Instant.now();
    String erasureId = RunContext.newRunId(started);
    try (LakeLock lock =
            LakeLock.acquire(
                LakeLock.hadoopConf(config.sparkConf()),
                config.lakeRoot(),
                LakeLock.Owner.ofThisProcess(erasureId, "forget", started),
                config.lock().heartbeat(),
                config.lock().staleAfter(),
                LakeLock.ProcessProbe.LOCAL,
                System.out::println);
        PolkuSession.Opened opened = PolkuSession.open(config, "forget")) {
      Erasure erasure = new Erasure(opened.lake());
      List<Erasure.Person> persons = erasure.resolve(ids);
      Erasure.Result result =
          erasure.erase(
              erasureId, Instant.now(), persons, lock::checkStillHeld, System.out::println);
      erasure.log(result, salt);

      List<List<String>> rows = new ArrayList<>();
      long total = 0;
      for (Erasure.TableResult t : result.tables()) {
        rows.add(
            List.of(
                t.table(),
                String.valueOf(t.rowsDeleted()),
                t.deltaVersion() == null ? "-" : String.valueOf(t.deltaVersion())));
        total += t.rowsDeleted();
      }
      System.out.print(TextTable.render(List.of("table", "rows deleted", "delta version"), rows));
      for (int i = 0; i < persons.size(); i++) {
        Erasure.Person p = persons.get(i);
        System.out.printf(
            Locale.ROOT,
            "id %d of %d: %s, %d identifiers, %d rows deleted%n",
            i + 1,
            persons.size(),
            p.customerKey().isPresent()
                ? "found in identity_map"
                : result.rowsOf(i) > 0
                    ? "not in identity_map (only rows carrying the id" + " itself were matched)"
                    : "NOT FOUND",
            p.identifierCount(),
            result.rowsOf(i));
      }
      List<String> unknown = result.unknown();
      System.out.printf(
          Locale.ROOT,
          "Erasure %s: %d rows deleted from %d tables for %d of %d"
              + " ids in %.1f s; recorded in erasure_log.%n",
          erasureId,
          total,
          result.tables().size(),
          persons.size() - unknown.size(),
          persons.size(),
          (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0);
      if (vacuum) {
        List<String> vacuumed =
            erasure.vacuum(result, retention, force, lock::checkStillHeld, System.out::println);
        System.out.println(
            retention == 0
                ? "VACUUM RETAIN 0 HOURS ran on "
                    + vacuumed.size()
                    + " tables ("
                    + String.join(", ", vacuumed)
                    + "): each holds no data file outside its"
                    + " current version any more, so no earlier version returns the deleted rows"
                    + " (time travel to those versions fails)."
                : "VACUUM RETAIN "
                    + retention
                    + " HOURS ran on "
                    + vacuumed.size()
                    + " tables ("
                    + String.join(", ", vacuumed)
                    + ")."
                    + " It removes only files unreferenced for longer than "
                    + retention
                    + " h,"
                    + " so the files holding the rows just deleted are still in the tables'"
                    + " Delta history; a VACUUM (bin/polku maintain) after "
                    + started.plusSeconds(retention * 3600L)
                    + " removes them.");
      } else {
        int r = Maintenance.Options.from(config.raw()).retentionHours();
        System.out.println(
            "Delta's history still holds the deleted rows (time travel to an"
                + " older version shows them) until VACUUM runs past the retention: bin/polku"
                + " maintain after "
                + started.plusSeconds(r * 3600L)
                + " (retention "
                + r
                + " h),"
                + " or forget --vacuum --retention-hours 0 --force now when nothing else reads the"
                + " lake.");
      }
      System.out.println(SOURCES_CAVEAT);
      if (!unknown.isEmpty()) {
        // Positions and keyed hashes, not the ids: stdout often ends up in a scheduler's log.
        List<String> which = new ArrayList<>();
        for (String u : unknown) {
          which.add(
              "id "
                  + (ids.indexOf(u) + 1)
                  + " of "
                  + ids.size()
                  + " (erasure_log hash "
                  + Erasure.hash(salt, u).substring(0, 12)
                  + "…)");
        }
        System.out.println(
            "Not found (no identity_map entry and no row in any table): "
                + String.join(", ", which)
                + "; check those ids of the request (a typo, erased"
                + " before, never seen)");
        return ExitCodes.NOT_FOUND;
      }
      return ExitCodes.OK;
    }
  }

  /**
   * The ids of a file: one per line, trimmed, surrounding double quotes removed, blank lines
   * skipped, a first line {@code customer_id} or {@code id} (any case) taken as a header. A line
   * with a comma, semicolon or tab is refused: one id per line is expected, not a table.
   */
  static List<String> parseIds(List<String> lines, String name) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.length() >= 2 && line.startsWith("\"") && line.endsWith("\"")) {
        line = line.substring(1, line.length() - 1).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      if (ids.isEmpty() && (line.equalsIgnoreCase("customer_id") || line.equalsIgnoreCase("id"))) {
        continue;
      }
      if (line.contains(",") || line.contains(";") || line.contains("\t")) {
        throw new IllegalArgumentException(
            name
                + " line "
                + (i + 1)
                + " has several fields;"
                + " expected one customer id per line; keep only the customer id column");
      }
      ids.add(line);
    }
    return ids;
  }
}
