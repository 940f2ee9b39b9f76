package io.polku.analysis;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;

/**
 * Turns each row of {@code feedback_context} into its set of candidate conditions: strings {@code
 * name=value} (or a bare name for yes/no conditions) describing the journey before the response.
 * The families, and the phrase each gets in a label (the root-cause labels, {@code
 * io.polku.rootcause.Labels}):
 *
 * <ul>
 *   <li>{@code prev_channel=C}: channel of the last step before the response;
 *   <li>{@code prev_failure_channel=C}, {@code prev_failure=C:T}: channel and channel:touchpoint of
 *       the last failing step (any channel, including the rated one);
 *   <li>{@code upstream_failure_channel=C}, {@code upstream_failure_type=C:E}, {@code
 *       upstream_failure=C:T:E}: the last failure in another channel than the rated one, as
 *       channel, channel:event type and channel:touchpoint:event type;
 *   <li>{@code failed_before=C:T}: every failing step among the last steps (channel:touchpoint),
 *       not only the last one;
 *   <li>{@code upstream_failure_within=B}, {@code prev_failure_within=B}: hours from that failure
 *       to the response, bucketed {@code <2h}, {@code 2-24h}, {@code 24-48h}, {@code 48h-7d};
 *   <li>{@code path_bigram=A>B}, {@code path_trigram=A>B>C}, {@code path_ends=A>B}: channel n-grams
 *       of {@code path_before} (repeats already collapsed);
 *   <li>{@code switches=0|1|2|3+}, {@code handoffs=0|1|2+}, {@code failures=0|1|2+};
 *   <li>{@code repeat_contact}: at least two steps of the rated channel with the rated contact's
 *       event type in {@code last_steps} within the repeat window before the response;
 *   <li>{@code peak=N}, {@code end=O}: the most severe step and the last step's outcome;
 *   <li>{@code no_history}: no behaviour within the lookback;
 *   <li>{@code segment=S}, {@code tenure=<1y|1-3y|3y+}: customer attributes (when known);
 *   <li>every registered {@link JourneySignal}: its name (boolean) or {@code name=value};
 *   <li>{@code sql:N}: the Spark SQL expression named N in {@code polku.rootcause.conditions} is
 *       true ({@link SqlCondition}); family {@value #SQL_FAMILY}, value N;
 *   <li>when configured ({@link Extra}): {@code step=C:T} a step of any outcome among the last
 *       steps, {@code step_pair=C:T>C:T} two consecutive ones (repeats collapsed), both capped by a
 *       vocabulary per scope ({@code polku.rootcause.steps}); {@code prop.N=V} the value of a
 *       configured event property on the last step that carries it, bucketed when numeric ({@code
 *       polku.rootcause.properties}).
 * </ul>
 *
 * <p>Pure: no reads, writes or actions, except {@link #resolve}, which the stage calls at its edge
 * to fix the step vocabulary and the quantile edges (one aggregation each, collected: bounded by
 * top-k x families x scopes, and by the quantiles). Cost: the customer attributes are a join of the
 * responses with a per-person table (one row per customer_key; Spark broadcasts it when small).
 */
public final class Conditions {
  /** Upper bounds, in hours, of the failure-recency buckets; older failures get no bucket. */
  static final double[] HOUR_BUCKETS = {2, 24, 48, 168};

  static final String[] HOUR_LABELS = {"<2h", "2-24h", "24-48h", "48h-7d"};

  /** The family of the conditions configured as SQL expressions ({@link SqlCondition}). */
  public static final String SQL_FAMILY = "sql";

  /** The prefix of a SQL condition: {@code sql:<name>}. */
  public static final String SQL_PREFIX = SQL_FAMILY + ":";

  /** The families of the step conditions. */
  public static final String STEP = "step";

  public static final String STEP_PAIR = "step_pair";

  /** The prefix of a property condition's family: {@code prop.<name>}. */
  public static final String PROPERTY_PREFIX = "prop.";

  /** Categorical values kept per property and scope when the step conditions are off. */
  static final int DEFAULT_PROPERTY_VALUES = 20;

  private Conditions() {}

