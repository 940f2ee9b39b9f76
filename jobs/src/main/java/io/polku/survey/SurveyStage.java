package io.polku.survey;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.polku.analysis.CriticalFeedback;
import io.polku.config.PolkuConfig;
import io.polku.config.SurveyOptions;
import io.polku.contract.Tables;
import io.polku.journey.JourneyOptions;
import io.polku.lake.Lake;
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import io.polku.profile.ProfileFeatures;
import io.polku.profile.ProfileStage;
import io.polku.stats.Proportions;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Behaviour-triggered survey targeting for the run's last date D: writes {@code survey_invitations}
 * and {@code survey_suppressions} for invitation_date = D (one replaceWhere each). A range run
 * targets its last date only: invitations are never back-dated. The contact history is the
 * invitations table itself on every date but D (so a re-run of D gives the same result) plus the
 * responses in feedback_context. Rules and priority: {@link SurveyTargeting}.
 *
 * <p>Cost: a scan of the journeys of the last few journey dates, identity_map and customers (the
 * consents), the invitations within the longest cap window, the responses of the quiet period, and
 * one window ranking of the day's candidates. Collected to the driver: per-channel response counts
 * (bounded by the channel vocabulary) and the outcome counts.
 *
 * <p>Checked: candidates = invitations + suppressions, and at most one invitation per customer;
 * otherwise the stage fails before writing.
 */
public final class SurveyStage extends BaseStage {
  public static final String NAME = "surveys";

  public SurveyStage() {
    super(NAME, "survey targeting", Tables.SURVEY_INVITATIONS, Tables.SURVEY_SUPPRESSIONS);
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Lake lake = ctx.lake();
    SparkSession spark = ctx.spark();
    PolkuConfig cfg = ctx.config();
    SurveyOptions o = cfg.surveys();
    LocalDate date = ctx.dateTo();
    Date d = Date.valueOf(date);
    // The journeys that can hold the night's triggers: those of the re-opened days and the day
    // before them (a journey is dated by its start).
    Dataset<Row> journeys =
        lake.readDates(
            Tables.JOURNEYS, date.minusDays(JourneyOptions.reopenDays(cfg.journeys()) + 1), date);
    Dataset<Row> candidates =
        SurveyTargeting.candidates(journeys, o.triggers(), date).localCheckpoint(true);
    Dataset<Row> contacts =
        lake.exists(Tables.CUSTOMERS)
            ? ProfileFeatures.customerMaster(
                lake.read(Tables.IDENTITY_MAP), lake.read(Tables.CUSTOMERS))
            : spark.createDataFrame(List.of(), ProfileStage.MASTER_SCHEMA);
    int horizon = o.caps().stream().mapToInt(SurveyOptions.Cap::days).max().orElse(1);
    Dataset<Row> history =
        lake.read(Tables.SURVEY_INVITATIONS)
            .filter(
                col("invitation_date")
                    .notEqual(lit(d))
                    .and(
                        col("invitation_date")
                            .between(
                                lit(Date.valueOf(date.minusDays(horizon))),
                                lit(Date.valueOf(date.plusDays(horizon))))))
            .select("customer_key", "invitation_date");
    Dataset<Row> context = lake.read(Tables.FEEDBACK_CONTEXT);
    Dataset<Row> responses =
        context
            .filter(
                col("response_date")
                    .between(
                        lit(Date.valueOf(date.minusDays(Math.max(o.quietDaysAfterResponse(), 1)))),
                        lit(d))
                    .and(col("customer_key").isNotNull()))
            .select("customer_key", "response_date");
    Dataset<Row> scores =
        lake.exists(Tables.CUSTOMER_PROFILES)
            ? lake.read(Tables.CUSTOMER_PROFILES).select("customer_key", "score")
            : spark.createDataFrame(
                List.of(), new StructType().add("customer_key", "string").add("score", "double"));
    Dataset<Row> uncertainty =
        uncertainty(
            spark,
            context.filter(
                col("response_date")
                    .between(
                        lit(Date.valueOf(date.minusDays(o.uncertaintyWindowDays() - 1L))), lit(d))),
            cfg);
    Dataset<Row> decided =
        SurveyTargeting.decide(
                candidates, contacts, responses, history, uncertainty, scores, o, date)
            .localCheckpoint(true);

    long candidateCount = candidates.count();
    Map<String, Long> byReason = new TreeMap<>();
    for (Row r : decided.groupBy("reason").count().collectAsList()) {
      byReason.put(r.isNullAt(0) ? "invited" : r.getString(0), r.getLong(1));
    }
    long invited = byReason.getOrDefault("invited", 0L);
    long suppressed = byReason.values().stream().mapToLong(Long::longValue).sum() - invited;
    if (candidateCount != invited + suppressed) {
      throw new IllegalStateException(
          "survey targeting for "
              + date
              + ": "
              + candidateCount
              + " candidates but "
              + invited
              + " invitations + "
              + suppressed
              + " suppressions;"
              + " every candidate must be invited or suppressed exactly once");
    }
    long customers =
        decided.filter(col("reason").isNull()).select("customer_key").distinct().count();
    if (customers != invited) {
      throw new IllegalStateException(
          "survey targeting for "
              + date
              + ": "
              + invited
              + " invitations for "
              + customers
              + " customers; at most one per customer a day");
    }
    String where = "invitation_date = DATE'" + date + "'";
    lake.replaceWhere(
        Tables.SURVEY_INVITATIONS, SurveyTargeting.invitations(decided, o.surveys()), where);
    lake.replaceWhere(Tables.SURVEY_SUPPRESSIONS, SurveyTargeting.suppressions(decided), where);
    return new Outcome(
        List.of(
            new StageResult.ObjectCounts(
                "survey_invitations",
                candidateCount,
                invited,
                0,
                "targeting " + date + ": " + byReason,
                true),
            new StageResult.ObjectCounts(
                "survey_suppressions", candidateCount, suppressed, 0, null, false)),
        List.of(),
        explain(
            ctx.dateFrom(),
            date,
            candidateCount,
            byReason,
            cfg.sources().values().stream()
                .anyMatch(s -> s.kind() == io.polku.config.SourceKind.CUSTOMERS),
            o));
  }

