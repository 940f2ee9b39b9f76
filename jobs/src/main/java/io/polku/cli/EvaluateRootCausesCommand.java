package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.SparkSessions;
import io.polku.nightly.StandardStages;
import io.polku.pipeline.RunContext;
import io.polku.samples.SampleGenerator;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scores the root-cause stage against planted truth: for each seed, generates samples, runs the
 * whole nightly into a fresh lake (one SparkSession for all seeds) and compares root_cause_segments
 * with GROUND_TRUTH.json.
 *
 * <p>A planted scenario is <b>recovered</b> when a kept segment of its rated channel with rank at
 * most 5 (rank counts within the channel, all metrics) and lift &gt; 1 has conditions that match
 * the scenario's signature, searched in the scenario's metric:
 *
 * <ul>
 *   <li>S1 (phone CSAT): a failure in the app on billing before the call — {@code
 *       upstream_failure=app:billing:*}, {@code prev_failure=app:billing} or {@code
 *       failed_before=app:billing}, or an app failure condition ({@code
 *       upstream_failure_channel=app}, {@code prev_failure_channel=app}) together with one naming
 *       billing;
 *   <li>S2 (chat CSAT): a failure in web before the chat — {@code upstream_failure=web:*:search},
 *       {@code upstream_failure_type=web:search}, {@code upstream_failure_channel=web}, {@code
 *       prev_failure_channel=web}, {@code prev_failure=web:*} or {@code failed_before=web:*} (the
 *       channel-level conditions are accepted: on the samples almost every web failure before a
 *       chat is a failed search, so they describe the same responses);
 *   <li>S3 (shop NPS): a failed (late) delivery — {@code prev_failure=shop:delivery}, {@code
 *       failed_before=shop:delivery} (or {@code upstream_failure=shop:delivery:*}, {@code
 *       upstream_failure_type=shop:delivery}, which a survey rated in another channel would get);
 *   <li>S5 (shop NPS): a parcel never delivered (the carrier's exception feed, touchpoint {@code
 *       undelivered}, event type {@code delivery_exception}) — {@code
 *       prev_failure=shop:undelivered}, {@code failed_before=shop:undelivered} (or {@code
 *       upstream_failure=shop:undelivered:*}, {@code
 *       upstream_failure_type=shop:delivery_exception});
 *   <li>S4 (phone CES): the {@code ivr_queue_transfers} signal;
 *   <li>S6 (phone CES): a content path with no failure, named by a touchpoint of it — {@code step=}
 *       or {@code step_pair=} with {@code email:price_change_notice} or {@code web:/contract/terms}
 *       (the step conditions are turned on when S6 is planted);
 *   <li>S7 (shop NPS): a large basket, {@code prop.basket_items=4+} (the order's items property is
 *       configured, edges 2 and 4, when S7 is planted).
 * </ul>
 *
 * S3 and S5 are two causes under one vaguer union, "any failed web-shop step before the delivery
 * NPS": {@code prev_failure_channel=shop} (for a survey rated in shop; the {@code
 * upstream_failure*} families leave out the rated channel, so a survey rated in another channel
 * gets {@code upstream_failure_channel=shop}), {@code end=failure}, {@code failures=1}, {@code
 * peak=3}. A segment with only such conditions describes neither cause and counts as not planted:
 * showing the union instead of the two parts lowers recall and precision.
 *
 * <p><b>Precision</b> is computed over what an analyst reads first: the kept segments ranked 1 in
 * each rated channel and metric (channel scopes only, so at most one per scope): the share whose
 * conditions match a scenario planted in that scope. The top-5 share is printed too. The table per
 * scenario kind gives, per kind, the seeds, how often it was planted (its rated channel is rated),
 * found (recovered) and the recall, and for its scope (S3 and S5 share shop/nps) the kept segments
 * and the share of them that describe a kind planted in that scope; scopes where nothing is planted
 * and the cross-channel scope {@code *} get rows of their own. A kept {@code *} segment counts as
 * describing a planted kind when it matches any planted signature, except when only one channel is
 * rated ({@code --rated-channels shop}): then the cross-channel scope holds the same responses as
 * that channel's scope, each of its segments repeats one of the channel's, and every kept {@code *}
 * segment counts as false. The <b>red herring</b> is flagged when any segment passing q (any
 * status, any scope) has only e-mail/newsletter conditions: every condition is about the e-mail
 * channel alone (a path n-gram of e-mail steps only, a previous or failing step in e-mail, a
 * newsletter touchpoint); a path such as {@code email>app} spans other channels and is reported,
 * not flagged. The <b>key drivers</b> (root_cause_drivers) are scored per scenario: the rank, in
 * the scenario's scope, of the best group whose conditions on the side that raises the odds match
 * the signature; the target is the top 3.
 */
