package io.polku.config;

import java.util.List;

/**
 * Every declared configuration key, by area in the order of {@code reference.conf}. A new area's
 * {@code *Keys} class is added here; a new key is one declaration in its area's class.
 */
public final class ConfigKeys {
  /** The areas, in the documentation's order. */
  public static final List<ConfigArea> AREAS =
      List.of(
          LakeKeys.AREA,
          SparkKeys.AREA,
          IngestKeys.AREA,
          SourceKeys.AREA,
          IdentityKeys.AREA,
          JourneyKeys.AREA,
          RootCauseKeys.AREA,
          KpiKeys.AREA,
          FollowupKeys.AREA,
          ProfileKeys.AREA,
          SurveyKeys.AREA,
          MaintenanceKeys.AREA,
          ServeKeys.AREA,
          ReportKeys.AREA);

  private ConfigKeys() {}

  /** Every key of every area. */
  public static List<ConfigKey<?>> all() {
    return AREAS.stream().flatMap(a -> a.keys().stream()).toList();
  }
}
