package io.polku.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.ProfileOptions;
import io.polku.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Greedy forward selection on synthetic customers whose label depends on one attribute. */
class AttributeSelectionTest {
  private final SparkSession spark = SparkTest.spark();
  private static final List<String> NAMES =
      List.of("noise_a", "noise_b", "signal", "noise_c", "weak");
  private static final ProfileOptions OPTIONS = new ProfileOptions(
      List.of("critical-feedback"), 30, 90, 0.95, 3, 0.3, 42, 0.01, 30, 100, 10);

  private Dataset<Row> customers(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StructType schema = new StructType().add("customer_key", "string").add("label", "double");
    for (String name : NAMES) {
      schema = schema.add(name, "double");
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double signal = r.nextDouble();
      double label = r.nextDouble() < (signal > 0.5 ? 0.85 : 0.1) ? 1.0 : 0.0;
      double weak = signal + r.nextGaussian();
      rows.add(RowFactory.create("k" + i, label, r.nextDouble(), r.nextGaussian(), signal,
          (double) r.nextInt(5), weak));
    }
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void theSmallestSufficientSetIsTheOneInformativeAttribute() {
    AttributeSelection.Result r = AttributeSelection.select(customers(800, 7), NAMES, OPTIONS);
    assertEquals("reached", r.status(), r.message());
    assertEquals(List.of("signal"), r.chosen());
    assertEquals(2, r.steps().size(), "step 0 (all) and step 1");
    assertEquals(NAMES, r.steps().get(0).attributes());
    assertEquals(1, r.steps().get(0).modelsFitted());
    assertEquals(5, r.steps().get(1).modelsFitted(), "one model per remaining attribute");
    assertTrue(r.fullAuc() > 0.75, "full AUC " + r.fullAuc());
    assertTrue(r.steps().get(1).auc() >= 0.95 * r.fullAuc(), r.steps().toString());
    assertEquals(800, r.train() + r.holdout());
    assertTrue(r.holdout() > 180 && r.holdout() < 300, "about 30% held out: " + r.holdout());

    // Scoring with the chosen model: higher signal, higher score.
    List<Row> scores = AttributeSelection.score(customers(4, 9), r.chosen(), r.model())
        .collectAsList();
    assertEquals(4, scores.size());
    scores.forEach(s -> assertTrue(s.getDouble(1) >= 0 && s.getDouble(1) <= 1));
  }

  @Test
  void tooFewCustomersAreRecordedNotModelled() {
    AttributeSelection.Result r = AttributeSelection.select(customers(40, 3), NAMES, OPTIONS);
    assertEquals("not_enough_data", r.status());
    assertNull(r.model());
    assertTrue(r.message().startsWith("40 labelled customers"), r.message());
    assertTrue(r.message().contains("polku.profiles.min-customers = 100"), r.message());
  }
}
