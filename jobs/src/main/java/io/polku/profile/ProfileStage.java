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
import io.polku.pipeline.BaseStage;
import io.polku.pipeline.RunContext;
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
 * horizon-days days up to and including D and lies inside the data; attributes come from [C -
 * lookback-days, C) ({@link ProfileFeatures}). The attribute set is chosen by {@link
 * AttributeSelection}. Scoring: the chosen attributes are recomputed with cut-off D + 1 (everything
 * up to the end of D) for every customer active in the lookback, and scored by the chosen model: a
 * profile describes the customer now, with a model validated on the past.
 *
 * <p>The search runs at most every {@code reselect-every-days} days: on the nights between, the
 * attributes of the latest search are re-fitted on the night's data (one model, status {@code
 * reused} in profile_spec, one row), unless that model's holdout AUC falls below the search's bar,
 * which searches again.
 *
 * <p>Cost: events of [C - lookback, D] are resolved to customer keys once (joins with identity_map)
 * and materialised with {@code localCheckpoint}; two attribute computations (a few aggregations
 * each); the selection's model fits (see {@link AttributeSelection}); one MERGE. Collected to the
 * driver: the segment and value-tier vocabularies (distinct values), label counts and model
 * coefficients.
 *
 * <p>Dangers: with few customers or positives the AUCs are noisy and the chosen set unstable from
 * night to night; profile_spec records the sizes so a reader can judge.
 */
public final class ProfileStage extends BaseStage {
  public static final String NAME = "profiles";

  public ProfileStage() {
    super(NAME, "minimum-viable customer profiles", Tables.PROFILE_SPEC, Tables.CUSTOMER_PROFILES);
  }

