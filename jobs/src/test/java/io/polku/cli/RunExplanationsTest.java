package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-of-run explanations, on a range run of the small sample without a customers source:
 * the console and {@code --json} say why surveys invited nobody (no consent, because no
 * customers source) and how the range run's follow-ups are dated (historical, not overdue).
 * Through the command line's run (lock, summary, {@code --json}) with the stages the
 * explanations come from.
 */
class RunExplanationsTest {
  private static final String FROM = "2026-09-06";
  private static final String TO = "2026-09-10";

  @TempDir
  Path tmp;

  private final SparkSession spark = SparkTest.spark();

  @Test
  void aRangeRunWithoutACustomersSourceExplainsItsSurveysAndFollowups() throws Exception {
    Path base = tmp.resolve("base");
    TestSources.generateSmallSample(base);
    Path conf = tmp.resolve("explain.conf");
    Path lakeDir = tmp.resolve("lake");
    Files.writeString(conf, String.join("\n",
        "include file(\"" + SparkTest.repoRoot().resolve("conf/local.conf") + "\")",
        TestSources.smallSampleConf(base),
        "polku.spark.master = \"local[2]\"",
        "polku.sources.crm_customers.enabled = false",
        "polku.followups.historical-after-days = 2",
        "polku.lake.root = \"" + lakeDir.toUri() + "\"",
        "polku.logs.dir = \"" + tmp.resolve("logs") + "\""));

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
      dates.from = java.time.LocalDate.parse(FROM);
      dates.to = java.time.LocalDate.parse(TO);
      // The stages the asserted explanations come from, and what they read; root causes,
      // profiles and KPIs are left out (each is a fixed cost of a minute or more here, and
      // follow-ups and surveys run without their outputs).
      NightlyPipeline stages = new NightlyPipeline(List.of(
          new IngestStage(IngestStage.Options.all()), new IdentityStage(), new JourneyStage(),
          new FollowupStage(), new SurveyStage()));
      code = NightlyCommand.run(env, dates, stages, "nightly", true);
    } finally {
      System.setOut(out0);
      System.setErr(err0);
    }
    String console = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, console);
    JsonNode summary = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    List<String> explanations = new ArrayList<>();
    summary.get("explanations").forEach(e -> explanations.add(e.asText()));
    System.out.println("explanations:\n  " + String.join("\n  ", explanations));

    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    // Surveys: every candidate of the last date is suppressed as no_consent, as no customer
    // record exists; the candidates are the suppressions (none invited).
    Date to = Date.valueOf(TO);
    long invited = lake.read(Tables.SURVEY_INVITATIONS)
        .filter(col("invitation_date").equalTo(to)).count();
    Dataset<Row> suppressed = lake.read(Tables.SURVEY_SUPPRESSIONS)
        .filter(col("invitation_date").equalTo(to));
    long candidates = suppressed.count();
    assertEquals(0, invited);
    assertTrue(candidates > 0, "the sample's last date has survey candidates");
    assertEquals(candidates, suppressed.filter(col("reason").equalTo("no_consent")).count());
    String surveys = String.format(Locale.ROOT, "surveys: %,d candidates, 0 invitations: all"
        + " suppressed as no_consent — no customers source is configured, so no customer has"
        + " consent; map a customers source with a survey_consent column", candidates);
    assertTrue(explanations.contains(surveys), explanations.toString());
    assertTrue(explanations.contains("surveys: a range run targets its last date only:"
        + " invitations for 2026-09-10, none for 2026-09-06..2026-09-09 (invitations are never"
        + " back-dated)"), explanations.toString());
    assertTrue(explanations.stream().anyMatch(e -> e.startsWith(
        "ingest: no customers source is configured: no customer has survey_consent")),
        explanations.toString());

    // Follow-ups: those of responses before 09-08 (more than 2 days before 09-10) are
    // historical, the others open; none historical is overdue.
    Dataset<Row> followups = lake.read(Tables.FOLLOWUPS);
    long old = followups.filter(col("response_date").lt(Date.valueOf("2026-09-08"))).count();
    long total = followups.count();
    assertTrue(old > 0 && total > old, "follow-ups on both sides of the cut: " + old + "/"
        + total);
    assertEquals(old, followups.filter(col("status").equalTo("historical")).count());
    assertEquals(total - old, followups.filter(col("status").equalTo("open")).count());
    long overdue = followups.filter(col("status").equalTo("open")
        .and(col("due_date").lt(to))).count();
    String rule = String.format(Locale.ROOT, "followups: %,d follow-ups for the responses of"
        + " 2026-09-06..2026-09-10, opened by one run: each due_date is its response date +"
        + " polku.followups.sla-days {P1=1, P2=3, P3=7}, so the SLA ran while no run had opened"
        + " them; %,d whose response is more than 2 days before 2026-09-10"
        + " (polku.followups.historical-after-days) have status historical and are not counted"
        + " as overdue; overdue on 2026-09-10: %,d", total, old, overdue);
    assertTrue(explanations.contains(rule), explanations.toString());
    Row all = lake.read(Tables.FOLLOWUP_SUMMARY).filter(col("run_date").equalTo(to))
        .filter("team = '*' AND priority = '*'").first();
    assertEquals(overdue, all.<Long>getAs("overdue"));

    // The console prints the same sentences at the end of the run.
    assertTrue(console.contains("Stages that wrote nothing or less than expected, and why:\n"),
        console);
    assertTrue(console.contains("\n  " + surveys + "\n"), console);
  }
}
