package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polku.analysis.JourneySignal;
import io.polku.rootcause.signals.IvrQueueTransfersSignal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Labels built from the phrase templates. */
class RootCauseLabelsTest {
  private static final Map<String, JourneySignal> SIGNALS =
      Map.of("ivr_queue_transfers", new IvrQueueTransfersSignal());

  @Test
  void upstreamFailureWithItsTiming() {
    assertEquals(
        "Phone CSAT feedback after a failed app self-service attempt (billing) 24-48 h"
            + " earlier: 64% critical vs 18% otherwise (412 responses); explains 31% of phone"
            + " CSAT critical feedback",
        Labels.label(
            "phone",
            "csat",
            List.of(
                "upstream_failure=app:billing:self_service",
                "upstream_failure_channel=app",
                "upstream_failure_within=24-48h"),
            0.64,
            0.18,
            412,
            0.31,
            SIGNALS));
  }

  @Test
  void signalsAndPathsAndTheCrossChannelScope() {
    assertEquals(
        "Phone CES feedback after a call transferred between queues 2+ times and"
            + " arriving via web -> phone: 60% critical vs 15% otherwise (1,112 responses);"
            + " explains 12% of phone CES critical feedback",
        Labels.label(
            "phone",
            "ces",
            List.of("ivr_queue_transfers", "path_ends=web>phone"),
            0.6,
            0.15,
            1112,
            0.12,
            SIGNALS));
    assertEquals(
        "Feedback in any channel from small business customers: 30% critical vs 20%"
            + " expected from each channel's own rate (50 responses); explains 2% of all"
            + " critical feedback",
        Labels.label("*", "*", List.of("segment=small_business"), 0.3, 0.2, 50, 0.02, SIGNALS));
  }
}
