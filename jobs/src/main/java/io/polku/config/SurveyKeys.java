package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.rule;

/** Behaviour-triggered survey targeting ({@code polku.surveys}). */
public final class SurveyKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Surveys",
          "polku.surveys.",
          "Behaviour-triggered survey targeting for the run's last date, with fatigue rules"
              + " ([methods.md](methods.md#survey-targeting)).");

  public static final ConfigKey<Object> TRIGGERS =
      AREA.buildConf("triggers")
          .doc(
              "`{ name, when, survey, send-channel }`, tried in order: `when` is a Spark SQL"
                  + " predicate over the journeys that ended on the date (columns of `journeys`); a"
                  + " customer's candidate is the first trigger matched (latest journey).")
          .objectListConf()
          .checkValue(rule("not empty; unique names; when parses; survey defined"))
          .createWithDefaultString(
              """
          [
            { name = assisted-contact, when = "ended_assisted", survey = contact-csat, send-channel = email }
            { name = self-service-failure, when = "exists(failure_steps, s -> s.channel IN ('app', 'web', 'portal'))", survey = self-service-ces, send-channel = app }
            { name = delivery-completed, when = "array_contains(topics, 'delivery') AND last_channel = 'shop' AND end_outcome = 'success'", survey = delivery-csat, send-channel = email }
          ]""");
  public static final ConfigKey<Object> SURVEYS =
      AREA.buildConf("surveys")
          .doc(
              "The short surveys by name: `<name>.questions = [{ id, text }]`, 1-3 questions each.")
          .objectConf()
          .checkValue(rule("1-3 questions with unique ids"))
          .createWithDefaultString(
              """
          {
            contact-csat.questions = [
              { id = csat, text = "How satisfied are you with how your matter was handled? (1-5)" }
              { id = resolved, text = "Was your matter resolved? (yes/no)" }
            ]
            self-service-ces.questions = [
              { id = ces, text = "How easy was it to get done what you came for? (1-7)" }
              { id = blocker, text = "What stopped you? (open text)" }
            ]
            delivery-csat.questions = [
              { id = csat, text = "How satisfied are you with the delivery? (1-5)" }
            ]
          }""");
  public static final ConfigKey<Object> CAPS =
      AREA.buildConf("caps")
          .doc("Fatigue: at most `max` invitations in any window of `days` consecutive days.")
          .objectListConf()
          .checkValue(rule("days >= 1, max >= 1"))
          .createWithDefaultString("[ { days = 30, max = 1 }, { days = 90, max = 3 } ]");
  public static final ConfigKey<Integer> QUIET_DAYS_AFTER_RESPONSE =
      AREA.buildConf("quiet-days-after-response")
          .doc(
              "No invitation within this many days after any response (the response day counts"
                  + " as 1).")
          .intConf()
          .checkValue(atLeast(0))
          .createWithDefault(14);
  public static final ConfigKey<Integer> DAILY_CAP =
      AREA.buildConf("daily-cap")
          .doc("At most this many invitations per day, filled by priority.")
          .intConf()
          .checkValue(atLeast(0))
          .createWithDefault(100);
  public static final ConfigKey<Integer> UNCERTAINTY_WINDOW_DAYS =
      AREA.buildConf("uncertainty-window-days")
          .doc(
              "Responses used for each channel's Wilson interval of the critical rate (the"
                  + " priority).")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(90);

  private SurveyKeys() {}
}
