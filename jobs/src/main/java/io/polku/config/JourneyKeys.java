package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.rule;

import java.time.Duration;
import java.util.List;

/** Sessions, journeys and each response's context ({@code polku.journeys}). */
public final class JourneyKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Journeys",
          "polku.journeys.",
          "Sessions, cross-channel journeys and each response in the context of the journey before"
              + " it ([methods.md](methods.md#journeys-and-feedback-context-in-one-shuffle)).");

  public static final ConfigKey<Duration> SESSION_GAP =
      AREA.buildConf("session-gap")
          .doc(
              "A new session starts after this much inactivity (when the source has no session"
                  + " id).")
          .durationConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("30m");
  public static final ConfigKey<Duration> GAP =
      AREA.buildConf("gap")
          .doc(
              "Consecutive sessions less than this apart belong to one journey. A run re-opens"
                  + " this many days (rounded up) before its first date, so journeys crossing midnight"
                  + " are written whole.")
          .durationConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("72h");
  public static final ConfigKey<List<String>> SPLIT_EVENT_TYPES =
      AREA.buildConf("split-event-types")
          .doc(
              "Event types that complete a journey: the next step starts a new one, e.g."
                  + " `[purchase]`.")
          .stringListConf()
          .createWithDefault(List.of());
  public static final ConfigKey<List<String>> ASSISTED_CHANNELS =
      AREA.buildConf("assisted-channels")
          .doc("Channels where a person serves the customer; a switch into one is a hand-off.")
          .stringListConf()
          .createWithDefault(List.of("phone", "chat", "store"));
  public static final ConfigKey<Duration> LOOKBACK =
      AREA.buildConf("lookback")
          .doc(
              "How far back before a response its context (`feedback_context`) reaches, and so how"
                  + " many days (rounded up) of events a run reads before its first re-opened date. It"
                  + " bounds each run's read, not how much history the lake keeps.")
          .durationConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("7d");
  public static final ConfigKey<Integer> CONTEXT_STEPS =
      AREA.buildConf("context-steps")
          .doc("Steps kept in `feedback_context.last_steps`.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(20);
  public static final ConfigKey<Duration> REPEAT_WINDOW =
      AREA.buildConf("repeat-window")
          .doc(
              "An assisted contact on the same touchpoint within this window is a repeat"
                  + " contact.")
          .durationConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("7d");

  private JourneyKeys() {}
}
