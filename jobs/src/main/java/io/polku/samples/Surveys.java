package io.polku.samples;

import java.util.LinkedHashMap;
import java.util.Map;

/** The surveys, their baseline critical rates and the planted root-cause scenarios. */
final class Surveys {

  private Surveys() {}

  /** A survey as it appears in {@code raw/surveys/responses.csv}. */
  enum Survey {
    POST_CALL_CSAT("post_call_csat", "CSAT", "csat", "puhelin", "phone", 0.15),
    POST_CALL_CES("post_call_ces", "CES", "ces", "puhelin", "phone", 0.15),
    CHAT_CSAT("chat_csat", "CSAT", "csat", "chat", "chat", 0.12),
    DELIVERY_NPS("delivery_nps", "NPS", "nps", "verkkokauppa", "shop", 0.20),
    APP_RATING_CSAT("app_rating_csat", "CSAT", "csat", "sovellus", "app", 0.12),
    RELATIONSHIP_NPS("relationship_nps", "NPS", "nps", "verkko", "web", 0.18);

    final String code;
    final String question;
    final String metric;
    final String ratedLabel;
    final String channel;
    final double baselineCritical;

    Survey(
        String code,
        String question,
        String metric,
        String ratedLabel,
        String channel,
        double baselineCritical) {
      this.code = code;
      this.question = question;
      this.metric = metric;
      this.ratedLabel = ratedLabel;
      this.channel = channel;
      this.baselineCritical = baselineCritical;
    }

    /** NPS 0-6, CSAT 1-2 and CES 5-7 are critical. */
    boolean isCritical(int score) {
      return switch (metric) {
        case "nps" -> score <= 6;
        case "csat" -> score <= 2;
        default -> score >= 5;
      };
    }
  }

  /**
   * A planted root cause: a behaviour that raises the critical rate of one survey. S3 and S5 rate
   * the same survey and are two distinct causes under one vaguer union ("any failed web-shop step
   * before the delivery NPS"): a late delivery, and a parcel that was never delivered. A response
   * has at most one of them (a parcel is either delivered or not).
   */
  enum Scenario {
    S1(
        "app_selfservice_failure_then_call",
        "A billing self-service submit FAILED in the app and the same person called about billing"
            + " within 48 hours; the post-call CSAT after that call is critical far more often.",
        Survey.POST_CALL_CSAT,
        0.65),
    S2(
        "web_search_no_results_then_chat",
        "A web search returned zero results and the same person started a web chat within 2 hours;"
            + " the chat CSAT after that chat is critical far more often.",
        Survey.CHAT_CSAT,
        0.60),
    S3(
        "late_delivery_then_nps",
        "A delivery arrived after its promised date; the delivery NPS e-mail survey about it is"
            + " a detractor far more often.",
        Survey.DELIVERY_NPS,
        0.70),
    S4(
        "ivr_queue_transfers_high_effort",
        "A call was transferred between queues two or more times; the post-call CES after it"
            + " reports high effort far more often.",
        Survey.POST_CALL_CES,
        0.60),
    S5(
        "undelivered_order_then_nps",
        "An order's parcel was never delivered: the carrier reported it lost or returned it to"
            + " the sender (raw/shop/delivery_exceptions.csv); the delivery NPS e-mail survey"
            + " about it is a detractor even more often than after a late delivery.",
        Survey.DELIVERY_NPS,
        0.90),
    S6(
        "price_notice_terms_page_then_call",
        "A price-change notice e-mail was opened, the person read the contract terms page on the"
            + " web and then called about the contract, without any failed step; the post-call"
            + " CES after that call reports high effort far more often.",
        Survey.POST_CALL_CES,
        0.60),
    S7(
        "large_basket_then_nps",
        "An order of 4 or more items (the order event's items property): the delivery NPS"
            + " about it is a detractor 0.15 more often (0.35 instead of 0.20 when on time, and"
            + " 0.15 on top of a late or lost parcel's rate, at most 0.95), a small effect.",
        Survey.DELIVERY_NPS,
        0.35);

    /** The kinds of the committed samples and of the generator's defaults. */
    static final java.util.Set<Scenario> DEFAULT_KINDS =
        java.util.Collections.unmodifiableSet(java.util.EnumSet.of(S1, S2, S3, S4));