  /**
   * Why the day's invitations are few: no candidates, or all (or most) of them suppressed, by
   * reason with its cause and fix; on a range run, the rule that only its last date is targeted.
   * {@code byReason}: candidates per suppression reason, "invited" for the invited.
   */
  static List<String> explain(
      LocalDate from,
      LocalDate date,
      long candidates,
      Map<String, Long> byReason,
      boolean customersSource,
      SurveyOptions o) {
    List<String> out = new ArrayList<>();
    if (!from.equals(date)) {
      out.add(
          "a range run targets its last date only: invitations for "
              + date
              + ", none for "
              + from
              + ".."
              + date.minusDays(1)
              + " (invitations are never back-dated)");
    }
    if (candidates == 0) {
      out.add(
          "0 candidates on "
              + date
              + ": no journey whose last step fell on "
              + date
              + " matched a trigger of polku.surveys.triggers");
      return out;
    }
    long invited = byReason.getOrDefault("invited", 0L);
    Map.Entry<String, Long> top =
        byReason.entrySet().stream()
            .filter(e -> !e.getKey().equals("invited"))
            .max(
                Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
            .orElse(null);
    if (top == null || (invited > 0 && 2 * top.getValue() <= candidates)) {
      return out;
    }
    String head =
        invited == 0 && top.getValue() == candidates
            ? String.format(
                java.util.Locale.ROOT,
                "%,d candidates, 0 invitations: all suppressed as" + " %s",
                candidates,
                top.getKey())
            : String.format(
                java.util.Locale.ROOT,
                "%,d candidates, %,d invitations; suppressed: %s",
                candidates,
                invited,
                suppressedOnly(byReason));
    out.add(head + " — " + cause(top.getKey(), customersSource, o));
    return out;
  }

  private static Map<String, Long> suppressedOnly(Map<String, Long> byReason) {
    Map<String, Long> m = new TreeMap<>(byReason);
    m.remove("invited");
    return m;
  }

  private static String cause(String reason, boolean customersSource, SurveyOptions o) {
    if (reason.equals("no_consent")) {
      return customersSource
          ? "survey_consent is not true on these customers' records, or the journey's person"
              + " has no customer record linked (identity_map); check the customers source's"
              + " survey_consent mapping and the identity links"
          : "no customers source is configured, so no customer has consent; map a customers"
              + " source with a survey_consent column";
    }
    if (reason.equals("recent_response")) {
      return "they responded within polku.surveys.quiet-days-after-response = "
          + o.quietDaysAfterResponse()
          + " days; lower it to ask sooner";
    }
    if (reason.equals("daily_cap")) {
      return "more eligible candidates than polku.surveys.daily-cap = "
          + o.dailyCap()
          + "; raise it to send more";
    }
    if (reason.startsWith("cap_")) {
      return "they were invited recently: the contact cap "
          + reason
          + " of polku.surveys.caps"
          + " would be exceeded; widen the cap to send more";
    }
    return "see survey_suppressions.detail";
  }

  /**
   * Per rated channel: the width of the Wilson 95% interval of its critical rate over the given
   * responses (a channel of the vocabulary without responses: 1). Counts are collected per channel
   * (bounded by the vocabulary).
   */
  static Dataset<Row> uncertainty(SparkSession spark, Dataset<Row> responses, PolkuConfig cfg) {
    Dataset<Row> rated =
        CriticalFeedback.withCritical(
                responses, cfg.rootCause().critical(), cfg.rootCause().otherMaxNormalised())
            .filter(col("critical").isNotNull())
            .groupBy("channel")
            .agg(count(lit(1)).as("n"), sum(when(col("critical"), 1).otherwise(0)).as("x"));
    Map<String, long[]> counts = new TreeMap<>();
    for (Row r : rated.collectAsList()) {
      counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    Set<String> channels = new LinkedHashSet<>(cfg.channels());
    channels.addAll(counts.keySet());
    List<Row> rows = new ArrayList<>();
    for (String ch : channels) {
      long[] nx = counts.getOrDefault(ch, new long[] {0, 0});
      Proportions.Interval ci = Proportions.wilson(nx[1], nx[0], 0.95);
      rows.add(RowFactory.create(ch, Math.round((ci.upper() - ci.lower()) * 1e6) / 1e6));
    }
    return spark.createDataFrame(
        rows, new StructType().add("rated_channel", "string").add("uncertainty", "double"));
  }
}
