package io.polku.survey;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.polku.config.SurveyOptions;
import io.polku.config.SurveyOptions.Cap;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Behaviour-triggered survey targeting with fatigue control, as pure transforms.
 *
 * <p>{@link #candidates}: the journeys whose last step fell on the date D are matched against the
 * triggers in their configured order; a customer's candidate is the first trigger matched (on the
 * latest such journey). One candidate per customer and day.
 *
 * <p>{@link #decide}: every candidate gets exactly one outcome, the first rule that stops it, in
 * this order: {@code no_consent} (survey_consent not true; unknown customers have none), {@code
 * recent_response} (a response on a date in [D - quiet-days + 1, D]), one {@code cap_<days>d} per
 * configured cap (shortest window first: inviting would put more than {@code max} invitations into
 * some window of {@code days} consecutive days containing D, counting the contact history on every
 * other date, also later dates when an old date is re-run), and {@code daily_cap}; the rest are
 * invited. The daily cap is filled by priority: the candidates that passed the other rules are
 * ranked by (1) {@code uncertainty} desc — the width of the Wilson 95% interval of the critical
 * rate of the journey's last (rated) channel, so the channel whose estimate is least certain is
 * asked first; (2) {@code critical_journey} desc (a failure, abandonment or error: peak_severity
 * &gt;= 2); (3) the profile score desc (nulls last); (4) xxhash64(customer_key, D) as a
 * deterministic tie-break. Rank &lt;= daily-cap is invited.
 */
public final class SurveyTargeting {
  private SurveyTargeting() {}

  /**
   * The day's candidates: customer_key, invitation_date, trigger, survey, send_channel, journey_id,
   * journey_end, rated_channel, critical_journey.
   */
  public static Dataset<Row> candidates(
      Dataset<Row> journeys, List<SurveyOptions.Trigger> triggers, LocalDate date) {
    Column idx = null;
    List<Column> names = new ArrayList<>();
    List<Column> surveys = new ArrayList<>();
    List<Column> channels = new ArrayList<>();
    for (int i = 0; i < triggers.size(); i++) {
      SurveyOptions.Trigger t = triggers.get(i);
      Column test = coalesce(expr(t.when()).cast("boolean"), lit(false));
      idx = idx == null ? when(test, i + 1) : idx.when(test, i + 1);
      names.add(lit(t.name()));
      surveys.add(lit(t.survey()));
      channels.add(lit(t.sendChannel()));
    }
    Column n = col("trigger_no");
    return journeys
        .filter(
            to_date(col("journey_end"))
                .equalTo(lit(Date.valueOf(date)))
                .and(col("customer_key").isNotNull()))
        .withColumn("trigger_no", idx)
        .filter(n.isNotNull())
        .withColumn(
            "pick",
            row_number()
                .over(
                    Window.partitionBy("customer_key")
                        .orderBy(n, col("journey_end").desc(), col("journey_id"))))
        .filter(col("pick").equalTo(1))
        .select(
            col("customer_key"),
            lit(Date.valueOf(date)).as("invitation_date"),
            element_at(array(names.toArray(new Column[0])), n).as("trigger"),
            element_at(array(surveys.toArray(new Column[0])), n).as("survey"),
            element_at(array(channels.toArray(new Column[0])), n).as("send_channel"),
            col("journey_id"),
            col("journey_end"),
            col("last_channel").as("rated_channel"),
            col("peak_severity").geq(2).as("critical_journey"));
  }

  /**
   * Decides every candidate: the candidate columns plus invitation_id, customer_id, uncertainty,
   * profile_score, priority, reason (null = invited) and detail.
   *
   * @param contacts customer_key, customer_id, survey_consent
   * @param responses customer_key, response_date (any dates)
   * @param history past invitations: customer_key, invitation_date (any dates; D is ignored)
   * @param uncertainty rated_channel, uncertainty (channels absent count as 1)
   * @param scores customer_key, score (may be empty)
   */
  public static Dataset<Row> decide(
      Dataset<Row> candidates,
      Dataset<Row> contacts,
      Dataset<Row> responses,
      Dataset<Row> history,
      Dataset<Row> uncertainty,
      Dataset<Row> scores,
      SurveyOptions o,
      LocalDate date) {
    Date d = Date.valueOf(date);
    int horizon = o.caps().stream().mapToInt(Cap::days).max().orElse(1);
    Dataset<Row> offsets =
        history
            .select(col("customer_key"), datediff(col("invitation_date"), lit(d)).as("offset"))
            .filter(col("offset").notEqual(0).and(abs(col("offset")).lt(horizon)))
            .groupBy("customer_key")
            .agg(collect_list("offset").as("offsets"));
    Dataset<Row> recent =
        responses
            .filter(
                col("response_date")
                    .leq(lit(d))
                    .and(
                        col("response_date")
                            .gt(lit(Date.valueOf(date.minusDays(o.quietDaysAfterResponse()))))))
            .groupBy("customer_key")
            .agg(max("response_date").as("last_response_date"));
    Dataset<Row> df =
        candidates
            .join(
                contacts.select("customer_key", "customer_id", "survey_consent"),
                "customer_key",
                "left")
            .join(offsets, "customer_key", "left")
            .join(recent, "customer_key", "left")
            .join(uncertainty.select("rated_channel", "uncertainty"), "rated_channel", "left")
            .join(
                scores.select(col("customer_key"), col("score").as("profile_score")),
                "customer_key",
                "left")
            .withColumn(
                "offsets",
                coalesce(
                    col("offsets"), array().cast(DataTypes.createArrayType(DataTypes.IntegerType))))
            .withColumn("uncertainty", coalesce(col("uncertainty"), lit(1.0)));

    Column reason =
        when(coalesce(col("survey_consent"), lit(false)).equalTo(false), lit("no_consent"));
    Column detail =
        when(
            coalesce(col("survey_consent"), lit(false)).equalTo(false),
            when(col("survey_consent").isNull(), lit("no customer record or consent unknown"))
                .otherwise(lit("survey_consent = false")));
    if (o.quietDaysAfterResponse() > 0) {
      reason = reason.when(col("last_response_date").isNotNull(), lit("recent_response"));
      detail =
          detail.when(
              col("last_response_date").isNotNull(),
              concat(lit("response on "), col("last_response_date").cast("string")));
    }
    List<Cap> caps = new ArrayList<>(o.caps());
    caps.sort(Comparator.comparingInt(Cap::days));
    for (Cap cap : caps) {
      Column over = capExceeded(cap);
      reason = reason.when(over, lit(cap.reason()));
      detail =
          detail.when(
              over,
              concat(
                  lit("other invitations at day offsets ["),
                  array_join(array_sort(col("offsets")), ","),
                  lit("]; at most " + cap.max() + " in " + cap.days() + " days")));
    }
    Dataset<Row> ruled = df.withColumn("rule", reason).withColumn("rule_detail", detail);
    Column eligible = col("rule").isNull();
    Dataset<Row> ranked =
        ruled.withColumn(
            "priority",
            when(
                    eligible,
                    row_number()
                        .over(
                            Window.partitionBy(
                                    col("invitation_date"), eligible.as("eligible_group"))
                                .orderBy(
                                    col("uncertainty").desc(),
                                    col("critical_journey").desc(),
                                    col("profile_score").desc_nulls_last(),
                                    xxhash64(col("customer_key"), lit(date.toString())))))
                .otherwise(lit(0)));
    Column overCap = eligible.and(col("priority").gt(o.dailyCap()));
    return ranked
        .withColumn("reason", when(overCap, lit("daily_cap")).otherwise(col("rule")))
        .withColumn(
            "detail",
            when(
                    overCap,
                    concat(
                        lit("priority "),
                        col("priority").cast("string"),
                        lit(" > polku.surveys.daily-cap = " + o.dailyCap())))
                .otherwise(col("rule_detail")))
        .withColumn(
            "invitation_id",
            sha2(concat_ws("|", col("customer_key"), col("invitation_date").cast("string")), 256))
        .select(
            "invitation_id",
            "customer_key",
            "invitation_date",
            "customer_id",
            "trigger",
            "survey",
            "send_channel",
            "journey_id",
            "journey_end",
            "rated_channel",
            "uncertainty",
            "critical_journey",
            "profile_score",
            "priority",
            "reason",
            "detail");
  }

  /**
   * True when one more invitation on D would put more than {@code max} into some window of {@code
   * days} consecutive days containing D: for every window start s in [-(days-1), 0] (offsets from
   * D), count the other invitations with offset in [s, s + days - 1].
   */
  static Column capExceeded(Cap cap) {
    return expr(
        "exists(sequence("
            + (1 - cap.days())
            + ", 0), s -> size(filter(offsets,"
            + " o -> o >= s AND o <= s + "
            + (cap.days() - 1)
            + ")) >= "
            + cap.max()
            + ")");
  }

  /** The invitations with their survey's questions (array of id, text). */
  public static Dataset<Row> invitations(
      Dataset<Row> decided, Map<String, List<SurveyOptions.Question>> surveys) {
    Column questions = null;
    for (Map.Entry<String, List<SurveyOptions.Question>> e : surveys.entrySet()) {
      List<Column> qs = new ArrayList<>();
      for (SurveyOptions.Question q : e.getValue()) {
        qs.add(struct(lit(q.id()).as("id"), lit(q.text()).as("text")));
      }
      Column arr = array(qs.toArray(new Column[0]));
      questions =
          questions == null
              ? when(col("survey").equalTo(e.getKey()), arr)
              : questions.when(col("survey").equalTo(e.getKey()), arr);
    }
    return decided
        .filter(col("reason").isNull())
        .drop("reason", "detail")
        .withColumn("questions", questions);
  }

  /** The suppressed candidates, with their reason. */
  public static Dataset<Row> suppressions(Dataset<Row> decided) {
    return decided.filter(col("reason").isNotNull());
  }
}
