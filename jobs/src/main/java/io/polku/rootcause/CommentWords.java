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
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The words that distinguish a segment's open-text comments from the rest of its scope: the
 * weighted log-odds ratio with an informative Dirichlet prior (B. L. Monroe, M. P. Colaresi and
 * K. M. Quinn, "Fightin' words", Political Analysis 16 (2008) 372-403, eq. 22 and 24).
 *
 * <p>Tokens: comment lower-cased, every run of non-letters replaced by a space, split on
 * spaces, words shorter than 3 letters and Spark's Finnish and English stop words removed; each
 * word counted once per comment. For word w, segment i and the rest of the scope j, with the
 * prior alpha_w = a0 x (count of w in the scope / tokens in the scope):
 * {@code delta = ln((y_iw+a_w)/(n_i+a0-y_iw-a_w)) - ln((y_jw+a_w)/(n_j+a0-y_jw-a_w))},
 * {@code var ~ 1/(y_iw+a_w) + 1/(y_jw+a_w)}, z = delta / sqrt(var). The top words by z (z &gt; 0,
 * at least two comments of the segment) are kept.
 *
 * <p>Pure; cost: two aggregations (segment x word and scope x word), one join and a window;
 * output bounded by segments x words requested.
 */
public final class CommentWords {
  private CommentWords() {}

  /** Finnish and English stop words of Spark's StopWordsRemover. */
  static List<String> stopWords() {
    Set<String> all = new LinkedHashSet<>();
    all.addAll(List.of(StopWordsRemover.loadDefaultStopWords("finnish")));
    all.addAll(List.of(StopWordsRemover.loadDefaultStopWords("english")));
    return new ArrayList<>(all);
  }

  /** The distinct tokens of the {@code comment} column, as {@code words}. */
  public static Column tokens() {
    Column words = split(regexp_replace(lower(coalesce(col("comment"), lit(""))),
        "[^\\p{L}]+", " "), " ");
    Column kept = filter(words, w -> length(w).geq(3));
    return array_distinct(array_except(kept,
        lit(stopWords().toArray(new String[0]))));
  }

  /**
   * The top {@code k} distinguishing words per segment: {@code segment_id, words} (array of
   * strings, best first).
   *
   * @param members responses of each segment: segment_id, scope_channel, scope_metric, comment
   * @param scoped all scoped responses (the background of each scope)
   * @param prior the prior's total pseudo-count a0
   */
  public static Dataset<Row> distinguishing(Dataset<Row> members, Dataset<Row> scoped, int k,
      double prior) {
    Dataset<Row> segmentWords = members.select(col("segment_id"), col("scope_channel"),
            col("scope_metric"), explode(tokens()).as("word"))
        .groupBy("segment_id", "scope_channel", "scope_metric", "word")
        .agg(count(lit(1)).as("y_i"));
    Dataset<Row> segmentTotals = segmentWords.groupBy("segment_id")
        .agg(sum("y_i").as("n_i"));
    Dataset<Row> scopeWords = scoped.select(col("scope_channel"), col("scope_metric"),
            explode(tokens()).as("word"))
        .groupBy("scope_channel", "scope_metric", "word")
        .agg(count(lit(1)).as("y_s"));
    Dataset<Row> scopeTotals = scopeWords.groupBy("scope_channel", "scope_metric")
        .agg(sum("y_s").as("n_s"));
    Dataset<Row> sw = scopeWords.withColumnRenamed("scope_channel", "w_channel")
        .withColumnRenamed("scope_metric", "w_metric").withColumnRenamed("word", "w_word");
    Dataset<Row> st = scopeTotals.withColumnRenamed("scope_channel", "t_channel")
        .withColumnRenamed("scope_metric", "t_metric");
    Dataset<Row> joined = segmentWords.join(segmentTotals, "segment_id")
        .join(sw, col("scope_channel").equalTo(col("w_channel"))
            .and(col("scope_metric").equalTo(col("w_metric")))
            .and(col("word").equalTo(col("w_word"))))
        .join(st, col("scope_channel").equalTo(col("t_channel"))
            .and(col("scope_metric").equalTo(col("t_metric"))));
    Column a = lit(prior).multiply(col("y_s")).divide(col("n_s"));
    Column yi = col("y_i");
    Column yj = col("y_s").minus(col("y_i"));
    Column ni = col("n_i");
    Column nj = col("n_s").minus(col("n_i"));
    Column a0 = lit(prior);
    Column delta = log(yi.plus(a).divide(ni.plus(a0).minus(yi).minus(a)))
        .minus(log(yj.plus(a).divide(nj.plus(a0).minus(yj).minus(a))));
    Column variance = lit(1.0).divide(yi.plus(a)).plus(lit(1.0).divide(yj.plus(a)));
    Dataset<Row> scored = joined.withColumn("z", delta.divide(sqrt(variance)))
        .filter(col("z").gt(0).and(col("y_i").geq(2)));
    return scored
        .withColumn("pos", row_number().over(Window.partitionBy("segment_id")
            .orderBy(col("z").desc(), col("word"))))
        .filter(col("pos").leq(k))
        .groupBy("segment_id")
        .agg(collect_list(struct(col("pos"), col("word"))).as("ranked"))
        .select(col("segment_id"),
            org.apache.spark.sql.functions.transform(
                org.apache.spark.sql.functions.array_sort(col("ranked")),
                r -> r.getField("word")).as("words"));
  }
}
