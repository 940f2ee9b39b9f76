package io.polku.followup;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.StageResult;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import io.polku.testing.StageLake;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follow-up stage on a small Delta lake: a feedback_context fixture for 2026-10-01..06, runs
 * for 2026-10-05..06. One row per critical response (counted independently from the fixture's
 * scores), re-runs identical, an update survives re-runs, a fix's verdict.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FollowupStageTest {
  private static final LocalDate FROM = LocalDate.parse("2026-10-05");
  private static final LocalDate TO = LocalDate.parse("2026-10-06");

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Lake lake;
  private StageLake stageLake;

  /** Scores of the fixture, for the independent count: [date, metric, score]. */
  private final List<Object[]> scores = new java.util.ArrayList<>();

  @BeforeAll
  void writeTheFixture() {
    stageLake =
        StageLake.at(
            tmp.resolve("lake"),
            "polku.followups.teams { phone = \"contact-centre\" }",
            "polku.followups.fix-window-days = 4",
            "polku.followups.fixes = [{ segment = \"web/nps/prev_channel=app\","
                + " date = \"2026-10-05\", note = \"app link fixed\" }]");
    lake = stageLake.lake();
    ContextRows r = new ContextRows();
    // The fix's segment: before (10-01..04) 6 of 10 critical, after (10-05..06) 1 of 10.
    for (int i = 0; i < 10; i++) {
      add(r, "b" + i, "2026-10-0" + (1 + i % 4), "web", "nps", i < 6 ? 3.0 : 9.0, "app");
      add(r, "a" + i, "2026-10-0" + (5 + i % 2), "web", "nps", i < 1 ? 3.0 : 9.0, "app");
    }
    double[] ces = {7, 6, 5, 4, 2, 1};
    for (int i = 0; i < ces.length; i++) {
      add(r, "p" + i, "2026-10-0" + (5 + i % 2), "phone", "ces", ces[i], "web");
    }
    double[] csat = {1, 2, 3, 5};
    for (int i = 0; i < csat.length; i++) {
      add(r, "c" + i, "2026-10-06", "chat", "csat", csat[i], "web");
    }
    lake.ensure(Tables.FEEDBACK_CONTEXT);
    lake.replaceWhere(Tables.FEEDBACK_CONTEXT, r.toDataset(spark), "true");
  }

  private void add(
      ContextRows r,
      String id,
      String date,
      String channel,
      String metric,
      double score,
      String prev) {
    r.add(
        id,
        date,
        channel,
        metric,
        score,
        prev + ">" + channel,
        0L,
        "success",
        "k-" + id,
        null,
        prev);
    scores.add(new Object[] {LocalDate.parse(date), metric, score});
  }

  private StageResult run() {
    return stageLake.run(new FollowupStage(), FROM, TO);
  }

  private List<Row> hashes() {
    return List.of(
        Lake.contentHash(lake.read(Tables.FOLLOWUPS)),
        Lake.contentHash(lake.read(Tables.FOLLOWUP_SUMMARY)),
        Lake.contentHash(lake.read(Tables.FIX_EFFECTS)));
  }

  @Test
  @Order(1)
  void oneFollowupPerCriticalResponseAndReRunsAreIdentical() {
    long t0 = System.nanoTime();
    StageResult first = run();
    System.out.printf(
        "FollowupStageTest: first run %.1f s: %s%n",
        (System.nanoTime() - t0) / 1e9, first.objects().get(0).message());
    // Independent count: in 10-05..06, NPS <= 6, CES >= 5, CSAT <= 2 (reference.conf rules).
    long expected =
        scores.stream()
            .filter(s -> !((LocalDate) s[0]).isBefore(FROM) && !((LocalDate) s[0]).isAfter(TO))
            .filter(
                s -> {
                  double v = (Double) s[2];
                  return switch ((String) s[1]) {
                    case "nps" -> v <= 6;
                    case "ces" -> v >= 5;
                    case "csat" -> v <= 2;
                    default -> throw new AssertionError(s[1]);
                  };
                })
            .count();
    assertEquals(6, expected, "1 NPS + 3 CES + 2 CSAT");
    assertEquals(expected, lake.read(Tables.FOLLOWUPS).count());
    assertEquals(expected, lake.read(Tables.FOLLOWUPS).select("response_id").distinct().count());
    assertEquals(expected, first.rowsOut());
    assertEquals(
        3, lake.read(Tables.FOLLOWUPS).filter(col("team").equalTo("contact-centre")).count());
    List<Row> before = hashes();
    run();
    assertEquals(before, hashes(), "a re-run leaves followups, summary and fix effects equal");
  }

  @Test
  @Order(2)
  void anUpdateSurvivesReRuns() {
    lake.replaceWhere(
        Tables.FOLLOWUP_UPDATES,
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "p0", "in_progress", Timestamp.valueOf("2026-10-06 09:00:00"), "call"),
                RowFactory.create(
                    "p0", "closed", Timestamp.valueOf("2026-10-06 15:00:00"), "fixed"),
                RowFactory.create("p1", "done", Timestamp.valueOf("2026-10-06 15:00:00"), "bad")),
            Tables.FOLLOWUP_UPDATES.schema()),
        "true");
    StageResult result = run();
    assertTrue(
        result.warnings().stream()
            .anyMatch(
                w ->
                    w.startsWith(
                        "1 followup_updates rows"
                            + " have a status outside [open, in_progress, closed]")),
        result.warnings().toString());
    Row p0 = lake.read(Tables.FOLLOWUPS).filter(col("response_id").equalTo("p0")).first();
    assertEquals("closed", p0.getAs("status"));
    assertEquals(Timestamp.valueOf("2026-10-06 15:00:00"), p0.getAs("closed_ts"));
    assertEquals("fixed", p0.getAs("status_note"));
    List<Row> before = hashes();
    run();
    run();
    assertEquals(before, hashes(), "re-runs keep the status an update set");
    Row all = lake.read(Tables.FOLLOWUP_SUMMARY).filter("team = '*' AND priority = '*'").first();
    assertEquals(6L, all.<Long>getAs("followups"));
    assertEquals(1L, all.<Long>getAs("closed"));
    assertEquals(1.0 / 6, all.<Double>getAs("closure_rate"), 1e-12);
    // p0 (2026-10-05 12:00) closed 2026-10-06 15:00: 27 hours.
    assertEquals(27.0, all.<Double>getAs("median_hours_to_close"), 1e-9);
  }

  @Test
  @Order(3)
  void theFixVerdictIsThatOfTheHandWorkedFisherTest() {
    Row f = lake.read(Tables.FIX_EFFECTS).first();
    assertNotNull(f);
    assertEquals(10L, f.<Long>getAs("before_responses"));
    assertEquals(6L, f.<Long>getAs("before_critical"));
    assertEquals(10L, f.<Long>getAs("after_responses"));
    assertEquals(1L, f.<Long>getAs("after_critical"));
    // See FollowupTransformsTest: Fisher p = 4440 / 77520 = 0.057276 -> no_change.
    assertEquals("fisher", f.getAs("test"));
    assertEquals(4440.0 / 77520, f.<Double>getAs("p_value"), 1e-6);
    assertEquals("no_change", f.getAs("verdict"));
  }
}
