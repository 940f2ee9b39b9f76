package io.polku.journey;

import io.polku.config.PolkuConfig;
import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * The settings and output window of one ordered pass over the customer timeline. Serializable: it
 * travels to the executors with the pass.
 *
 * @param sessionGapMicros inactivity that starts a new session (no source session id)
 * @param journeyGapMicros inactivity that starts a new journey
 * @param lookbackMicros how far back a response's context reaches
 * @param repeatWindowMicros window for a repeat assisted contact on the same touchpoint
 * @param contextSteps steps kept in {@code last_steps}
 * @param splitEventTypes event types that complete a journey
 * @param assistedChannels channels where a person serves the customer
 * @param journeysFrom first journey start date written
 * @param journeysTo last journey start date written
 * @param responsesFrom first response date written
 * @param responsesTo last response date written
 */
public record JourneyOptions(
    long sessionGapMicros,
    long journeyGapMicros,
    long lookbackMicros,
    long repeatWindowMicros,
    int contextSteps,
    Set<String> splitEventTypes,
    Set<String> assistedChannels,
    LocalDate journeysFrom,
    LocalDate journeysTo,
    LocalDate responsesFrom,
    LocalDate responsesTo)
    implements Serializable {

  /** At most this many failing steps are kept per journey, and topics per journey. */
  static final int MAX_FAILURE_STEPS = 10;

  static final int MAX_TOPICS = 20;

  /** A channel path longer than this many channels is shortened in the middle. */
  static final int MAX_PATH = 30;

  public JourneyOptions {
    splitEventTypes = Set.copyOf(splitEventTypes);
    assistedChannels = Set.copyOf(assistedChannels);
  }

  /**
   * The options of a run for [from, to]: journeys are re-opened {@link #reopenDays} days back so
   * that journeys crossing midnight are written whole by a later night.
   */
  public static JourneyOptions forRun(PolkuConfig.JourneyOptions c, LocalDate from, LocalDate to) {
    return new JourneyOptions(
        micros(c.sessionGap()),
        micros(c.gap()),
        micros(c.lookback()),
        micros(c.repeatWindow()),
        c.contextSteps(),
        Set.copyOf(c.splitEventTypes()),
        Set.copyOf(c.assistedChannels()),
        from.minusDays(reopenDays(c)),
        to,
        from,
        to);
  }

  /** Days a run re-opens before its first date: the journey gap, rounded up. */
  public static long reopenDays(PolkuConfig.JourneyOptions c) {
    return ceilDays(c.gap());
  }

  /** Days of events a run reads before its first re-opened date: the lookback, rounded up. */
  public static long lookbackDays(PolkuConfig.JourneyOptions c) {
    return ceilDays(c.lookback());
  }

  private static long ceilDays(Duration d) {
    long days = d.toDays();
    return d.equals(Duration.ofDays(days)) ? days : days + 1;
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1000;
  }

  /** Test and notebook convenience: defaults of reference.conf with an explicit window. */
  public static JourneyOptions defaults(LocalDate from, LocalDate to) {
    return new JourneyOptions(
        micros(Duration.ofMinutes(30)),
        micros(Duration.ofHours(72)),
        micros(Duration.ofDays(7)),
        micros(Duration.ofDays(7)),
        20,
        Set.of(),
        Set.of("phone", "chat", "store"),
        from.minusDays(3),
        to,
        from,
        to);
  }

  /** With other channels counted as assisted, other split types, etc. */
  public JourneyOptions withSplitEventTypes(List<String> types) {
    return new JourneyOptions(
        sessionGapMicros,
        journeyGapMicros,
        lookbackMicros,
        repeatWindowMicros,
        contextSteps,
        Set.copyOf(types),
        assistedChannels,
        journeysFrom,
        journeysTo,
        responsesFrom,
        responsesTo);
  }
}