  @Override
  protected Outcome execute(RunContext ctx) {
    Instant started = Instant.now();
    Lake lake = ctx.lake();
    SparkSession spark = ctx.spark();
    PolkuConfig cfg = ctx.config();
    ProfileOptions o = cfg.profiles();
    LocalDate runDate = ctx.dateTo();
    LocalDate cutoff = runDate.plusDays(1).minusDays(o.horizonDays());
    LocalDate scoringCutoff = runDate.plusDays(1);
    LocalDate readFrom = cutoff.minusDays(o.lookbackDays());
    List<String> warnings = new ArrayList<>();
    Dataset<Row> identityMap = lake.read(Tables.IDENTITY_MAP);
    Dataset<Row> events =
        IdentityResolution.resolve(
                lake.readDates(Tables.EVENTS, readFrom, runDate),
                identityMap,
                lake.read(Tables.IDENTITY_CONFLICTS))
            .select("customer_key", "event_ts", "channel", "event_type", "outcome", "touchpoint")
            .localCheckpoint(true);
    Dataset<Row> journeys = lake.readDates(Tables.JOURNEYS, readFrom, runDate);
    Dataset<Row> responses =
        lake.readDates(Tables.FEEDBACK_CONTEXT, readFrom, runDate)
            .select(
                "customer_key",
                "response_id",
                "response_ts",
                "metric",
                "score",
                "scale_min",
                "scale_max");
    Dataset<Row> master =
        lake.exists(Tables.CUSTOMERS)
            ? ProfileFeatures.customerMaster(identityMap, lake.read(Tables.CUSTOMERS))
                .localCheckpoint(true)
            : spark.createDataFrame(List.of(), MASTER_SCHEMA);
    ProfileFeatures.Settings settings =
        new ProfileFeatures.Settings(
            cfg.channels().stream().filter(c -> !"other".equals(c)).toList(),
            cfg.journeys().assistedChannels(),
            distinct(master, "segment"),
            distinct(master, "value_tier"),
            o.lookbackDays(),
            cfg.journeys().gap(),
            cfg.rootCause().critical(),
            cfg.rootCause().otherMaxNormalised());
    List<String> names = ProfileFeatures.attributeNames(settings);

    Dataset<Row> labelled =
        ProfileFeatures.labelled(
            ProfileFeatures.candidates(events, journeys, responses, master, settings, cutoff),
            ProfileFeatures.labels(
                responses, journeys, o.target(), settings, cutoff, o.horizonDays()));
    String target = String.join("|", o.target()) + " within " + o.horizonDays() + " days";
    AttributeSelection.Result r = null;
    Row prior = priorSearch(lake, runDate, o.reselectEveryDays(), target, names);
    if (prior != null) {
      List<String> attributes = prior.getList(1);
      AttributeSelection.Result refit =
          AttributeSelection.refit(
              labelled, names, attributes, prior.getDouble(2), prior.getDouble(3), null, o);
      double auc = refit.steps().isEmpty() ? Double.NaN : refit.steps().get(0).auc();
      if (refit.model() == null) {
        r = refit; // not_enough_data: a search of the same data would say the same
      } else if (auc >= refit.targetAuc()) {
        r =
            new AttributeSelection.Result(
                refit.status(),
                String.format(
                    Locale.ROOT,
                    "the %d attributes of the search on %s re-fitted: holdout AUC %.4f >= that"
                        + " search's bar %.4f; searched again %d days after it"
                        + " (polku.profiles.reselect-every-days)",
                    attributes.size(),
                    prior.getDate(0),
                    auc,
                    refit.targetAuc(),
                    o.reselectEveryDays()),
                refit.steps(),
                refit.fullAuc(),
                refit.targetAuc(),
                refit.chosen(),
                refit.model(),
                refit.train(),
                refit.holdout(),
                refit.positiveRate());
      } else {
        ctx.progress()
            .accept(
                String.format(
                    Locale.ROOT,
                    "  the attributes of the search on"
                        + " %s re-fitted give AUC %.4f, below its bar %.4f: searching again",
                    prior.getDate(0),
                    auc,
                    prior.getDouble(3)));
      }
    }
    if (r == null) {
      r = AttributeSelection.select(labelled, names, o);
    }
    ctx.progress()
        .accept(
            String.format(
                Locale.ROOT,
                "  selection: %s%s, %d of %d attributes" + " (%.1f s)",
                r.status(),
                prior != null && "reused".equals(r.status()) ? " from " + prior.getDate(0) : "",
                r.chosen().size(),
                names.size(),
                Duration.between(started, Instant.now()).toMillis() / 1000.0));
    lake.replaceWhere(
        Tables.PROFILE_SPEC,
        specRows(spark, r, names.size(), runDate, cutoff, readFrom, target),
        "run_date = DATE'" + runDate + "'");
    if (r.model() == null) {
      warnings.add("profiles: " + r.message() + "; customer_profiles not updated");
      return new Outcome(
          List.of(
              new StageResult.ObjectCounts(
                  "customer_profiles", r.train() + r.holdout(), 0, 0, r.message(), true)),
          warnings);
    }
    if (!"reached".equals(r.status()) && !"reused".equals(r.status())) {
      warnings.add("profiles: " + r.message());
    }
    Dataset<Row> now =
        ProfileFeatures.candidates(events, journeys, responses, master, settings, scoringCutoff);
    Dataset<Row> lastInvited =
        lake.exists(Tables.SURVEY_INVITATIONS)
            ? lake.read(Tables.SURVEY_INVITATIONS)
                .filter(col("invitation_date").lt(lit(Date.valueOf(runDate))))
                .groupBy("customer_key")
                .agg(max("invitation_date").as("last_contacted_date"))
            : spark.createDataFrame(
                List.of(),
                new org.apache.spark.sql.types.StructType()
                    .add("customer_key", "string")
                    .add("last_contacted_date", "date"));
    Dataset<Row> lastResponse =
        responses
            .filter(col("customer_key").isNotNull())
            .groupBy("customer_key")
            .agg(max("response_ts").as("last_response_ts"));
    Dataset<Row> profiles =
        profiles(now, r.chosen(), r.model(), master, lastInvited, lastResponse, runDate)
            .localCheckpoint(true);
    List<String> compare = new ArrayList<>(Tables.CUSTOMER_PROFILES.columnNames());
    compare.remove("customer_key");
    lake.upsert(Tables.CUSTOMER_PROFILES, profiles, compare);
    long written = profiles.count();
    return new Outcome(
        List.of(
            new StageResult.ObjectCounts(
                "customer_profiles",
                r.train() + r.holdout(),
                written,
                0,
                String.format(
                    Locale.ROOT,
                    "%s: %d of %d attributes, AUC %.4f vs full %.4f; cut-off %s",
                    r.status(),
                    r.chosen().size(),
                    names.size(),
                    r.steps().get(r.steps().size() - 1).auc(),
                    r.fullAuc(),
                    cutoff),
                true)),
        warnings);
  }

  /**
   * The latest attribute search (a profile_spec run with a chosen step, not itself a re-fit) of the
   * {@code everyDays - 1} days before {@code runDate}, with the same target and candidates, whose
   * chosen attributes are all still candidates: run_date, attributes, full_model_auc, target_auc;
   * or null (search tonight). Collected: one row.
   */
  static Row priorSearch(
      Lake lake, LocalDate runDate, int everyDays, String target, List<String> names) {
    if (everyDays <= 1 || !lake.exists(Tables.PROFILE_SPEC)) {
      return null;
    }
    List<Row> rows =
        lake.read(Tables.PROFILE_SPEC)
            .filter(
                col("run_date")
                    .geq(lit(Date.valueOf(runDate.minusDays(everyDays - 1L))))
                    .and(col("run_date").lt(lit(Date.valueOf(runDate))))
                    .and(col("chosen"))
                    .and(col("status").isin("reached", "step_cap", "no_gain"))
                    .and(col("target").equalTo(target))
                    .and(col("candidates").equalTo(names.size()))
                    .and(col("full_model_auc").isNotNull())
                    .and(col("target_auc").isNotNull()))
            .orderBy(col("run_date").desc())
            .limit(1)
            .select("run_date", "attributes", "full_model_auc", "target_auc")
            .collectAsList();
    if (rows.isEmpty() || !names.containsAll(rows.get(0).getList(1))) {
      return null;
    }
    return rows.get(0);
  }

