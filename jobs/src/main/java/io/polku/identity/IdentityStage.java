package io.polku.identity;

import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Identity stitching: one global identity snapshot of everything in silver. Reads all of silver
 * {@code events}, {@code feedback} and {@code identity_links} (whatever the run's dates: the best
 * knowledge of who is who also serves a backfill), builds the identifier graph ({@link
 * IdentityGraph}), sets shared identifiers aside as {@code identity_conflicts}, finds the connected
 * components, gives each a stable {@code customer_key} ({@link CustomerKeys}, from the previous
 * {@code identity_map}) and replaces both gold tables, one Delta overwrite commit each.
 *
 * <p>Idempotent: over the same silver data it writes identical tables, whichever date is run (the
 * keys then come from the map the first run wrote).
 *
 * <p>Cost: one scan of the three silver tables, whose identifier and time columns are kept as local
 * checkpoints (executor memory and disk) while the stage runs, the graph's shuffles (see {@link
 * IdentityGraph}), a handful of component rounds each with one scalar count, one join with the
 * previous map, a local checkpoint of the new map (on the executors) before the table it was read
 * from is overwritten, and a few scalar counts for the result. Collected to the driver: counts
 * only.
 *
 * <p>Dangers: it reads the whole history every night (fine for millions of identifiers; for far
 * more, make it incremental). A lost executor loses the local checkpoint and fails the stage;
 * re-run it. Keys of merged components disappear from the map (see {@link CustomerKeys}).
 */
public final class IdentityStage extends BaseStage {
  public static final String NAME = "identity";

  /** Conflict threshold and loop limits; see {@code polku.identity} in reference.conf. */
  public record Options(int maxCustomers, int maxRounds, int checkpointEvery) {
    public Options {
      if (maxCustomers < 1 || maxRounds < 1 || checkpointEvery < 1) {
        throw new IllegalArgumentException(
            "identity options must all be at least 1, were"
                + " max-customers="
                + maxCustomers
                + ", max-rounds="
                + maxRounds
                + ", checkpoint-every="
                + checkpointEvery
                + "; fix polku.identity in the --conf"
                + " file (defaults 5, 40, 4)");
      }
    }

    public static Options from(PolkuConfig.IdentityOptions o) {
      return new Options(o.maxCustomers(), o.maxRounds(), o.checkpointEvery());
    }
  }

  /** Counts of one run, also in the audit message. */
  public record Counts(long identifiers, long edges, long components, long conflicts, int rounds) {}

  private final Options options;

  /** Options from the run's configuration ({@code polku.identity}). */
  public IdentityStage() {
    this(null);
  }

  /** Fixed options, or null for the run's configuration. */
  public IdentityStage(Options options) {
    super(
        NAME,
        "identity stitching",
        Tables.EVENTS,
        Tables.FEEDBACK,
        Tables.IDENTITY_LINKS,
        Tables.IDENTITY_MAP,
        Tables.IDENTITY_CONFLICTS);
    this.options = options;
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Options opts = options != null ? options : Options.from(ctx.config().identity());
    Lake lake = ctx.lake();
    // The whole of silver, whatever the run's dates: identity is one snapshot of everything
    // known, so re-running an old date gives the same map. Only the columns identity needs,
    // read once (nodes and edges both use them).
    List<String> ids = IdentityGraph.PRIORITY;
    Dataset<Row> events = narrow(lake.read(Tables.EVENTS), ids, "event_ts");
    Dataset<Row> feedback = narrow(lake.read(Tables.FEEDBACK), ids, "response_ts");
    Dataset<Row> links =
        lake.read(Tables.IDENTITY_LINKS)
            .select("id_type_a", "id_a", "id_type_b", "id_b", "observed_ts")
            .localCheckpoint(true);

    // Eager local checkpoints, not persist(): plans over persisted datasets that are read
    // several times make AQE's plan strings explode (see IdentityGraph).
    Dataset<Row> nodes = IdentityGraph.nodes(events, feedback, links).localCheckpoint(true);
    Dataset<Row> allEdges = IdentityGraph.edges(events, feedback, links).localCheckpoint(true);
    Dataset<Row> conflicts =
        IdentityGraph.conflicts(allEdges, nodes, opts.maxCustomers()).localCheckpoint(true);
    Dataset<Row> edges = IdentityGraph.withoutConflicts(allEdges, conflicts).localCheckpoint(true);
    long edgeCount = edges.count();

    IdentityGraph.Components components =
        IdentityGraph.connectedComponents(edges, nodes, opts.maxRounds(), opts.checkpointEvery());
    Dataset<Row> previous = lake.read(Tables.IDENTITY_MAP);
    // Materialised before the overwrite: the map is computed from the table it replaces.
    Dataset<Row> map = CustomerKeys.assignKeys(components.labels(), previous).localCheckpoint(true);
    Counts counts =
        new Counts(
            map.count(),
            edgeCount,
            map.select("customer_key").distinct().count(),
            conflicts.count(),
            components.rounds());

    lake.overwrite(Tables.IDENTITY_MAP, map);
    lake.overwrite(Tables.IDENTITY_CONFLICTS, conflicts);

    String message =
        String.format(
            Locale.ROOT,
            "identifiers=%d edges=%d components=%d" + " conflicts=%d rounds=%d",
            counts.identifiers(),
            counts.edges(),
            counts.components(),
            counts.conflicts(),
            counts.rounds());
    ctx.progress()
        .accept(
            String.format(
                Locale.ROOT,
                "  identity: %,d identifiers, %,d"
                    + " edges, %,d people, %,d shared identifiers, %d rounds",
                counts.identifiers(),
                counts.edges(),
                counts.components(),
                counts.conflicts(),
                counts.rounds()));
    List<StageResult.ObjectCounts> objects =
        List.of(
            new StageResult.ObjectCounts(
                Tables.IDENTITY_MAP.name(),
                counts.identifiers(),
                counts.identifiers(),
                0,
                message,
                true),
            new StageResult.ObjectCounts(
                Tables.IDENTITY_CONFLICTS.name(),
                0,
                counts.conflicts(),
                0,
                "identifiers linked to more than " + opts.maxCustomers() + " customers",
                false));
    // Checkpoint blocks are freed by the ContextCleaner once unreferenced.
    return new Outcome(objects, List.of());
  }

  private static Dataset<Row> narrow(Dataset<Row> rows, List<String> identifiers, String ts) {
    List<String> columns = new java.util.ArrayList<>(identifiers);
    columns.add(ts);
    return rows.selectExpr(columns.toArray(new String[0])).localCheckpoint(true);
  }
}
