package io.polku.rootcause;

import io.polku.analysis.Conditions;
import io.polku.analysis.JourneySignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain-language labels of segments, built from one phrase template per condition family, e.g.
 * "Phone CSAT feedback after a failed app self-service attempt (billing) 24-48 h earlier: 64%
 * critical vs 18% otherwise (412 responses); explains 31% of phone CSAT critical feedback". Pure
 * Java.
 */
public final class Labels {
  private Labels() {}

  /**
   * The label of a segment.
   *
   * @param channel the rated channel or "*"
   * @param metric the metric or "*"
   * @param conditions the segment's conditions
   * @param rate critical share inside, in [0, 1]
   * @param rateOutside critical share outside (the stratified expectation for "*")
   * @param responses responses in the segment
   * @param shareExplained excess critical responses over the scope's critical responses
   * @param signals registered signals by name, for their phrases
   */
  public static String label(
      String channel,
      String metric,
      List<String> conditions,
      double rate,
      double rateOutside,
      long responses,
      double shareExplained,
      Map<String, JourneySignal> signals) {
    boolean cross = "*".equals(channel);
    String subject =
        cross
            ? "Feedback in any channel"
            : channelName(channel, true) + " " + metricName(metric) + " feedback";
    String scope =
        cross
            ? "all critical feedback"
            : channelName(channel, false) + " " + metricName(metric) + " critical feedback";
    String otherwise = cross ? "expected from each channel's own rate" : "otherwise";
    return String.format(
        Locale.ROOT,
        "%s %s: %s critical vs %s %s (%,d responses); explains" + " %s of %s",
        subject,
        phrases(conditions, channel, signals),
        percent(rate),
        percent(rateOutside),
        otherwise,
        responses,
        percent(Math.max(0, shareExplained)),
        scope);
  }

