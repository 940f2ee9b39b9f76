package io.polku.survey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polku.config.SurveyOptions;
import io.polku.testing.SparkTest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The surveys stage's end-of-run explanations, from outcome counts worked by hand. */
class SurveyExplanationsTest {
  private final SurveyOptions options =
      SparkTest.config(java.nio.file.Path.of("/tmp/unused")).surveys();
  private final LocalDate day = LocalDate.parse("2026-10-30");

  @Test
  void allCandidatesWithoutConsentAndNoCustomersSourceNameTheCauseAndTheFix() {
    assertEquals(
        List.of(
            "92 candidates, 0 invitations: all suppressed as no_consent — no"
                + " customers source is configured, so no customer has consent; map a customers"
                + " source with a survey_consent column"),
        SurveyStage.explain(day, day, 92, Map.of("no_consent", 92L), false, options));
    assertEquals(
        List.of(
            "92 candidates, 0 invitations: all suppressed as no_consent —"
                + " survey_consent is not true on these customers' records, or the journey's"
                + " person has no customer record linked (identity_map); check the customers"
                + " source's survey_consent mapping and the identity links"),
        SurveyStage.explain(day, day, 92, Map.of("no_consent", 92L), true, options));
  }

  @Test
  void mostSuppressedIsExplainedAHealthyDayIsNotAndARangeRunStatesItsRule() {
    // 5 candidates: 1 invited, 3 (more than half) recently responded, 1 without consent.
    assertEquals(
        List.of(
            "5 candidates, 1 invitations; suppressed: {no_consent=1,"
                + " recent_response=3} — they responded within"
                + " polku.surveys.quiet-days-after-response = 14 days; lower it to ask sooner"),
        SurveyStage.explain(
            day,
            day,
            5,
            Map.of("invited", 1L, "recent_response", 3L, "no_consent", 1L),
            true,
            options));
    // 3 of 5 invited: nothing to explain.
    assertEquals(
        List.of(),
        SurveyStage.explain(day, day, 5, Map.of("invited", 3L, "no_consent", 2L), true, options));
    assertEquals(
        List.of(
            "a range run targets its last date only: invitations for 2026-10-30,"
                + " none for 2026-10-01..2026-10-29 (invitations are never back-dated)",
            "0 candidates on 2026-10-30: no journey whose last step fell on 2026-10-30 matched"
                + " a trigger of polku.surveys.triggers"),
        SurveyStage.explain(LocalDate.parse("2026-10-01"), day, 0, Map.of(), true, options));
  }
}
