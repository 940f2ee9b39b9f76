package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.rule;
import static io.polku.config.ConfigKey.strictlyBetween;

import java.util.List;

/** The root-cause segment search and the key drivers ({@code polku.rootcause}). */
public final class RootCauseKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Root causes",
          "polku.rootcause.",
          "Which responses are critical, the conditions searched, and how segments of conditions"
              + " are found, tested and kept ([methods.md](methods.md#root-causes)).");

  public static final ConfigKey<Integer> WINDOW_DAYS =
      AREA.buildConf("window-days")
          .doc(
              "Responses analysed by a run for date D: `response_date` in"
                  + " [D - (window-days - 1), D]. Every night searches the whole window again; a longer"
                  + " one finds rarer and older causes, and costs a read and an FP-Growth fit of that"
                  + " many days.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(90);
  public static final ConfigKey<Object> CRITICAL =
      AREA.buildConf("critical")
          .doc(
              "When a response is critical, per metric (names matched in lower case): `{ max = X }`"
                  + " a raw score <= X is critical, `{ min = X }` a raw score >= X. NPS detractors"
                  + " (0-10), CSAT 1-2 of 5, CES 5+ of 7.")
          .objectConf()
          .checkValue(rule("exactly one of min, max per metric"))
          .createWithDefaultString("{ nps { max = 6 }, csat { max = 2 }, ces { min = 5 } }");
  public static final ConfigKey<Double> OTHER_METRICS_MAX_NORMALISED =
      AREA.buildConf("other-metrics-max-normalised")
          .doc(
              "Any other metric: critical when (score - scale_min) / (scale_max - scale_min) <="
                  + " this.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.25);
  public static final ConfigKey<List<String>> SIGNALS =
      AREA.buildConf("signals")
          .doc(
              "`JourneySignal` classes (`io.polku.analysis.JourneySignal`) adding conditions, by"
                  + " class name ([usage.md](usage.md#adding-a-root-cause-condition-journeysignal)).")
          .stringListConf()
          .createWithDefault(List.of());
  public static final ConfigKey<Object> CONDITIONS =
      AREA.buildConf("conditions")
          .doc(
              "Conditions written as Spark SQL, `name = \"boolean expression\"` over"
                  + " `feedback_context`'s columns (and `segment`, `customer_since` when the lake has"
                  + " customers): a response for which it is true gets the condition `sql:<name>`. E.g."
                  + " `weekend = \"dayofweek(response_ts) IN (1, 7)\"`. Parsed at load, columns checked at"
                  + " stage start.")
          .objectConf()
          .checkValue(rule("names `[a-z][a-z0-9_]*`; expressions parse"))
          .createWithDefaultString("{}");
  public static final ConfigKey<Integer> STEPS_TOP_K =
      AREA.buildConf("steps.top-k")
          .doc(
              "The touchpoints of any step as conditions (`step=channel:touchpoint`,"
                  + " `step_pair=A>B`): the top-k most frequent tokens of each family per rated channel"
                  + " and metric. 0: off.")
          .intConf()
          .checkValue(atLeast(0))
          .createWithDefault(0);
  public static final ConfigKey<Integer> STEPS_MIN_RESPONSES =
      AREA.buildConf("steps.min-responses")
          .doc(
              "A step token is kept when held by at least this many responses; unset:"
                  + " `polku.rootcause.min-support`.")
          .intConf()
          .checkValue(atLeast(1))
          .createOptional();
  public static final ConfigKey<Double> STEPS_MAX_SHARE =
      AREA.buildConf("steps.max-share")
          .doc(
              "A step token held by more than this share of the scope's responses is dropped (a"
                  + " touchpoint nearly everyone visited is no cause).")
          .doubleConf()
          .checkValue(rule("(0, 1]"))
          .createWithDefault(0.5);
  public static final ConfigKey<Boolean> STEPS_WITH_EVENT_TYPE =
      AREA.buildConf("steps.with-event-type")
          .doc("Tokens `channel:touchpoint:event_type` instead of `channel:touchpoint`.")
          .booleanConf()
          .createWithDefault(false);
  public static final ConfigKey<Object> PROPERTIES =
      AREA.buildConf("properties")
          .doc(
              "Event properties as conditions `prop.<name>=<value>`: `name = { key, channel,"
                  + " event-type, edges | quantiles }`, the value of `key` on the last of the response's"
                  + " last steps that carries it. Numeric with `edges` (buckets <a, a-<b, b+) or"
                  + " `quantiles` (2..20 equal-count buckets), otherwise categorical (capped like steps).")
          .objectConf()
          .checkValue(rule("edges ascending; quantiles 2..20; not both"))
          .createWithDefaultString("{}");
  public static final ConfigKey<Object> HYPOTHESES =
      AREA.buildConf("hypotheses")
          .doc(
              "Condition sets an analyst wants tested whatever `min-support`, written to"
                  + " `root_cause_hypotheses` with a p-value and a verdict: a condition, conditions"
                  + " joined with `&`, a list, or `{ conditions = [...], channel = phone, metric = csat }`."
                  + " Pre-registered: not part of the search's multiple-testing correction.")
          .objectListConf()
          .checkValue(rule("sql: conditions defined in conditions"))
          .createWithDefaultString("[]");
  public static final ConfigKey<Integer> MAX_CONDITIONS =
      AREA.buildConf("max-conditions")
          .doc("Segments are conjunctions of at most this many conditions.")
          .intConf()
          .checkValue(between(1, 3))
          .createWithDefault(3);
  public static final ConfigKey<Double> MIN_SUPPORT_SHARE =
      AREA.buildConf("min-support-share")
          .doc(
              "FP-Growth keeps a candidate found in at least this share of the scope's critical"
                  + " responses in the window AND in at least `min-support` of them: the support"
                  + " threshold is max(share, min-support / critical). A share is relative to the"
                  + " window: the same cause needs more responses in a longer one.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.05);
  public static final ConfigKey<Integer> MIN_SUPPORT =
      AREA.buildConf("min-support")
          .doc(
              "The absolute floor of the above, in critical responses; a scope (rated channel and"
                  + " metric) with fewer critical responses is not searched.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(10);
  public static final ConfigKey<Double> MAX_Q =
      AREA.buildConf("max-q")
          .doc(
              "Kept segments: Benjamini-Hochberg q-value below this (over all segments tested in"
                  + " the run).")
          .doubleConf()
          .checkValue(rule("(0, 1]"))
          .createWithDefault(0.05);
  public static final ConfigKey<Integer> TOP_N =
      AREA.buildConf("top-n")
          .doc("Kept segments per rated channel (and for the cross-channel scope `*`).")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(10);
  public static final ConfigKey<Double> MAX_COVERAGE =
      AREA.buildConf("max-coverage")
          .doc(
              "A segment holding more than this share of its scope's responses is not kept"
                  + " (`covers_nearly_all`): it describes nearly everyone, not a cause.")
          .doubleConf()
          .checkValue(rule("(0, 1]"))
          .createWithDefault(0.8);
  public static final ConfigKey<Integer> EXAMPLES =
      AREA.buildConf("examples")
          .doc("Example responses per kept segment in `root_cause_examples`.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(5);
  public static final ConfigKey<Integer> WORDS =
      AREA.buildConf("words")
          .doc("Distinguishing comment words per segment.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(5);
  public static final ConfigKey<Double> WORD_PRIOR =
      AREA.buildConf("word-prior")
          .doc(
              "Strength of the informative Dirichlet prior of the distinguishing words"
                  + " (pseudo-words spread in proportion to the channel's word frequencies).")
          .doubleConf()
          .checkValue(rule("> 0"))
          .createWithDefaultString("100");
  public static final ConfigKey<String> DEFAULT_LANGUAGE =
      AREA.buildConf("default-language")
          .doc(
              "Stop words of a comment are those of its response's `feedback.language`; a response"
                  + " without one, or in a language Spark has no list for, gets this language's.")
          .stringConf()
          .checkValue(rule("da, de, en, es, fi, fr, hu, it, nl, no, pt, ru, sv, tr"))
          .createWithDefault("en");
  public static final ConfigKey<Integer> MAX_PRUNED_PER_PARENT =
      AREA.buildConf("max-pruned-per-parent")
          .doc(
              "`root_cause_pruned` keeps, of the segments that passed q but are not ranked, at most"
                  + " this many per parent (those with the largest excess).")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(20);
  public static final ConfigKey<Integer> DRIVERS_MIN_SUPPORT =
      AREA.buildConf("drivers.min-support")
          .doc(
              "Key drivers: a group of conditions enters the model when each cell of its 2x2 table"
                  + " would hold at least this many responses if it made no difference. Unset:"
                  + " `polku.rootcause.min-support`.")
          .intConf()
          .checkValue(atLeast(1))
          .createOptional();
  public static final ConfigKey<Double> DRIVERS_MERGE_JACCARD =
      AREA.buildConf("drivers.merge-jaccard")
          .doc(
              "A group whose responses overlap another's (or its complement) with Jaccard"
                  + " similarity >= this is merged into the one more strongly associated with critical"
                  + " feedback. 1: only identical sets and exact complements.")
          .doubleConf()
          .checkValue(rule("(0, 1]"))
          .createWithDefault(0.7);
  public static final ConfigKey<Integer> DRIVERS_TOP_K =
      AREA.buildConf("drivers.top-k")
          .doc(
              "Groups refitted without penalty for odds ratios with 95% intervals: the top-k by"
                  + " |standardized coefficient| with a non-zero coefficient.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(10);
  public static final ConfigKey<Double> DRIVERS_REG_PARAM =
      AREA.buildConf("drivers.reg-param")
          .doc("Elastic-net logistic regression: regularization strength.")
          .doubleConf()
          .checkValue(rule(">= 0"))
          .createWithDefault(0.01);
  public static final ConfigKey<Double> DRIVERS_ELASTIC_NET =
      AREA.buildConf("drivers.elastic-net")
          .doc("Elastic-net mixing: 0 is L2, 1 is L1.")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.5);
  public static final ConfigKey<Double> DRIVERS_HOLDOUT_SHARE =
      AREA.buildConf("drivers.holdout-share")
          .doc("Share of responses held out to measure the model.")
          .doubleConf()
          .checkValue(strictlyBetween(0, 1))
          .createWithDefault(0.25);
  public static final ConfigKey<Long> DRIVERS_SEED =
      AREA.buildConf("drivers.seed")
          .doc("Seed of the holdout split.")
          .longConf()
          .createWithDefault(42L);
  public static final ConfigKey<Integer> DRIVERS_MAX_ITER =
      AREA.buildConf("drivers.max-iter")
          .doc("Optimizer iterations.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(50);
  public static final ConfigKey<Integer> DRIVERS_REFIT_EVERY_DAYS =
      AREA.buildConf("drivers.refit-every-days")
          .doc(
              "The models are fitted at most every this many days; a night between writes no"
                  + " `root_cause_drivers` rows (`latest_root_cause_drivers` keeps the last fit) and"
                  + " says so. 1: every night.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(7);

  private RootCauseKeys() {}
}
