package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.contract.Tables;
import io.polku.followup.FollowupStage;
import io.polku.identity.IdentityStage;
import io.polku.ingest.IngestStage;
import io.polku.journey.JourneyStage;
import io.polku.lake.Lake;
import io.polku.pipeline.NightlyPipeline;
import io.polku.survey.SurveyStage;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-of-run explanations, on a range run of the small sample without a customers source: the
 * console and {@code --json} say why surveys invited nobody (no consent, because no customers
 * source), how the range run's follow-ups are dated (historical, not overdue), and which days of
 * the journeys' lookback before the range were never ingested, with the commands that fill them;
 * done as it says, the range's context equals a run that started earlier. Through the command
 * line's run (lock, summary, {@code --json}) with the stages the explanations come from.
 */
class RunExplanationsTest {
  private static final String FROM = "2026-09-06";
  private static final String TO = "2026-09-10";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void aRangeRunExplainsItsSurveysFollowupsAndMissingContext() throws Exception {
    Path base = tmp.resolve("base");
    TestSources.generateSmallSample(base);
    Path conf = tmp.resolve("explain.conf");
    Path lakeDir = tmp.resolve("lake");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "include file(\"" + SparkTest.repoRoot().resolve("conf/local.conf") + "\")",
            TestSources.smallSampleConf(base),
            "polku.spark.master = \"local[2]\"",
            "polku.sources.crm_customers.enabled = false",
            "polku.followups.historical-after-days = 2",
            "polku.lake.root = \"" + lakeDir.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\""));

    // The stages the asserted explanations come from, and what they read; root causes,
    // profiles and KPIs are left out (each is a fixed cost of a minute or more here, and
    // follow-ups and surveys run without their outputs).
    Run run =
        run(
            conf,
            FROM,
            TO,
            new IngestStage(IngestStage.Options.all()),
            new IdentityStage(),
            new JourneyStage(),
            new FollowupStage(),
            new SurveyStage());
    String console = run.console;
    List<String> explanations = run.explanations;
    System.out.println("explanations:\n  " + String.join("\n  ", explanations));

    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    // Surveys: every candidate of the last date is suppressed as no_consent, as no customer
    // record exists; the candidates are the suppressions (none invited).
    Date to = Date.valueOf(TO);
    long invited =
        lake.read(Tables.SURVEY_INVITATIONS).filter(col("invitation_date").equalTo(to)).count();
    Dataset<Row> suppressed =
        lake.read(Tables.SURVEY_SUPPRESSIONS).filter(col("invitation_date").equalTo(to));
    long candidates = suppressed.count();
    assertEquals(0, invited);
    assertTrue(candidates > 0, "the sample's last date has survey candidates");
    assertEquals(candidates, suppressed.filter(col("reason").equalTo("no_consent")).count());
    String surveys =
        String.format(
            Locale.ROOT,
            "surveys: %,d candidates, 0 invitations: all"
                + " suppressed as no_consent — no customers source is configured, so no customer has"
                + " consent; map a customers source with a survey_consent column",
            candidates);
    assertTrue(explanations.contains(surveys), explanations.toString());
    assertTrue(
        explanations.contains(
            "surveys: a range run targets its last date only:"
                + " invitations for 2026-09-10, none for 2026-09-06..2026-09-09 (invitations are never"
                + " back-dated)"),
        explanations.toString());
    assertTrue(
        explanations.stream()
            .anyMatch(
                e ->
                    e.startsWith(
                        "ingest: no customers source is configured: no customer has survey_consent")),
        explanations.toString());

    // Follow-ups: those of responses before 09-08 (more than 2 days before 09-10) are
    // historical, the others open; none historical is overdue.
    Dataset<Row> followups = lake.read(Tables.FOLLOWUPS);
    long old = followups.filter(col("response_date").lt(Date.valueOf("2026-09-08"))).count();
    long total = followups.count();
    assertTrue(old > 0 && total > old, "follow-ups on both sides of the cut: " + old + "/" + total);
    assertEquals(old, followups.filter(col("status").equalTo("historical")).count());
    assertEquals(total - old, followups.filter(col("status").equalTo("open")).count());
    long overdue =
        followups.filter(col("status").equalTo("open").and(col("due_date").lt(to))).count();
    String rule =
        String.format(
            Locale.ROOT,
            "followups: %,d follow-ups for the responses of"
                + " 2026-09-06..2026-09-10, opened by one run: each due_date is its response date +"
                + " polku.followups.sla-days {P1=1, P2=3, P3=7}, so the SLA ran while no run had opened"
                + " them; %,d whose response is more than 2 days before 2026-09-10"
                + " (polku.followups.historical-after-days) have status historical and are not counted"
                + " as overdue; overdue on 2026-09-10: %,d",
            total,
            old,
            overdue);
    assertTrue(explanations.contains(rule), explanations.toString());
    Row all =
        lake.read(Tables.FOLLOWUP_SUMMARY)
            .filter(col("run_date").equalTo(to))
            .filter("team = '*' AND priority = '*'")
            .first();
    assertEquals(overdue, all.<Long>getAs("overdue"));

    // The console prints the same sentences at the end of the run.
    assertTrue(
        console.contains("Stages that wrote nothing or less than expected, and why:\n"), console);
    assertTrue(console.contains("\n  " + surveys + "\n"), console);

    // Journeys: the range reads events from 08-27 (09-06, less the 3 re-opened days of the
    // default 72 h journey gap and the 7-day lookback); this new lake ingested none
    // of 08-27..09-05.
    String lookback =
        "journeys: the context before 2026-09-06 was never ingested into this lake"
            + " (2026-08-27..2026-09-05; the run reads events from 2026-08-27: polku.journeys.lookback"
            + " = 7 days plus the re-opened days): if the sources hold events of those days, the"
            + " responses of the range's first days lack up to that much behavioural history. To fill"
            + " it, ingest those days and re-run the range: bin/polku ingest --from 2026-08-27 --to"
            + " 2026-09-05, then bin/polku nightly --from 2026-09-06 --to 2026-09-10; if the sources"
            + " start at 2026-09-06, there is nothing to fill";
    assertTrue(explanations.contains(lookback), explanations.toString());
    Dataset<Row> before = context(lake);

    // Done as it says (the identity and journey stages of the re-run suffice here), the
    // range's context equals that of a range that started at 08-27 on another lake.
    assertEquals(
        0, run(conf, "2026-08-27", "2026-09-05", new IngestStage(IngestStage.Options.all())).code);
    Run filled =
        run(
            conf,
            FROM,
            TO,
            new IngestStage(IngestStage.Options.all()),
            new IdentityStage(),
            new JourneyStage());
    assertTrue(
        filled.explanations.stream().noneMatch(e -> e.startsWith("journeys:")),
        filled.explanations.toString());
    Path earlier = tmp.resolve("earlier.conf");
    Path earlierLake = tmp.resolve("earlier-lake");
    Files.writeString(
        earlier, Files.readString(conf) + "\npolku.lake.root = \"" + earlierLake.toUri() + "\"");
    assertEquals(
        0,
        run(
                earlier,
                "2026-08-27",
                TO,
                new IngestStage(IngestStage.Options.all()),
                new IdentityStage(),
                new JourneyStage())
            .code);
    Dataset<Row> after = context(lake);
    Dataset<Row> reference = context(new Lake(spark, earlierLake.toUri().toString(), "default"));
    assertTrue(reference.count() > 0);
    // customer_key and journey_id are surrogate keys: a key is kept from the lake's previous
    // identity_map (CustomerKeys), so two lakes built in another order name the same person
    // differently. They must group the responses alike (a one-to-one renaming); every other
    // column must be equal.
    Dataset<Row> pairs =
        reference
            .select(col("response_id"), col("customer_key").as("ck_a"), col("journey_id").as("j_a"))
            .join(
                after.select(
                    col("response_id"),
                    col("customer_key").as("ck_b"),
                    col("journey_id").as("j_b")),
                "response_id");
    assertEquals(reference.count(), pairs.count());
    for (String[] k : new String[][] {{"ck_a", "ck_b"}, {"j_a", "j_b"}}) {
      long both = pairs.select(k[0], k[1]).distinct().count();
      assertEquals(pairs.select(k[0]).distinct().count(), both, k[0] + " renamed one-to-one");
      assertEquals(pairs.select(k[1]).distinct().count(), both, k[1] + " renamed one-to-one");
    }
    assertNotEquals(
        Lake.contentHash(before.drop("customer_key", "journey_id")),
        Lake.contentHash(after.drop("customer_key", "journey_id")),
        "the comparison can fail: before the fill the context differed");
    List<String> differ = new ArrayList<>();
    for (String c : reference.drop("customer_key", "journey_id").columns()) {
      if (!Lake.contentHash(reference.select(c)).equals(Lake.contentHash(after.select(c)))) {
        differ.add(c);
      }
    }
    assertEquals(
        List.of(),
        differ,
        "the range's context after the fill equals a run from"
            + " 08-27, column by column (rows, content hash)");
    long historyBefore = before.filter(col("has_history")).count();
    long historyAfter = after.filter(col("has_history")).count();
    assertTrue(
        historyAfter > historyBefore,
        "the fill gave the first responses their"
            + " history: "
            + historyBefore
            + " -> "
            + historyAfter);
  }

  /** feedback_context of the range, without the columns that name the run. */
  private static Dataset<Row> context(Lake lake) {
    Dataset<Row> rows =
        lake.read(Tables.FEEDBACK_CONTEXT)
            .filter(col("response_date").between(Date.valueOf(FROM), Date.valueOf(TO)));
    for (String c : io.polku.testing.LakeHashes.RUN_IDENTITY) {
      rows = rows.drop(c);
    }
    return rows.localCheckpoint();
  }

  private record Run(int code, String console, List<String> explanations) {}

  /** The command line's run of {@code stages} over [from, to], its summary read as JSON. */
  private static Run run(Path conf, String from, String to, io.polku.pipeline.Stage... stages)
      throws Exception {
    PrintStream out0 = System.out;
    PrintStream err0 = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      Environment env = new Environment();
      env.conf = conf.toString();
      DateRange dates = new DateRange();
      dates.from = java.time.LocalDate.parse(from);
      dates.to = java.time.LocalDate.parse(to);
      code = NightlyCommand.run(env, dates, new NightlyPipeline(List.of(stages)), "nightly", true);
    } finally {
      System.setOut(out0);
      System.setErr(err0);
    }
    String console = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, console);
    JsonNode summary = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    List<String> explanations = new ArrayList<>();
    summary.get("explanations").forEach(e -> explanations.add(e.asText()));
    return new Run(code, console, explanations);
  }
}
