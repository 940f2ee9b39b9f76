package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;

/** Experience KPIs ({@code polku.kpis}). */
public final class KpiKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Experience KPIs",
          "polku.kpis.",
          "`kpi_daily`, `kpi_weekly` and `kpi_peak_end` ([methods.md](methods.md#experience-kpis)).");

  public static final ConfigKey<Integer> TOP_PATHS =
      AREA.buildConf("top-paths")
          .doc(
              "`kpi_daily` and `kpi_weekly` get a row per journey path (`path_before`) for the"
                  + " top-paths most common paths of each rated channel; other paths only count in the"
                  + " `*` row.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(10);
  public static final ConfigKey<Integer> PATH_WINDOW_DAYS =
      AREA.buildConf("path-window-days")
          .doc(
              "The most common paths are counted over this many days ending on the row's date (the"
                  + " week's last day for `kpi_weekly`).")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(28);
  public static final ConfigKey<Integer> PEAK_END_WINDOW_DAYS =
      AREA.buildConf("peak-end-window-days")
          .doc("`kpi_peak_end`: responses of this many days ending on the run's last date.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(90);

  private KpiKeys() {}
}
