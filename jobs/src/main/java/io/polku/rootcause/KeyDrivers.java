package io.polku.rootcause;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.VectorSlicer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.GeneralizedLinearRegression;
import org.apache.spark.ml.regression.GeneralizedLinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The key-driver models: per scope (rated channel and metric), a logistic regression of "critical"
 * on the scope's conditions as binary features, in four steps that make its coefficients readable.
 *
 * <ol>
 *   <li><b>Groups.</b> Conditions that hold for exactly the same responses of the scope (identical)
 *       or for exactly the other responses (complements, e.g. {@code no_history} and {@code
 *       prev_channel=shop} in a scope where every response has one or the other) are one feature,
 *       since no model can tell them apart: with both in, a penalised fit splits the weight between
 *       duplicates and gives a complement pair equal and opposite coefficients. Found without
 *       collecting responses: per scope and condition a {@link Fingerprint} of its responses
 *       (count, critical count, XOR and the sums of the two 32-bit halves of a 64-bit hash of each
 *       response_id) is aggregated in Spark; equal fingerprints are identical sets, and a
 *       fingerprint that adds up with another to the scope's own is its complement (a false match
 *       needs a 64-bit XOR and two sums to collide at once). A group is modelled on its side with
 *       fewer responses and named by its conditions, the other side's as {@code not ...}: {@code
 *       prev_channel=shop | not no_history}.
 *   <li><b>Support.</b> A group enters the model only when each cell of its 2x2 table (with /
 *       without the group x critical / not) would hold at least {@code minSupport} responses if the
 *       group made no difference: min(with, without) x min(critical, not critical) / responses of
 *       the scope &gt;= minSupport. This is the expected-count rule of the chi-square test (with
 *       minSupport in place of 5), the same for a group and its complement, and it does not look at
 *       the group's own critical count, so it neither favours nor drops a strong effect; it drops
 *       rare groups (11 responses in a scope of thousands: a coefficient from a handful of critical
 *       responses) and near-universal ones (nothing to compare with).
 *   <li><b>Near-duplicates.</b> Groups with support whose responses nearly coincide (Jaccard
 *       similarity at least {@code minJaccard}, e.g. {@code
 *       upstream_failure=app:billing:self_service} and {@code failed_before=app:billing}, the same
 *       failures seen two ways) are merged into the one most strongly associated with critical
 *       feedback ({@link #merge}): in one model they would share the weight, or take equal and
 *       opposite weights, and the cause they describe would rank below conditions that are alone in
 *       what they say. Their pair overlaps come from one Spark aggregation (bounded by scopes x
 *       supported groups squared).
 *   <li><b>Two fits.</b> An elastic-net fit on a random training split (fixed seed) ranks the
 *       groups and gives the holdout AUC; the groups are ranked by |coefficient x standard
 *       deviation of the feature| (the change in log odds per standard deviation: a rare group
 *       needs a larger coefficient than a common one to explain as much). The top {@code topK}
 *       groups with a non-zero coefficient are then refitted together without a penalty on all of
 *       the scope's responses ({@link GeneralizedLinearRegression}, binomial family, logit link,
 *       IRLS), which gives each an adjusted odds ratio with a Wald 95% interval and p-value. The
 *       interval is conditional on the groups chosen: it does not account for the selection by the
 *       first fit.
 * </ol>
 *
 * <p>Cost: one aggregation for the fingerprints of every scope (output bounded by scopes x
 * conditions) and one for the pair overlaps; per scope the training and holdout splits are
 * materialised ({@code localCheckpoint}) and the fits run Spark jobs (one per optimizer iteration,
 * the evaluator). Scopes are fitted in {@link #THREADS} driver threads at once (the jobs are small
 * and mostly scheduling overhead). Back to the driver come the fingerprints and the models'
 * coefficients, never responses.
 */
public final class KeyDrivers {
  private KeyDrivers() {}

  /** Scopes fitted at once, in driver threads (Spark runs their jobs side by side). */
  static final int THREADS = 4;

  /**
   * A refit coefficient beyond this (an odds ratio beyond e^10, about 22,000) or with a standard
   * error beyond {@link #MAX_REFIT_SE} (a 95% interval wider than a factor e^9.8 each way) is not
   * estimable: the group's responses are (nearly) all critical or none, or it is a linear
   * combination of other top groups. Such groups get no refit values.
   */
  static final double MAX_REFIT_LOG_ODDS = 10;

  static final double MAX_REFIT_SE = 5;

  /** Settings of the models ({@code polku.rootcause.drivers}). */
  public record Settings(
      int minSupport,
      double regParam,
      double elasticNet,
      double holdoutShare,
      long seed,
      int maxIter,
      int topK,
      double minJaccard) {}

  /**
   * An order-independent fingerprint of a set of responses: its size, critical responses and three
   * 64-bit aggregates of a hash of each response_id (XOR, and the sums of the low and high 32 bits,
   * which cannot overflow).
   */
  public record Fingerprint(long responses, long critical, long xor, long low, long high) {
    /** The fingerprint of the other responses of {@code scope}. */
    public Fingerprint complement(Fingerprint scope) {
      return new Fingerprint(
          scope.responses - responses,
          scope.critical - critical,
          scope.xor ^ xor,
          scope.low - low,
          scope.high - high);
    }
  }

  /**
   * Conditions that hold for the same responses of a scope, modelled as one feature.
   *
   * @param name the conditions joined with " | ", complements as "not c"
   * @param conditions the conditions of the modelled side (sorted), the feature is 1 on them
   * @param complements conditions that hold exactly on the scope's other responses (sorted)
   * @param similar conditions of near-duplicate groups merged into this one (see {@link #merge}),
   *     "not c" for a condition that nearly holds on the other responses
   * @param responses responses of the modelled side
   * @param critical critical responses of the modelled side
   */
  public record Group(
      String name,
      List<String> conditions,
      List<String> complements,
      List<String> similar,
      long responses,
      long critical) {
    public Group(
        String name,
        List<String> conditions,
        List<String> complements,
        long responses,
        long critical) {
      this(name, conditions, complements, List.of(), responses, critical);
    }

    /** Every condition of the group: both sides and the similar ones, without "not ". */
    public List<String> allConditions() {
      List<String> all = new ArrayList<>(conditions);
      all.addAll(complements);
      similar.forEach(c -> all.add(c.startsWith("not ") ? c.substring(4) : c));
      return all;
    }
  }

  /** One group of a fitted model. */
  public record Driver(
      Group group,
      int rank,
      double coefficient,
      double standardized,
      Double refitCoefficient,
      Double refitLower,
      Double refitUpper,
      Double refitP) {}

  /** A fitted model: its drivers in rank order, intercept, holdout AUC (null if one class). */
  public record Fit(List<Driver> drivers, double intercept, Double auc, long train, long holdout) {}

  /**
   * The outcome for one scope: the fit (null when there was nothing to learn, with the reason), the
   * groups the scope's conditions formed, how many of them lacked support and how many supported
   * groups were merged into a near-duplicate.
   */
  public record ScopeFit(
      String channel,
      String metric,
      Fit fit,
      String reason,
      int conditions,
      int groups,
      int unsupported,
      int merged,
      String refitProblem) {}

  /**
   * Per scope and condition the fingerprint of its responses, and per scope (condition null) the
   * fingerprint of all its responses: {@code scope_channel, scope_metric, condition, responses,
   * critical, hash_xor, hash_low, hash_high}. Expects {@code scope_channel, scope_metric,
   * response_id, critical (not null), conditions (distinct)}. Pure; its output is bounded by scopes
   * x conditions.
   */
  public static Dataset<Row> fingerprints(Dataset<Row> responses) {
    Dataset<Row> hashed =
        responses.select(
            col("scope_channel"),
            col("scope_metric"),
            col("critical"),
            col("conditions"),
            xxhash64(col("response_id")).as("h"));
    Column[] aggregates = {
      count(lit(1)).as("responses"),
      sum(when(col("critical"), 1L).otherwise(0L)).as("critical"),
      expr("bit_xor(h)").as("hash_xor"),
      sum(col("h").bitwiseAND(lit(0xFFFFFFFFL))).as("hash_low"),
      sum(shiftrightunsigned(col("h"), 32)).as("hash_high")
    };
    Dataset<Row> perCondition =
        hashed
            .select(
                col("scope_channel"),
                col("scope_metric"),
                col("critical"),
                col("h"),
                explode(col("conditions")).as("condition"))
            .groupBy("scope_channel", "scope_metric", "condition")
            .agg(aggregates[0], aggregates[1], aggregates[2], aggregates[3], aggregates[4]);
    Dataset<Row> perScope =
        hashed
            .groupBy("scope_channel", "scope_metric")
            .agg(aggregates[0], aggregates[1], aggregates[2], aggregates[3], aggregates[4])
            .select(
                col("scope_channel"),
                col("scope_metric"),
                lit(null).cast("string").as("condition"),
                col("responses"),
                col("critical"),
                col("hash_xor"),
                col("hash_low"),
                col("hash_high"));
    return perCondition.unionByName(perScope);
  }

  /** The fingerprint in a row of {@link #fingerprints}. */
  static Fingerprint fingerprint(Row r) {
    return new Fingerprint(r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6), r.getLong(7));
  }

  /**
   * The groups of a scope's conditions (identical sets and complements merged), ordered by name.
   * Pure.
   */
  public static List<Group> groups(Map<String, Fingerprint> conditions, Fingerprint scope) {
    Map<Fingerprint, List<String>> bySet = new HashMap<>();
    for (var e : new TreeMap<>(conditions).entrySet()) {
      bySet.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
    }
    java.util.Set<Fingerprint> done = new java.util.HashSet<>();
    List<Group> groups = new ArrayList<>();
    for (var e : new TreeMap<>(conditions).entrySet()) {
      Fingerprint f = e.getValue();
      if (!done.add(f)) {
        continue;
      }
      Fingerprint other = f.complement(scope);
      List<String> side = bySet.get(f);
      List<String> otherSide = other.equals(f) ? null : bySet.get(other);
      if (otherSide != null) {
        done.add(other);
      }
      boolean flip =
          otherSide != null
              && (other.responses() < f.responses()
                  || other.responses() == f.responses()
                      && otherSide.get(0).compareTo(side.get(0)) < 0);
      List<String> modelled = flip ? otherSide : side;
      List<String> complements = flip ? side : otherSide == null ? List.of() : otherSide;
      Fingerprint m = flip ? other : f;
      List<String> names = new ArrayList<>(modelled);
      complements.forEach(c -> names.add("not " + c));
      groups.add(
          new Group(
              String.join(" | ", names),
              List.copyOf(modelled),
              List.copyOf(complements),
              m.responses(),
              m.critical()));
    }
    groups.sort(Comparator.comparing(Group::name));
    return groups;
  }

  /**
   * Whether a group has the support to enter the model: each cell of its 2x2 table expected to hold
   * at least {@code minSupport} responses if it made no difference (see the class comment). Pure.
   */
  public static boolean supported(Group g, Fingerprint scope, int minSupport) {
    long n = scope.responses();
    if (n == 0) {
      return false;
    }
    long with = Math.min(g.responses(), n - g.responses());
    long criticalMinority = Math.min(scope.critical(), n - scope.critical());
    return (double) with * criticalMinority / n >= minSupport;
  }

  /**
   * Near-duplicates: groups whose responses overlap with Jaccard similarity at least {@code
   * minJaccard} (|A and B| / |A or B|, each group taken on its minority side: itself, or its
   * complement when it holds for more than half of the scope's responses; a group whose minority
   * side is the other's complement is merged as "not") are merged. Greedy and deterministic: the
   * groups in order of their marginal association with critical feedback (the chi-square statistic
   * of the 2x2 table, strongest first; ties by name) each join the first merged group whose first
   * member (its seed, which names it and is its feature) is that similar, else start one. Every
   * member is similar to the seed, so chains of pairwise-similar groups cannot drift. {@code
   * overlaps} holds |A and B| by the pair of indices into {@code groups} ({@link #pairKey}); a
   * missing pair is 0. Pure.
   */
  public static List<Group> merge(
      List<Group> groups, Map<Long, Long> overlaps, Fingerprint scope, double minJaccard) {
    long n = scope.responses();
    List<Integer> order = new ArrayList<>();
    double[] chi = new double[groups.size()];
    for (int i = 0; i < groups.size(); i++) {
      chi[i] = chiSquare(groups.get(i), scope);
      order.add(i);
    }
    order.sort(
        Comparator.<Integer>comparingDouble(i -> -chi[i]).thenComparing(i -> groups.get(i).name()));
    List<Integer> seeds = new ArrayList<>();
    Map<Integer, List<String>> similar = new HashMap<>();
    for (int g : order) {
      Group a = groups.get(g);
      boolean joined = false;
      for (int seed : seeds) {
        Group b = groups.get(seed);
        long both = overlaps.getOrDefault(pairKey(seed, g), 0L);
        // Compared on their minority sides (a group, or its complement when it holds for more
        // than half of the scope): two large sets overlap by chance (each on 90% of the
        // responses: Jaccard 0.82 when independent), two small ones do not.
        boolean aFlip = 2 * a.responses() > n;
        boolean bFlip = 2 * b.responses() > n;
        long sizeA = aFlip ? n - a.responses() : a.responses();
        long sizeB = bFlip ? n - b.responses() : b.responses();
        long inter =
            !aFlip && !bFlip
                ? both
                : aFlip && !bFlip
                    ? b.responses() - both
                    : !aFlip ? a.responses() - both : n - a.responses() - b.responses() + both;
        double jaccard = sizeA + sizeB - inter == 0 ? 0 : (double) inter / (sizeA + sizeB - inter);
        if (jaccard >= minJaccard) {
          List<String> into = similar.get(seed);
          boolean flip = aFlip != bFlip;
          a.conditions().forEach(c -> into.add(flip ? "not " + c : c));
          a.complements().forEach(c -> into.add(flip ? c : "not " + c));
          joined = true;
          break;
        }
      }
      if (!joined) {
        seeds.add(g);
        similar.put(g, new ArrayList<>());
      }
    }
    List<Group> merged = new ArrayList<>();
    for (int seed : seeds) {
      Group b = groups.get(seed);
      merged.add(
          new Group(
              b.name(),
              b.conditions(),
              b.complements(),
              List.copyOf(similar.get(seed)),
              b.responses(),
              b.critical()));
    }
    merged.sort(Comparator.comparing(Group::name));
    return merged;
  }

  /** The key of the unordered pair of group indices {i, j} in an overlap map. */
  public static long pairKey(int i, int j) {
    return ((long) Math.min(i, j) << 32) | Math.max(i, j);
  }

  /** Pearson's chi-square of a group's 2x2 table (with / without x critical / not). */
  static double chiSquare(Group g, Fingerprint scope) {
    double n = scope.responses();
    double a = g.critical();
    double b = g.responses() - g.critical();
    double c = scope.critical() - g.critical();
    double d = n - g.responses() - c;
    double den = (a + b) * (c + d) * (a + c) * (b + d);
    return den == 0 ? 0 : n * Math.pow(a * d - b * c, 2) / den;
  }

  /**
   * |A and B| for every pair of conditions in {@code conditions} ({@code scope_channel,
   * scope_metric, condition, idx}) within each scope: {@code scope_channel, scope_metric, i, j (i <
   * j), both}. One self-join of the responses' listed conditions on the response, grouped by pair;
   * the output is bounded by scopes x listed conditions squared. Pure.
   */
  public static Dataset<Row> overlaps(Dataset<Row> responses, Dataset<Row> conditions) {
    Dataset<Row> tagged =
        responses
            .select(
                col("scope_channel"),
                col("scope_metric"),
                col("response_id"),
                explode(col("conditions")).as("condition"))
            .join(
                broadcast(conditions), new String[] {"scope_channel", "scope_metric", "condition"})
            .select("scope_channel", "scope_metric", "response_id", "idx");
    Dataset<Row> a = tagged.toDF("scope_channel", "scope_metric", "response_id", "i");
    Dataset<Row> b = tagged.toDF("scope_channel", "scope_metric", "response_id", "j");
    return a.join(b, new String[] {"scope_channel", "scope_metric", "response_id"})
        .filter(col("i").lt(col("j")))
        .groupBy("scope_channel", "scope_metric", "i", "j")
        .agg(count(lit(1)).as("both"));
  }

  /**
   * Fits the model of every channel scope in {@code responses} ({@code scope_channel, scope_metric,
   * response_id, critical} not null, {@code conditions}): fingerprints, groups, support,
   * near-duplicates, then the fits, {@link #THREADS} scopes at once. Scopes in the order of {@code
   * scopes} (channel, metric pairs).
   */
  public static List<ScopeFit> fitAll(Dataset<Row> responses, List<String[]> scopes, Settings s) {
    Map<String, Map<String, Fingerprint>> byScope = new LinkedHashMap<>();
    Map<String, Fingerprint> scopeTotals = new HashMap<>();
    for (Row r : fingerprints(responses).collectAsList()) {
      String scope = r.getString(0) + "/" + r.getString(1);
      if (r.isNullAt(2)) {
        scopeTotals.put(scope, fingerprint(r));
      } else {
        byScope.computeIfAbsent(scope, k -> new HashMap<>()).put(r.getString(2), fingerprint(r));
      }
    }
    // Groups with support per scope, and the overlaps of every pair of them (one job).
    Map<String, List<Group>> supported = new HashMap<>();
    Map<String, Integer> groupCounts = new HashMap<>();
    List<Row> listed = new ArrayList<>();
    for (String[] sc : scopes) {
      String key = sc[0] + "/" + sc[1];
      Fingerprint total = scopeTotals.get(key);
      if (total == null) {
        continue;
      }
      List<Group> all = groups(byScope.getOrDefault(key, Map.of()), total);
      List<Group> kept = all.stream().filter(g -> supported(g, total, s.minSupport())).toList();
      groupCounts.put(key, all.size());
      supported.put(key, kept);
      for (int i = 0; i < kept.size(); i++) {
        listed.add(
            org.apache.spark.sql.RowFactory.create(
                sc[0], sc[1], kept.get(i).conditions().get(0), i));
      }
    }
    Map<String, Map<Long, Long>> pairs = new HashMap<>();
    if (!listed.isEmpty()) {
      Dataset<Row> table =
          responses
              .sparkSession()
              .createDataFrame(
                  listed,
                  new org.apache.spark.sql.types.StructType()
                      .add("scope_channel", "string")
                      .add("scope_metric", "string")
                      .add("condition", "string")
                      .add("idx", "int"));
      for (Row r : overlaps(responses, table).collectAsList()) {
        pairs
            .computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new HashMap<>())
            .put(pairKey(r.getInt(2), r.getInt(3)), r.getLong(4));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<ScopeFit>> futures = new ArrayList<>();
      for (String[] sc : scopes) {
        String key = sc[0] + "/" + sc[1];
        Fingerprint total = scopeTotals.get(key);
        int conditions = byScope.getOrDefault(key, Map.of()).size();
        if (total == null) {
          futures.add(
              CompletableFuture.completedFuture(
                  new ScopeFit(sc[0], sc[1], null, "no responses", 0, 0, 0, 0, null)));
          continue;
        }
        List<Group> kept = supported.get(key);
        int unsupported = groupCounts.get(key) - kept.size();
        if (kept.isEmpty()) {
          futures.add(
              CompletableFuture.completedFuture(
                  new ScopeFit(
                      sc[0],
                      sc[1],
                      null,
                      "no group of conditions with the support (every cell of its 2x2 table expected"
                          + " >= "
                          + s.minSupport()
                          + ")",
                      conditions,
                      groupCounts.get(key),
                      unsupported,
                      0,
                      null)));
          continue;
        }
        List<Group> merged = merge(kept, pairs.getOrDefault(key, Map.of()), total, s.minJaccard());
        Dataset<Row> scope =
            responses.filter(
                col("scope_channel").equalTo(sc[0]).and(col("scope_metric").equalTo(sc[1])));
        futures.add(
            pool.submit(
                () -> {
                  String[] problem = new String[1];
                  Fit fit = fit(scope, merged, total, s, problem);
                  return new ScopeFit(
                      sc[0],
                      sc[1],
                      fit,
                      fit == null ? "one class in the training" + " split" : null,
                      conditions,
                      groupCounts.get(key),
                      unsupported,
                      kept.size() - merged.size(),
                      problem[0]);
                }));
      }
      List<ScopeFit> out = new ArrayList<>();
      for (Future<ScopeFit> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("key-driver models interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a key-driver model failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Fits the two models of one scope on {@code groups} (each group's feature is "the response has
   * its first condition"). Returns null when the training split has one class only. {@code
   * problem[0]} gets the reason when the refit gave no intervals.
   */
  static Fit fit(
      Dataset<Row> responses, List<Group> groups, Fingerprint scope, Settings s, String[] problem) {
    String[] vocabulary = groups.stream().map(g -> g.conditions().get(0)).toArray(String[]::new);
    Dataset<Row> features =
        new CountVectorizerModel(vocabulary)
            .setInputCol("conditions")
            .setOutputCol("features")
            .setBinary(true)
            .transform(
                responses.select(
                    col("conditions"), when(col("critical"), 1.0).otherwise(0.0).as("label")))
            .select("features", "label");
    Dataset<Row>[] split =
        features.randomSplit(new double[] {1 - s.holdoutShare(), s.holdoutShare()}, s.seed());
    Dataset<Row> train = split[0].localCheckpoint(true);
    Dataset<Row> holdout = split[1].localCheckpoint(true);
    long[] trainCounts = classCounts(train);
    if (trainCounts[0] == 0 || trainCounts[1] == 0) {
      return null;
    }
    LogisticRegressionModel model =
        new LogisticRegression()
            .setRegParam(s.regParam())
            .setElasticNetParam(s.elasticNet())
            .setMaxIter(s.maxIter())
            .setStandardization(true)
            .fit(train);
    long[] holdoutCounts = classCounts(holdout);
    Double auc = null;
    if (holdoutCounts[0] > 0 && holdoutCounts[1] > 0) {
      auc =
          new BinaryClassificationEvaluator()
              .setMetricName("areaUnderROC")
              .setRawPredictionCol("rawPrediction")
              .evaluate(model.transform(holdout));
    }
    Vector b = model.coefficients();
    double n = scope.responses();
    List<Integer> order = new ArrayList<>();
    double[] standardized = new double[groups.size()];
    for (int i = 0; i < groups.size(); i++) {
      double p = groups.get(i).responses() / n;
      standardized[i] = b.apply(i) * Math.sqrt(p * (1 - p));
      order.add(i);
    }
    order.sort(
        Comparator.<Integer>comparingDouble(i -> -Math.abs(standardized[i]))
            .thenComparing(i -> groups.get(i).name()));
    List<Integer> top = order.stream().filter(i -> b.apply(i) != 0).limit(s.topK()).toList();
    Map<Integer, double[]> refit = refit(train.union(holdout), top, problem);
    List<Driver> drivers = new ArrayList<>();
    int rank = 0;
    for (int i : order) {
      double[] r = refit.get(i);
      drivers.add(
          new Driver(
              groups.get(i),
              ++rank,
              b.apply(i),
              standardized[i],
              r == null ? null : r[0],
              r == null ? null : finite(Math.exp(r[0] - 1.959964 * r[1])),
              r == null ? null : finite(Math.exp(r[0] + 1.959964 * r[1])),
              r == null ? null : r[2]));
    }
    return new Fit(
        drivers,
        model.intercept(),
        auc,
        trainCounts[0] + trainCounts[1],
        holdoutCounts[0] + holdoutCounts[1]);
  }

  /**
   * The unpenalised refit on the features {@code indices}: per index {coefficient, standard error,
   * p-value}; empty (and {@code problem[0]} set) when it gives no standard errors.
   */
  private static Map<Integer, double[]> refit(
      Dataset<Row> data, List<Integer> indices, String[] problem) {
    Map<Integer, double[]> out = new HashMap<>();
    if (indices.isEmpty()) {
      return out;
    }
    Dataset<Row> sliced =
        new VectorSlicer()
            .setInputCol("features")
            .setOutputCol("top")
            .setIndices(indices.stream().mapToInt(Integer::intValue).toArray())
            .transform(data);
    try {
      GeneralizedLinearRegressionModel glm =
          new GeneralizedLinearRegression()
              .setFamily("binomial")
              .setLink("logit")
              .setFeaturesCol("top")
              .setLabelCol("label")
              .setMaxIter(25)
              .fit(sliced);
      double[] se = glm.summary().coefficientStandardErrors();
      double[] p = glm.summary().pValues();
      Vector b = glm.coefficients();
      for (int j = 0; j < indices.size(); j++) {
        // Not estimable (separation, or collinearity left among the top groups): no refit.
        if (Math.abs(b.apply(j)) <= MAX_REFIT_LOG_ODDS && se[j] <= MAX_REFIT_SE) {
          out.put(indices.get(j), new double[] {b.apply(j), se[j], p[j]});
        }
      }
    } catch (RuntimeException e) {
      // Singular (an exact linear dependence among three or more groups) or not converged.
      problem[0] =
          String.format(
              Locale.ROOT,
              "unpenalised refit of the top %d groups gave no" + " standard errors (%s)",
              indices.size(),
              e.getMessage());
    }
    return out;
  }

  private static long[] classCounts(Dataset<Row> data) {
    long[] counts = new long[2];
    for (Row r : data.groupBy("label").count().collectAsList()) {
      counts[r.getDouble(0) == 1.0 ? 1 : 0] = r.getLong(1);
    }
    return counts;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
