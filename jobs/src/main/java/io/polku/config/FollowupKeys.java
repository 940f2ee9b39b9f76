package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.rule;

/** Close-the-loop follow-ups and fix effects ({@code polku.followups}). */
public final class FollowupKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Follow-ups",
          "polku.followups.",
          "Who follows up a critical response, how urgently, and which fixes are evaluated"
              + " ([methods.md](methods.md#follow-ups-closing-the-loop)).");

  public static final ConfigKey<Object> TEAMS =
      AREA.buildConf("teams")
          .doc(
              "Owning team per rated channel or `channel/touchpoint` (the more specific wins), e.g."
                  + " `{ phone = \"contact-centre\", \"app/billing\" = \"billing-app\" }`; others:"
                  + " `default-team`.")
          .objectConf()
          .checkValue(rule("channels in polku.ingest.channels"))
          .createWithDefaultString("{}");
  public static final ConfigKey<String> DEFAULT_TEAM =
      AREA.buildConf("default-team")
          .doc("The team of a follow-up no route in `teams` matches.")
          .stringConf()
          .createWithDefault("cx-team");
  public static final ConfigKey<Object> VALUE_POINTS =
      AREA.buildConf("value-points")
          .doc(
              "Priority points per customer value tier (`customers.value_tier`; unknown tiers 0)."
                  + " Priority = severity points (2 when the score's normalised badness is at least"
                  + " `severe-badness`, else 1) + value points: P1 when >= 3, P2 when 2, P3 when 1.")
          .objectConf()
          .checkValue(rule("each 0, 1 or 2"))
          .createWithDefaultString("{ gold = 2, silver = 1, bronze = 0 }");
  public static final ConfigKey<Double> SEVERE_BADNESS =
      AREA.buildConf("severe-badness")
          .doc("Normalised badness of the score from which a response earns 2 severity points.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.8);
  public static final ConfigKey<Integer> SLA_DAYS_P1 =
      AREA.buildConf("sla-days.P1")
          .doc("Days from a P1 follow-up's `opened_date` to its `due_date`.")
          .intConf()
          .checkValue(rule(">= 1; P1 <= P2 <= P3"))
          .createWithDefault(1);
  public static final ConfigKey<Integer> SLA_DAYS_P2 =
      AREA.buildConf("sla-days.P2")
          .doc("Days from a P2 follow-up's `opened_date` to its `due_date`.")
          .intConf()
          .checkValue(rule(">= 1; P1 <= P2 <= P3"))
          .createWithDefault(3);
  public static final ConfigKey<Integer> SLA_DAYS_P3 =
      AREA.buildConf("sla-days.P3")
          .doc("Days from a P3 follow-up's `opened_date` to its `due_date`.")
          .intConf()
          .checkValue(rule(">= 1; P1 <= P2 <= P3"))
          .createWithDefault(7);
  public static final ConfigKey<Integer> HISTORICAL_AFTER_DAYS =
      AREA.buildConf("historical-after-days")
          .doc(
              "A follow-up first opened more than this many days after its response (a range run"
                  + " or backfill over old dates) gets status `historical`, not `open`: it was never"
                  + " actionable within its SLA, so it is not counted as overdue. A night opens its own"
                  + " date's follow-ups, which are never historical.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(14);
  public static final ConfigKey<Object> FIXES =
      AREA.buildConf("fixes")
          .doc(
              "Fixes to evaluate: `[{ segment = \"<segment_id or conditions joined with &>\","
                  + " date = \"YYYY-MM-DD\", note = \"...\" }]`. The segment's critical rate in the"
                  + " `fix-window-days` days before the date is compared with the same span from the"
                  + " date on.")
          .objectListConf()
          .checkValue(rule("segment and date set"))
          .createWithDefaultString("[]");
  public static final ConfigKey<Integer> FIX_WINDOW_DAYS =
      AREA.buildConf("fix-window-days")
          .doc("Days before and after a fix's date that are compared.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(28);
  public static final ConfigKey<Double> FIX_ALPHA =
      AREA.buildConf("fix-alpha")
          .doc("Significance level of the two-proportion test of a fix.")
          .doubleConf()
          .checkValue(rule("(0, 1]"))
          .createWithDefault(0.05);

  private FollowupKeys() {}
}
