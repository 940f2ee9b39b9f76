package io.polku.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Minimum-viable profile settings ({@code polku.profiles}): the decision target, its horizon,
 * the feature lookback, and the attribute selection (AUC share, step cap, model settings,
 * how often the attribute set is searched again).
 */
public record ProfileOptions(List<String> target, int horizonDays, int lookbackDays,
    double aucShare, int maxSteps, double holdoutShare, long seed, double regParam,
    int maxIter, int minCustomers, int minPositives, int reselectEveryDays) {

  /** Target components that can be OR-ed in {@code polku.profiles.target}. */
  public static final Set<String> TARGETS = Set.of("critical-feedback", "repeat-contact");

  public ProfileOptions {
    target = List.copyOf(target);
  }

  static ProfileOptions read(Config c, List<String> problems) {
    OptionReader r = new OptionReader(c, problems);
    String k = "polku.profiles.";
    List<String> target = r.strings(k + "target", "[critical-feedback, repeat-contact]").stream()
        .map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (target.isEmpty()) {
      problems.add(k + "target is empty; expected one or more of " + new java.util.TreeSet<>(
          TARGETS) + "; set e.g. [critical-feedback, repeat-contact]");
    }
    for (String t : target) {
      if (!TARGETS.contains(t)) {
        problems.add(k + "target contains '" + t + "'; expected one of "
            + new java.util.TreeSet<>(TARGETS) + "; remove or rename it");
      }
    }
    return new ProfileOptions(target, r.intAtLeast(k + "horizon-days", 1, "30"),
        r.intAtLeast(k + "lookback-days", 1, "90"),
        r.between(k + "auc-share", 0, 1, false, "0.95"),
        r.intAtLeast(k + "max-steps", 1, "8"),
        r.between(k + "holdout-share", 0, 1, true, "0.3"),
        r.anyLong(k + "seed"),
        r.between(k + "reg-param", 0, 1e6, false, "0.01"),
        r.intAtLeast(k + "max-iter", 1, "30"),
        r.intAtLeast(k + "min-customers", 2, "100"),
        r.intAtLeast(k + "min-positives", 1, "10"),
        r.intAtLeast(k + "reselect-every-days", 1, "7"));
  }
}
