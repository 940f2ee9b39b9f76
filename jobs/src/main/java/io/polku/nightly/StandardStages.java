package io.polku.nightly;

import io.polku.followup.FollowupStage;
import io.polku.identity.IdentityStage;
import io.polku.ingest.IngestStage;
import io.polku.journey.JourneyStage;
import io.polku.kpi.KpiStage;
import io.polku.pipeline.NightlyPipeline;
import io.polku.profile.ProfileStage;
import io.polku.rootcause.RootCauseStage;
import io.polku.survey.SurveyStage;
import java.util.List;

/**
 * The nightly's stages, in order. The assembly lives here, above the stage packages, so that {@code
 * pipeline} (which the stages depend on) depends on none of them.
 */
public final class StandardStages {
  /** The names of the standard stages, in order. */
  public static final List<String> NAMES =
      List.of(
          IngestStage.NAME,
          IdentityStage.NAME,
          JourneyStage.NAME,
          RootCauseStage.NAME,
          FollowupStage.NAME,
          ProfileStage.NAME,
          SurveyStage.NAME,
          KpiStage.NAME);

  private StandardStages() {}

  /** Every stage that exists today, in pipeline order. */
  public static NightlyPipeline pipeline() {
    return new NightlyPipeline(
        List.of(
            new IngestStage(IngestStage.Options.all()),
            new IdentityStage(),
            new JourneyStage(),
            new RootCauseStage(),
            new FollowupStage(),
            new ProfileStage(),
            new SurveyStage(),
            new KpiStage()));
  }

  /** The stages up to and including the root causes (what root-cause scores read). */
  public static NightlyPipeline throughRootCauses() {
    return new NightlyPipeline(
        List.of(
            new IngestStage(IngestStage.Options.all()),
            new IdentityStage(),
            new JourneyStage(),
            new RootCauseStage()));
  }
}
