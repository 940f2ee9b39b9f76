package io.polku.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

/**
 * Survey targeting settings ({@code polku.surveys}): behaviour triggers, the short surveys they
 * send, and the fatigue rules.
 */
public record SurveyOptions(
    List<Trigger> triggers,
    Map<String, List<Question>> surveys,
    List<Cap> caps,
    int quietDaysAfterResponse,
    int dailyCap,
    int uncertaintyWindowDays) {

  /** A trigger: a Spark SQL predicate over a journeys row, the survey and its send channel. */
  public record Trigger(String name, String when, String survey, String sendChannel) {}

  /** A survey question. */
  public record Question(String id, String text) {}

  /** At most {@code max} invitations in any window of {@code days} consecutive days. */
  public record Cap(int days, int max) {
    /** The suppression reason of this cap, e.g. cap_30d. */
    public String reason() {
      return "cap_" + days + "d";
    }
  }

  public SurveyOptions {
    triggers = List.copyOf(triggers);
    surveys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(surveys));
    caps = List.copyOf(caps);
  }

  static SurveyOptions read(Config c, List<String> problems) {
    OptionReader r = new OptionReader(c, problems);
    String k = "polku.surveys.";
    Map<String, List<Question>> surveys = new LinkedHashMap<>();
    if (c.hasPath(k + "surveys")) {
      for (String name : new java.util.TreeSet<>(c.getObject(k + "surveys").keySet())) {
        String key = k + "surveys." + ConfigUtil.quoteString(name);
        String shown = k + "surveys." + name + ".questions";
        List<? extends Config> qs;
        try {
          qs = c.getConfigList(key + ".questions");
        } catch (com.typesafe.config.ConfigException e) {
          problems.add(
              shown
                  + ": "
                  + e.getMessage()
                  + "; expected 1-3 questions such as"
                  + " [{ id = csat, text = \"How satisfied ...? (1-5)\" }]");
          continue;
        }
        if (qs.isEmpty() || qs.size() > 3) {
          problems.add(
              shown
                  + " has "
                  + qs.size()
                  + " questions; expected 1 to 3 (surveys must"
                  + " be short); keep the most important ones");
        }
        List<Question> questions = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < qs.size(); i++) {
          String id = r.string(qs.get(i), "id", shown + "[" + i + "].id", "csat");
          String text =
              r.string(
                  qs.get(i),
                  "text",
                  shown + "[" + i + "].text",
                  "\"How satisfied are you? (1-5)\"");
          if (id != null && !ids.add(id)) {
            problems.add(
                shown
                    + "["
                    + i
                    + "].id = '"
                    + id
                    + "' is used twice in the survey;"
                    + " expected unique question ids; rename one");
          }
          questions.add(new Question(id, text));
        }
        surveys.put(name, questions);
      }
    }
    List<Trigger> triggers = new ArrayList<>();
    List<? extends Config> ts = List.of();
    try {
      ts = c.getConfigList(k + "triggers");
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(
          k
              + "triggers: "
              + e.getMessage()
              + "; expected a list of { name, when,"
              + " survey, send-channel }");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ts.size(); i++) {
      String at = k + "triggers[" + i + "]";
      Config t = ts.get(i);
      String name = r.string(t, "name", at + ".name", "assisted-contact");
      String when = r.string(t, "when", at + ".when", "\"ended_assisted\"");
      String survey = r.string(t, "survey", at + ".survey", "contact-csat");
      String send = r.string(t, "send-channel", at + ".send-channel", "email");
      if (name != null && !names.add(name)) {
        problems.add(
            at
                + ".name = '"
                + name
                + "' is used by an earlier trigger; expected"
                + " unique trigger names; rename it");
      }
      if (when != null) {
        try {
          CatalystSqlParser$.MODULE$.parseExpression(when);
        } catch (Exception e) { // ParseException is checked in Java's eyes
          problems.add(
              at
                  + ".when = \""
                  + when
                  + "\" is not a Spark SQL expression: "
                  + PolkuConfig.firstLine(e)
                  + "; expected a predicate over journeys columns; fix the expression");
        }
      }
      if (survey != null && !surveys.containsKey(survey)) {
        problems.add(
            at
                + ".survey = '"
                + survey
                + "' is not defined; expected one of "
                + surveys.keySet()
                + "; define it under "
                + k
                + "surveys");
      }
      triggers.add(new Trigger(name, when, survey, send));
    }
    if (ts.isEmpty() && problems.stream().noneMatch(p -> p.startsWith(k + "triggers"))) {
      problems.add(k + "triggers is empty; expected at least one trigger; see reference.conf");
    }
    List<Cap> caps = new ArrayList<>();
    try {
      List<? extends Config> cs = c.getConfigList(k + "caps");
      for (int i = 0; i < cs.size(); i++) {
        String at = k + "caps[" + i + "]";
        Config cap = cs.get(i);
        if (cap.getValue("days").valueType() != ConfigValueType.NUMBER
            || cap.getValue("max").valueType() != ConfigValueType.NUMBER) {
          problems.add(at + " must have numeric days and max; set e.g. { days = 30, max = 1 }");
          continue;
        }
        int days = cap.getInt("days");
        int max = cap.getInt("max");
        if (days < 1 || max < 1) {
          problems.add(
              at
                  + " = { days = "
                  + days
                  + ", max = "
                  + max
                  + " }: both must be at"
                  + " least 1; set e.g. { days = 30, max = 1 }");
        }
        caps.add(new Cap(days, max));
      }
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(
          k
              + "caps: "
              + e.getMessage()
              + "; expected a list such as"
              + " [{ days = 30, max = 1 }, { days = 90, max = 3 }]");
    }
    return new SurveyOptions(
        triggers,
        surveys,
        caps,
        r.intAtLeast(k + "quiet-days-after-response", 0, "14"),
        r.intAtLeast(k + "daily-cap", 0, "100"),
        r.intAtLeast(k + "uncertainty-window-days", 1, "90"));
  }
}
