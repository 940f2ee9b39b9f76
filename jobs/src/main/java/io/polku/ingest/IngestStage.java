package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.polku.config.SourceConfig;
import io.polku.config.SourceKind;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.erasure.Erasure;
import io.polku.erasure.ErasureLedger;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.DataQualityException;
import io.polku.pipeline.JobGroup;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.SourceSchemaException;
import io.polku.pipeline.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest: reads every configured source through its mapping, quarantines invalid rows with a
 * reason, de-duplicates by id (within the batch and against rows other runs wrote), and writes the
 * valid rows of the run's date range to the silver tables.
 *
 * <p>Writes are idempotent: a dated table gets one Delta {@code replaceWhere} commit per run, over
 * the run's dates and the sources that had rows ({@code date in range AND source IN (...)}); a
 * source that read no rows keeps its existing rows; customers are upserted by key; quarantine rows
 * are inserted once by a content-derived id. A row whose content is unchanged keeps the {@code
 * ingest_run_id} of the run that first wrote it, so re-running a date leaves every table's contents
 * identical.
 *
 * <p>Every source is classified and counted before anything is committed: if a source's quarantined
 * share exceeds its threshold, no silver data is written (quarantine rows are, for diagnosis) and a
 * {@link DataQualityException} names the source, the share and the top reasons. Rows of persons
 * erased by {@code bin/polku forget} (their identifiers, or a quarantined row's raw record, in the
 * erasure ledger {@code erased_identifiers}) are dropped and counted as erased: snapshots and
 * quarantine would otherwise bring them back. Invariant, checked for every source: read == valid +
 * out of range + quarantined + erased.
 *
 * <p>A source with {@code file-date-pattern} is read only from its files dated within the run's
 * dates (and a margin), see {@link SourceFiles}: a one-day run reads one day's files.
 *
 * <p>Cost per source: one scan of the source (of its selected files), one shuffle on the id
 * (duplicates), one scan of the target table's ids of the dates near the range ({@code
 * polku.ingest.duplicate-window-days}), one join for unchanged-row lineage; the classified rows are
 * persisted (memory and disk) between counting and writing; on the driver, one listing of the
 * source's files (a warning per zero-byte file; CSV with a header also reads each file's first
 * line). Collected to the driver: per-source counts by reason code only. With a non-empty erasure
 * ledger the classification is evaluated once more, to find the erased identifiers present (see
 * {@link ErasureLedger#mark}); without one, nothing is added.
 */
public final class IngestStage extends BaseStage {
  public static final String NAME = "ingest";

  /** Which sources to ingest: all configured ones when empty. */
  public record Options(List<String> sources) {
    public static Options all() {
      return new Options(List.of());
    }
  }

  /** Counts of one source in one run. */
  public record SourceCounts(
      String source,
      String table,
      long read,
      long valid,
      long outOfRange,
      long quarantined,
      long erased,
      Map<String, Long> reasons) {
    public double quarantinedShare() {
      return read == 0 ? 0 : (double) quarantined / read;
    }
  }

  private final Options options;

  public IngestStage(Options options) {
    // No table ensured before the schema-drift check: a drifted source writes nothing.
    super(NAME, "ingest");
    this.options = options;
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    // Each source narrowed to the files this run's dates need (file-date-pattern).
    Map<String, SourceFiles.Selection> files = new LinkedHashMap<>();
    for (SourceConfig source : selected(ctx)) {
      files.put(
          source.name(), SourceFiles.forRun(ctx.spark(), source, ctx.dateFrom(), ctx.dateTo()));
    }
    List<SourceConfig> sources =
        files.values().stream().map(SourceFiles.Selection::source).toList();
    // Schema drift of any source stops the run before anything (even an empty table) is
    // written: all problems of all sources together.
    List<String> drift = new ArrayList<>();
    for (SourceConfig source : sources) {
      drift.addAll(SourceReader.driftProblems(ctx.spark(), source));
    }
    if (!drift.isEmpty()) {
      throw new SourceSchemaException(drift);
    }
    for (TableSpec t :
        List.of(
            Tables.EVENTS,
            Tables.FEEDBACK,
            Tables.IDENTITY_LINKS,
            Tables.CUSTOMERS,
            Tables.QUARANTINE)) {
      lake.ensure(t);
    }
    SourceMapping.Rules rules = SourceMapping.Rules.of(ctx.config(), ctx.startedAt());
    String salt =
        ctx.config().raw().hasPath(Erasure.SALT_KEY)
            ? ctx.config().raw().getString(Erasure.SALT_KEY)
            : null;
    Optional<Dataset<Row>> ledger = ErasureLedger.forIngest(lake, salt);
    Map<String, Dataset<Row>> classified = new LinkedHashMap<>();
    Map<String, SourceCounts> counts = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (SourceConfig source : sources) {
      warnings.addAll(SourceReader.emptyFiles(ctx.spark(), source));
    }
    List<String> breaches = new ArrayList<>();
    try {
      for (SourceConfig source : sources) {
        Instant t0 = Instant.now();
        SourceCounts c =
            JobGroup.with(
                ctx.spark().sparkContext(),
                "polku-ingest-" + source.name(),
                "ingest " + source.name(),
                () -> {
                  Dataset<Row> rows =
                      markErased(classify(ctx, source, rules), ledger, salt)
                          .persist(StorageLevel.MEMORY_AND_DISK());
                  classified.put(source.name(), rows);
                  return count(source, rows);
                });
        counts.put(source.name(), c);
        if (c.read() == 0) {
          warnings.add(
              "source "
                  + source.name()
                  + " is empty: 0 rows read from "
                  + source.paths()
                  + "; nothing written for it, existing rows kept");
        }
        if (c.quarantinedShare() > source.maxQuarantineShare()) {
          breaches.add(breach(source, c));
        }
        ctx.progress()
            .accept(
                String.format(
                    Locale.ROOT,
                    "  %-22s read %,9d  valid %,9d  out of range %,8d  quarantined %,6d  erased %,d"
                        + "  (%.1f s)%s",
                    source.name(),
                    c.read(),
                    c.valid(),
                    c.outOfRange(),
                    c.quarantined(),
                    c.erased(),
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0,
                    files.get(source.name()).listed() < 0
                        ? ""
                        : "  " + files.get(source.name()).note()));
      }
      writeQuarantine(ctx, sources, classified);
      if (!breaches.isEmpty()) {
        throw new DataQualityException(breaches);
      }
      Map<String, Long> tableRows = new TreeMap<>();
      // One commit per target table: the dated sources of a table are written together.
      Map<TableSpec, List<SourceConfig>> byTable = new LinkedHashMap<>();
      for (SourceConfig source : sources) {
        SourceCounts c = counts.get(source.name());
        tableRows.merge(source.kind().table().name(), c.valid(), Long::sum);
        if (c.read() > 0) {
          byTable.computeIfAbsent(source.kind().table(), t -> new ArrayList<>()).add(source);
        }
      }
      for (Map.Entry<TableSpec, List<SourceConfig>> e : byTable.entrySet()) {
        Instant t0 = Instant.now();
        TableSpec table = e.getKey();
        JobGroup.run(
            ctx.spark().sparkContext(),
            "polku-ingest-write-" + table.name(),
            "write " + table.name(),
            () -> writeSilver(ctx, table, e.getValue(), classified));
        ctx.progress()
            .accept(
                String.format(
                    Locale.ROOT,
                    "  wrote %-20s %,9d rows from %d source(s) in one commit  (%.1f s)",
                    table.name(),
                    tableRows.get(table.name()),
                    e.getValue().size(),
                    Duration.between(t0, Instant.now()).toMillis() / 1000.0));
      }
      List<StageResult.ObjectCounts> objects = new ArrayList<>();
      for (SourceCounts c : counts.values()) {
        objects.add(
            new StageResult.ObjectCounts(
                c.source(),
                c.read(),
                c.valid(),
                c.quarantined(),
                "table="
                    + c.table()
                    + " out_of_range="
                    + c.outOfRange()
                    + " erased="
                    + c.erased()
                    + " reasons="
                    + c.reasons()
                    + (files.get(c.source()).listed() < 0
                        ? ""
                        : " files_read="
                            + files.get(c.source()).selected()
                            + " files_listed="
                            + files.get(c.source()).listed()),
                true));
      }
      for (Map.Entry<String, Long> e : tableRows.entrySet()) {
        objects.add(
            new StageResult.ObjectCounts(
                e.getKey(), 0, e.getValue(), 0, "rows written to the table", false));
      }
      return new Outcome(objects, warnings, explain(ctx, counts, options.sources().isEmpty()));
    } finally {
      classified.values().forEach(Dataset::unpersist);
    }
  }

  /**
   * Why sources wrote nothing: a source whose rows all lie outside the run's dates or were all
   * quarantined; and, on a run of every source, the optional kinds no source provides and what the
   * later stages then lack.
   */
  static List<String> explain(
      RunContext ctx, Map<String, SourceCounts> counts, boolean allSources) {
    List<String> out = new ArrayList<>();
    String range =
        ctx.dateFrom().equals(ctx.dateTo())
            ? ctx.dateFrom().toString()
            : ctx.dateFrom() + ".." + ctx.dateTo();
    for (SourceCounts c : counts.values()) {
      SourceConfig source = ctx.config().sources().get(c.source());
      if (c.read() == 0 || c.valid() > 0) {
        continue;
      }
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "source %s: read %,d rows, wrote 0 to %s",
                  c.source(),
                  c.read(),
                  c.table()));
      if (c.outOfRange() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; %,d are dated outside the run's dates %s"
                    + " (by %s; a run writes only its own dates' rows)",
                c.outOfRange(),
                range,
                source == null ? "their timestamp" : source.kind().timestampColumn()));
        if (source != null && source.kind() == SourceKind.IDENTITY_LINKS) {
          sb.append(
                  "; if the file is a current-state extract without a real time column,"
                      + " declare it a snapshot: ")
              .append(source.key("snapshot"))
              .append(" = true and remove columns.observed_ts");
        }
      }
      if (c.quarantined() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; %,d quarantined (%s); inspect with: bin/polku" + " preview --source %s",
                c.quarantined(),
                c.reasons(),
                c.source()));
      }
      if (c.erased() > 0) {
        sb.append(String.format(Locale.ROOT, "; %,d of persons erased by forget", c.erased()));
      }
      out.add(sb.toString());
    }
    if (allSources) {
      java.util.Set<SourceKind> kinds = java.util.EnumSet.noneOf(SourceKind.class);
      ctx.config().sources().values().forEach(s -> kinds.add(s.kind()));
      if (!kinds.contains(SourceKind.CUSTOMERS)) {
        out.add(
            "no customers source is configured: no customer has survey_consent (survey"
                + " invitations will all be suppressed as no_consent), a value tier (follow-up"
                + " priorities) or segment and region (root-cause conditions); map a source with"
                + " kind = customers and a survey_consent column in polku.sources");
      }
      if (!kinds.contains(SourceKind.FEEDBACK)) {
        out.add(
            "no feedback source is configured: no responses, so feedback_context, root"
                + " causes and follow-ups stay empty; map a source with kind = feedback in"
                + " polku.sources");
      }
    }
    return out;
  }

  /** The configured sources this run ingests, validated against the options. */
  private List<SourceConfig> selected(RunContext ctx) {
    Map<String, SourceConfig> all = ctx.config().sources();
    if (options.sources().isEmpty()) {
      return new ArrayList<>(all.values());
    }
    List<SourceConfig> chosen = new ArrayList<>();
    for (String name : options.sources()) {
      SourceConfig s = all.get(name);
      if (s == null) {
        throw new io.polku.config.ConfigException(
            "--source "
                + name
                + " is not a configured"
                + " source; expected one of "
                + all.keySet()
                + "; check polku.sources in the"
                + " --conf file");
      }
      chosen.add(s);
    }
    return chosen;
  }

  /** Reads, maps and classifies one source (lazy; nothing is executed here). */
  static Dataset<Row> classify(RunContext ctx, SourceConfig source, SourceMapping.Rules rules) {
    SourceKind kind = source.kind();
    Dataset<Row> typed = SourceReader.read(ctx.spark(), source);
    Dataset<Row> mapped = SourceMapping.toCanonical(typed, source, rules, ctx.runId());
    mapped = SourceMapping.markOutsideFileDate(mapped, source);
    mapped = SourceMapping.markDuplicates(mapped, kind);
    if (source.snapshot() && kind == SourceKind.IDENTITY_LINKS) {
      mapped =
          SourceMapping.stampSnapshot(
              mapped,
              source,
              ctx.lake()
                  .read(kind.table())
                  .filter(col("source").equalTo(lit(source.name())))
                  .select("link_id", "observed_ts"),
              ctx.dateFrom());
    }
    Dataset<Row> flagged = SourceMapping.flagRange(mapped, source, ctx.dateFrom(), ctx.dateTo());
    if (kind.dateColumn() != null && !source.snapshot()) {
      int window = ctx.config().duplicateWindowDays();
      String near =
          kind.dateColumn()
              + " >= DATE'"
              + ctx.dateFrom().minusDays(window)
              + "' AND "
              + kind.dateColumn()
              + " <= DATE'"
              + ctx.dateTo().plusDays(window)
              + "'";
      Dataset<Row> existing =
          ctx.lake()
              .read(kind.table())
              .filter(near + " AND NOT (" + ctx.dateRangePredicate(kind.dateColumn()) + ")")
              .select(kind.keyColumn(), kind.dateColumn());
      flagged = SourceMapping.markAlreadyIngested(flagged, existing, kind);
    }
    return flagged;
  }

  /**
   * {@code rows} with {@link ErasureLedger#ERASED}: rows of persons erased by forget (their
   * identifiers, or a quarantined row's raw record, in the erasure ledger). Such a row is neither
   * written nor quarantined, only counted.
   */
  static Dataset<Row> markErased(Dataset<Row> rows, Optional<Dataset<Row>> ledger, String salt) {
    return ledger.isEmpty()
        ? rows.withColumn(ErasureLedger.ERASED, lit(false))
        : ErasureLedger.mark(
            rows, ledger.get(), salt, SourceReader.RAW, col(SourceMapping.REASON_CODE).isNotNull());
  }

  private static SourceCounts count(SourceConfig source, Dataset<Row> rows) {
    // Bounded: one row per (in range, reason code, erased) triple.
    List<Row> groups =
        rows.groupBy(
                col(SourceMapping.IN_RANGE),
                col(SourceMapping.REASON_CODE),
                col(ErasureLedger.ERASED))
            .count()
            .collectAsList();
    long read = 0;
    long valid = 0;
    long outOfRange = 0;
    long quarantined = 0;
    long erased = 0;
    Map<String, Long> reasons = new TreeMap<>();
    for (Row g : groups) {
      boolean inRange = g.getBoolean(0);
      String code = g.getString(1);
      long n = g.getLong(3);
      read += n;
      if (g.getBoolean(2)) {
        erased += n;
      } else if (code != null) {
        quarantined += n;
        reasons.merge(code, n, Long::sum);
      } else if (inRange) {
        valid += n;
      } else {
        outOfRange += n;
      }
    }
    if (read != valid + outOfRange + quarantined + erased) {
      throw new IllegalStateException(
          "Row accounting broken for source "
              + source.name()
              + ": read "
              + read
              + " != valid "
              + valid
              + " + out of range "
              + outOfRange
              + " + quarantined "
              + quarantined
              + " + erased "
              + erased
              + "; expected equal; a"
              + " bug: report it with the source's configuration");
    }
    return new SourceCounts(
        source.name(),
        source.kind().table().name(),
        read,
        valid,
        outOfRange,
        quarantined,
        erased,
        reasons);
  }

  private static String breach(SourceConfig source, SourceCounts c) {
    StringBuilder top = new StringBuilder();
    c.reasons().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(3)
        .forEach(
            e ->
                top.append(top.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue()));
    return String.format(
        Locale.ROOT,
        "source %s: %.1f%% of %,d rows quarantined (threshold"
            + " %.1f%%, %s); top reasons: %s; inspect with: bin/polku sql \"select reason_code,"
            + " reason, raw from quarantine where source = '%s'\"; fix the source or raise the"
            + " threshold",
        source.name(),
        100 * c.quarantinedShare(),
        c.read(),
        100 * source.maxQuarantineShare(),
        source.key("max-quarantine-share"),
        top,
        source.name());
  }

  private static Dataset<Row> notErased(Dataset<Row> rows) {
    return rows.filter(functions.not(col(ErasureLedger.ERASED)));
  }

  private static void writeQuarantine(
      RunContext ctx, List<SourceConfig> sources, Map<String, Dataset<Row>> classified) {
    Dataset<Row> all = null;
    for (SourceConfig source : sources) {
      Dataset<Row> q =
          SourceMapping.quarantineRows(
              notErased(classified.get(source.name())),
              source.name(),
              ctx.runId(),
              ctx.startedAt());
      all = all == null ? q : all.unionByName(q);
    }
    if (all != null) {
      Dataset<Row> rows = all;
      JobGroup.run(
          ctx.spark().sparkContext(),
          "polku-ingest-quarantine",
          "write quarantine",
          () -> ctx.lake().insertNew(Tables.QUARANTINE, rows));
    }
  }

  /**
   * Writes the valid rows of the run's range of the sources of one table. A dated table gets one
   * {@code replaceWhere} commit over the run's dates and these sources (the rows of other sources
   * and other dates stay); rows identical to what the table holds keep their original
   * ingest_run_id. A table without a date column (customers) is upserted by key, one source after
   * the other (two sources may hold the same key; the later source wins).
   */
  private static void writeSilver(
      RunContext ctx,
      TableSpec table,
      List<SourceConfig> sources,
      Map<String, Dataset<Row>> classified) {
    SourceKind kind = sources.get(0).kind();
    Lake lake = ctx.lake();
    if (kind.dateColumn() != null) {
      // Snapshot sources of a dated table (identity links) are merged by key, whatever the
      // run's dates: their rows keep the observed_ts of the first run that read them.
      List<String> compare = new ArrayList<>(table.columnNames());
      compare.remove("ingest_run_id");
      List<SourceConfig> timed = new ArrayList<>();
      for (SourceConfig source : sources) {
        if (source.snapshot()) {
          lake.upsert(
              table,
              SourceMapping.validRows(notErased(classified.get(source.name())), table),
              compare);
        } else {
          timed.add(source);
        }
      }
      if (timed.isEmpty()) {
        return;
      }
      sources = timed;
    }
    if (kind.dateColumn() == null) {
      List<String> compare = new ArrayList<>(table.columnNames());
      compare.remove("ingest_run_id");
      for (SourceConfig source : sources) {
        lake.upsert(
            table,
            SourceMapping.validRows(notErased(classified.get(source.name())), table),
            compare);
      }
      return;
    }
    Dataset<Row> valid = null;
    List<String> names = new ArrayList<>();
    for (SourceConfig source : sources) {
      Dataset<Row> v = SourceMapping.validRows(notErased(classified.get(source.name())), table);
      valid = valid == null ? v : valid.unionByName(v);
      names.add("'" + source.name() + "'");
    }
    String predicate =
        ctx.dateRangePredicate(kind.dateColumn())
            + " AND source IN ("
            + String.join(", ", names)
            + ")";
    Set<String> lineage = Set.of("ingest_run_id");
    Dataset<Row> previous =
        lake.read(table)
            .filter(predicate)
            .select(
                col(kind.keyColumn()).as("_prev_key"),
                Lake.rowHash(table.schema(), lineage).as("_prev_hash"),
                col("ingest_run_id").as("_prev_run"));
    Dataset<Row> hashed = valid.withColumn("_hash", Lake.rowHash(table.schema(), lineage));
    Dataset<Row> withLineage =
        hashed
            .join(
                previous,
                hashed
                    .col(kind.keyColumn())
                    .equalTo(previous.col("_prev_key"))
                    .and(hashed.col("_hash").equalTo(previous.col("_prev_hash"))),
                "left")
            .withColumn("ingest_run_id", functions.coalesce(col("_prev_run"), lit(ctx.runId())));
    lake.replaceWhere(table, withLineage, predicate);
  }
}