  /** The conditions as one phrase, joined with commas and "and". */
  static String phrases(
      List<String> conditions, String channel, Map<String, JourneySignal> signals) {
    String timing = null;
    boolean upstream = false;
    for (String c : conditions) {
      String f = Conditions.family(c);
      if (f.equals("upstream_failure_within")) {
        timing = timing(Conditions.value(c));
      }
      if (f.startsWith("upstream_failure") && !f.equals("upstream_failure_within")) {
        upstream = true;
      }
    }
    List<String> parts = new ArrayList<>();
    for (String c : conditions) {
      String f = Conditions.family(c);
      if (f.equals("upstream_failure_channel")
          && conditions.stream()
              .anyMatch(
                  o ->
                      Conditions.family(o).equals("upstream_failure")
                          || Conditions.family(o).equals("upstream_failure_type"))) {
        continue; // the detailed phrase says it
      }
      if (f.equals("upstream_failure_type")
          && conditions.stream().anyMatch(o -> Conditions.family(o).equals("upstream_failure"))) {
        continue;
      }
      if (f.equals("upstream_failure_within") && upstream) {
        continue; // merged into the failure's phrase
      }
      String p = phrase(c, channel, signals);
      if (f.startsWith("upstream_failure")
          && !f.equals("upstream_failure_within")
          && timing != null) {
        p = p + " " + timing;
      }
      parts.add(p);
    }
    if (parts.size() <= 1) {
      return parts.isEmpty() ? "" : parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + " and "
        + parts.get(parts.size() - 1);
  }

  /** The phrase of one condition. */
  static String phrase(String condition, String channel, Map<String, JourneySignal> signals) {
    String f = Conditions.family(condition);
    String v = Conditions.value(condition);
    JourneySignal signal = signals.get(f);
    if (signal != null) {
      return signal.phrase(v);
    }
    return switch (f) {
      case "prev_channel" -> "right after a step in " + channelName(v, false);
      case "prev_failure_channel" -> "after a failed step in " + channelName(v, false);
      case "prev_failure" -> "after a failed step in " + place(v);
      case "failed_before" -> "with a failed step in " + place(v) + " before";
      case "prev_failure_within" -> "with a failed step " + timing(v);
      case "upstream_failure_channel" -> "after a failed " + channelName(v, false) + " attempt";
      case "upstream_failure" -> upstreamFailure(v);
      case "upstream_failure_type" -> upstreamFailure(typeOnly(v));
      case "upstream_failure_within" -> "with a failure in another channel " + timing(v);
      case "path_bigram" -> "with " + arrows(v) + " in the journey";
      case "path_trigram" -> "with " + arrows(v) + " in the journey";
      case "path_ends" -> "arriving via " + arrows(v);
      case "switches" -> "with " + v + " channel switch" + ("1".equals(v) ? "" : "es") + " before";
      case "handoffs" -> "with " + v + " hand-off" + ("1".equals(v) ? "" : "s") + " before";
      case "failures" -> "with " + v + " failed step" + ("1".equals(v) ? "" : "s") + " before";
      case "repeat_contact" ->
          "on a repeat contact (2+ "
              + channelName(channel, false)
              + " contacts within the repeat window)";
      case "peak" ->
          switch (v) {
            case "3" -> "after a failed step in the journey";
            case "2" -> "whose worst step was an abandoned or error step";
            case "1" -> "whose worst step was an assisted contact";
            case "0" -> "with no negative step before it";
            default -> "with a journey peak severity of " + v;
          };
      case "end" -> "whose last step before it ended in " + v;
      case "step" -> "with a step in " + place(v) + " before";
      case "step_pair" -> "with " + stepPair(v) + " before";
      case "no_history" -> "with no behaviour before it";
      case "segment" -> "from " + v.replace('_', ' ') + " customers";
      case "tenure" -> "from customers of " + v + " tenure";
      default ->
          f.startsWith(Conditions.PROPERTY_PREFIX)
              ? property(f.substring(Conditions.PROPERTY_PREFIX.length()), v)
              : v == null ? "with " + f.replace('_', ' ') : "with " + f.replace('_', ' ') + " " + v;
    };
  }

  /** A step pair A>B as "A then B" (each a channel with its touchpoint). */
  private static String stepPair(String v) {
    int gt = v.indexOf('>');
    return gt < 0 ? place(v) : place(v.substring(0, gt)) + " then " + place(v.substring(gt + 1));
  }

  /** A property bucket: "<2" below 2, "2-<4" 2 to under 4, "4+" 4 or more, else its value. */
  static String property(String name, String v) {
    String n = name.replace('_', ' ');
    if (v.startsWith("<")) {
      return "with " + n + " below " + v.substring(1);
    }
    int range = v.indexOf("-<");
    if (range > 0) {
      return "with " + n + " " + v.substring(0, range) + " to under " + v.substring(range + 2);
    }
    if (v.endsWith("+") && v.length() > 1) {
      return "with " + n + " " + v.substring(0, v.length() - 1) + " or more";
    }
    return "with " + n + " " + v.replace('_', ' ');
  }

  private static String upstreamFailure(String v) {
    String[] p = v.split(":", -1);
    String ch = channelName(p[0], false);
    String type = p.length > 2 && !"?".equals(p[2]) ? " " + eventName(p[2]) : "";
    String tp = p.length > 1 && !"?".equals(p[1]) ? " (" + p[1].replace('_', ' ') + ")" : "";
    return "after a failed " + ch + type + " attempt" + tp;
  }

  /** channel:type as channel:?:type. */
  private static String typeOnly(String v) {
    int colon = v.indexOf(':');
    return colon < 0 ? v : v.substring(0, colon) + ":?" + v.substring(colon);
  }

  private static String place(String v) {
    String[] p = v.split(":", -1);
    return channelName(p[0], false)
        + (p.length > 1 && !"?".equals(p[1]) ? " (" + p[1].replace('_', ' ') + ")" : "");
  }

  static String timing(String bucket) {
    if (bucket == null) {
      return "";
    }
    return switch (bucket) {
      case "<2h" -> "within 2 h";
      case "2-24h" -> "2-24 h earlier";
      case "24-48h" -> "24-48 h earlier";
      case "48h-7d" -> "2-7 days earlier";
      default -> bucket + " earlier";
    };
  }

  private static String arrows(String path) {
    List<String> names = new ArrayList<>();
    for (String c : path.split(">")) {
      names.add(channelName(c, false));
    }
    return String.join(" -> ", names);
  }

  static String eventName(String type) {
    return switch (type) {
      case "self_service" -> "self-service";
      default -> type.replace('_', ' ');
    };
  }

  /** A channel's display name. */
  public static String channelName(String channel, boolean capital) {
    String n =
        switch (channel) {
          case "app" -> "app";
          case "web" -> "web";
          case "shop" -> "web-shop";
          case "email" -> "e-mail";
          case "phone" -> "phone";
          case "chat" -> "chat";
          case "portal" -> "portal";
          case "store" -> "store";
          default -> channel;
        };
    return capital && !n.isEmpty() ? Character.toUpperCase(n.charAt(0)) + n.substring(1) : n;
  }

  /** NPS, CSAT, CES in capitals; custom metrics as they are. */
  public static String metricName(String metric) {
    return switch (metric) {
      case "nps", "csat", "ces" -> metric.toUpperCase(Locale.ROOT);
      default -> metric;
    };
  }

  static String percent(double share) {
    return Math.round(share * 100) + "%";
  }
}