    final String title;
    final String description;
    final Survey survey;
    final double criticalWith;

    Scenario(String title, String description, Survey survey, double criticalWith) {
      this.title = title;
      this.description = description;
      this.survey = survey;
      this.criticalWith = criticalWith;
    }

    /** The scenario with this id (S1, S2, ...), or an error that lists the ids. */
    static Scenario parse(String id) {
      for (Scenario s : values()) {
        if (s.name().equalsIgnoreCase(id.trim())) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "unknown scenario '"
              + id
              + "'; expected some of "
              + java.util.Arrays.toString(values()).replace("[", "").replace("]", ""));
    }

    /** A machine-readable trigger definition for the ground truth. */
    Map<String, Object> trigger() {
      Map<String, Object> t = new LinkedHashMap<>();
      switch (this) {
        case S1 -> {
          t.put("channel", "app");
          t.put("event", "self_service_submit");
          t.put("status", "FAILED");
          t.put("topic", "billing");
          t.put("then_channel", "phone");
          t.put("then_topic", "billing");
          t.put("within_hours", 48);
          t.put("response", "post_call_csat whose case_ref is that call");
        }
        case S2 -> {
          t.put("channel", "web");
          t.put("event", "search");
          t.put("props", Map.of("results", "0"));
          t.put("then_channel", "chat");
          t.put("then_event", "chat_started");
          t.put("within_hours", 2);
          t.put("response", "chat_csat submitted after that chat ended");
        }
        case S3 -> {
          t.put("channel", "shop");
          t.put("event", "delivery");
          t.put("condition", "delivered_at (UTC date) after promised_date");
          t.put("response", "delivery_nps whose case_ref is that delivery_id");
        }
        case S4 -> {
          t.put("channel", "phone");
          t.put("event", "call");
          t.put("condition", "queue_transfers >= 2");
          t.put("min_queue_transfers", 2);
          t.put("response", "post_call_ces whose case_ref is that call");
        }
        case S6 -> {
          t.put("channel", "email");
          t.put("campaign", "price_change_notice");
          t.put("event", "open");
          t.put("then_channel", "web");
          t.put("then_page", "/contract/terms");
          t.put("then_call_topic", "contract");
          t.put("within_hours", 24);
          t.put("condition", "no failure; a call with fewer than 2 queue transfers (else S4)");
          t.put("response", "post_call_ces whose case_ref is that call");
        }
        case S7 -> {
          t.put("channel", "shop");
          t.put("event", "order");
          t.put("property", "items");
          t.put(
              "condition",
              "items >= 4: +0.15 on the delivery NPS of that order; affected:"
                  + " the on-time ones (a late or lost parcel stays S3 or S5)");
          t.put("response", "delivery_nps whose case_ref is that delivery_id");
        }
        case S5 -> {
          t.put("channel", "shop");
          t.put("event", "delivery_exception");
          t.put("source", "raw/shop/delivery_exceptions.csv (no row in deliveries.csv)");
          t.put("condition", "the parcel was reported lost_in_transit or returned_to_sender");
          t.put("response", "delivery_nps whose case_ref is that delivery_id");
        }
        default -> throw new IllegalStateException(name());
      }
      return t;
    }
  }

  /** Mutable with/without counters for one trigger over one set of responses. */
  static final class Observed {
    long responsesWith;
    long criticalWith;
    long responsesWithout;
    long criticalWithout;

    void add(boolean with, boolean critical) {
      if (with) {
        responsesWith++;
        criticalWith += critical ? 1 : 0;
      } else {
        responsesWithout++;
        criticalWithout += critical ? 1 : 0;
      }
    }

    double rateWith() {
      return responsesWith == 0 ? 0.0 : (double) criticalWith / responsesWith;
    }

    double rateWithout() {
      return responsesWithout == 0 ? 0.0 : (double) criticalWithout / responsesWithout;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("responses_with", responsesWith);
      m.put("critical_with", criticalWith);
      m.put("rate_with", round(rateWith()));
      m.put("responses_without", responsesWithout);
      m.put("critical_without", criticalWithout);
      m.put("rate_without", round(rateWithout()));
      return m;
    }

    private static double round(double v) {
      return Math.round(v * 10_000.0) / 10_000.0;
    }
  }
}
