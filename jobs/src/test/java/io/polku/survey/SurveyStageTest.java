package io.polku.survey;

import static io.polku.testing.JourneyRows.journey;
import static io.polku.testing.JourneyRows.ts;
import static io.polku.testing.TableRows.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.pipeline.StageResult;
import io.polku.testing.ContextRows;
import io.polku.testing.SparkTest;
import io.polku.testing.StageLake;
import io.polku.testing.TableRows;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The survey stage on a small Delta lake: journeys of 14 customers ending on 2026-10-10 (D) and
 * around it, their consents (customers through identity_map), past invitations, responses in
 * feedback_context and profile scores, with the reference.conf triggers and caps [30 d: 1, 90 d:
 * 2], quiet-days-after-response = 14 and daily-cap = 3. Asserted against an outcome worked out by
 * hand per customer: who is a candidate, who is invited (in priority order) and who is suppressed
 * with which reason and detail; a re-run of D is identical; on D + 1 the stage's own invitation of
 * D suppresses and its daily-cap suppression does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SurveyStageTest {
  private static final LocalDate D = LocalDate.parse("2026-10-10");

  /** The 95% two-sided normal critical value. */
  private static final double Z = 1.959963984540054;

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Lake lake;
  private StageLake stageLake;
  private StageResult first;

  @BeforeAll
  void writeTheFixtureAndRun() {
    stageLake =
        StageLake.at(
            tmp.resolve("lake"),
            "polku.surveys.caps = [{ days = 30, max = 1 }, { days = 90, max = 2 }]",
            "polku.surveys.quiet-days-after-response = 14",
            "polku.surveys.daily-cap = 3",
            "polku.surveys.uncertainty-window-days = 90");
    lake = stageLake.lake();
    String d = D.toString();
    String dMinus1 = D.minusDays(1).toString();
    String dPlus1 = D.plusDays(1).toString();
    List<Row> journeys =
        new ArrayList<>(
            List.of(
                failed("a_fail", d + "T08:00:00Z", d + "T09:00:00Z", "app"),
                assisted("b_resp14", d + "T09:00:00Z", d + "T10:00:00Z"),
                // Started the day before, ended on D: a candidate of D.
                assisted("c_cap30ok", dMinus1 + "T20:00:00Z", d + "T01:00:00Z"),
                // Two journeys ending on D: the first trigger (assisted-contact) wins over the
                // later
                // journey's self-service failure.
                assisted("d_two", d + "T06:00:00Z", d + "T08:00:00Z"),
                failed("d_two", d + "T14:00:00Z", d + "T15:00:00Z", "app"),
                failed("e_web", d + "T10:00:00Z", d + "T11:00:00Z", "web"),
                assisted("f_noconsent", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("g_unknown", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("h_resp13", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("i_cap30", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("j_cap90", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("k_later", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("l_both", d + "T09:00:00Z", d + "T10:00:00Z"),
                // No trigger matches a clean web visit; a journey that ended the day before is not
                // a candidate of D.
                journey("m_nomatch", d + "T09:00:00Z", d + "T10:00:00Z"),
                assisted("n_yesterday", dMinus1 + "T09:00:00Z", dMinus1 + "T10:00:00Z"),
                // For D + 1.
                assisted("a_fail", dPlus1 + "T09:00:00Z", dPlus1 + "T10:00:00Z"),
                assisted("d_two", dPlus1 + "T09:00:00Z", dPlus1 + "T10:00:00Z")));
    lake.ensure(Tables.JOURNEYS);
    lake.replaceWhere(
        Tables.JOURNEYS, spark.createDataFrame(journeys, Tables.JOURNEYS.schema()), "true");

    List<Map<String, Object>> map = new ArrayList<>();
    List<Map<String, Object>> customers = new ArrayList<>();
    for (String key :
        List.of(
            "a_fail",
            "b_resp14",
            "c_cap30ok",
            "d_two",
            "e_web",
            "f_noconsent",
            "h_resp13",
            "i_cap30",
            "j_cap90",
            "k_later",
            "l_both",
            "m_nomatch",
            "n_yesterday")) {
      map.add(m("id_type", "customer_id", "id", "c-" + key, "customer_key", key));
      customers.add(
          m(
              "customer_id",
              "c-" + key,
              "survey_consent",
              !key.equals("f_noconsent") && !key.equals("l_both")));
    }
    write(Tables.IDENTITY_MAP, map);
    write(Tables.CUSTOMERS, customers);

    List<Map<String, Object>> history = new ArrayList<>();
    for (String[] h :
        new String[][] {
          {"c_cap30ok", "2026-09-10"},
          {"i_cap30", "2026-09-11"},
          {"j_cap90", "2026-07-22"},
          {"j_cap90", "2026-08-31"},
          {"k_later", "2026-10-20"}
        }) {
      history.add(
          m(
              "invitation_id",
              h[0] + "@" + h[1],
              "customer_key",
              h[0],
              "invitation_date",
              Date.valueOf(h[1])));
    }
    write(Tables.SURVEY_INVITATIONS, history);

    ContextRows responses = new ContextRows();
    responses.add("rb", "2026-09-26", "email", "nps", 10.0, null, 0L, null, "b_resp14", null, null);
    responses.add("rh", "2026-09-27", "email", "nps", 10.0, null, 0L, null, "h_resp13", null, null);
    responses.add("rl", "2026-10-09", "email", "nps", 10.0, null, 0L, null, "l_both", null, null);
    // The web channel's critical rate over the 90-day window: 2 of 4 (scores 3).
    double[] web = {9, 9, 3, 3};
    for (int i = 0; i < web.length; i++) {
      responses.add(
          "rw" + i, "2026-09-20", "web", "nps", web[i], null, 0L, null, "w" + i, null, null);
    }
    lake.ensure(Tables.FEEDBACK_CONTEXT);
    lake.replaceWhere(Tables.FEEDBACK_CONTEXT, responses.toDataset(spark), "true");

    List<Map<String, Object>> profiles = new ArrayList<>();
    for (Object[] p :
        new Object[][] {{"b_resp14", 0.9}, {"c_cap30ok", 0.5}, {"d_two", 0.3}, {"e_web", 0.99}}) {
      profiles.add(m("customer_key", p[0], "as_of", Date.valueOf(dMinus1), "score", p[1]));
    }
    write(Tables.CUSTOMER_PROFILES, profiles);
    first = run(D);
  }

  private static Row assisted(String key, String start, String end) {
    return journey(
        key,
        start,
        end,
        "channel_path",
        "phone",
        "first_channel",
        "phone",
        "last_channel",
        "phone",
        "ended_assisted",
        true,
        "assisted_contacts",
        1L,
        "peak_severity",
        1L,
        "success",
        false);
  }

  private static Row failed(String key, String start, String end, String channel) {
    return journey(
        key,
        start,
        end,
        "channel_path",
        channel,
        "first_channel",
        channel,
        "last_channel",
        channel,
        "failures",
        1L,
        "peak_severity",
        3L,
        "success",
        false,
        "failure_steps",
        List.of(RowFactory.create(ts(start), channel, "self_service", "failure", "billing", null)));
  }

  private void write(TableSpec table, List<Map<String, Object>> rows) {
    stageLake.write(table, TableRows.rows(spark, table, rows));
  }

  private StageResult run(LocalDate date) {
    return stageLake.run(new SurveyStage(), date, date);
  }

  /** customer_key -> "invited #priority" or "reason #priority: detail", for one date. */
  private Map<String, String> outcomes(LocalDate date) {
    Map<String, String> out = new TreeMap<>();
    String where = "invitation_date = DATE'" + date + "'";
    for (Row r : lake.read(Tables.SURVEY_INVITATIONS).filter(where).collectAsList()) {
      String previous = out.put(r.getAs("customer_key"), "invited #" + r.getAs("priority"));
      assertNull(previous, "one outcome per customer: " + r.getAs("customer_key"));
    }
    for (Row r : lake.read(Tables.SURVEY_SUPPRESSIONS).filter(where).collectAsList()) {
      String previous =
          out.put(
              r.getAs("customer_key"),
              r.getAs("reason") + " #" + r.getAs("priority") + ": " + r.getAs("detail"));
      assertNull(previous, "one outcome per customer: " + r.getAs("customer_key"));
    }
    return out;
  }

  /** Width of the Wilson 95% interval of x successes in n (0 < x < n). */
  private static double wilsonWidth(int x, int n) {
    double p = (double) x / n;
    return 2 * Z * Math.sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n)) / (1 + Z * Z / n);
  }

  @Test
  @Order(1)
  void consentQuietPeriodCapsAndTheDailyCapDecideEveryCandidate() {
    Map<String, String> expected = new TreeMap<>();
    // Eligible, ranked by uncertainty (every rated channel but web has no responses: 1), then
    // critical journey, then profile score: a_fail (critical), b 0.9, c 0.5, d 0.3; e_web is
    // critical with score 0.99 but web's uncertainty is below 1. Daily cap 3: a, b, c.
    expected.put("a_fail", "invited #1");
    // Its response on D - 14 is outside the quiet period [D - 13, D].
    expected.put("b_resp14", "invited #2");
    // Its invitation on D - 30 is in no 30-day window containing D, and 1 < 2 in 90 days.
    expected.put("c_cap30ok", "invited #3");
    expected.put("d_two", "daily_cap #4: priority 4 > polku.surveys.daily-cap = 3");
    expected.put("e_web", "daily_cap #5: priority 5 > polku.surveys.daily-cap = 3");
    expected.put("f_noconsent", "no_consent #0: survey_consent = false");
    expected.put("g_unknown", "no_consent #0: no customer record or consent unknown");
    expected.put("h_resp13", "recent_response #0: response on 2026-09-27");
    expected.put(
        "i_cap30", "cap_30d #0: other invitations at day offsets [-29]; at most 1 in" + " 30 days");
    // D - 80 and D - 40 lie in the 90-day window [D - 89, D]: 2 = max.
    expected.put(
        "j_cap90",
        "cap_90d #0: other invitations at day offsets [-80,-40]; at most 2" + " in 90 days");
    // A later invitation (D + 10) counts too: the window [D - 19, D + 10].
    expected.put(
        "k_later", "cap_30d #0: other invitations at day offsets [10]; at most 1 in" + " 30 days");
    // No consent comes first, before its response of D - 1.
    expected.put("l_both", "no_consent #0: survey_consent = false");
    assertEquals(expected, outcomes(D));
    assertEquals(12, first.objects().get(0).rowsIn(), "12 candidates (not m, not n)");
    assertEquals(3, first.objects().get(0).rowsOut());
    assertEquals(9, first.objects().get(1).rowsOut());

    Row a = lake.read(Tables.SURVEY_INVITATIONS).filter("customer_key = 'a_fail'").first();
    assertEquals("self-service-failure", a.getAs("trigger"));
    assertEquals("self-service-ces", a.getAs("survey"));
    assertEquals("app", a.getAs("send_channel"));
    assertEquals("app", a.getAs("rated_channel"));
    assertEquals("c-a_fail", a.getAs("customer_id"));
    assertEquals(true, a.getAs("critical_journey"));
    assertEquals(1.0, a.<Double>getAs("uncertainty"), 1e-12);
    assertEquals(
        List.of("ces", "blocker"),
        a.<Row>getList(a.fieldIndex("questions")).stream().map(q -> q.getString(0)).toList());
    Row b = lake.read(Tables.SURVEY_INVITATIONS).filter("customer_key = 'b_resp14'").first();
    assertEquals("assisted-contact", b.getAs("trigger"));
    assertEquals("email", b.getAs("send_channel"));
    assertEquals(0.9, b.<Double>getAs("profile_score"), 1e-12);
    assertEquals(
        List.of("csat", "resolved"),
        b.<Row>getList(b.fieldIndex("questions")).stream().map(q -> q.getString(0)).toList());
    Row dTwo = lake.read(Tables.SURVEY_SUPPRESSIONS).filter("customer_key = 'd_two'").first();
    assertEquals("assisted-contact", dTwo.getAs("trigger"));
    assertEquals("d_two@" + D + "T06:00:00Z", dTwo.getAs("journey_id"));
    Row e = lake.read(Tables.SURVEY_SUPPRESSIONS).filter("customer_key = 'e_web'").first();
    // Wilson 95% interval of 2 critical in 4, width rounded to 6 decimals as stored.
    assertEquals(wilsonWidth(2, 4), e.<Double>getAs("uncertainty"), 1e-6);
  }

  private List<Row> hashes() {
    return List.of(
        Lake.contentHash(lake.read(Tables.SURVEY_INVITATIONS)),
        Lake.contentHash(lake.read(Tables.SURVEY_SUPPRESSIONS)));
  }

  @Test
  @Order(2)
  void aReRunOfTheDateIsIdentical() {
    // The re-run reads D's own invitations in the contact history and must ignore them.
    List<Row> before = hashes();
    run(D);
    assertEquals(before, hashes());
  }

  @Test
  @Order(3)
  void theNextDayCountsTheInvitationsOfDButNotItsSuppressions() {
    Map<String, String> before = outcomes(D);
    run(D.plusDays(1));
    assertEquals(
        Map.of(
            "a_fail", "cap_30d #0: other invitations at day offsets [-1]; at most 1 in 30 days",
            "d_two", "invited #1"),
        outcomes(D.plusDays(1)));
    assertEquals(before, outcomes(D), "D's rows are kept");
  }
}
