package io.polku.profile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.polku.config.ProfileOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.feature.VectorSlicer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The smallest attribute set sufficient for the decision: greedy forward selection with spark-mllib
 * logistic regression.
 *
 * <p>Method: customers are split into training and holdout by a hash of customer_key and the seed
 * ({@code pmod(xxhash64(customer_key, seed), 10000) < holdout-share x 10000}), so the split does
 * not depend on partitioning. Every model is an L2-regularised logistic regression on standardised
 * attributes ({@code setStandardization(true)}), scored by the area under the ROC curve on the
 * holdout ({@code BinaryClassificationEvaluator}). Step 0 fits the model on all k candidates; its
 * AUC times {@code auc-share} is the bar. Step s fits one model per attribute not yet chosen (the
 * chosen ones plus that one) and keeps the attribute with the highest holdout AUC (ties: the
 * earlier name in the candidate order); the search stops at the first step whose AUC reaches the
 * bar (status reached), when the best addition does not raise the AUC (no_gain; the step is not
 * taken), or after {@code max-steps} (step_cap).
 *
 * <p>Cost: 1 + sum over steps of (k - s + 1) model fits, i.e. about s x k fits for s steps; each
 * fit is one Spark job per optimizer iteration (at most {@code max-iter}) plus the evaluator's
 * jobs; the models of a step run in 4 driver threads at once. The training and holdout sets (one
 * row per customer) are materialised once with {@code localCheckpoint}. Collected to the driver:
 * label counts and the coefficients (bounded by k) — never customers.
 *
 * <p>Dangers: greedy selection is not guaranteed to find the smallest sufficient set, the holdout
 * AUC has sampling noise (with a few hundred customers, differences of ~0.02 are noise), and the
 * selected attributes predict, they do not explain.
 */
public final class AttributeSelection {
  private AttributeSelection() {}

  /** Partitions of the training and holdout sets (fewer tasks per optimizer iteration). */
  static final int PARTITIONS = 2;

  /** The models of one step are fitted by this many driver threads (Spark runs them at once). */
  static final int THREADS = 4;

  /** One measured step. */
  public record Step(
      int step, String added, List<String> attributes, double auc, int modelsFitted) {}

  /**
   * What the search found. {@code model} scores the {@code chosen} attributes (in that order); null
   * when {@code status} is not_enough_data.
   */
  public record Result(
      String status,
      String message,
      List<Step> steps,
      Double fullAuc,
      Double targetAuc,
      List<String> chosen,
      LogisticRegressionModel model,
      long train,
      long holdout,
      Double positiveRate) {}

