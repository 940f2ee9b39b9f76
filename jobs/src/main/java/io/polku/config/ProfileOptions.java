package io.polku.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Minimum-viable profile settings ({@code polku.profiles}): the decision target, its horizon, the
 * feature lookback, and the attribute selection (AUC share, step cap, model settings, how often the
 * attribute set is searched again). The keys, their checks and defaults are declared in {@link
 * ProfileKeys}; {@link #read} checks with those declarations.
 */
public record ProfileOptions(
    List<String> target,
    int horizonDays,
    int lookbackDays,
    double aucShare,
    int maxSteps,
    double holdoutShare,
    long seed,
    double regParam,
    int maxIter,
    int minCustomers,
    int minPositives,
    int reselectEveryDays) {

  /** Target components that can be OR-ed in {@code polku.profiles.target}. */
  public static final Set<String> TARGETS =
      Set.copyOf(((ConfigKey.OneOf) ProfileKeys.TARGET.check()).values());

  public ProfileOptions {
    target = List.copyOf(target);
  }

  static ProfileOptions read(Config c, List<String> problems) {
    OptionReader r = new OptionReader(c, problems);
    String k = "polku.profiles.";
    List<String> target =
        r.strings(ProfileKeys.TARGET.key(), ProfileKeys.TARGET.defaultText()).stream()
            .map(s -> s.toLowerCase(Locale.ROOT))
            .toList();
    if (target.isEmpty()) {
      problems.add(
          k
              + "target is empty; expected one or more of "
              + new java.util.TreeSet<>(TARGETS)
              + "; set e.g. [critical-feedback, repeat-contact]");
    }
    for (String t : target) {
      if (!TARGETS.contains(t)) {
        problems.add(
            k
                + "target contains '"
                + t
                + "'; expected one of "
                + new java.util.TreeSet<>(TARGETS)
                + "; remove or rename it");
      }
    }
    return new ProfileOptions(
        target,
        r.intAtLeast(ProfileKeys.HORIZON_DAYS),
        r.intAtLeast(ProfileKeys.LOOKBACK_DAYS),
        r.between(ProfileKeys.AUC_SHARE),
        r.intAtLeast(ProfileKeys.MAX_STEPS),
        r.between(ProfileKeys.HOLDOUT_SHARE),
        r.anyLong(ProfileKeys.SEED.key()),
        r.between(ProfileKeys.REG_PARAM),
        r.intAtLeast(ProfileKeys.MAX_ITER),
        r.intAtLeast(ProfileKeys.MIN_CUSTOMERS),
        r.intAtLeast(ProfileKeys.MIN_POSITIVES),
        r.intAtLeast(ProfileKeys.RESELECT_EVERY_DAYS));
  }
}
