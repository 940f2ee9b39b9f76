package io.polku.rootcause;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.polku.text.StopWordLanguages;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The words that distinguish a segment's open-text comments from the rest of its scope: the
 * weighted log-odds ratio with an informative Dirichlet prior (B. L. Monroe, M. P. Colaresi and K.
 * M. Quinn, "Fightin' words", Political Analysis 16 (2008) 372-403, eq. 22 and 24).
 *
 * <p>Tokens ({@link #tokens}): comment NFC-normalised and lower-cased, split at every run of
 * characters that are not letters (accented ones included), words shorter than 3 characters and the
 * stop words of the response's language ({@code language}, else the configured default; Spark's
 * lists) removed; each word counted once per comment. For word w, segment i and the rest of the
 * scope j, with the prior alpha_w = a0 x (count of w in the scope / tokens in the scope): {@code
 * delta = ln((y_iw+a_w)/(n_i+a0-y_iw-a_w)) - ln((y_jw+a_w)/(n_j+a0-y_jw-a_w))}, {@code var ~
 * 1/(y_iw+a_w) + 1/(y_jw+a_w)}, z = delta / sqrt(var). The top words by z (z &gt; 0, at least two
 * comments of the segment) are kept.
 *
 * <p>Pure; cost: two aggregations (segment x word and scope x word), one join and a window; output
 * bounded by segments x words requested.
 */
public final class CommentWords {
  /** Unicode NFC, so that a decomposed "não" (a + combining tilde) is the word of the list. */
  private static final UserDefinedFunction NFC =
      udf(
              (UDF1<String, String>)
                  s ->
                      s == null || Normalizer.isNormalized(s, Normalizer.Form.NFC)
                          ? s
                          : Normalizer.normalize(s, Normalizer.Form.NFC),
              DataTypes.StringType)
          .withName("nfc");

  private CommentWords() {}

  /** Spark's stop words of a language of {@link StopWordLanguages#CODES} (its English name). */
  static List<String> stopWords(String language) {
    return List.of(StopWordsRemover.loadDefaultStopWords(language));
  }

  /**
   * The stop words of each row's language: Spark's list for the language of the code in {@code
   * language} (as {@link StopWordLanguages#of}), or of {@code defaultLanguage} when the code is
   * null or has no list. One array literal per language in the plan, no join.
   */
  static Column stopWordsOf(Column language, String defaultLanguage) {
    String fallback = StopWordLanguages.of(defaultLanguage);
    if (fallback == null) {
      throw new IllegalArgumentException(
          "No stop words for the default language '"
              + defaultLanguage
              + "'; expected one of "
              + new TreeSet<>(StopWordLanguages.CODES.keySet()));
    }
    Column code = regexp_extract(lower(trim(language)), StopWordLanguages.LEADING, 1);
    Map<String, List<String>> aliases = new TreeMap<>();
    StopWordLanguages.CODES.forEach(
        (c, l) -> aliases.computeIfAbsent(l, x -> new ArrayList<>()).add(c));
    Column out = null;
    for (var e : aliases.entrySet()) {
      if (e.getKey().equals(fallback)) {
        continue;
      }
      Column is = code.isin(e.getValue().toArray());
      Column words = lit(stopWords(e.getKey()).toArray(new String[0]));
      out = out == null ? when(is, words) : out.when(is, words);
    }
    return out.otherwise(lit(stopWords(fallback).toArray(new String[0])));
  }

  /**
   * The distinct tokens of the {@code comment} column, as {@code words}: NFC-normalised (so a
   * decomposed "não" is one word), lower-cased, every run of characters that are neither letters
   * nor combining marks a separator, words of at least 3 characters, the stop words of the row's
   * {@code language} removed (see {@link #stopWordsOf}).
   */
  public static Column tokens(Column language, String defaultLanguage) {
    Column text = lower(NFC.apply(coalesce(col("comment"), lit(""))));
    Column words = split(regexp_replace(text, "[^\\p{L}\\p{M}]+", " "), " ");
    Column kept = filter(words, w -> length(w).geq(3));
    return array_distinct(array_except(kept, stopWordsOf(language, defaultLanguage)));
  }

  private static Column tokens(Dataset<Row> rows, String defaultLanguage) {
    boolean hasLanguage = java.util.Arrays.asList(rows.columns()).contains("language");
    return tokens(hasLanguage ? col("language") : lit(null).cast("string"), defaultLanguage);
  }

  /**
   * The top {@code k} distinguishing words per segment: {@code segment_id, words} (array of
   * strings, best first).
   *
   * @param members responses of each segment: segment_id, scope_channel, scope_metric, comment
   * @param scoped all scoped responses (the background of each scope)
   * @param prior the prior's total pseudo-count a0
   * @param defaultLanguage the stop words of a response without a {@code language} column, value or
   *     a language Spark has a list for (a code or name, see {@link StopWordLanguages#of})
   */
  public static Dataset<Row> distinguishing(
      Dataset<Row> members, Dataset<Row> scoped, int k, double prior, String defaultLanguage) {
    Dataset<Row> segmentWords =
        members
            .select(
                col("segment_id"),
                col("scope_channel"),
                col("scope_metric"),
                explode(tokens(members, defaultLanguage)).as("word"))
            .groupBy("segment_id", "scope_channel", "scope_metric", "word")
            .agg(count(lit(1)).as("y_i"));
    Dataset<Row> segmentTotals = segmentWords.groupBy("segment_id").agg(sum("y_i").as("n_i"));
    Dataset<Row> scopeWords =
        scoped
            .select(
                col("scope_channel"),
                col("scope_metric"),
                explode(tokens(scoped, defaultLanguage)).as("word"))
            .groupBy("scope_channel", "scope_metric", "word")
            .agg(count(lit(1)).as("y_s"));
    Dataset<Row> scopeTotals =
        scopeWords.groupBy("scope_channel", "scope_metric").agg(sum("y_s").as("n_s"));
    Dataset<Row> sw =
        scopeWords
            .withColumnRenamed("scope_channel", "w_channel")
            .withColumnRenamed("scope_metric", "w_metric")
            .withColumnRenamed("word", "w_word");
    Dataset<Row> st =
        scopeTotals
            .withColumnRenamed("scope_channel", "t_channel")
            .withColumnRenamed("scope_metric", "t_metric");
    Dataset<Row> joined =
        segmentWords
            .join(segmentTotals, "segment_id")
            .join(
                sw,
                col("scope_channel")
                    .equalTo(col("w_channel"))
                    .and(col("scope_metric").equalTo(col("w_metric")))
                    .and(col("word").equalTo(col("w_word"))))
            .join(
                st,
                col("scope_channel")
                    .equalTo(col("t_channel"))
                    .and(col("scope_metric").equalTo(col("t_metric"))));
    Column a = lit(prior).multiply(col("y_s")).divide(col("n_s"));
    Column yi = col("y_i");
    Column yj = col("y_s").minus(col("y_i"));
    Column ni = col("n_i");
    Column nj = col("n_s").minus(col("n_i"));
    Column a0 = lit(prior);
    Column delta =
        log(yi.plus(a).divide(ni.plus(a0).minus(yi).minus(a)))
            .minus(log(yj.plus(a).divide(nj.plus(a0).minus(yj).minus(a))));
    Column variance = lit(1.0).divide(yi.plus(a)).plus(lit(1.0).divide(yj.plus(a)));
    Dataset<Row> scored =
        joined
            .withColumn("z", delta.divide(sqrt(variance)))
            .filter(col("z").gt(0).and(col("y_i").geq(2)));
    return scored
        .withColumn(
            "pos",
            row_number()
                .over(Window.partitionBy("segment_id").orderBy(col("z").desc(), col("word"))))
        .filter(col("pos").leq(k))
        .groupBy("segment_id")
        .agg(collect_list(struct(col("pos"), col("word"))).as("ranked"))
        .select(
            col("segment_id"),
            org.apache
                .spark
                .sql
                .functions
                .transform(
                    org.apache.spark.sql.functions.array_sort(col("ranked")),
                    r -> r.getField("word"))
                .as("words"));
  }
}
