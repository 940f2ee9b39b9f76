package io.polku.config;

/** The run report ({@code polku.report}). */
public final class ReportKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Run report",
          "polku.report.",
          "The run report, one self-contained HTML file per run date under"
              + " `<lake root>/reports/` ([report.md](report.md)).");

  public static final ConfigKey<Boolean> ENABLED =
      AREA.buildConf("enabled")
          .doc(
              "With `true` the nightly writes `reports/<date>.html` and `latest.html` as its last"
                  + " step, after every table is committed; a report that fails is a warning (a"
                  + " run_audit row of stage `report` with status failed), never a failed run."
                  + " `bin/polku report` writes one whatever this says.")
          .booleanConf()
          .createWithDefault(true);

  private ReportKeys() {}
}
