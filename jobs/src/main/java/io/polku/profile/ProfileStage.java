package io.polku.profile;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.max;

import io.polku.config.PolkuConfig;
import io.polku.config.ProfileOptions;
import io.polku.contract.Tables;
import io.polku.identity.IdentityResolution;
import io.polku.lake.Lake;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.Stage;
import io.polku.pipeline.StageResult;
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Minimum-viable customer profiles for the run's last date D: writes {@code profile_spec}
 * (replaceWhere run_date = D) and upserts {@code customer_profiles} (MERGE by customer_key).
 *
 * <p>Training: cut-off C = D + 1 - horizon-days, so the label window [C, D + 1) is the last
 * horizon-days days up to and including D and lies inside the data; attributes come from
 * [C - lookback-days, C) ({@link ProfileFeatures}). The attribute set is chosen by
 * {@link AttributeSelection}. Scoring: the chosen attributes are recomputed with cut-off
 * D + 1 (everything up to the end of D) for every customer active in the lookback, and scored
 * by the chosen model: a profile describes the customer now, with a model validated on the
 * past.
 *
 * <p>Cost: events of [C - lookback, D] are resolved to customer keys once (joins with
 * identity_map) and materialised with {@code localCheckpoint}; two attribute computations (a
 * few aggregations each); the selection's model fits (see {@link AttributeSelection}); one
 * MERGE. Collected to the driver: the segment and value-tier vocabularies (distinct values),
 * label counts and model coefficients.
 *
 * <p>Dangers: with few customers or positives the AUCs are noisy and the chosen set unstable
 * from night to night; profile_spec records the sizes so a reader can judge.
 */
