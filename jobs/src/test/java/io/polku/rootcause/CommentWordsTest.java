package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Distinguishing words on a six-comment fixture, checked against the weighted log-odds with an
 * informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, eq. 22 and 24) worked by hand.
 */
class CommentWordsTest {
  private final SparkSession spark = SparkTest.spark();

  private static final String[] COMMENTS = {
      "Haku ei löytänyt, the search failed",  // member
      "Haku ei toiminut, search useless",     // member
      "search failed, broken",                // member
      "kiitos nopeasta avusta",
      "great help thanks",
      "kiitos, great"};

  /*
   * Tokens (lower case, letters only, length >= 3, stop words "the" and "ei" gone):
   * scope counts y_s (documents containing the word; n_s = 19 tokens): search 3, haku 2,
   * failed 2, kiitos 2, great 2, the rest 1. The segment (first three; n_i = 11): search 3,
   * haku 2, failed 2, löytänyt, toiminut, useless, broken 1. With a0 = 10, a_w = 10 y_s / 19:
   *   search: a = 1.5789; delta = ln(4.5789 / 16.4211) - ln(1.5789 / 16.4211) = ln 2.9
   *           = 1.0647; var = 1/4.5789 + 1/1.5789 = 0.8517; z = 1.1537
   *   haku, failed: a = 1.0526; delta = ln(3.0526 / 17.9474) - ln(1.0526 / 16.9474) = 1.0074;
   *           var = 1/3.0526 + 1/1.0526 = 1.2776; z = 0.8912 (tie: alphabetical)
   * Words found once in the segment are not shown (y_i >= 2).
   */
  @Test
  void wordsAreRankedByTheirWeightedLogOddsZScore() {
    assertEquals(List.of("search", "failed", "haku"), words(3));
    assertEquals(List.of("search", "failed"), words(2));
    assertEquals(1.1537, z(3, 11, 3, 19, 10), 1e-4);
    assertEquals(0.8912, z(2, 11, 2, 19, 10), 1e-4);
  }

  @Test
  void stopWordsAndShortTokensAreDropped() {
    List<String> tokens = spark.createDataFrame(List.of(RowFactory.create(COMMENTS[0])),
            new StructType().add("comment", DataTypes.StringType))
        .select(CommentWords.tokens()).first().getList(0);
    assertEquals(List.of("haku", "löytänyt", "search", "failed"), tokens);
    assertTrue(CommentWords.stopWords().contains("että"), "Finnish stop words are loaded");
  }

  /** Monroe et al.'s z of a word seen y_i times among n_i segment tokens. */
  private static double z(double yi, double ni, double ys, double ns, double a0) {
    double a = a0 * ys / ns;
    double yj = ys - yi;
    double nj = ns - ni;
    double delta = Math.log((yi + a) / (ni + a0 - yi - a))
        - Math.log((yj + a) / (nj + a0 - yj - a));
    return delta / Math.sqrt(1 / (yi + a) + 1 / (yj + a));
  }

  private List<String> words(int k) {
    StructType schema = new StructType().add("segment_id", DataTypes.StringType)
        .add("scope_channel", DataTypes.StringType).add("scope_metric", DataTypes.StringType)
        .add("comment", DataTypes.StringType);
    List<Row> scoped = new ArrayList<>();
    List<Row> members = new ArrayList<>();
    for (int i = 0; i < COMMENTS.length; i++) {
      Row r = RowFactory.create("chat/csat/x", "chat", "csat", COMMENTS[i]);
      scoped.add(r);
      if (i < 3) {
        members.add(r);
      }
    }
    Dataset<Row> all = spark.createDataFrame(scoped, schema);
    List<Row> out = CommentWords.distinguishing(spark.createDataFrame(members, schema),
        all.drop("segment_id"), k, 10).collectAsList();
    assertEquals(1, out.size());
    return out.get(0).getList(1);
  }
}