  /**
   * The step vocabulary and the properties with their edges, resolved against the data by {@link
   * #resolve}: {@code vocabulary} maps a scope {@code channel/metric} to the step and categorical
   * property tokens its responses may get; {@code properties} the configured properties, numeric
   * ones with their final edges (empty for categorical).
   */
  public record Extra(
      boolean steps,
      boolean withEventType,
      Map<String, List<String>> vocabulary,
      List<ResolvedProperty> properties) {
    public static final Extra NONE = new Extra(false, false, Map.of(), List.of());

    public Extra {
      vocabulary = Map.copyOf(vocabulary);
      properties = List.copyOf(properties);
    }

    public boolean any() {
      return steps || !properties.isEmpty();
    }
  }

  /** A configured property with its edges (ascending; empty: categorical). */
  public record ResolvedProperty(PolkuConfig.PropertyCondition spec, List<Double> edges) {
    public ResolvedProperty {
      edges = List.copyOf(edges);
    }
  }

  /**
   * Resolves the step vocabulary and the quantile edges of numeric properties against
   * feedback_context rows: the stage's edge, it runs Spark jobs (one aggregation for the
   * vocabulary, one approximate quantile per quantile property) and collects bounded results.
   */
  public static Extra resolve(Dataset<Row> context, PolkuConfig.RootCauseOptions o) {
    PolkuConfig.StepConditions st = o.steps();
    if (!st.enabled() && o.properties().isEmpty()) {
      return Extra.NONE;
    }
    List<ResolvedProperty> props = new ArrayList<>();
    List<PolkuConfig.PropertyCondition> categorical = new ArrayList<>();
    for (PolkuConfig.PropertyCondition p : o.properties().values()) {
      if (!p.numeric()) {
        categorical.add(p);
        props.add(new ResolvedProperty(p, List.of()));
      } else if (!p.edges().isEmpty()) {
        props.add(new ResolvedProperty(p, p.edges()));
      } else {
        double[] probs = new double[p.quantiles() - 1];
        for (int i = 0; i < probs.length; i++) {
          probs[i] = (i + 1.0) / p.quantiles();
        }
        double[] q = propertyValues(context, p).stat().approxQuantile("v", probs, 0.001);
        props.add(new ResolvedProperty(p, quantileEdges(q)));
      }
    }
    Map<String, List<String>> vocabulary = new TreeMap<>();
    if (st.enabled() || !categorical.isEmpty()) {
      int topK = st.enabled() ? st.topK() : DEFAULT_PROPERTY_VALUES;
      for (Row r :
          vocabulary(
                  context,
                  st.enabled(),
                  st.withEventType(),
                  categorical,
                  topK,
                  st.minResponses(),
                  st.maxShare())
              .collectAsList()) {
        vocabulary
            .computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new ArrayList<>())
            .add(r.getString(2));
      }
    }
    return new Extra(st.enabled(), st.withEventType(), vocabulary, props);
  }

  /** The vocabulary key that applies to every scope ({@link #forConditions}). */
  static final String ANY_SCOPE = "*";

  /**
   * The step and property conditions needed to recognise the given conditions (e.g. those of the
   * kept segments and the configured fixes), without touching the data: the vocabulary is exactly
   * their step and categorical tokens, in every scope, and a numeric property's edges are the
   * bounds of its buckets among them. A value in one of those buckets gets the same bucket as in
   * the run that found it (the bounds used are a subset of that run's edges with none between a
   * bucket's two bounds); other values may get coarser buckets, which no given condition names. For
   * the follow-ups, which match responses to segments found earlier.
   */
  public static Extra forConditions(
      java.util.Collection<String> conditions, PolkuConfig.RootCauseOptions o) {
    List<String> vocabulary = new ArrayList<>();
    Map<String, java.util.TreeSet<Double>> bounds = new TreeMap<>();
    boolean steps = false;
    for (String c : new java.util.TreeSet<>(conditions)) {
      String f = family(c);
      if (f.equals(STEP) || f.equals(STEP_PAIR)) {
        steps = true;
        vocabulary.add(c);
      } else if (f.startsWith(PROPERTY_PREFIX)) {
        PolkuConfig.PropertyCondition p = o.properties().get(f.substring(PROPERTY_PREFIX.length()));
        if (p == null) {
          continue; // no longer configured: nothing can match it
        }
        if (!p.numeric()) {
          vocabulary.add(c);
        } else {
          bounds
              .computeIfAbsent(p.name(), k -> new java.util.TreeSet<>())
              .addAll(bucketBounds(value(c)));
        }
      }
    }
    List<ResolvedProperty> props = new ArrayList<>();
    for (PolkuConfig.PropertyCondition p : o.properties().values()) {
      if (!p.numeric()) {
        props.add(new ResolvedProperty(p, List.of()));
      } else if (bounds.containsKey(p.name())) {
        props.add(new ResolvedProperty(p, new ArrayList<>(bounds.get(p.name()))));
      }
    }
    boolean withType = o.steps().withEventType();
    return new Extra(
        steps, withType, vocabulary.isEmpty() ? Map.of() : Map.of(ANY_SCOPE, vocabulary), props);
  }

  /** The bounds of a bucket label: {@code <a}: a; {@code a-<b}: a, b; {@code b+}: b. */
  public static List<Double> bucketBounds(String bucket) {
    try {
      if (bucket.startsWith("<")) {
        return List.of(Double.parseDouble(bucket.substring(1)));
      }
      int range = bucket.indexOf("-<", 1);
      if (range > 0) {
        return List.of(
            Double.parseDouble(bucket.substring(0, range)),
            Double.parseDouble(bucket.substring(range + 2)));
      }
      if (bucket.endsWith("+")) {
        return List.of(Double.parseDouble(bucket.substring(0, bucket.length() - 1)));
      }
    } catch (NumberFormatException e) {
      return List.of(); // not a bucket of ours
    }
    return List.of();
  }

  /** Distinct ascending edges of approximate quantiles (ties of a lumpy variable collapse). */
  public static List<Double> quantileEdges(double[] q) {
    java.util.TreeSet<Double> set = new java.util.TreeSet<>();
    for (double v : q) {
      if (!Double.isNaN(v)) {
        set.add(v);
      }
    }
    return new ArrayList<>(set);
  }

  /**
   * Per scope (rated channel, lower-case metric): the tokens of each step family and categorical
   * property held by at least {@code minResponses} responses — step tokens by at most {@code
   * maxShare} of the scope's — the {@code topK} most frequent of each family: {@code channel,
   * metric, token}. Pure; one aggregation, output bounded by topK x families x scopes.
   */
  public static Dataset<Row> vocabulary(
      Dataset<Row> context,
      boolean steps,
      boolean withEventType,
      List<PolkuConfig.PropertyCondition> categorical,
      int topK,
      int minResponses,
      double maxShare) {
    Column metric = lower(col("metric"));
    Dataset<Row> tokens =
        context
            .select(
                col("channel"),
                metric.as("metric"),
                explode(array_distinct(rawTokens(steps, withEventType, categorical))).as("token"))
            .withColumn("family", substring_index(col("token"), "=", 1));
    Dataset<Row> scopes =
        context
            .groupBy(col("channel").as("s_channel"), metric.as("s_metric"))
            .agg(count(lit(1)).as("scope_n"));
    Dataset<Row> counted =
        tokens
            .groupBy(col("channel"), col("metric"), col("family"), col("token"))
            .agg(count(lit(1)).as("n"));
    Column isStep = col("family").isin(STEP, STEP_PAIR);
    return counted
        .join(
            scopes,
            col("channel").equalTo(col("s_channel")).and(col("metric").equalTo(col("s_metric"))))
        .filter(
            col("n")
                .geq(minResponses)
                .and(not(isStep).or(col("n").leq(col("scope_n").multiply(maxShare)))))
        .withColumn(
            "k",
            row_number()
                .over(
                    Window.partitionBy("channel", "metric", "family")
                        .orderBy(col("n").desc(), col("token"))))
        .filter(col("k").leq(topK))
        .select("channel", "metric", "token");
  }

  /** The numeric values of a property, one per response that has one: column {@code v}. */
  public static Dataset<Row> propertyValues(Dataset<Row> context, PolkuConfig.PropertyCondition p) {
    return context.select(numeric(propertyValue(p)).as("v")).filter(col("v").isNotNull());
  }

  /**
   * Step and categorical property tokens before the vocabulary cap: {@code step=C:T}, {@code
   * step_pair=C:T>C:T}, {@code prop.N=V}.
   */
  public static Column rawTokens(
      boolean steps, boolean withEventType, List<PolkuConfig.PropertyCondition> categorical) {
    List<Column> parts = new ArrayList<>();
    if (steps) {
      parts.add(stepConditions(withEventType));
    }
    for (PolkuConfig.PropertyCondition p : categorical) {
      parts.add(single(PROPERTY_PREFIX + p.name(), propertyValue(p)));
    }
    if (parts.isEmpty()) {
      return expr("array()").cast("array<string>");
    }
    return array_distinct(flatten(array(parts.toArray(new Column[0]))));
  }

  /** Each step's token: channel:touchpoint (or channel:touchpoint:event_type). */
  static Column stepToken(Column s, boolean withEventType) {
    Column t =
        concat(
            coalesce(s.getField("channel"), lit("?")),
            lit(":"),
            coalesce(s.getField("touchpoint"), lit("?")));
    return withEventType ? concat(t, lit(":"), coalesce(s.getField("event_type"), lit("?"))) : t;
  }

  /**
   * {@code step=} every step's token and {@code step_pair=A>B} every two consecutive tokens that
   * differ (a repeat of the same touchpoint is one visit).
   */
  static Column stepConditions(boolean withEventType) {
    Column tok =
        transform(
            coalesce(
                col("last_steps"),
                expr("array()")
                    .cast(
                        org.apache.spark.sql.types.DataTypes.createArrayType(
                            io.polku.contract.Tables.STEP))),
            s -> stepToken(s, withEventType));
    Column visits = transform(array_distinct(tok), t -> concat(lit(STEP + "="), t));
    Column n = size(tok);
    Column pairs =
        filter(
            transform(
                sequence(lit(1), greatest(n.minus(1), lit(1))),
                i ->
                    when(
                        element_at(tok, i).notEqual(element_at(tok, i.plus(1))),
                        concat(
                            lit(STEP_PAIR + "="),
                            element_at(tok, i),
                            lit(">"),
                            element_at(tok, i.plus(1))))),
            c -> c.isNotNull());
    return when(n.lt(2), visits).otherwise(array_distinct(flatten(array(visits, pairs))));
  }

  /** The property's value on the last matching step that carries it, or null. */
  static Column propertyValue(PolkuConfig.PropertyCondition p) {
    Column steps =
        filter(
            coalesce(
                col("last_steps"),
                expr("array()")
                    .cast(
                        org.apache.spark.sql.types.DataTypes.createArrayType(
                            io.polku.contract.Tables.STEP))),
            s -> {
              Column ok = s.getField("properties").getItem(p.key()).isNotNull();
              if (p.channel() != null) {
                ok = ok.and(s.getField("channel").equalTo(p.channel()));
              }
              if (p.eventType() != null) {
                ok = ok.and(s.getField("event_type").equalTo(p.eventType()));
              }
              return ok;
            });
    return when(size(steps).gt(0), element_at(steps, -1).getField("properties").getItem(p.key()));
  }

  /** A number parsed from a string, null when it is not one (also under ANSI mode). */
  static Column numeric(Column text) {
    Column t = trim(text);
    return when(
        t.rlike("^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$"), t.cast("double"));
  }

  /** The bucket of a number: {@code <a}, {@code a-<b}, ..., {@code z+}; null for null. */
  public static Column edgeBucket(Column v, List<Double> edges) {
    if (edges.isEmpty()) {
      return lit(null).cast("string");
    }
    Column c = when(v.isNull(), lit(null).cast("string"));
    for (int i = 0; i < edges.size(); i++) {
      String label =
          i == 0
              ? "<" + number(edges.get(0))
              : number(edges.get(i - 1)) + "-<" + number(edges.get(i));
      c = c.when(v.lt(edges.get(i)), lit(label));
    }
    return c.otherwise(lit(number(edges.get(edges.size() - 1)) + "+"));
  }

  /** 4.0 as "4", 2.5 as "2.5". */
  static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** The step and property conditions of {@code extra} for each row (scope: its channel). */
  static Column extraConditions(Extra extra) {
    List<Column> parts = new ArrayList<>();
    List<PolkuConfig.PropertyCondition> categorical = new ArrayList<>();
    for (ResolvedProperty p : extra.properties()) {
      if (p.edges().isEmpty() && !p.spec().numeric()) {
        categorical.add(p.spec());
      } else {
        parts.add(
            single(
                PROPERTY_PREFIX + p.spec().name(),
                edgeBucket(numeric(propertyValue(p.spec())), p.edges())));
      }
    }
    if (extra.steps() || !categorical.isEmpty()) {
      Column raw = rawTokens(extra.steps(), extra.withEventType(), categorical);
      Column key = concat(col("channel"), lit("/"), lower(col("metric")));
      Column capped = null;
      List<String> any = extra.vocabulary().get(ANY_SCOPE);
      if (any != null) {
        Column vocab = array(any.stream().map(functions::lit).toArray(Column[]::new));
        capped = when(lit(true), filter(raw, t -> array_contains(vocab, t)));
      }
      for (var e : extra.vocabulary().entrySet()) {
        if (e.getKey().equals(ANY_SCOPE)) {
          continue;
        }
        Column vocab = array(e.getValue().stream().map(functions::lit).toArray(Column[]::new));
        Column kept = filter(raw, t -> array_contains(vocab, t));
        capped =
            capped == null
                ? when(key.equalTo(e.getKey()), kept)
                : capped.when(key.equalTo(e.getKey()), kept);
      }
      if (capped != null) {
        parts.add(capped.otherwise(expr("array()").cast("array<string>")));
      }
    }
    if (parts.isEmpty()) {
      return expr("array()").cast("array<string>");
    }
    return flatten(array(parts.toArray(new Column[0])));
  }

  /**
   * Per person, the attributes of the customer record behind it: {@code customer_key, segment,
   * customer_since}. A person with several customer numbers gets the smallest one's attributes.
   *
   * @param identityMap the identity_map table
   * @param customers the silver customers table
   */
  public static Dataset<Row> customerAttributes(Dataset<Row> identityMap, Dataset<Row> customers) {
    return identityMap
        .filter(col("id_type").equalTo("customer_id"))
        .join(customers, identityMap.col("id").equalTo(customers.col("customer_id")))
        .groupBy(col("customer_key"))
        .agg(
            min_by(col("segment"), col("customer_id")).as("segment"),
            min_by(col("customer_since"), col("customer_id")).as("customer_since"));
  }

  /**
   * The responses with a {@code conditions} column: a sorted array of distinct condition strings.
   * {@code attributes} may be null (no customer master data).
   *
   * @param context feedback_context rows
   * @param attributes {@link #customerAttributes} or null
   * @param signals the registered journey signals (the {@link SqlCondition}s among them are
   *     resolved against the rows first)
   * @param repeatWindowHours the window of a repeat contact
   * @throws ConfigException naming every SQL condition that does not parse, references a missing
   *     column (listing the available ones) or is not boolean
   */
  public static Dataset<Row> withConditions(
      Dataset<Row> context,
      Dataset<Row> attributes,
      List<JourneySignal> signals,
      double repeatWindowHours) {
    return withConditions(context, attributes, signals, repeatWindowHours, Extra.NONE);
  }

  /**
   * As {@link #withConditions(Dataset, Dataset, List, double)}, with the step and property
   * conditions of {@code extra} ({@link #resolve}).
   */
  public static Dataset<Row> withConditions(
      Dataset<Row> context,
      Dataset<Row> attributes,
      List<JourneySignal> signals,
      double repeatWindowHours,
      Extra extra) {
    Dataset<Row> df = context;
    boolean withAttributes = attributes != null;
    if (withAttributes) {
      df =
          df.join(
                  attributes.withColumnRenamed("customer_key", "attr_customer_key"),
                  df.col("customer_key").equalTo(col("attr_customer_key")),
                  "left")
              .drop("attr_customer_key");
    }
    List<Column> parts = new ArrayList<>();
    parts.add(single("prev_channel", col("prev_channel")));
    parts.add(single("prev_failure_channel", col("prev_failure_channel")));
    parts.add(
        single(
            "prev_failure", joined(col("prev_failure_channel"), col("prev_failure_touchpoint"))));
    parts.add(single("prev_failure_within", hoursBucket(col("hours_since_prev_failure"))));
    parts.add(single("upstream_failure_channel", col("upstream_failure_channel")));
    parts.add(
        single(
            "upstream_failure_type",
            joined(col("upstream_failure_channel"), col("upstream_failure_type"))));
    parts.add(
        single(
            "upstream_failure",
            joined(
                col("upstream_failure_channel"),
                col("upstream_failure_touchpoint"),
                col("upstream_failure_type"))));
    parts.add(single("upstream_failure_within", hoursBucket(col("hours_since_upstream_failure"))));
    parts.add(failedBefore());
    parts.add(pathConditions());
    parts.add(single("switches", bucket(col("switches_before"), 3)));
    parts.add(single("handoffs", bucket(col("handoffs_before"), 2)));
    parts.add(single("failures", bucket(col("failures_before"), 2)));
    parts.add(flag("repeat_contact", repeatContact(repeatWindowHours)));
    parts.add(single("peak", col("peak_before").cast("string")));
    parts.add(single("end", col("end_before")));
    parts.add(flag("no_history", col("has_history").equalTo(false)));
    if (extra.any()) {
      parts.add(extraConditions(extra));
    }
    if (withAttributes) {
      parts.add(single("segment", col("segment")));
      parts.add(single("tenure", tenureBucket(col("customer_since"), col("response_date"))));
    }
    Dataset<Row> probe = context.limit(0);
    List<String> problems = new ArrayList<>();
    for (JourneySignal s : signals) {
      if (s instanceof SqlCondition q) {
        String problem = q.problem(df, withAttributes);
        if (problem != null) {
          problems.add(problem);
        } else {
          parts.add(flag(q.name(), q.condition()));
        }
        continue;
      }
      Column c = s.condition();
      DataType type = probe.select(c.as("probe")).schema().fields()[0].dataType();
      if (type instanceof BooleanType) {
        parts.add(flag(s.name(), c));
      } else if (type instanceof StringType) {
        parts.add(single(s.name(), c));
      } else {
        throw new IllegalArgumentException(
            "Journey signal "
                + s.getClass().getName()
                + " ("
                + s.name()
                + ") returns "
                + type.simpleString()
                + "; expected a boolean column (the"
                + " condition holds) or a string column (condition name=value); cast or bucket it");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    Column all = array_sort(array_distinct(flatten(array(parts.toArray(new Column[0])))));
    df = df.withColumn("conditions", all);
    if (withAttributes) {
      df = df.drop("segment", "customer_since");
    }
    return df;
  }

  /** A one-element array {@code name=value}, or an empty array when the value is null. */
  static Column single(String name, Column value) {
    return when(value.isNotNull(), array(concat(lit(name + "="), value.cast("string"))))
        .otherwise(expr("array()").cast("array<string>"));
  }

  /** A one-element array {@code name} when the boolean is true, else empty. */
  static Column flag(String name, Column value) {
    return when(coalesce(value, lit(false)), array(lit(name)))
        .otherwise(expr("array()").cast("array<string>"));
  }

  /** Values joined by ':', null when the first (the channel) is null; null parts become '?'. */
  static Column joined(Column first, Column... rest) {
    List<Column> all = new ArrayList<>();
    all.add(first);
    for (Column c : rest) {
      all.add(coalesce(c, lit("?")));
    }
    return when(first.isNotNull(), concat_ws(":", all.toArray(new Column[0])));
  }

  static Column hoursBucket(Column hours) {
    Column c = when(hours.isNull().or(hours.lt(0)), lit(null).cast("string"));
    for (int i = 0; i < HOUR_BUCKETS.length; i++) {
      c = c.when(hours.lt(HOUR_BUCKETS[i]), lit(HOUR_LABELS[i]));
    }
    return c;
  }

  /** 0, 1, ..., cap-1, then "cap+". */
  static Column bucket(Column count, int cap) {
    return when(count.isNull(), lit(null).cast("string"))
        .when(count.geq(cap), lit(cap + "+"))
        .otherwise(count.cast("string"));
  }

  static Column tenureBucket(Column since, Column at) {
    Column years = months_between(at, since).divide(12);
    return when(since.isNull(), lit(null).cast("string"))
        .when(years.lt(1), lit("<1y"))
        .when(years.lt(3), lit("1-3y"))
        .otherwise(lit("3y+"));
  }

  /**
   * Every failing step among {@code last_steps} as {@code failed_before=channel:touchpoint}: a
   * failure anywhere before the response, not only the last one (a late delivery followed by a
   * failed login is still a late delivery).
   */
  static Column failedBefore() {
    Column failed = filter(col("last_steps"), s -> s.getField("outcome").equalTo("failure"));
    return when(col("last_steps").isNull(), expr("array()").cast("array<string>"))
        .otherwise(
            transform(
                failed,
                s ->
                    concat(
                        lit("failed_before="),
                        s.getField("channel"),
                        lit(":"),
                        coalesce(s.getField("touchpoint"), lit("?")))));
  }

  /** Bigrams, trigrams and the last two channels of an 'a>b>c' path. */
  static Column pathConditions() {
    Column path = col("path_before");
    Column ch = split(coalesce(path, lit("")), ">");
    Column n = size(ch);
    Column idx2 =
        expr("sequence(1, greatest(size(split(coalesce(path_before, ''), '>')) - 1," + " 1))");
    Column bigrams =
        transform(
            idx2,
            i ->
                concat(
                    lit("path_bigram="), element_at(ch, i), lit(">"), element_at(ch, i.plus(1))));
    Column idx3 =
        expr("sequence(1, greatest(size(split(coalesce(path_before, ''), '>')) - 2," + " 1))");
    Column trigrams =
        transform(
            idx3,
            i ->
                concat(
                    lit("path_trigram="),
                    element_at(ch, i),
                    lit(">"),
                    element_at(ch, i.plus(1)),
                    lit(">"),
                    element_at(ch, i.plus(2))));
    Column ends = concat(lit("path_ends="), concat_ws(">", slice(ch, -2, 2)));
    return when(path.isNull().or(n.lt(2)), expr("array()").cast("array<string>"))
        .when(n.lt(3), array_distinct(flatten(array(bigrams, array(ends)))))
        .otherwise(array_distinct(flatten(array(bigrams, trigrams, array(ends)))));
  }

  /**
   * At least two steps of the rated channel whose event type is that of the rated contact (the last
   * step in the rated channel) within the window before the response.
   */
  static Column repeatContact(double windowHours) {
    Column inChannel =
        filter(col("last_steps"), s -> s.getField("channel").equalTo(col("channel")));
    Column lastType = element_at(inChannel, -1).getField("event_type");
    Column sameRecent =
        filter(
            inChannel,
            s ->
                s.getField("event_type")
                    .equalTo(lastType)
                    .and(
                        s.getField("ts")
                            .geq(
                                col("response_ts")
                                    .minus(
                                        expr(
                                            "make_dt_interval(0, 0, 0, "
                                                + (long) Math.round(windowHours * 3600)
                                                + ")")))));
    return when(col("last_steps").isNull(), lit(false)).otherwise(size(sameRecent).geq(2));
  }

  /**
   * The family of a condition string: the part before '=' (the whole string for flags); {@value
   * #SQL_FAMILY} for a SQL condition {@code sql:<name>}.
   */
  public static String family(String condition) {
    if (condition.startsWith(SQL_PREFIX)) {
      return SQL_FAMILY;
    }
    int eq = condition.indexOf('=');
    return eq < 0 ? condition : condition.substring(0, eq);
  }

  /** The value of a condition string, or null for flags; the name of a SQL condition. */
  public static String value(String condition) {
    if (condition.startsWith(SQL_PREFIX)) {
      return condition.substring(SQL_PREFIX.length());
    }
    int eq = condition.indexOf('=');
    return eq < 0 ? null : condition.substring(eq + 1);
  }
}
