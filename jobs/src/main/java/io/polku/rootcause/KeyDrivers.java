package io.polku.rootcause;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The key-driver model of one scope (rated channel and metric): an elastic-net regularised
 * logistic regression of "critical" on the conditions as binary features
 * ({@code CountVectorizer(binary = true)}, conditions found in fewer than {@code minSupport}
 * responses left out), fitted on a random training split with a fixed seed and scored by the
 * area under the ROC curve on the holdout. A condition's odds ratio is exp(coefficient): how
 * the odds of critical feedback change with the condition, the other conditions held fixed —
 * unlike a segment's lift, which is marginal. Regularisation shrinks correlated conditions
 * towards each other and unstable ones towards 1.
 *
 * <p>Cost: each fit runs Spark jobs (the vectorizer's vocabulary, one job per optimizer
 * iteration, the evaluator); the model's coefficients (bounded by the vocabulary) come back to
 * the driver. Not a pure transform: it is called from the stage.
 */
public final class KeyDrivers {
  private KeyDrivers() {}

  /** One condition of a fitted model. */
  public record Driver(String condition, double coefficient, double oddsRatio) {}

  /** A fitted model: its coefficients, intercept, holdout AUC (null if not computable). */
  public record Fit(List<Driver> drivers, double intercept, Double auc, long train,
      long holdout) {}

  /**
   * Fits the model on the scope's responses ({@code conditions}, {@code critical} not null).
   * Returns null when there is nothing to learn (one class only or no frequent condition).
   */
  public static Fit fit(Dataset<Row> responses, int minSupport, double regParam,
      double elasticNet, double holdoutShare, long seed, int maxIter) {
    Dataset<Row> data = responses.select(col("conditions"),
        when(col("critical"), 1.0).otherwise(0.0).as("label"));
    CountVectorizerModel vectorizer = new CountVectorizer().setInputCol("conditions")
        .setOutputCol("features").setBinary(true).setMinDF(minSupport).fit(data);
    String[] vocabulary = vectorizer.vocabulary();
    if (vocabulary.length == 0) {
      return null;
    }
    Dataset<Row> features = vectorizer.transform(data);
    Dataset<Row>[] split = features.randomSplit(new double[] {1 - holdoutShare, holdoutShare},
        seed);
    Dataset<Row> train = split[0].localCheckpoint(true);
    Dataset<Row> holdout = split[1].localCheckpoint(true);
    List<Row> classes = train.groupBy("label").count().collectAsList();
    if (classes.size() < 2) {
      return null;
    }
    LogisticRegressionModel model = new LogisticRegression().setRegParam(regParam)
        .setElasticNetParam(elasticNet).setMaxIter(maxIter).setStandardization(true)
        .fit(train);
    Double auc = null;
    long holdoutRows = holdout.count();
    long holdoutPositives = holdout.filter(col("label").equalTo(1.0)).count();
    if (holdoutPositives > 0 && holdoutPositives < holdoutRows) {
      auc = new BinaryClassificationEvaluator().setMetricName("areaUnderROC")
          .setRawPredictionCol("rawPrediction").evaluate(model.transform(holdout));
    }
    Vector coefficients = model.coefficients();
    List<Driver> drivers = new ArrayList<>();
    for (int i = 0; i < vocabulary.length; i++) {
      double b = coefficients.apply(i);
      drivers.add(new Driver(vocabulary[i], b, Math.exp(b)));
    }
    long trainRows = classes.stream().mapToLong(r -> r.getLong(1)).sum();
    return new Fit(drivers, model.intercept(), auc, trainRows, holdoutRows);
  }
}
