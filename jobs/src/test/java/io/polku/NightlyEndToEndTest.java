package io.polku;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.cli.EvaluateRootCausesCommand;
import io.polku.cli.ExitCodes;
import io.polku.cli.Polku;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.Console;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden end-to-end test: {@code nightly} through the CLI on the committed samples with the
 * shipped conf/local.conf (only the lake moved to a temporary folder), checked against the
 * generator's manifest and ground truth, which were written independently of the ingest code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyEndToEndTest {
  private static final String FROM = "2026-09-01";
  private static final String TO = "2026-10-30";

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private final ObjectMapper json = new ObjectMapper();
  private Path repo;
  private Path lakeDir;
  private Lake lake;
  private JsonNode manifest;
  private JsonNode truth;

  private String[] args(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(
        List.of(
            "--conf",
            repo.resolve("conf/local.conf").toString(),
            "--set",
            "polku.lake.root=" + lakeDir.toUri(),
            "--set",
            "polku.logs.dir=" + lakeDir.resolve("logs"),
            // Every segment that passed q in root_cause_pruned, for the red-herring check.
            "--set",
            "polku.rootcause.max-pruned-per-parent=1000000"));
    return all.toArray(new String[0]);
  }

  @BeforeAll
  void runNightlyOnTheSamples() throws Exception {
    repo = SparkTest.repoRoot();
    lakeDir = tmp.resolve("lake");
    manifest = json.readTree(repo.resolve("data-samples/MANIFEST.json").toFile());
    truth = json.readTree(repo.resolve("data-samples/GROUND_TRUTH.json").toFile());
    assertEquals(0, Polku.execute(args("nightly", "--from", FROM, "--to", TO)));
    lake = new Lake(spark, lakeDir.toUri().toString(), "default");
  }

  private static String tableOf(String source) {
    return switch (source) {
      case "survey_responses" -> "feedback";
      case "crm_customers" -> "customers";
      case "identity_links" -> "identity_links";
      default -> "events";
    };
  }

  @Test
  void theNightlyLeavesItsRunReportWithABarPerSegment() throws Exception {
    Path reports = lakeDir.resolve("reports");
    String html = Files.readString(reports.resolve(TO + ".html"));
    assertTrue(Files.exists(reports.resolve("latest.html")));
    assertEquals(
        1,
        lake.read(Tables.RUN_AUDIT)
            .filter(
                "stage = 'report' AND object = '*'"
                    + " AND status = 'succeeded' AND date_to = DATE'"
                    + TO
                    + "'")
            .count(),
        "run_audit records the report step");
    // Counted here from the table, independently of the report's query layer: two bars (in
    // the segment, outside) per segment ranked 1-3 in its channel.
    long segments =
        lake.read(Tables.ROOT_CAUSE_SEGMENTS)
            .filter("run_date = DATE'" + TO + "' AND channel_rank <= 3")
            .count();
    assertTrue(segments > 0);
    java.util.regex.Matcher figure =
        java.util.regex.Pattern.compile(
                "<figure id=\"chart-segments-figure\">(.*?)</figure>",
                java.util.regex.Pattern.DOTALL)
            .matcher(html);
    assertTrue(figure.find(), "the segments chart");
    assertEquals(2 * segments, figure.group(1).split("class=\"mark\"", -1).length - 1);
  }

  @Test
  void silverCountsMatchTheManifestAndNothingIsLost() {
    Map<String, Long> quarantined = new LinkedHashMap<>();
    for (Row r : lake.read(Tables.QUARANTINE).groupBy("source").count().collectAsList()) {
      quarantined.put(r.getString(0), r.getLong(1));
    }
    Iterator<Map.Entry<String, JsonNode>> sources = manifest.get("sources").fields();
    int checked = 0;
    while (sources.hasNext()) {
      Map.Entry<String, JsonNode> e = sources.next();
      String source = e.getKey();
      long rows = e.getValue().get("rows").asLong();
      long bad = e.getValue().get("bad_rows").asLong();
      TableSpec table = Tables.byName(tableOf(source)).orElseThrow();
      long valid = lake.read(table).filter(col("source").equalTo(source)).count();
      long q = quarantined.getOrDefault(source, 0L);
      assertEquals(rows - bad, valid, source + ": silver rows = generated - planted bad rows");
      assertEquals(bad, q, source + ": quarantined = planted bad rows");
      assertEquals(rows, valid + q, source + ": valid + quarantined == read");
      checked++;
    }
    assertEquals(9, checked);
  }

  @Test
  void everyPlantedBadRowIsQuarantinedWithItsReason() {
    Dataset<Row> quarantine = lake.read(Tables.QUARANTINE).cache();
    int checked = 0;
    for (JsonNode bad : truth.get("bad_rows")) {
      String source = bad.get("source").asText();
      String match = bad.get("match").asText();
      String reason = bad.get("reason").asText();
      List<Row> hits =
          quarantine
              .filter(col("source").equalTo(source).and(col("raw").contains(match)))
              .select("reason_code", "reason")
              .collectAsList();
      assertEquals(1, hits.size(), source + " " + match + ": " + hits);
      assertEquals(
          reason, hits.get(0).getString(0), source + " " + match + ": " + hits.get(0).getString(1));
      checked++;
    }
    assertTrue(checked >= 25, "the samples plant every kind of bad row; found " + checked);
    quarantine.unpersist();
  }

  @Test
  @Order(50)
  void theSqlEndpointServesTheLakeReadOnlyOverJdbc() throws Exception {
    new SqlEndpointChecks(
            repo, tmp, lake, a -> captured(() -> assertEquals(0, Polku.execute(args(a)))))
        .run();
  }

  @Test
  @Order(60)
  void everyNotebookExecutesHeadlessAgainstTheLake() throws Exception {
    new NotebookChecks(repo, tmp, lake.root()).run();
  }

  /**
   * kpi_daily's NPS per date and channel against NPS recomputed in plain Java from the silver
   * feedback rows (not feedback_context, not the KPI transform).
   */
  @Test
  void kpiDailyNpsMatchesAnIndependentCountOfTheFeedbackRows() {
    Map<String, long[]> counts = new java.util.TreeMap<>();
    for (Row r :
        lake.read(Tables.FEEDBACK)
            .select("response_date", "channel", "metric", "score")
            .collectAsList()) {
      if (!"nps".equalsIgnoreCase(r.getString(2)) || r.isNullAt(3)) {
        continue;
      }
      long[] c = counts.computeIfAbsent(r.getDate(0) + "/" + r.getString(1), k -> new long[3]);
      double score = r.getDouble(3);
      c[0]++;
      c[1] += score >= 9 ? 1 : 0;
      c[2] += score <= 6 ? 1 : 0;
    }
    Map<String, Row> kpi = new java.util.HashMap<>();
    for (Row r :
        lake.read(Tables.KPI_DAILY).filter(col("path_before").equalTo("*")).collectAsList()) {
      kpi.put(r.getAs("response_date") + "/" + r.getAs("channel"), r);
    }
    long responses = 0;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      long[] c = e.getValue();
      Row r = kpi.get(e.getKey());
      assertNotNull(r, "no kpi_daily row for " + e.getKey());
      assertEquals(c[0], r.<Long>getAs("nps_responses"), e.getKey());
      double nps = 100.0 * (c[1] - c[2]) / c[0];
      assertEquals(nps, r.<Double>getAs("nps"), 1e-9, e.getKey());
      responses += c[0];
    }
    long npsRows = kpi.values().stream().filter(r -> r.<Long>getAs("nps_responses") > 0).count();
    assertEquals(counts.size(), npsRows, "no kpi_daily NPS without NPS feedback");
    System.out.printf(
        java.util.Locale.ROOT,
        "kpi_daily: NPS of %d date/channel cells (%d NPS"
            + " responses) equal to the independent count%n",
        counts.size(),
        responses);
    assertTrue(responses > 500, "the samples have NPS responses: " + responses);
  }

  /**
   * One follow-up per critical response: critical counted in plain Java from the silver feedback
   * rows with reference.conf's thresholds (NPS <= 6, CSAT <= 2, CES >= 5, other metrics normalised
   * <= 0.25).
   */
  @Test
  void everyCriticalResponseHasExactlyOneFollowup() {
    long critical = 0;
    long all = 0;
    for (Row r :
        lake.read(Tables.FEEDBACK)
            .select("metric", "score", "scale_min", "scale_max")
            .collectAsList()) {
      all++;
      if (r.isNullAt(1)) {
        continue;
      }
      double v = r.getDouble(1);
      boolean c =
          switch (r.getString(0).toLowerCase(java.util.Locale.ROOT)) {
            case "nps" -> v <= 6;
            case "csat" -> v <= 2;
            case "ces" -> v >= 5;
            default -> (v - r.getDouble(2)) / (r.getDouble(3) - r.getDouble(2)) <= 0.25;
          };
      critical += c ? 1 : 0;
    }
    Dataset<Row> followups = lake.read(Tables.FOLLOWUPS);
    long rows = followups.count();
    System.out.printf(
        java.util.Locale.ROOT,
        "followups: %d rows, %d critical of %d feedback"
            + " rows; %d with a root-cause segment label%n",
        rows,
        critical,
        all,
        followups.filter("size(segment_labels) > 0").count());
    assertEquals(critical, rows);
    assertEquals(rows, followups.select("response_id").distinct().count());
    assertTrue(
        followups.filter("size(segment_labels) > 0").count() > 0,
        "some follow-ups match a kept root-cause segment");
  }

  @Test
  void everyResponseHasExactlyOneContextAndEveryScenarioShowsItsUpstreamCause() {
    Dataset<Row> context = lake.read(Tables.FEEDBACK_CONTEXT).cache();
    assertEquals(lake.read(Tables.FEEDBACK).count(), context.count());
    assertEquals(context.count(), context.select("response_id").distinct().count());
    Map<String, String> cause =
        Map.of(
            "S1",
                "exists(last_steps, s -> s.channel = 'app' AND s.event_type = 'self_service'"
                    + " AND s.outcome = 'failure' AND s.touchpoint = 'billing')",
            "S2",
                "exists(last_steps, s -> s.channel = 'web' AND s.event_type = 'search'"
                    + " AND s.outcome = 'failure') AND exists(last_steps, s -> s.channel = 'chat')",
            "S3",
                "exists(last_steps, s -> s.channel = 'shop' AND s.event_type = 'delivery'"
                    + " AND s.outcome = 'failure')",
            "S4",
                "exists(last_steps, s -> s.channel = 'phone' AND s.event_type = 'call'"
                    + " AND cast(s.properties['queue_transfers'] AS INT) >= 2)");
    Set<String> observable = observableResponses();
    int scenarios = 0;
    for (JsonNode scenario : truth.get("scenarios")) {
      String id = scenario.get("id").asText();
      List<String> responses = new ArrayList<>();
      scenario.get("affected_responses").forEach(r -> responses.add(r.asText()));
      Dataset<Row> affected = context.filter(col("response_id").isin(responses.toArray()));
      long found = affected.count();
      Set<String> shown =
          new java.util.HashSet<>(
              affected
                  .filter(cause.get(id))
                  .select("response_id")
                  .as(org.apache.spark.sql.Encoders.STRING())
                  .collectAsList());
      List<String> resolvable = responses.stream().filter(observable::contains).toList();
      long shownResolvable = resolvable.stream().filter(shown::contains).count();
      double recall = (double) shown.size() / responses.size();
      double recallResolvable = (double) shownResolvable / resolvable.size();
      System.out.printf(
          java.util.Locale.ROOT,
          "scenario %s: %d responses, %d in context,"
              + " upstream cause shown for %d (recall %.3f); %d of persons the data links into one"
              + " key, cause shown for %d (recall %.3f)%n",
          id,
          responses.size(),
          found,
          shown.size(),
          recall,
          resolvable.size(),
          shownResolvable,
          recallResolvable);
      assertEquals(responses.size(), found, id + ": every affected response has a context");
      assertTrue(resolvable.size() >= 0.5 * responses.size(), id + ": too few linkable");
      // A response whose person the data never links (15% of phone numbers and some e-mail
      // addresses have no identity link, by design of the samples) cannot show a cause seen on
      // another identifier; the raw recall is printed above, the linkable one asserted.
      assertTrue(recallResolvable >= 0.98, id + ": recall " + recallResolvable);
      scenarios++;
    }
    assertEquals(4, scenarios);
    context.unpersist();
  }

  @Test
  void sqlAndTablesAnswerOverTheLake() {
    String out =
        captured(
            () ->
                assertEquals(
                    0,
                    Polku.execute(
                        args(
                            "sql",
                            "select channel, count(*) as n from events group by channel order by channel",
                            "--format",
                            "csv"))));
    List<String> lines = out.lines().toList();
    assertEquals("channel,n", lines.get(0));
    long total = lake.read(Tables.EVENTS).count();
    long sum = lines.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
    assertEquals(total, sum);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("phone,")), out);

    // A view and its tables, named only inside a CTE, are registered on demand.
    String view =
        captured(
            () ->
                assertEquals(
                    0,
                    Polku.execute(
                        args(
                            "sql",
                            "with k as (select * from kpi_daily_last_90_days) select count(*) as n from k",
                            "--format",
                            "csv"))));
    // The samples span 60 days: the 90-day view holds every row of kpi_daily.
    assertEquals(
        lake.read(Tables.KPI_DAILY).count(),
        Long.parseLong(view.lines().skip(1).findFirst().orElseThrow()),
        view);
    String unknown =
        capturedErr(
            () ->
                assertEquals(
                    ExitCodes.USAGE, Polku.execute(args("sql", "select * from no_such_table"))));
    assertTrue(
        unknown.contains(
            "`no_such_table` is not in the lake; expected one of the lake's"
                + " tables or views (events, feedback,"),
        unknown);

    String tables = captured(() -> assertEquals(0, Polku.execute(args("tables"))));
    for (TableSpec t : Tables.ALL) {
      assertTrue(tables.contains("default." + t.name()), tables);
    }
  }

  /**
   * Responses of persons (ground truth) whose customer number, devices, phones and e-mails present
   * in identity_map all carry one customer_key: for them the data can show the cross-channel
   * history. A person whose phone was never linked to their customer number is two people in any
   * data.
   */
  private Set<String> observableResponses() {
    List<Row> ids = new ArrayList<>();
    for (JsonNode p : truth.get("persons")) {
      String person = p.get("person").asText();
      if (!p.get("customer_id").isNull()) {
        ids.add(RowFactory.create(person, "customer_id", p.get("customer_id").asText()));
      }
      // Cookies are left out: a cookie that never logged in is anonymous in any data.
      for (String[] field :
          new String[][] {
            {"device_ids", "device_id"},
            {"phone_hashes", "phone_hash"},
            {"email_hashes", "email_hash"}
          }) {
        p.get(field[0]).forEach(v -> ids.add(RowFactory.create(person, field[1], v.asText())));
      }
    }
    StructType schema =
        new StructType()
            .add("person", DataTypes.StringType)
            .add("id_type", DataTypes.StringType)
            .add("id", DataTypes.StringType);
    Dataset<Row> personIds =
        spark
            .createDataFrame(ids, schema)
            .select(
                col("person"),
                org.apache.spark.sql.functions.concat_ws(":", col("id_type"), col("id")).as("k"));
    Dataset<Row> map =
        lake.read(Tables.IDENTITY_MAP)
            .select(
                col("customer_key"),
                org.apache.spark.sql.functions.concat_ws(":", col("id_type"), col("id")).as("k"));
    Dataset<Row> keyed = personIds.join(map, "k");
    Dataset<Row> onePerson =
        keyed
            .groupBy("person")
            .agg(org.apache.spark.sql.functions.countDistinct("customer_key").as("keys"))
            .filter(col("keys").equalTo(1))
            .select("person");
    Dataset<Row> responseIds =
        lake.read(Tables.FEEDBACK)
            .select(
                col("response_id"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .explode(
                        org.apache.spark.sql.functions.array(
                            org.apache.spark.sql.functions.struct(
                                lit("customer_id").as("id_type"), col("customer_id").as("id")),
                            org.apache.spark.sql.functions.struct(
                                lit("email_hash").as("id_type"), col("email_hash").as("id")),
                            org.apache.spark.sql.functions.struct(
                                lit("phone_hash").as("id_type"), col("phone_hash").as("id"))))
                    .as("i"))
            .filter(col("i.id").isNotNull())
            .select(
                col("response_id"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .concat_ws(":", col("i.id_type"), col("i.id"))
                    .as("k"));
    return new java.util.HashSet<>(
        responseIds
            .join(personIds, "k")
            .join(onePerson, "person")
            .select("response_id")
            .distinct()
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList());
  }

  private static String captured(Runnable r) {
    return Console.capture(r, false);
  }

  @Test
  void breachingTheQuarantineThresholdExitsThreeAndCommitsNothing() throws Exception {
    Path otherLake = tmp.resolve("strict-lake");
    List<String> a =
        new ArrayList<>(
            List.of(
                "ingest",
                "--date",
                "2026-10-05",
                "--source",
                "survey_responses",
                "--conf",
                repo.resolve("conf/local.conf").toString(),
                "--set",
                "polku.lake.root=" + otherLake.toUri(),
                "--set",
                "polku.logs.dir=" + otherLake.resolve("logs"),
                "--set",
                "polku.ingest.max-quarantine-share=0.0001"));
    String err = capturedErr(() -> assertEquals(3, Polku.execute(a.toArray(new String[0]))));
    assertTrue(err.contains("source survey_responses:"), err);
    assertTrue(err.contains("threshold 0.0%"), err);
    assertTrue(err.contains("top reasons: SCORE_OUT_OF_RANGE"), err);
    Lake strict = new Lake(spark, otherLake.toUri().toString(), "default");
    assertEquals(0, strict.read(Tables.FEEDBACK).count(), "nothing committed");
    assertTrue(strict.read(Tables.QUARANTINE).count() > 0, "quarantine kept for diagnosis");
    assertEquals(
        "dq_failed",
        strict.read(Tables.RUN_AUDIT).filter(col("stage").equalTo("run")).first().getAs("status"));
  }

  @Test
  void aMissingSourcePathExitsTwoNamingThePathAndKey() throws Exception {
    Path conf = tmp.resolve("missing.conf");
    Files.writeString(
        conf,
        "include file(\""
            + repo.resolve("conf/local.conf")
            + "\")\n"
            + "polku.sources.crm_customers.paths = [\"/nonexistent/crm/customers.csv\"]\n");
    Path otherLake = tmp.resolve("missing-lake");
    String err =
        capturedErr(
            () ->
                assertEquals(
                    2,
                    Polku.execute(
                        "ingest",
                        "--date",
                        "2026-10-05",
                        "--source",
                        "crm_customers",
                        "--conf",
                        conf.toString(),
                        "--set",
                        "polku.lake.root=" + otherLake.toUri(),
                        "--set",
                        "polku.logs.dir=" + otherLake.resolve("logs"))));
    assertTrue(
        err.contains(
            "Source crm_customers: path file:///nonexistent/crm/customers.csv"
                + " does not exist (configured in polku.sources.crm_customers.paths)"),
        err);
  }

  private static String capturedErr(Runnable r) {
    return Console.capture(r, true);
  }

  /** Every segment that passed q in the full-range run, ranked or pruned. */
  private List<Row> rootCauseSegments() {
    return lake.read(Tables.ROOT_CAUSE_SEGMENTS)
        .unionByName(lake.read(Tables.ROOT_CAUSE_PRUNED))
        .filter(col("run_date").equalTo(java.sql.Date.valueOf(TO)))
        .collectAsList();
  }

  @Test
  void everyPlantedScenarioIsInTheTopFiveOfItsChannel() {
    for (JsonNode s : truth.get("scenarios")) {
      String id = s.get("id").asText();
      String channel = s.get("rated_channel").asText();
      String metric = s.get("metric").asText();
      Row best =
          rootCauseSegments().stream()
              .filter(
                  r ->
                      "kept".equals(r.getAs("status"))
                          && channel.equals(r.getAs("channel"))
                          && metric.equals(r.getAs("metric"))
                          && EvaluateRootCausesCommand.signature(id)
                              .test(r.getList(r.fieldIndex("conditions"))))
              .min(java.util.Comparator.comparingInt(r -> r.<Integer>getAs("channel_rank")))
              .orElse(null);
      assertNotNull(best, id + " not found among the kept segments of " + channel + "/" + metric);
      assertTrue(
          best.<Integer>getAs("channel_rank") <= 5, id + " ranks " + best.getAs("channel_rank"));
      assertTrue(best.<Double>getAs("lift") > 1, id + " lift " + best.getAs("lift"));
      assertTrue(best.<Double>getAs("q_value") < 0.05);
      String label = best.getAs("label");
      assertTrue(label.contains("critical vs"), label);
    }
  }

  @Test
  void theNewsletterRedHerringDoesNotPass() {
    for (Row r : rootCauseSegments()) {
      assertTrue(
          !EvaluateRootCausesCommand.onlyEmail(r.getList(r.fieldIndex("conditions"))),
          "an e-mail-only segment passed: " + r.getAs("segment_id"));
    }
  }

  @Test
  void keptSegmentsHaveAtMostFiveExamplesFromTheirChannel() {
    Set<String> kept =
        rootCauseSegments().stream()
            .filter(r -> "kept".equals(r.getAs("status")))
            .map(r -> r.<String>getAs("segment_id"))
            .collect(Collectors.toSet());
    List<Row> perSegment =
        lake.read(Tables.ROOT_CAUSE_EXAMPLES)
            .filter(col("run_date").equalTo(java.sql.Date.valueOf(TO)))
            .groupBy("segment_id")
            .count()
            .collectAsList();
    assertEquals(kept, perSegment.stream().map(r -> r.getString(0)).collect(Collectors.toSet()));
    perSegment.forEach(r -> assertTrue(r.getLong(1) >= 1 && r.getLong(1) <= 5));
    assertEquals(
        0,
        lake.read(Tables.ROOT_CAUSE_EXAMPLES)
            .alias("e")
            .join(lake.read(Tables.ROOT_CAUSE_SEGMENTS).alias("s"), "segment_id")
            .filter("s.channel <> '*' AND s.channel <> e.channel")
            .count());
  }

  @Test
  void theKeyDriverModelFindsTheTransfersSignal() {
    Row d =
        lake.read(Tables.ROOT_CAUSE_DRIVERS)
            .filter("channel = 'phone' AND metric = 'ces' AND condition = 'ivr_queue_transfers'")
            .filter(col("run_date").equalTo(java.sql.Date.valueOf(TO)))
            .first();
    // Planted: 60% high effort after 2+ transfers vs 15% otherwise, an odds ratio near 8.5.
    assertTrue(d.<Double>getAs("odds_ratio") > 2, "odds ratio " + d.getAs("odds_ratio"));
    // Grouped, supported and refitted (issue 17): ranked 1 with refit odds ratio 8.45 [5.22,
    // 13.68] on these samples under conf/local.conf (measured 2026-12-07), and it is the
    // condition of the scope's first kept segment.
    assertTrue(d.<Integer>getAs("rank") <= 3, "rank " + d.getAs("rank"));
    assertTrue(
        d.<Double>getAs("refit_odds_ratio_lower") > 1,
        "refit interval " + d.getAs("refit_odds_ratio_lower"));
    assertTrue(d.<Boolean>getAs("in_kept_segment"));
    // The holdout has only ~120 CES responses: its AUC scatters (0.54-0.70 over seeds 1-5,
    // measured), so only "better than chance" is asserted.
    assertTrue(d.<Double>getAs("auc_holdout") > 0.5, "AUC " + d.getAs("auc_holdout"));
  }

  @Test
  void theProfileSpecJustifiesEveryProfileColumn() {
    List<Row> spec =
        lake.read(Tables.PROFILE_SPEC)
            .filter(col("run_date").equalTo(java.sql.Date.valueOf(TO)))
            .orderBy("step")
            .collectAsList();
    for (Row r : spec) {
      System.out.printf(
          java.util.Locale.ROOT,
          "profile_spec %s step %d +%s auc %s (full %s,"
              + " bar %s) chosen %s fitted %d status %s kept %d/%d ratio %.3f train %d holdout"
              + " %d positive rate %s%n",
          r.getAs("run_date"),
          r.<Integer>getAs("step"),
          r.getAs("attribute_added"),
          r.getAs("auc_holdout"),
          r.getAs("full_model_auc"),
          r.getAs("target_auc"),
          r.getAs("chosen"),
          r.<Integer>getAs("models_fitted"),
          r.getAs("status"),
          r.<Integer>getAs("kept"),
          r.<Integer>getAs("candidates"),
          r.<Double>getAs("minimisation_ratio"),
          r.<Long>getAs("train_customers"),
          r.<Long>getAs("holdout_customers"),
          r.getAs("positive_rate"));
    }
    System.out.println("profile_spec message: " + spec.get(spec.size() - 1).getAs("message"));
    assertTrue(spec.size() >= 2, "step 0 and at least one step: " + spec);
    Row full = spec.get(0);
    int candidates = full.getAs("candidates");
    assertTrue(candidates >= 30 && candidates <= 60, "candidates " + candidates);
    assertEquals(
        java.sql.Date.valueOf("2026-10-01"),
        full.getAs("cutoff_date"),
        "cut-off = run date + 1 - 30 days");
    List<Row> chosen = spec.stream().filter(r -> r.<Boolean>getAs("chosen")).toList();
    assertEquals(1, chosen.size());
    List<String> attributes = chosen.get(0).getList(chosen.get(0).fieldIndex("attributes"));
    assertEquals(attributes.size(), chosen.get(0).<Integer>getAs("kept"));
    assertEquals(
        (double) attributes.size() / candidates,
        chosen.get(0).<Double>getAs("minimisation_ratio"),
        1e-12);
    assertTrue(
        full.<Double>getAs("full_model_auc") > 0.5, "full AUC " + full.getAs("full_model_auc"));

    // Every profile row carries exactly the attributes its run's spec chose.
    Map<java.sql.Date, Set<String>> chosenByRun = new java.util.HashMap<>();
    for (Row r : lake.read(Tables.PROFILE_SPEC).filter(col("chosen")).collectAsList()) {
      chosenByRun.put(
          r.getAs("run_date"), Set.copyOf(r.<String>getList(r.fieldIndex("attributes"))));
    }
    Dataset<Row> profiles = lake.read(Tables.CUSTOMER_PROFILES);
    assertEquals(profiles.count(), profiles.select("customer_key").distinct().count());
    List<Row> shapes =
        profiles
            .select(
                col("as_of"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .array_sort(org.apache.spark.sql.functions.map_keys(col("attributes")))
                    .as("keys"))
            .distinct()
            .collectAsList();
    for (Row r : shapes) {
      assertEquals(
          chosenByRun.get(r.<java.sql.Date>getAs("as_of")),
          Set.copyOf(r.<String>getList(1)),
          "as_of " + r.getAs("as_of"));
    }
    assertTrue(profiles.count() > 500, "profiles " + profiles.count());
    assertEquals(
        0,
        profiles
            .filter(col("score").isNull().or(col("score").lt(0)).or(col("score").gt(1)))
            .count());
  }

  @Test
  void surveyInvitationsRespectConsentCapsAndExplainEverySuppression() {
    Dataset<Row> inv = lake.read(Tables.SURVEY_INVITATIONS);
    Dataset<Row> sup = lake.read(Tables.SURVEY_SUPPRESSIONS);
    for (Row r :
        inv.groupBy("invitation_date").count().orderBy("invitation_date").collectAsList()) {
      System.out.println("survey_invitations " + r.get(0) + ": " + r.get(1));
      assertTrue(r.getLong(1) <= 100, "daily cap");
    }
    for (Row r :
        sup.groupBy("invitation_date", "reason")
            .count()
            .orderBy("invitation_date", "reason")
            .collectAsList()) {
      System.out.println("survey_suppressions " + r.get(0) + " " + r.get(1) + ": " + r.get(2));
    }
    assertTrue(
        inv.filter(col("invitation_date").equalTo(java.sql.Date.valueOf(TO))).count() > 0,
        "the samples' last night invites someone");
    // Candidates of a date are invited or suppressed, never both.
    assertEquals(0, inv.join(sup, "invitation_id").count());
    // Never two invitations of one customer within 30 days.
    assertEquals(
        0,
        inv.alias("a")
            .join(inv.alias("b"), "customer_key")
            .filter(
                "a.invitation_date < b.invitation_date"
                    + " AND datediff(b.invitation_date, a.invitation_date) < 30")
            .count());
    // Only customers with survey consent on every linked customer record.
    Dataset<Row> consenting =
        io.polku.profile.ProfileFeatures.customerMaster(
                lake.read(Tables.IDENTITY_MAP), lake.read(Tables.CUSTOMERS))
            .filter(col("survey_consent"))
            .select("customer_key");
    assertEquals(inv.count(), inv.join(consenting, "customer_key").count());
    assertTrue(sup.filter(col("reason").equalTo("no_consent")).count() > 0);
  }

  /**
   * The next night, after every other test (it changes the lake): the files dated near it are the
   * only ones read, so nothing earlier changes; the key drivers and the profile's attribute search
   * are not redone within their cadence (7 days), and say so in the tables.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void theFollowingNightKeepsTheDriversAndReusesTheProfileSearch() {
    Row events = Lake.contentHash(lake.read(Tables.EVENTS).drop("run_id"));
    Row feedback = Lake.contentHash(lake.read(Tables.FEEDBACK).drop("run_id"));
    List<Row> searched =
        lake.read(Tables.PROFILE_SPEC)
            .filter(col("run_date").equalTo(lit(java.sql.Date.valueOf(TO))).and(col("chosen")))
            .select("attributes")
            .collectAsList();
    assertEquals(1, searched.size());
    String next = java.time.LocalDate.parse(TO).plusDays(1).toString();

    String out = captured(() -> assertEquals(0, Polku.execute(args("nightly", "--date", next))));
    assertTrue(
        out.contains("files 1 of 60"),
        "clickstream and app: only the file of " + TO + ", within the one-day margin\n" + out);
    assertTrue(out.contains("key drivers: the fit of " + TO + " kept"), out);
    assertTrue(out.contains("selection: reused from " + TO), out);
    assertEquals(events, Lake.contentHash(lake.read(Tables.EVENTS).drop("run_id")));
    assertEquals(feedback, Lake.contentHash(lake.read(Tables.FEEDBACK).drop("run_id")));
    assertEquals(
        0,
        lake.read(Tables.ROOT_CAUSE_DRIVERS)
            .filter(col("run_date").equalTo(lit(java.sql.Date.valueOf(next))))
            .count());
    assertTrue(
        lake.read(Tables.ROOT_CAUSE_SEGMENTS)
                .filter(col("run_date").equalTo(lit(java.sql.Date.valueOf(next))))
                .count()
            > 0);
    List<Row> reused =
        lake.read(Tables.PROFILE_SPEC)
            .filter(col("run_date").equalTo(lit(java.sql.Date.valueOf(next))))
            .collectAsList();
    assertEquals(1, reused.size());
    Row r = reused.get(0);
    assertEquals("reused", r.getAs("status"));
    assertEquals(Boolean.TRUE, r.getAs("chosen"));
    assertEquals(1, (int) r.getAs("models_fitted"));
    assertEquals(searched.get(0).getList(0), r.getList(r.fieldIndex("attributes")));
    assertTrue(((String) r.getAs("message")).contains("search on " + TO), r.toString());
  }
}