  /**
   * Runs the search on {@code labelled} (customer_key, label, one double column per name in {@code
   * names}).
   */
  public static Result select(Dataset<Row> labelled, List<String> names, ProfileOptions o) {
    Split d = split(labelled, names, o);
    if (d.notEnough() != null) {
      return d.notEnough();
    }
    Dataset<Row> train = d.train();
    Dataset<Row> holdout = d.holdout();
    long trainN = d.trainN();
    long holdoutN = d.holdoutN();
    Double rate = d.rate();
    List<Step> steps = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      all.add(i);
    }
    Fitted full = fit(train, holdout, all, o);
    steps.add(new Step(0, null, List.copyOf(names), full.auc, 1));
    double bar = o.aucShare() * full.auc;
    List<Integer> chosen = new ArrayList<>();
    Fitted chosenFit = null;
    double previous = Double.NEGATIVE_INFINITY;
    String status = "step_cap";
    String message = null;
    for (int step = 1; step <= Math.min(o.maxSteps(), names.size()); step++) {
      Fitted best = null;
      int bestIndex = -1;
      List<Integer> remaining = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (!chosen.contains(i)) {
          remaining.add(i);
        }
      }
      List<Fitted> fits = fitAll(train, holdout, chosen, remaining, o);
      int fitted = fits.size();
      for (int j = 0; j < fits.size(); j++) {
        if (best == null || fits.get(j).auc > best.auc) {
          best = fits.get(j);
          bestIndex = remaining.get(j);
        }
      }
      if (best == null) {
        break;
      }
      if (best.auc <= previous) {
        status = "no_gain";
        message =
            String.format(
                Locale.ROOT,
                "step %d: the best addition (%s, AUC %.4f) does"
                    + " not raise the AUC %.4f; stopped below the bar %.4f",
                step,
                names.get(bestIndex),
                best.auc,
                previous,
                bar);
        break;
      }
      chosen.add(bestIndex);
      chosenFit = best;
      previous = best.auc;
      steps.add(
          new Step(
              step,
              names.get(bestIndex),
              chosen.stream().map(names::get).toList(),
              best.auc,
              fitted));
      if (best.auc >= bar) {
        status = "reached";
        message =
            String.format(
                Locale.ROOT,
                "%d of %d attributes reach AUC %.4f >= %.2f x" + " %.4f",
                chosen.size(),
                names.size(),
                best.auc,
                o.aucShare(),
                full.auc);
        break;
      }
    }
    if ("step_cap".equals(status)) {
      message =
          String.format(
              Locale.ROOT,
              "polku.profiles.max-steps = %d reached at AUC %.4f,"
                  + " below the bar %.4f: the profile keeps the %d attributes found; raise max-steps"
                  + " or lower auc-share",
              o.maxSteps(),
              previous,
              bar,
              chosen.size());
    }
    if (chosenFit == null) {
      // Not even one attribute beat nothing: keep the full model, honestly labelled.
      return new Result(
          status,
          message,
          steps,
          full.auc,
          bar,
          List.copyOf(names),
          full.model,
          trainN,
          holdoutN,
          rate);
    }
    return new Result(
        status,
        message,
        steps,
        full.auc,
        bar,
        chosen.stream().map(names::get).toList(),
        chosenFit.model,
        trainN,
        holdoutN,
        rate);
  }

  /**
   * Re-fits the model of an earlier selection's attributes {@code chosen} (a subset of {@code
   * names}) on this night's training split, with its holdout AUC: one fit instead of the search's
   * about s x k. {@code fullAuc} and {@code targetAuc} are that selection's; status {@code reused}
   * (or not_enough_data).
   */
  public static Result refit(
      Dataset<Row> labelled,
      List<String> names,
      List<String> chosen,
      double fullAuc,
      double targetAuc,
      String message,
      ProfileOptions o) {
    Split d = split(labelled, names, o);
    if (d.notEnough() != null) {
      return d.notEnough();
    }
    List<Integer> indices = chosen.stream().map(names::indexOf).toList();
    if (indices.contains(-1)) {
      throw new IllegalArgumentException(
          "reused attributes " + chosen + " are not all among the" + " candidates " + names);
    }
    Fitted f = fit(d.train(), d.holdout(), indices, o);
    return new Result(
        "reused",
        message,
        List.of(new Step(chosen.size(), null, List.copyOf(chosen), f.auc, 1)),
        fullAuc,
        targetAuc,
        List.copyOf(chosen),
        f.model,
        d.trainN(),
        d.holdoutN(),
        d.rate());
  }

  /** The training and holdout sets, or the not_enough_data result. */
  private record Split(
      Dataset<Row> train,
      Dataset<Row> holdout,
      long trainN,
      long holdoutN,
      Double rate,
      Result notEnough) {}

  private static Split split(Dataset<Row> labelled, List<String> names, ProfileOptions o) {
    Dataset<Row> vectors =
        new VectorAssembler()
            .setInputCols(names.toArray(new String[0]))
            .setOutputCol("all")
            .transform(labelled)
            .select(
                col("customer_key"),
                col("label"),
                col("all"),
                pmod(xxhash64(col("customer_key"), lit(o.seed())), lit(10000))
                    .lt(Math.round(o.holdoutShare() * 10000))
                    .as("is_holdout"))
            // Fixed partitioning and order: the optimizer's sums, hence the AUCs, are repeatable.
            // One row per customer is small: few partitions keep each optimizer job cheap.
            .repartition(PARTITIONS, col("customer_key"))
            .sortWithinPartitions("customer_key");
    Dataset<Row> train = vectors.filter(col("is_holdout").equalTo(false)).localCheckpoint(true);
    Dataset<Row> holdout = vectors.filter(col("is_holdout")).localCheckpoint(true);
    long[] trainCounts = counts(train);
    long[] holdoutCounts = counts(holdout);
    long n = trainCounts[0] + trainCounts[1] + holdoutCounts[0] + holdoutCounts[1];
    long positives = trainCounts[1] + holdoutCounts[1];
    Double rate = n == 0 ? null : (double) positives / n;
    long trainN = trainCounts[0] + trainCounts[1];
    long holdoutN = holdoutCounts[0] + holdoutCounts[1];
    if (n < o.minCustomers()
        || positives < o.minPositives()
        || n - positives < o.minPositives()
        || trainCounts[0] == 0
        || trainCounts[1] == 0
        || holdoutCounts[0] == 0
        || holdoutCounts[1] == 0) {
      return new Split(
          train,
          holdout,
          trainN,
          holdoutN,
          rate,
          new Result(
              "not_enough_data",
              String.format(
                  Locale.ROOT,
                  "%d labelled customers, %d positive; need at least polku.profiles.min-customers = %d customers and"
                      + " min-positives = %d of each class, and both classes in the training and"
                      + " holdout splits",
                  n,
                  positives,
                  o.minCustomers(),
                  o.minPositives()),
              List.of(),
              null,
              null,
              List.of(),
              null,
              trainN,
              holdoutN,
              rate));
    }
    return new Split(train, holdout, trainN, holdoutN, rate, null);
  }

  private record Fitted(LogisticRegressionModel model, double auc) {}

  /** Fits chosen + each of {@code trials}, in parallel; results in the order of trials. */
  private static List<Fitted> fitAll(
      Dataset<Row> train,
      Dataset<Row> holdout,
      List<Integer> chosen,
      List<Integer> trials,
      ProfileOptions o) {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(THREADS);
    try {
      List<java.util.concurrent.Future<Fitted>> futures = new ArrayList<>();
      for (int i : trials) {
        List<Integer> trial = new ArrayList<>(chosen);
        trial.add(i);
        futures.add(pool.submit(() -> fit(train, holdout, trial, o)));
      }
      List<Fitted> out = new ArrayList<>();
      for (var f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("attribute selection interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a selection model failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Fitted fit(
      Dataset<Row> train, Dataset<Row> holdout, List<Integer> indices, ProfileOptions o) {
    VectorSlicer slicer =
        new VectorSlicer()
            .setInputCol("all")
            .setOutputCol("features")
            .setIndices(indices.stream().mapToInt(Integer::intValue).toArray());
    LogisticRegressionModel model =
        new LogisticRegression()
            .setRegParam(o.regParam())
            .setElasticNetParam(0.0)
            .setMaxIter(o.maxIter())
            .setTol(1e-5)
            .setStandardization(true)
            .fit(slicer.transform(train));
    double auc =
        new BinaryClassificationEvaluator()
            .setMetricName("areaUnderROC")
            .setRawPredictionCol("rawPrediction")
            .evaluate(model.transform(slicer.transform(holdout)));
    return new Fitted(model, auc);
  }

  /** Negatives and positives of a split. */
  private static long[] counts(Dataset<Row> split) {
    long[] c = new long[2];
    for (Row r : split.groupBy("label").count().collectAsList()) {
      c[r.getDouble(0) > 0.5 ? 1 : 0] = r.getLong(1);
    }
    return c;
  }

  /**
   * Scores {@code candidates} (customer_key and the attribute columns) with a selected model:
   * customer_key, score (probability of the target, rounded to 6 decimals). Pure.
   */
  public static Dataset<Row> score(
      Dataset<Row> candidates, List<String> chosen, LogisticRegressionModel model) {
    Dataset<Row> features =
        new VectorAssembler()
            .setInputCols(chosen.toArray(new String[0]))
            .setOutputCol("features")
            .transform(candidates);
    return model
        .transform(features)
        .select(
            col("customer_key"),
            org.apache
                .spark
                .sql
                .functions
                .round(
                    org.apache
                        .spark
                        .ml
                        .functions
                        .vector_to_array(col("probability"), "float64")
                        .getItem(1),
                    6)
                .as("score"));
  }
}
