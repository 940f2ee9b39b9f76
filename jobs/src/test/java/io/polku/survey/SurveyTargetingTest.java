package io.polku.survey;

import static io.polku.testing.JourneyRows.journey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.SurveyOptions;
import io.polku.config.SurveyOptions.Cap;
import io.polku.config.SurveyOptions.Question;
import io.polku.config.SurveyOptions.Trigger;
import io.polku.contract.Tables;
import io.polku.profile.ProfileStage;
import io.polku.testing.SparkTest;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Triggers, fatigue rules and the daily cap, on a fixture and over 90 simulated nights. */
class SurveyTargetingTest {
  private final SparkSession spark = SparkTest.spark();
  private static final LocalDate D = LocalDate.of(2026, 10, 10);
  private static final StructType RESPONSES =
      new StructType().add("customer_key", "string").add("response_date", "date");
  private static final StructType HISTORY =
      new StructType().add("customer_key", "string").add("invitation_date", "date");
  private static final StructType UNCERTAINTY =
      new StructType().add("rated_channel", "string").add("uncertainty", "double");
  private static final StructType SCORES =
      new StructType().add("customer_key", "string").add("score", "double");

  private static SurveyOptions options(List<Cap> caps, int dailyCap) {
    return new SurveyOptions(
        List.of(
            new Trigger("assisted-contact", "ended_assisted", "contact-csat", "email"),
            new Trigger("failure", "failures > 0", "failure-ces", "app")),
        Map.of(
            "contact-csat",
            List.of(new Question("csat", "How satisfied? (1-5)")),
            "failure-ces",
            List.of(
                new Question("ces", "How easy? (1-7)"), new Question("why", "What stopped you?"))),
        caps,
        14,
        dailyCap,
        90);
  }

  private static final List<Cap> DEFAULT_CAPS = List.of(new Cap(30, 1), new Cap(90, 3));

  private static Row ended(
      String key, LocalDate day, String channel, boolean assisted, long failures) {
    return journey(
        key,
        day + "T08:00:00Z",
        day + "T09:00:00Z",
        "last_channel",
        channel,
        "ended_assisted",
        assisted,
        "failures",
        failures,
        "success",
        failures == 0 && !assisted,
        "peak_severity",
        failures > 0 ? 3L : assisted ? 1L : 0L);
  }

  private static Row contact(String key, boolean consent) {
    return RowFactory.create(key, "c-" + key, null, null, null, consent, false);
  }

  private static Date date(LocalDate d) {
    return Date.valueOf(d);
  }

