package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import io.polku.text.StopWordLanguages;
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
    "Haku ei löytänyt, the search failed", // member
    "Haku ei toiminut, search useless", // member
    "search failed, broken", // member
    "kiitos nopeasta avusta",
    "great help thanks",
    "kiitos, great"
  };

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
    assertEquals(List.of("haku", "löytänyt", "search", "failed"), tokens(COMMENTS[0], null, "en"));
    assertTrue(CommentWords.stopWords("finnish").contains("että"), "Finnish stop words load");
  }

  /*
   * Portuguese reviews: "não" is the most frequent word (5 of 6 comments), "foi" and "meu"
   * follow; the segment (first three) is about a refused card. Languages pt, pt-BR, PT, por,
   * pt_BR and portuguese all mean Spark's Portuguese list.
   */
  private static final String[][] PORTUGUESE = {
    {"Não consigo pagar: o cartão não funciona.", "pt"}, // member
    {"Meu cartão foi recusado e não sei porquê", "pt-BR"}, // member
    {"O cartão foi recusado até hoje, não entendo", "PT"}, // member
    {"Não tive problemas, o atendimento foi ótimo", "por"},
    {"Entrega rápida, não demorou nada", "pt_BR"},
    {"Meu pedido chegou, obrigado", "portuguese"}
  };

  /*
   * With the Portuguese stop words (não, meu, foi, até, tive; "o" and "e" are short), tokens:
   * segment {consigo, pagar, cartão, funciona}, {cartão, recusado, sei, porquê},
   * {cartão, recusado, hoje, entendo}: n_i = 12; the others {problemas, atendimento, ótimo},
   * {entrega, rápida, demorou, nada}, {pedido, chegou, obrigado}: n_s = 22, n_j = 10. a0 = 10:
   *   cartão: y_i = y_s = 3, a = 30/22 = 1.3636; delta = ln(4.3636 / 17.6364)
   *           - ln(1.3636 / 18.6364) = 1.2183; var = 1/4.3636 + 1/1.3636 = 0.9625; z = 1.2418
   *   recusado: y_i = y_s = 2, a = 0.9091; delta = ln(2.9091 / 19.0909) - ln(0.9091 / 19.0909)
   *           = ln 3.2 = 1.1632; var = 1/2.9091 + 1/0.9091 = 1.4438; z = 0.9680
   *   every other word is in one comment of the segment (y_i < 2): not shown.
   * With only the English list (no language, default en) não, foi and meu stay: n_i = 19,
   * n_s = 34, and two function words join the content words:
   *   cartão z = 1.2218, recusado 0.9712,
   *   foi: y_i = 2, y_s = 3, a = 0.8824; delta = ln(2.8824 / 26.1176) - ln(1.8824 / 23.1176)
   *           = 0.3041; var = 0.8782; z = 0.3245
   *   não: y_i = 3, y_s = 5, a = 1.4706; delta = ln(4.4706 / 24.5294) - ln(3.4706 / 21.5294)
   *           = 0.1227; var = 0.5118; z = 0.1716
   *   meu: y_i = 1.
   */
  @Test
  void eachCommentLosesTheStopWordsOfItsOwnLanguage() {
    assertEquals(List.of("cartão", "recusado"), portugueseWords(true, "en"));
    assertEquals(1.2418, z(3, 12, 3, 22, 10), 1e-4);
    assertEquals(0.9680, z(2, 12, 2, 22, 10), 1e-4);
    // Without the language the default applies: Portuguese as the default gives the same words,
    // English lets the function words through (the "não, meu, até").
    assertEquals(List.of("cartão", "recusado"), portugueseWords(false, "pt"));
    assertEquals(List.of("cartão", "recusado", "foi", "não"), portugueseWords(false, "en"));
    assertEquals(0.3245, z(2, 19, 3, 34, 10), 1e-4);
    assertEquals(0.1716, z(3, 19, 5, 34, 10), 1e-4);
  }

  @Test
  void languageCodesMapToSparksListsAndUnknownOnesToTheDefault() {
    assertEquals("portuguese", StopWordLanguages.of("pt"));
    assertEquals("portuguese", StopWordLanguages.of(" pt-BR "));
    assertEquals("swedish", StopWordLanguages.of("SV"));
    assertEquals("german", StopWordLanguages.of("deu"));
    assertEquals("norwegian", StopWordLanguages.of("nb"));
    assertEquals("finnish", StopWordLanguages.of("finnish"));
    assertNull(StopWordLanguages.of("ja"));
    assertNull(StopWordLanguages.of(null));
    // An unknown or missing language: the default's stop words, no error.
    assertEquals(List.of("não", "foi", "cartão"), tokens("Não foi o cartão", "xx", "fi"));
    assertEquals(List.of("cartão"), tokens("Não foi o cartão", "xx", "pt"));
    assertEquals(List.of("cartão"), tokens("Não foi o cartão", null, "pt"));
    // The response's language wins over the default: "mutta" is a Finnish stop word only.
    assertEquals(List.of("hyvä", "palvelu", "mutta"), tokens("Hyvä palvelu, mutta", "sv", "fi"));
    assertEquals(List.of("hyvä", "palvelu"), tokens("Hyvä palvelu, mutta", "fi", "en"));
  }

  @Test
  void accentedLettersStayInTheirWords() {
    assertEquals(
        List.of("ação", "rápida", "ótimo", "serviço", "café"),
        tokens("Ação rápida, ótimo serviço; café!", "pt", "en"));
    assertEquals(
        List.of("säästö", "hävisi", "löytänyt"), tokens("Säästö hävisi, en löytänyt", "fi", "en"));
    // Decomposed (NFD) text: "na" + combining tilde + "o" is the stop word "não".
    String nfd = java.text.Normalizer.normalize("Não, o cartão", java.text.Normalizer.Form.NFD);
    assertEquals(List.of("cartão"), tokens(nfd, "pt", "en"));
  }

  private List<String> tokens(String comment, String language, String defaultLanguage) {
    return spark
        .createDataFrame(
            List.of(RowFactory.create(comment, language)),
            new StructType()
                .add("comment", DataTypes.StringType)
                .add("language", DataTypes.StringType))
        .select(
            CommentWords.tokens(org.apache.spark.sql.functions.col("language"), defaultLanguage))
        .first()
        .getList(0);
  }

  private List<String> portugueseWords(boolean withLanguage, String defaultLanguage) {
    StructType schema =
        new StructType()
            .add("segment_id", DataTypes.StringType)
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("comment", DataTypes.StringType)
            .add("language", DataTypes.StringType);
    List<Row> scoped = new ArrayList<>();
    List<Row> members = new ArrayList<>();
    for (int i = 0; i < PORTUGUESE.length; i++) {
      Row r = RowFactory.create("app/nps/x", "app", "nps", PORTUGUESE[i][0], PORTUGUESE[i][1]);
      scoped.add(r);
      if (i < 3) {
        members.add(r);
      }
    }
    Dataset<Row> m = spark.createDataFrame(members, schema);
    Dataset<Row> all = spark.createDataFrame(scoped, schema).drop("segment_id");
    if (!withLanguage) {
      m = m.drop("language");
      all = all.drop("language");
    }
    List<Row> out = CommentWords.distinguishing(m, all, 5, 10, defaultLanguage).collectAsList();
    assertEquals(1, out.size());
    return out.get(0).getList(1);
  }

  /** Monroe et al.'s z of a word seen y_i times among n_i segment tokens. */
  private static double z(double yi, double ni, double ys, double ns, double a0) {
    double a = a0 * ys / ns;
    double yj = ys - yi;
    double nj = ns - ni;
    double delta =
        Math.log((yi + a) / (ni + a0 - yi - a)) - Math.log((yj + a) / (nj + a0 - yj - a));
    return delta / Math.sqrt(1 / (yi + a) + 1 / (yj + a));
  }

  private List<String> words(int k) {
    StructType schema =
        new StructType()
            .add("segment_id", DataTypes.StringType)
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
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
    List<Row> out =
        CommentWords.distinguishing(
                spark.createDataFrame(members, schema), all.drop("segment_id"), k, 10, "en")
            .collectAsList();
    assertEquals(1, out.size());
    return out.get(0).getList(1);
  }
}
