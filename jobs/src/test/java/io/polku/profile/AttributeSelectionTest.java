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
  private static final ProfileOptions OPTIONS =
      new ProfileOptions(
          List.of("critical-feedback"), 30, 90, 0.95, 3, 0.3, 42, 0.01, 30, 100, 10, 7);

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
      rows.add(
          RowFactory.create(
              "k" + i,
              label,
              r.nextDouble(),
              r.nextGaussian(),
              signal,
              (double) r.nextInt(5),
              weak));
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
    List<Row> scores =
        AttributeSelection.score(customers(4, 9), r.chosen(), r.model()).collectAsList();
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

  @Test
  void aReusedAttributeSetIsRefittedWithOneModel() {
    Dataset<Row> data = customers(800, 7);
    AttributeSelection.Result selected = AttributeSelection.select(data, NAMES, OPTIONS);
    // The same data and attributes: the one re-fit is the search's chosen step, exactly.
    AttributeSelection.Result same =
        AttributeSelection.refit(
            data,
            NAMES,
            selected.chosen(),
            selected.fullAuc(),
            selected.targetAuc(),
            "reused",
            OPTIONS);
    assertEquals("reused", same.status());
    assertEquals(1, same.steps().size());
    assertEquals(1, same.steps().get(0).modelsFitted());
    assertEquals(
        selected.steps().get(selected.steps().size() - 1).auc(), same.steps().get(0).auc(), 1e-12);
    assertEquals(selected.model().coefficients(), same.model().coefficients());
    assertEquals(selected.train(), same.train());

    // New customers: a different fit, of the same attributes, still informative.
    AttributeSelection.Result other =
        AttributeSelection.refit(
            customers(800, 11),
            NAMES,
            List.of("signal"),
            selected.fullAuc(),
            selected.targetAuc(),
            "reused",
            OPTIONS);
    assertEquals(List.of("signal"), other.chosen());
    assertTrue(other.steps().get(0).auc() > 0.75, "AUC " + other.steps().get(0).auc());
    assertTrue(!other.model().coefficients().equals(selected.model().coefficients()));

    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                AttributeSelection.refit(
                    data, NAMES, List.of("gone"), 0.8, 0.76, "reused", OPTIONS));
    assertTrue(e.getMessage().contains("[gone]"), e.getMessage());
  }
}