  @Test
  void everyCandidateGetsTheFirstRuleThatStopsItAndTheCapIsFilledByPriority() {
    List<Row> journeys =
        new ArrayList<>(
            List.of(
                ended("noconsent", D, "phone", true, 0),
                ended("unknown", D, "phone", true, 0),
                ended("responded", D, "phone", true, 0),
                ended("respondedold", D, "web", false, 1),
                ended("inv29", D, "phone", true, 0),
                ended("inv30", D, "web", false, 1),
                ended("later", D, "phone", true, 0),
                ended("two90", D, "phone", true, 0),
                ended("p_app", D, "app", false, 1),
                ended("p_phone_fail", D, "phone", true, 2),
                ended("p_phone", D, "phone", true, 0),
                ended("nomatch", D, "web", false, 0),
                ended("yesterday", D.minusDays(1), "phone", true, 0)));
    Dataset<Row> candidates =
        SurveyTargeting.candidates(
            spark.createDataFrame(journeys, Tables.JOURNEYS.schema()),
            options(DEFAULT_CAPS, 3).triggers(),
            D);
    List<Row> contacts = new ArrayList<>();
    for (String k :
        List.of(
            "responded",
            "respondedold",
            "inv29",
            "inv30",
            "later",
            "two90",
            "p_app",
            "p_phone_fail",
            "p_phone",
            "nomatch",
            "yesterday")) {
      contacts.add(contact(k, true));
    }
    contacts.add(contact("noconsent", false));
    List<Row> responses =
        List.of(
            RowFactory.create("responded", date(D.minusDays(13))),
            RowFactory.create("respondedold", date(D.minusDays(14))));
    List<Row> history =
        List.of(
            RowFactory.create("inv29", date(D.minusDays(29))),
            RowFactory.create("inv30", date(D.minusDays(30))),
            RowFactory.create("later", date(D.plusDays(10))),
            RowFactory.create("two90", date(D.minusDays(80))),
            RowFactory.create("two90", date(D.minusDays(40))),
            RowFactory.create("p_phone", date(D))); // the date being rewritten: ignored
    Dataset<Row> decided =
        SurveyTargeting.decide(
                candidates,
                spark.createDataFrame(contacts, ProfileStage.MASTER_SCHEMA),
                spark.createDataFrame(responses, RESPONSES),
                spark.createDataFrame(history, HISTORY),
                spark.createDataFrame(
                    List.of(RowFactory.create("phone", 0.5), RowFactory.create("web", 0.2)),
                    UNCERTAINTY),
                spark.createDataFrame(List.of(RowFactory.create("respondedold", 0.9)), SCORES),
                options(List.of(new Cap(30, 1), new Cap(90, 2)), 3),
                D)
            .localCheckpoint(true);
    Map<String, String> outcome = new TreeMap<>();
    Map<String, Integer> priority = new HashMap<>();
    for (Row r : decided.collectAsList()) {
      String key = r.getAs("customer_key");
      outcome.put(key, r.isNullAt(r.fieldIndex("reason")) ? "invited" : r.getAs("reason"));
      priority.put(key, r.getAs("priority"));
      if (!r.isNullAt(r.fieldIndex("reason"))) {
        assertNotNull(r.getAs("detail"), key);
      }
    }
    Map<String, String> expected =
        new TreeMap<>(
            Map.ofEntries(
                Map.entry("noconsent", "no_consent"),
                Map.entry("unknown", "no_consent"),
                Map.entry("responded", "recent_response"),
                Map.entry("inv29", "cap_30d"),
                Map.entry("later", "cap_30d"),
                Map.entry("two90", "cap_90d"),
                // Eligible, by uncertainty (app unknown = 1.0, phone 0.5, web 0.2), then critical
                // journey, then profile score: p_app, p_phone_fail, p_phone | respondedold, inv30.
                Map.entry("p_app", "invited"),
                Map.entry("p_phone_fail", "invited"),
                Map.entry("p_phone", "invited"),
                Map.entry("respondedold", "daily_cap"),
                Map.entry("inv30", "daily_cap")));
    assertEquals(expected, outcome, "nomatch and yesterday are no candidates");
    assertEquals(1, priority.get("p_app"));
    assertEquals(2, priority.get("p_phone_fail"));
    assertEquals(3, priority.get("p_phone"));
    assertEquals(4, priority.get("respondedold"), "the profile score breaks the tie");
    assertEquals(5, priority.get("inv30"));
    assertEquals(0, priority.get("inv29"));

    List<Row> invitations =
        SurveyTargeting.invitations(decided, options(DEFAULT_CAPS, 3).surveys()).collectAsList();
    assertEquals(3, invitations.size());
    for (Row r : invitations) {
      String survey = r.getAs("survey");
      assertEquals(
          survey.equals("contact-csat") ? 1 : 2,
          r.getList(r.fieldIndex("questions")).size(),
          survey);
    }
    Row app =
        invitations.stream()
            .filter(r -> "p_app".equals(r.getAs("customer_key")))
            .findFirst()
            .orElseThrow();
    assertEquals("failure", app.getAs("trigger"));
    assertEquals("app", app.getAs("send_channel"));
    assertEquals(
        decided.count(), invitations.size() + SurveyTargeting.suppressions(decided).count());
  }