public final class ProfileStage implements Stage {
  public static final String NAME = "profiles";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StageResult run(RunContext ctx) {
    Instant started = Instant.now();
    Lake lake = ctx.lake();
    lake.ensure(Tables.PROFILE_SPEC);
    lake.ensure(Tables.CUSTOMER_PROFILES);
    SparkSession spark = ctx.spark();
    PolkuConfig cfg = ctx.config();
    ProfileOptions o = cfg.profiles();
    LocalDate runDate = ctx.dateTo();
    LocalDate cutoff = runDate.plusDays(1).minusDays(o.horizonDays());
    LocalDate scoringCutoff = runDate.plusDays(1);
    LocalDate readFrom = cutoff.minusDays(o.lookbackDays());
    spark.sparkContext().setJobGroup("polku-profiles", "minimum-viable customer profiles",
        false);
    List<String> warnings = new ArrayList<>();
    try {
      Dataset<Row> identityMap = lake.read(Tables.IDENTITY_MAP);
      Dataset<Row> events = IdentityResolution.resolve(lake.read(Tables.EVENTS)
              .filter(col("event_date").between(lit(Date.valueOf(readFrom)),
                  lit(Date.valueOf(runDate)))), identityMap, lake.read(Tables.IDENTITY_CONFLICTS))
          .select("customer_key", "event_ts", "channel", "event_type", "outcome", "touchpoint")
          .localCheckpoint(true);
      Dataset<Row> journeys = lake.read(Tables.JOURNEYS)
          .filter(col("journey_date").between(lit(Date.valueOf(readFrom)),
              lit(Date.valueOf(runDate))));
      Dataset<Row> responses = lake.read(Tables.FEEDBACK_CONTEXT)
          .filter(col("response_date").between(lit(Date.valueOf(readFrom)),
              lit(Date.valueOf(runDate))))
          .select("customer_key", "response_id", "response_ts", "metric", "score",
              "scale_min", "scale_max");
      Dataset<Row> master = lake.exists(Tables.CUSTOMERS)
          ? ProfileFeatures.customerMaster(identityMap, lake.read(Tables.CUSTOMERS))
              .localCheckpoint(true)
          : spark.createDataFrame(List.of(), MASTER_SCHEMA);
      ProfileFeatures.Settings settings = new ProfileFeatures.Settings(
          cfg.channels().stream().filter(c -> !"other".equals(c)).toList(),
          cfg.journeys().assistedChannels(), distinct(master, "segment"),
          distinct(master, "value_tier"), o.lookbackDays(), cfg.journeys().gap(),
          cfg.rootCause().critical(), cfg.rootCause().otherMaxNormalised());
      List<String> names = ProfileFeatures.attributeNames(settings);

      Dataset<Row> labelled = ProfileFeatures.labelled(
          ProfileFeatures.candidates(events, journeys, responses, master, settings, cutoff),
          ProfileFeatures.labels(responses, journeys, o.target(), settings, cutoff,
              o.horizonDays()));
      AttributeSelection.Result r = AttributeSelection.select(labelled, names, o);
      ctx.progress().accept(String.format(Locale.ROOT, "  selection: %s, %d of %d attributes"
              + " (%.1f s)", r.status(), r.chosen().size(), names.size(),
          Duration.between(started, Instant.now()).toMillis() / 1000.0));
      String target = String.join("|", o.target()) + " within " + o.horizonDays() + " days";
      lake.replaceWhere(Tables.PROFILE_SPEC, specRows(spark, r, names.size(), runDate, cutoff,
          readFrom, target), "run_date = DATE'" + runDate + "'");
      if (r.model() == null) {
        warnings.add("profiles: " + r.message() + "; customer_profiles not updated");
        return new StageResult(NAME, List.of(new StageResult.ObjectCounts("customer_profiles",
            r.train() + r.holdout(), 0, 0, r.message(), true)), warnings,
            Duration.between(started, Instant.now()));
      }
      if (!"reached".equals(r.status())) {
        warnings.add("profiles: " + r.message());
      }
      Dataset<Row> now = ProfileFeatures.candidates(events, journeys, responses, master,
          settings, scoringCutoff);
      Dataset<Row> lastInvited = lake.exists(Tables.SURVEY_INVITATIONS)
          ? lake.read(Tables.SURVEY_INVITATIONS)
              .filter(col("invitation_date").lt(lit(Date.valueOf(runDate))))
              .groupBy("customer_key").agg(max("invitation_date").as("last_contacted_date"))
          : spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
              .add("customer_key", "string").add("last_contacted_date", "date"));
      Dataset<Row> lastResponse = responses.filter(col("customer_key").isNotNull())
          .groupBy("customer_key").agg(max("response_ts").as("last_response_ts"));
      Dataset<Row> profiles = profiles(now, r.chosen(), r.model(), master, lastInvited,
          lastResponse, runDate).localCheckpoint(true);
      List<String> compare = new ArrayList<>(Tables.CUSTOMER_PROFILES.columnNames());
      compare.remove("customer_key");
      lake.upsert(Tables.CUSTOMER_PROFILES, profiles, compare);
      long written = profiles.count();
      return new StageResult(NAME, List.of(new StageResult.ObjectCounts("customer_profiles",
              r.train() + r.holdout(), written, 0, String.format(Locale.ROOT,
              "%s: %d of %d attributes, AUC %.4f vs full %.4f; cut-off %s", r.status(),
              r.chosen().size(), names.size(), r.steps().get(r.steps().size() - 1).auc(),
              r.fullAuc(), cutoff), true)),
          warnings, Duration.between(started, Instant.now()));
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** The schema of {@link ProfileFeatures#customerMaster} (for an empty one). */
  public static final org.apache.spark.sql.types.StructType MASTER_SCHEMA =
      new org.apache.spark.sql.types.StructType().add("customer_key", "string")
          .add("customer_id", "string").add("segment", "string").add("value_tier", "string")
          .add("customer_since", "date").add("survey_consent", "boolean")
          .add("marketing_consent", "boolean");

  /**
   * The profile rows: chosen attributes as a map, the score and the operational fields. Pure.
   */
  public static Dataset<Row> profiles(Dataset<Row> candidates, List<String> chosen,
      org.apache.spark.ml.classification.LogisticRegressionModel model, Dataset<Row> master,
      Dataset<Row> lastInvited, Dataset<Row> lastResponse, LocalDate asOf) {
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (String a : chosen) {
      keys.add(lit(a));
      values.add(col(a));
    }
    Dataset<Row> scored = AttributeSelection.score(candidates, chosen, model);
    return candidates
        .select(col("customer_key"), map_from_arrays(array(keys.toArray(new Column[0])),
            array(values.toArray(new Column[0]))).as("attributes"))
        .join(scored, "customer_key")
        .join(master.select("customer_key", "survey_consent", "marketing_consent"),
            "customer_key", "left")
        .join(lastInvited, "customer_key", "left")
        .join(lastResponse, "customer_key", "left")
        .select(col("customer_key"), lit(Date.valueOf(asOf)).as("as_of"), col("attributes"),
            col("score"), coalesce(col("survey_consent"), lit(false)).as("survey_consent"),
            coalesce(col("marketing_consent"), lit(false)).as("marketing_consent"),
            col("last_contacted_date"), col("last_response_ts"));
  }

  private static List<String> distinct(Dataset<Row> master, String column) {
    return master.select(column).filter(col(column).isNotNull()).distinct().orderBy(column)
        .limit(50).as(Encoders.STRING()).collectAsList();
  }

  private static Dataset<Row> specRows(SparkSession spark, AttributeSelection.Result r,
      int candidates, LocalDate runDate, LocalDate cutoff, LocalDate featureFrom,
      String target) {
    Date run = Date.valueOf(runDate);
    List<Row> rows = new ArrayList<>();
    int kept = r.chosen().size();
    double ratio = candidates == 0 ? 0 : (double) kept / candidates;
    if (r.steps().isEmpty()) {
      rows.add(RowFactory.create(run, 0, null, new String[0], null, null, null, false, false, 0,
          r.status(), target, Date.valueOf(cutoff), Date.valueOf(featureFrom), run, candidates,
          0, 0.0, r.train(), r.holdout(), r.positiveRate(), r.message()));
    }
    int chosenStep = -1;
    for (AttributeSelection.Step s : r.steps()) {
      if (s.attributes().equals(r.chosen())) {
        chosenStep = s.step();
      }
    }
    for (AttributeSelection.Step s : r.steps()) {
      double auc = round(s.auc());
      rows.add(RowFactory.create(run, s.step(), s.added(), s.attributes().toArray(new String[0]),
          auc, round(r.fullAuc()), round(r.targetAuc()), s.auc() >= r.targetAuc(),
          s.step() == chosenStep, s.modelsFitted(), r.status(), target, Date.valueOf(cutoff),
          Date.valueOf(featureFrom), run, candidates, kept, ratio, r.train(), r.holdout(),
          r.positiveRate(), r.message()));
    }
    return spark.createDataFrame(rows, Tables.PROFILE_SPEC.schema());
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