@Command(
    name = "evaluate-root-causes",
    mixinStandardHelpOptions = true,
    description = {
      "Generate samples per seed, run the nightly into a temporary lake and score"
          + " root_cause_segments against the planted scenarios (recall, precision, red"
          + " herring); with --no-scenarios count false discoveries on null data.",
      "Prints a table per scenario kind: kind, scope (rated channel/metric), seeds,"
          + " planted, found (a kept segment of rank <= 5 and lift > 1 matches the kind's"
          + " signature), recall, kept segments of the scope and their precision (the share"
          + " describing a kind planted in the scope). S3 (late delivery) and S5 (parcel"
          + " never delivered) share shop/nps and the vaguer union 'a failed web-shop step'"
          + " (prev_failure_channel=shop, end=failure): a segment with only the union"
          + " describes neither and counts as false. With a single rated channel"
          + " (--rated-channels shop) every kept cross-channel (*) segment counts as false:"
          + " it repeats the channel's scope."
    })
public final class EvaluateRootCausesCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1,2,3,4,5",
      description = "Seeds, comma-separated. Default: ${DEFAULT-VALUE}.")
  List<Long> seeds;

  @Option(
      names = "--customers",
      defaultValue = "2000",
      description = "Customers per seed." + " Default: ${DEFAULT-VALUE}.")
  int customers;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "Days per seed. Default:" + " ${DEFAULT-VALUE}.")
  int days;

  @Option(
      names = "--start",
      defaultValue = "2026-09-01",
      description = "First day." + " Default: ${DEFAULT-VALUE}.")
  LocalDate start;

  @Option(
      names = "--no-scenarios",
      description = "Null data: no planted causes; report how" + " many segments pass q per seed.")
  boolean noScenarios;

  @Option(
      names = "--scenarios",
      split = ",",
      paramLabel = "KIND",
      defaultValue = "S1,S2,S3,S4,S5",
      description =
          "Scenario kinds to plant (generate-samples"
              + " --scenarios); with S5 the source shop_delivery_exceptions of the configuration is"
              + " enabled for the runs, with S6 the step conditions (steps.top-k = 30), with S7 the"
              + " property condition basket_items. Default: ${DEFAULT-VALUE}.")
  List<String> scenarios;

  @Option(
      names = "--rated-channels",
      split = ",",
      paramLabel = "CHANNEL",
      description =
          "Keep only the surveys rating these channels (generate-samples"
              + " --rated-channels), e.g. shop for a data set with a single rated channel, where"
              + " kept cross-channel (*) segments count as false. Default: all.")
  List<String> ratedChannels = List.of();

  @Option(
      names = "--work",
      description = "Work folder (kept). Default: a new temporary" + " folder.")
  Path work;

  @Option(
      names = "--rescore",
      description =
          "Do not generate or run: score the lakes an"
              + " earlier run left in --work again (e.g. after changing a signature).")
  boolean rescore;

  @Option(
      names = "--rerun-stage",
      description =
          "Do not generate: re-run only the root-cause"
              + " stage on the lakes an earlier run left in --work, then score.")
  boolean rerunStage;

  /** Per scenario kind over the seeds: seeds run, planted, found (recovered). */
  static final class KindCount {
    int seeds;
    int planted;
    int found;
  }

  /** Per scope (channel/metric, or the cross-channel *) over the seeds: kept, describing. */
  static final class ScopeCount {
    int kept;
    int matching;
  }

  /** One scenario's outcome in one seed. */
  record Hit(
      String scenario,
      String channel,
      String metric,
      Integer rank,
      Double lift,
      Double excess,
      Double q,
      String conditions) {
    boolean recovered() {
      return rank != null && rank <= 5 && lift != null && lift > 1;
    }
  }

  @Override
  public Integer call() throws Exception {
    Path dir = work != null ? work : Files.createTempDirectory("polku-evaluate-");
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper();
    LocalDate end = start.plusDays(days - 1L);
    SparkSession spark = null;
    int recovered = 0;
    int planted = 0;
    int top1 = 0;
    int top1Matching = 0;
    int top5 = 0;
    int top5Matching = 0;
    int herrings = 0;
    long nullPassing = 0;
    int keptChecked = 0;
    int keptExplained = 0;
    int crossKeptSingle = 0;
    int driversPlanted = 0;
    int driversTop3 = 0;
    List<String> summary = new ArrayList<>();
    SampleGenerator.Options generate =
        new SampleGenerator.Options(
            customers, days, 0L, start, !noScenarios, scenarios, ratedChannels);
    // Fails early, before any generation, on an unknown kind or channel.
    new SampleGenerator(generate);
    Map<String, KindCount> kinds = new LinkedHashMap<>();
    for (String k : scenarios) {
      kinds.putIfAbsent(k.trim().toUpperCase(Locale.ROOT), new KindCount());
    }
    Map<String, ScopeCount> scopes = new java.util.TreeMap<>();
    try {
      for (long seed : seeds) {
        Path seedDir = dir.resolve("seed-" + seed);
        Path samples = seedDir.resolve("data-samples");
        long t0 = System.nanoTime();
        if (!rescore && !rerunStage) {
          new SampleGenerator(
                  new SampleGenerator.Options(
                      customers, days, seed, start, !noScenarios, scenarios, ratedChannels))
              .generate(samples);
        }
        Map<String, String> over = new LinkedHashMap<>();
        for (String source : SampleGenerator.extraSources(generate)) {
          requireSource(source);
          over.put("polku.sources." + source + ".enabled", "true");
        }
        over.putAll(scenarioConditions(scenarios));
        for (String o : env.overrides) {
          int eq = o.indexOf('=');
          over.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        // Every pruned row is written, so the counts below are of all segments that pass q.
        over.putIfAbsent("polku.rootcause.max-pruned-per-parent", "1000000");
        over.put("polku.base-dir", seedDir.toString());
        over.put("polku.lake.root", seedDir.resolve("lake").toUri().toString());
        over.put("polku.logs.dir", dir.resolve("logs").toString());
        PolkuConfig config = PolkuConfig.load(confPath(), over);
        if (spark == null) {
          PolkuSession.redirectLogs(config, "evaluate-root-causes");
          spark = SparkSessions.build(config);
        }
        Lake lake = new Lake(spark, config.lakeRoot(), config.database());
        Instant started = Instant.now();
        if (!rescore) {
          RunContext ctx =
              new RunContext(
                  spark,
                  config,
                  lake,
                  RunContext.newRunId(started),
                  start,
                  end,
                  started,
                  rerunStage ? System.out::println : line -> {});
          if (rerunStage) {
            new io.polku.rootcause.RootCauseStage().run(ctx);
          } else {
            StandardStages.throughRootCauses().run(ctx);
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Row> rows =
            lake.read(Tables.ROOT_CAUSE_SEGMENTS)
                .unionByName(lake.read(Tables.ROOT_CAUSE_PRUNED))
                .filter(col("run_date").equalTo(lit(Date.valueOf(end))))
                .select(
                    "channel",
                    "metric",
                    "conditions",
                    "status",
                    "channel_rank",
                    "lift",
                    "excess_critical",
                    "q_value")
                .collectAsList();
        System.out.printf(
            Locale.ROOT,
            "%nSeed %d (%s, %.0f s): %d segments pass q, %d kept%n",
            seed,
            noScenarios ? "null data" : "planted scenarios",
            seconds,
            rows.size(),
            rows.stream().filter(r -> "kept".equals(r.getString(3))).count());
        long herringRows = rows.stream().filter(r -> onlyEmail(r.getList(2))).count();
        for (Row r : rows) {
          if ("kept".equals(r.getString(3))
              && mentionsEmail(r.getList(2))
              && !onlyEmail(r.getList(2))) {
            System.out.printf(
                Locale.ROOT,
                "  (kept segment with a mixed e-mail path: %s/%s %s, %s)%n",
                r.getString(0),
                r.getString(1),
                r.getList(2),
                r.getString(3));
          }
        }
        JsonNode truth = json.readTree(samples.resolve("GROUND_TRUTH.json").toFile());
        boolean single = singleRatedChannel(truth);
        for (String k : kinds.keySet()) {
          kinds.get(k).seeds++;
        }
        for (Row r : rows) {
          if (!"kept".equals(r.getString(3))) {
            continue;
          }
          boolean cross = "*".equals(r.getString(0));
          ScopeCount sc =
              scopes.computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new ScopeCount());
          sc.kept++;
          if (cross
              ? !single && matchesAnyPlanted(truth, r.getList(2))
              : matchesPlanted(truth, r)) {
            sc.matching++;
          }
          if (cross && single) {
            crossKeptSingle++;
            System.out.printf(
                Locale.ROOT,
                "  cross-channel segment with one rated channel"
                    + " (repeats its scope, counted false): %s rank %d%n",
                r.getList(2),
                r.getInt(4));
          } else if (!cross && onlyShopUnion(r.getList(2))) {
            System.out.printf(
                Locale.ROOT,
                "  the union of S3 and S5 only (counted false): %s/%s" + " %s rank %d%n",
                r.getString(0),
                r.getString(1),
                r.getList(2),
                r.getInt(4));
          }
        }
        if (noScenarios) {
          nullPassing += rows.size();
          for (Row r : rows) {
            System.out.printf(
                Locale.ROOT,
                "  passing: %s/%s %s q=%.4f lift=%.2f (%s)%n",
                r.getString(0),
                r.getString(1),
                r.getList(2),
                r.getDouble(7),
                r.getDouble(5),
                r.getString(3));
          }
          summary.add(
              String.format(
                  Locale.ROOT,
                  "seed %d: %d passing q < max-q (%d e-mail" + " only)",
                  seed,
                  rows.size(),
                  herringRows));
          continue;
        }
        System.out.printf(
            Locale.ROOT,
            "  %-4s %-11s %5s %6s %8s %10s  %s%n",
            "",
            "scope",
            "rank",
            "lift",
            "excess",
            "q",
            "conditions");
        for (JsonNode s : truth.get("scenarios")) {
          String id = s.get("id").asText();
          String channel = s.get("rated_channel").asText();
          String metric = s.get("metric").asText();
          Predicate<List<String>> sig = signature(id);
          Hit best = null;
          for (Row r : rows) {
            if (!"kept".equals(r.getString(3))
                || !channel.equals(r.getString(0))
                || !metric.equals(r.getString(1))
                || !sig.test(r.getList(2))) {
              continue;
            }
            Hit h =
                new Hit(
                    id,
                    channel,
                    metric,
                    r.getInt(4),
                    r.isNullAt(5) ? null : r.getDouble(5),
                    r.getDouble(6),
                    r.getDouble(7),
                    r.getList(2).toString());
            if (best == null || h.rank() < best.rank()) {
              best = h;
            }
          }
          planted++;
          KindCount kc = kinds.computeIfAbsent(id, k -> new KindCount());
          kc.planted++;
          if (best != null && best.recovered()) {
            recovered++;
            kc.found++;
          }
          System.out.printf(
              Locale.ROOT,
              "  %-4s %-11s %5s %6s %8s %10s  %s%n",
              id,
              channel + "/" + metric,
              best == null ? "-" : best.rank(),
              best == null ? "-" : String.format(Locale.ROOT, "%.2f", best.lift()),
              best == null ? "-" : String.format(Locale.ROOT, "%.1f", best.excess()),
              best == null ? "-" : String.format(Locale.ROOT, "%.2g", best.q()),
              best == null
                  ? "not recovered"
                  : best.conditions() + (best.recovered() ? "" : " (not in the top 5)"));
        }
        // Precision over the rank-1 segment of each channel/metric scope, and over the top 5.
        Map<String, Row> firstPerScope = new LinkedHashMap<>();
        for (Row r : rows) {
          if (!"kept".equals(r.getString(3)) || "*".equals(r.getString(0))) {
            continue;
          }
          String scope = r.getString(0) + "/" + r.getString(1);
          Row f = firstPerScope.get(scope);
          if (f == null || r.getInt(4) < f.getInt(4)) {
            firstPerScope.put(scope, r);
          }
          if (r.getInt(4) <= 5) {
            top5++;
            if (matchesPlanted(truth, r)) {
              top5Matching++;
            }
          }
        }
        for (Row r : firstPerScope.values()) {
          top1++;
          boolean m = matchesPlanted(truth, r);
          if (m) {
            top1Matching++;
          }
          System.out.printf(
              Locale.ROOT,
              "  first in %-11s %s %s%n",
              r.getString(0) + "/" + r.getString(1),
              r.getList(2),
              m ? "(a planted scenario)" : "(NOT planted)");
        }
        for (JsonNode sc : truth.get("scenarios")) {
          driversPlanted++;
          if (plantedDriver(lake, end, sc)) {
            driversTop3++;
          }
        }
        int[] explained = explainedByPlanted(spark, lake, config, end, truth);
        keptChecked += explained[1];
        keptExplained += explained[0];
        System.out.printf(
            Locale.ROOT,
            "  kept channel segments whose excess comes from planted" + " responses: %d of %d%n",
            explained[0],
            explained[1]);
        if (herringRows > 0) {
          herrings++;
          System.out.printf(
              Locale.ROOT, "  RED HERRING passed: %d e-mail-only segments%n", herringRows);
        }
      }
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    System.out.println();
    System.out.print(kindTable(kinds, scopes));
    if (crossKeptSingle > 0) {
      System.out.printf(
          Locale.ROOT,
          "Cross-channel (*) segments kept with a single rated"
              + " channel: %d (each repeats that channel's scope; counted false).%n",
          crossKeptSingle);
    }
    if (noScenarios) {
      summary.forEach(s -> System.out.println("  " + s));
      System.out.printf(
          Locale.ROOT,
          "Null data: %d segments passing q over %d seeds" + " (target: at most 1).%n",
          nullPassing,
          seeds.size());
      return ExitCodes.OK;
    }
    System.out.printf(
        Locale.ROOT,
        "Recall %d/%d = %.2f; precision (rank 1 per scope) %d/%d ="
            + " %.2f; top-5 share matching a planted scenario %d/%d = %.2f; red herring passed"
            + " in %d of %d seeds.%n",
        recovered,
        planted,
        ratio(recovered, planted),
        top1Matching,
        top1,
        ratio(top1Matching, top1),
        top5Matching,
        top5,
        ratio(top5Matching, top5),
        herrings,
        seeds.size());
    System.out.printf(
        Locale.ROOT,
        "Key drivers: the planted condition's group in the top 3 of"
            + " its scope (root_cause_drivers.rank) %d/%d.%n",
        driversTop3,
        driversPlanted);
    System.out.printf(
        Locale.ROOT,
        "Precision (kept channel segments whose excess comes from"
            + " planted responses: without them, not critical more often than the rest at one-sided"
            + " p < 0.05) %d/%d = %.2f.%n",
        keptExplained,
        keptChecked,
        ratio(keptExplained, keptChecked));
    return ExitCodes.OK;
  }

  /**
   * The kept channel segments of the run, each tested again without the responses any planted
   * scenario affected (GROUND_TRUTH.json): if the remaining responses of the segment are not
   * critical more often than the remaining responses of its scope (one-sided p &gt;= 0.05, {@link
   * io.polku.stats.Proportions#difference}), the segment is a description, possibly blurred, of
   * planted causes; otherwise it is a false discovery. Returns {explained, checked}.
   */
  static int[] explainedByPlanted(
      SparkSession spark, Lake lake, PolkuConfig config, LocalDate end, JsonNode truth) {
    List<String> affected = new ArrayList<>();
    truth
        .get("scenarios")
        .forEach(sc -> sc.get("affected_responses").forEach(r -> affected.add(r.asText())));
    List<Row> kept =
        lake.read(Tables.ROOT_CAUSE_SEGMENTS)
            .filter(
                col("run_date").equalTo(lit(Date.valueOf(end))).and(col("channel").notEqual("*")))
            .select(
                col("segment_id"),
                col("channel").as("scope_channel"),
                col("metric").as("scope_metric"),
                col("conditions").as("items"))
            .collectAsList();
    if (kept.isEmpty()) {
      return new int[] {0, 0};
    }
    Dataset<Row> scoped =
        io.polku.rootcause.SegmentSearch.scoped(
                io.polku.analysis.AnalysisInputs.load(config, lake, end).prepared())
            .filter(
                col("critical")
                    .isNotNull()
                    .and(functions.not(col("response_id").isin(affected.toArray()))))
            .localCheckpoint(true);
    Map<String, long[]> scopeTotals = new LinkedHashMap<>();
    for (Row r :
        scoped
            .groupBy("scope_channel", "scope_metric")
            .agg(
                functions.count(lit(1)),
                functions.sum(functions.when(col("critical"), 1).otherwise(0)).cast("long"))
            .collectAsList()) {
      scopeTotals.put(
          r.getString(0) + "/" + r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
    }
    Dataset<Row> segments =
        spark.createDataFrame(
            kept,
            new org.apache.spark.sql.types.StructType()
                .add("segment_id", "string")
                .add("scope_channel", "string")
                .add("scope_metric", "string")
                .add(
                    "items",
                    org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.StringType)));
    Map<String, long[]> inSegment = new LinkedHashMap<>();
    for (Row r :
        io.polku.rootcause.SegmentSearch.members(scoped, segments)
            .groupBy("segment_id", "scope_channel", "scope_metric")
            .agg(
                functions.count(lit(1)),
                functions.sum(functions.when(col("critical"), 1).otherwise(0)).cast("long"))
            .collectAsList()) {
      inSegment.put(
          r.getString(0),
          new long[] {
            r.getLong(3),
            r.getLong(4),
            scopeTotals.getOrDefault(r.getString(1) + "/" + r.getString(2), new long[2])[0],
            scopeTotals.getOrDefault(r.getString(1) + "/" + r.getString(2), new long[2])[1]
          });
    }
    int explained = 0;
    for (Row k : kept) {
      long[] c = inSegment.get(k.getString(0));
      boolean stillCritical = false;
      if (c != null && c[0] > 0 && c[2] - c[0] > 0) {
        var cmp = io.polku.stats.Proportions.difference(c[1], c[0], c[3] - c[1], c[2] - c[0]);
        double oneSided = cmp.test().statistic() > 0 ? cmp.pValue() / 2 : 1 - cmp.pValue() / 2;
        stillCritical = oneSided < 0.05;
        if (stillCritical) {
          System.out.printf(
              Locale.ROOT,
              "  not from planted responses: %s (%d of %d critical"
                  + " without them vs %d of %d, one-sided p %.2g)%n",
              k.getString(0),
              c[1],
              c[0],
              c[3] - c[1],
              c[2] - c[0],
              oneSided);
        }
      }
      if (!stillCritical) {
        explained++;
      }
    }
    scoped.unpersist();
    return new int[] {explained, kept.size()};
  }

  /**
   * The table per scenario kind: kind, scope, seeds, planted, found, recall, kept segments of the
   * scope and their precision; then the scopes where no requested kind is rated, the cross-channel
   * scope and the total (every scope once).
   */
  static String kindTable(Map<String, KindCount> kinds, Map<String, ScopeCount> scopes) {
    List<List<String>> rows = new ArrayList<>();
    java.util.Set<String> kindScopes = new java.util.LinkedHashSet<>();
    int seeds = 0;
    int planted = 0;
    int found = 0;
    for (Map.Entry<String, KindCount> e : kinds.entrySet()) {
      String scope = SampleGenerator.scenarioScope(e.getKey());
      kindScopes.add(scope);
      KindCount k = e.getValue();
      seeds = Math.max(seeds, k.seeds);
      planted += k.planted;
      found += k.found;
      rows.add(
          tableRow(
              e.getKey(),
              scope,
              k.seeds,
              k.planted,
              k.found,
              scopes.getOrDefault(scope, new ScopeCount())));
    }
    int kept = 0;
    int matching = 0;
    for (Map.Entry<String, ScopeCount> e : scopes.entrySet()) {
      kept += e.getValue().kept;
      matching += e.getValue().matching;
      if (!kindScopes.contains(e.getKey()) && !"*/*".equals(e.getKey())) {
        rows.add(tableRow("-", e.getKey(), seeds, 0, 0, e.getValue()));
      }
    }
    rows.add(tableRow("*", "*/*", seeds, 0, 0, scopes.getOrDefault("*/*", new ScopeCount())));
    ScopeCount all = new ScopeCount();
    all.kept = kept;
    all.matching = matching;
    rows.add(tableRow("all", "", seeds, planted, found, all));
    return TextTable.render(
        List.of(
            "kind", "scope", "seeds", "planted", "found", "recall", "kept segments", "precision"),
        rows);
  }

  private static List<String> tableRow(
      String kind, String scope, int seeds, int planted, int found, ScopeCount s) {
    return List.of(
        kind,
        scope,
        Integer.toString(seeds),
        Integer.toString(planted),
        planted == 0 ? "-" : Integer.toString(found),
        planted == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) found / planted),
        Integer.toString(s.kept),
        s.kept == 0
            ? "-"
            : String.format(
                Locale.ROOT, "%d/%d = %.2f", s.matching, s.kept, (double) s.matching / s.kept));
  }

  /** Whether the samples rate a single channel (GROUND_TRUTH.json's generator options). */
  static boolean singleRatedChannel(JsonNode truth) {
    JsonNode rated = truth.path("generator").path("rated_channels");
    return rated.isArray() && rated.size() == 1;
  }

  /** A configured source (possibly disabled), or an error that says how to add it. */
  private void requireSource(String source) {
    boolean present;
    try {
      present =
          com.typesafe.config.ConfigFactory.parseFile(confPath().toFile())
              .hasPath("polku.sources." + source);
    } catch (com.typesafe.config.ConfigException e) {
      present = true; // the configuration's own error is clearer; PolkuConfig.load reports it
    }
    if (!present) {
      throw new io.polku.config.ConfigException(
          "the samples of --scenarios "
              + String.join(",", scenarios)
              + " have the source "
              + source
              + ", which "
              + confPath()
              + " does not"
              + " configure; expected the source as in conf/local.conf; add it, or leave S5 out of"
              + " --scenarios");
    }
  }

  /**
   * Prints the key-driver model of a scenario's scope (its top 3 groups, AUC) and where the best
   * group matching the scenario's signature ranks; true when it is in the top 3. A group matches on
   * the side that raises the odds: its conditions and the similar conditions on their side when the
   * coefficient is positive, its complements and the similar "not" conditions when negative.
   */
  static boolean plantedDriver(Lake lake, LocalDate end, JsonNode scenario) {
    String id = scenario.get("id").asText();
    String channel = scenario.get("rated_channel").asText();
    String metric = scenario.get("metric").asText();
    List<Row> drivers =
        lake.read(Tables.ROOT_CAUSE_DRIVERS)
            .filter(
                col("run_date")
                    .equalTo(lit(Date.valueOf(end)))
                    .and(col("channel").equalTo(channel))
                    .and(col("metric").equalTo(metric)))
            .select(
                "rank",
                "condition",
                "conditions",
                "complement_conditions",
                "coefficient",
                "refit_odds_ratio",
                "refit_odds_ratio_lower",
                "refit_odds_ratio_upper",
                "responses_with",
                "in_kept_segment",
                "auc_holdout",
                "similar_conditions")
            .orderBy("rank")
            .collectAsList();
    Predicate<List<String>> sig = signature(id);
    Row best = null;
    for (Row r : drivers) {
      boolean positive = r.getDouble(4) > 0;
      List<String> raising = new ArrayList<>(positive ? r.getList(2) : r.getList(3));
      for (String c : r.<String>getList(11)) {
        if (c.startsWith("not ") != positive) {
          raising.add(positive ? c : c.substring(4));
        }
      }
      if (r.getDouble(4) != 0 && sig.test(raising)) {
        best = r;
        break;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  drivers %s %s/%s (%d groups, AUC %s): planted group %s%n",
        id,
        channel,
        metric,
        drivers.size(),
        drivers.isEmpty() || drivers.get(0).isNullAt(10)
            ? "-"
            : String.format(Locale.ROOT, "%.3f", drivers.get(0).getDouble(10)),
        best == null ? "not found" : "rank " + best.getInt(0) + " " + best.getString(1));
    for (Row r : drivers.subList(0, Math.min(3, drivers.size()))) {
      System.out.printf(
          Locale.ROOT,
          "    %d %-60s b %+.2f refit OR %s n %d%s%n",
          r.getInt(0),
          r.getString(1),
          r.getDouble(4),
          r.isNullAt(5)
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.2f [%s, %s]",
                  r.getDouble(5),
                  r.isNullAt(6) ? "-" : String.format(Locale.ROOT, "%.2f", r.getDouble(6)),
                  r.isNullAt(7) ? "inf" : String.format(Locale.ROOT, "%.2f", r.getDouble(7))),
          r.getLong(8),
          r.getBoolean(9) ? " (in a kept segment)" : "");
    }
    return best != null && best.getInt(0) <= 3;
  }

  private Path confPath() {
    Path p = Path.of(env.conf);
    if (!Files.exists(p) && !p.isAbsolute() && System.getenv("POLKU_HOME") != null) {
      return Path.of(System.getenv("POLKU_HOME")).resolve(p);
    }
    return p;
  }

  private static double ratio(int a, int b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** Whether the conditions match the signature of any planted scenario, in any scope. */
  private static boolean matchesAnyPlanted(JsonNode truth, List<String> conditions) {
    for (JsonNode s : truth.get("scenarios")) {
      if (signature(s.get("id").asText()).test(conditions)) {
        return true;
      }
    }
    return false;
  }

  /** The vaguer union of S3 and S5: any failed web-shop step before the response. */
  static final List<String> SHOP_UNION =
      List.of("prev_failure_channel=shop", "upstream_failure_channel=shop");

  /**
   * Conditions that name the union of S3 and S5 (a failed web-shop step) but neither part: no
   * condition of S3's or S5's signature.
   */
  public static boolean onlyShopUnion(List<String> conditions) {
    return conditions.stream().anyMatch(SHOP_UNION::contains)
        && !signature("S3").test(conditions)
        && !signature("S5").test(conditions);
  }

  private static boolean matchesPlanted(JsonNode truth, Row r) {
    for (JsonNode s : truth.get("scenarios")) {
      if (s.get("rated_channel").asText().equals(r.getString(0))
          && s.get("metric").asText().equals(r.getString(1))
          && signature(s.get("id").asText()).test(r.getList(2))) {
        return true;
      }
    }
    return false;
  }

  public static boolean onlyEmail(List<String> conditions) {
    return !conditions.isEmpty()
        && conditions.stream()
            .allMatch(
                c -> {
                  if (c.contains("newsletter")) {
                    return true;
                  }
                  int eq = c.indexOf('=');
                  if (eq < 0) {
                    return false;
                  }
                  String family = c.substring(0, eq);
                  String value = c.substring(eq + 1);
                  if (family.startsWith("path_")) {
                    return java.util.Arrays.stream(value.split(">")).allMatch("email"::equals);
                  }
                  if (family.equals("step") || family.equals("step_pair")) {
                    // e-mail touchpoints only, other than the planted S6 notice
                    return java.util.Arrays.stream(value.split(">"))
                        .allMatch(t -> t.startsWith("email:") && !t.contains(NOTICE));
                  }
                  return value.equals("email") || value.startsWith("email:");
                });
  }

  /** Conditions that mention e-mail at all (reported, for transparency). */
  static boolean mentionsEmail(List<String> conditions) {
    return conditions.stream().anyMatch(c -> c.contains("email") || c.contains("newsletter"));
  }

  static final String NOTICE = "price_change_notice";
  static final String TERMS_PAGE = "/contract/terms";
  static final String BASKET_CONDITION = "prop.basket_items=4+";

  /**
   * The configuration the planted kinds need to be nameable: S6 the step conditions ({@code
   * polku.rootcause.steps.top-k = 30}), S7 the order's items property bucketed at 2 and 4 ({@code
   * polku.rootcause.properties.basket_items}). A {@code --set} overrides them.
   */
  static Map<String, String> scenarioConditions(List<String> kinds) {
    Map<String, String> over = new LinkedHashMap<>();
    if (kinds.stream().anyMatch("S6"::equalsIgnoreCase)) {
      over.put("polku.rootcause.steps.top-k", "30");
    }
    if (kinds.stream().anyMatch("S7"::equalsIgnoreCase)) {
      over.put(
          "polku.rootcause.properties",
          "{ basket_items { key = items, channel = shop,"
              + " event-type = purchase, edges = [2, 4] } }");
    }
    return over;
  }

  /** The signature of each planted scenario (see the class comment). */
  public static Predicate<List<String>> signature(String scenario) {
    return switch (scenario) {
      case "S1" ->
          c ->
              c.stream()
                      .anyMatch(
                          x ->
                              x.startsWith("upstream_failure=app:billing")
                                  || x.equals("prev_failure=app:billing")
                                  || x.equals("failed_before=app:billing"))
                  || (c.stream()
                          .anyMatch(
                              x ->
                                  x.equals("upstream_failure_channel=app")
                                      || x.equals("prev_failure_channel=app"))
                      && c.stream().anyMatch(x -> x.contains("billing")));
      case "S2" ->
          c ->
              c.stream()
                  .anyMatch(
                      x ->
                          x.startsWith("upstream_failure=web:") && x.endsWith(":search")
                              || x.equals("upstream_failure_type=web:search")
                              || x.equals("upstream_failure_channel=web")
                              || x.equals("prev_failure_channel=web")
                              || x.startsWith("prev_failure=web:")
                              || x.startsWith("failed_before=web:"));
      // S3 and S5 by their own touchpoint or event type; the union they share
      // (prev_failure_channel=shop, upstream_failure_channel=shop, end=failure) is neither.
      case "S3" ->
          c ->
              c.stream()
                  .anyMatch(
                      x ->
                          x.equals("prev_failure=shop:delivery")
                              || x.equals("failed_before=shop:delivery")
                              || x.startsWith("upstream_failure=shop:delivery:")
                              || x.equals("upstream_failure_type=shop:delivery"));
      case "S5" ->
          c ->
              c.stream()
                  .anyMatch(
                      x ->
                          x.equals("prev_failure=shop:undelivered")
                              || x.equals("failed_before=shop:undelivered")
                              || x.startsWith("upstream_failure=shop:undelivered:")
                              || x.equals("upstream_failure_type=shop:delivery_exception"));
      case "S4" -> c -> c.contains("ivr_queue_transfers");
      // S6 by a touchpoint of its path: the notice e-mail or the terms page (alone or in a
      // step pair); the call's own topic (step=phone:contract) or channel paths are not it.
      case "S6" ->
          c ->
              c.stream()
                  .anyMatch(
                      x ->
                          (x.startsWith("step=") || x.startsWith("step_pair="))
                              && (x.contains("email:" + NOTICE)
                                  || x.contains("web:" + TERMS_PAGE)));
      case "S7" -> c -> c.contains(BASKET_CONDITION);
      default -> c -> false;
    };
  }
}