  /**
   * 90 consecutive nights on 40 simulated customers: each night's invitations are fed into the
   * history and some invited customers answer the next day. No customer may ever exceed a cap.
   */
  @Test
  void ninetyNightsNeverBreakACapAndEverySuppressionHasAReason() {
    SplittableRandom rnd = new SplittableRandom(2026);
    SurveyOptions o = options(DEFAULT_CAPS, 4);
    List<String> customers = new ArrayList<>();
    List<Row> contacts = new ArrayList<>();
    Set<String> noConsent = new TreeSet<>();
    for (int i = 0; i < 40; i++) {
      String key = String.format("k%02d", i);
      customers.add(key);
      boolean consent = rnd.nextDouble() < 0.8;
      if (!consent) {
        noConsent.add(key);
      }
      contacts.add(contact(key, consent));
    }
    Dataset<Row> contactDf =
        spark.createDataFrame(contacts, ProfileStage.MASTER_SCHEMA).localCheckpoint(true);
    Dataset<Row> uncertainty =
        spark
            .createDataFrame(
                List.of(RowFactory.create("phone", 0.4), RowFactory.create("web", 0.3)),
                UNCERTAINTY)
            .localCheckpoint(true);
    Dataset<Row> scores = spark.createDataFrame(List.of(), SCORES);
    List<Row> history = new ArrayList<>();
    List<Row> responses = new ArrayList<>();
    Map<String, List<LocalDate>> invitedOn = new TreeMap<>();
    Map<String, List<LocalDate>> respondedOn = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    LocalDate start = LocalDate.of(2026, 7, 1);
    for (int day = 0; day < 90; day++) {
      LocalDate d = start.plusDays(day);
      List<Row> journeys = new ArrayList<>();
      for (String k : customers) {
        if (rnd.nextDouble() < 0.35) {
          journeys.add(ended(k, d, rnd.nextBoolean() ? "phone" : "web", rnd.nextBoolean(), 1));
        }
        if (rnd.nextDouble() < 0.01) {
          responses.add(RowFactory.create(k, date(d)));
          respondedOn.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
        }
      }
      Dataset<Row> candidates =
          SurveyTargeting.candidates(
              spark.createDataFrame(journeys, Tables.JOURNEYS.schema()), o.triggers(), d);
      List<Row> decided =
          SurveyTargeting.decide(
                  candidates,
                  contactDf,
                  spark.createDataFrame(responses, RESPONSES),
                  spark.createDataFrame(history, HISTORY),
                  uncertainty,
                  scores,
                  o,
                  d)
              .collectAsList();
      assertEquals(journeys.size(), decided.size(), d + ": every candidate decided once");
      int invitedToday = 0;
      for (Row r : decided) {
        String k = r.getAs("customer_key");
        if (r.isNullAt(r.fieldIndex("reason"))) {
          invitedToday++;
          history.add(RowFactory.create(k, date(d)));
          invitedOn.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
          if (rnd.nextDouble() < 0.3) {
            responses.add(RowFactory.create(k, date(d.plusDays(1))));
            respondedOn.computeIfAbsent(k, x -> new ArrayList<>()).add(d.plusDays(1));
          }
        } else {
          String reason = r.getAs("reason");
          assertTrue(
              Set.of("no_consent", "recent_response", "cap_30d", "cap_90d", "daily_cap")
                  .contains(reason),
              reason);
          reasons.merge(reason, 1, Integer::sum);
        }
      }
      assertTrue(invitedToday <= 4, d + ": daily cap");
    }
    long total = invitedOn.values().stream().mapToLong(List::size).sum();
    System.out.println("90 nights: " + total + " invitations, suppressions " + reasons);
    for (var e : invitedOn.entrySet()) {
      String k = e.getKey();
      List<LocalDate> ds = e.getValue();
      assertTrue(!noConsent.contains(k), k + " has no consent but was invited");
      for (int i = 0; i < ds.size(); i++) {
        int in90 = 0;
        for (LocalDate other : ds) {
          long gap = other.toEpochDay() - ds.get(i).toEpochDay();
          if (gap > 0) {
            assertTrue(gap >= 30, k + " invited " + ds.get(i) + " and " + other);
          }
          if (gap >= 0 && gap < 90) {
            in90++;
          }
        }
        assertTrue(in90 <= 3, k + ": " + in90 + " invitations in 90 days from " + ds.get(i));
        for (LocalDate r : respondedOn.getOrDefault(k, List.of())) {
          long since = ds.get(i).toEpochDay() - r.toEpochDay();
          assertTrue(
              since < 0 || since >= 14,
              k + " invited " + ds.get(i) + " within 14 days after a response on " + r);
        }
      }
    }
    // The test can fail: every rule was exercised.
    assertTrue(total > 20, "invitations " + total);
    for (String reason : List.of("no_consent", "recent_response", "cap_30d", "daily_cap")) {
      assertTrue(reasons.getOrDefault(reason, 0) > 0, reason + " never applied: " + reasons);
    }
  }
}