  /** The schema of {@link ProfileFeatures#customerMaster} (for an empty one). */
  public static final org.apache.spark.sql.types.StructType MASTER_SCHEMA =
      new org.apache.spark.sql.types.StructType()
          .add("customer_key", "string")
          .add("customer_id", "string")
          .add("segment", "string")
          .add("value_tier", "string")
          .add("customer_since", "date")
          .add("survey_consent", "boolean")
          .add("marketing_consent", "boolean");

  /** The profile rows: chosen attributes as a map, the score and the operational fields. Pure. */
  public static Dataset<Row> profiles(
      Dataset<Row> candidates,
      List<String> chosen,
      org.apache.spark.ml.classification.LogisticRegressionModel model,
      Dataset<Row> master,
      Dataset<Row> lastInvited,
      Dataset<Row> lastResponse,
      LocalDate asOf) {
    List<Column> keys = new ArrayList<>();
    List<Column> values = new ArrayList<>();
    for (String a : chosen) {
      keys.add(lit(a));
      values.add(col(a));
    }
    Dataset<Row> scored = AttributeSelection.score(candidates, chosen, model);
    return candidates
        .select(
            col("customer_key"),
            map_from_arrays(
                    array(keys.toArray(new Column[0])), array(values.toArray(new Column[0])))
                .as("attributes"))
        .join(scored, "customer_key")
        .join(
            master.select("customer_key", "survey_consent", "marketing_consent"),
            "customer_key",
            "left")
        .join(lastInvited, "customer_key", "left")
        .join(lastResponse, "customer_key", "left")
        .select(
            col("customer_key"),
            lit(Date.valueOf(asOf)).as("as_of"),
            col("attributes"),
            col("score"),
            coalesce(col("survey_consent"), lit(false)).as("survey_consent"),
            coalesce(col("marketing_consent"), lit(false)).as("marketing_consent"),
            col("last_contacted_date"),
            col("last_response_ts"));
  }

  private static List<String> distinct(Dataset<Row> master, String column) {
    return master
        .select(column)
        .filter(col(column).isNotNull())
        .distinct()
        .orderBy(column)
        .limit(50)
        .as(Encoders.STRING())
        .collectAsList();
  }

  private static Dataset<Row> specRows(
      SparkSession spark,
      AttributeSelection.Result r,
      int candidates,
      LocalDate runDate,
      LocalDate cutoff,
      LocalDate featureFrom,
      String target) {
    Date run = Date.valueOf(runDate);
    List<Row> rows = new ArrayList<>();
    int kept = r.chosen().size();
    double ratio = candidates == 0 ? 0 : (double) kept / candidates;
    if (r.steps().isEmpty()) {
      rows.add(
          RowFactory.create(
              run,
              0,
              null,
              new String[0],
              null,
              null,
              null,
              false,
              false,
              0,
              r.status(),
              target,
              Date.valueOf(cutoff),
              Date.valueOf(featureFrom),
              run,
              candidates,
              0,
              0.0,
              r.train(),
              r.holdout(),
              r.positiveRate(),
              r.message()));
    }
    int chosenStep = -1;
    for (AttributeSelection.Step s : r.steps()) {
      if (s.attributes().equals(r.chosen())) {
        chosenStep = s.step();
      }
    }
    for (AttributeSelection.Step s : r.steps()) {
      double auc = round(s.auc());
      rows.add(
          RowFactory.create(
              run,
              s.step(),
              s.added(),
              s.attributes().toArray(new String[0]),
              auc,
              round(r.fullAuc()),
              round(r.targetAuc()),
              s.auc() >= r.targetAuc(),
              s.step() == chosenStep,
              s.modelsFitted(),
              r.status(),
              target,
              Date.valueOf(cutoff),
              Date.valueOf(featureFrom),
              run,
              candidates,
              kept,
              ratio,
              r.train(),
              r.holdout(),
              r.positiveRate(),
              r.message()));
    }
    return spark.createDataFrame(rows, Tables.PROFILE_SPEC.schema());
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
