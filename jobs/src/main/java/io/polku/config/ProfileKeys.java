package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;
import static io.polku.config.ConfigKey.between;
import static io.polku.config.ConfigKey.oneOf;
import static io.polku.config.ConfigKey.strictlyBetween;

import java.util.List;

/**
 * Minimum-viable customer profiles ({@code polku.profiles}). {@link ProfileOptions} reads and
 * checks these keys with the checks declared here.
 */
public final class ProfileKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Profiles",
          "polku.profiles.",
          "The decision a minimum-viable profile supports and the attribute selection"
              + " ([methods.md](methods.md#minimum-viable-profiles)).");

  public static final ConfigKey<List<String>> TARGET =
      AREA.buildConf("target")
          .doc(
              "A customer is positive when any of these happens in the horizon after the cut-off"
                  + " (OR-ed): `critical-feedback` (a critical response by `polku.rootcause.critical`),"
                  + " `repeat-contact` (a journey with a repeat assisted contact).")
          .stringListConf()
          .checkValue(oneOf("critical-feedback", "repeat-contact"))
          .createWithDefault(List.of("critical-feedback", "repeat-contact"));
  public static final ConfigKey<Integer> HORIZON_DAYS =
      AREA.buildConf("horizon-days")
          .doc(
              "Label window length; the training cut-off is run date + 1 - horizon-days, so the"
                  + " label window `[cut-off, cut-off + horizon)` ends with the run date.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(30);
  public static final ConfigKey<Integer> LOOKBACK_DAYS =
      AREA.buildConf("lookback-days")
          .doc("Features are computed from this many days strictly before the cut-off.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(90);
  public static final ConfigKey<Double> AUC_SHARE =
      AREA.buildConf("auc-share")
          .doc(
              "Keep the smallest attribute set whose holdout AUC reaches this share of the"
                  + " all-attribute model's AUC (greedy forward selection).")
          .doubleConf()
          .checkValue(between(0, 1))
          .createWithDefault(0.95);
  public static final ConfigKey<Integer> MAX_STEPS =
      AREA.buildConf("max-steps")
          .doc("At most this many selection steps (each fits one model per remaining attribute).")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(6);
  public static final ConfigKey<Double> HOLDOUT_SHARE =
      AREA.buildConf("holdout-share")
          .doc("Logistic regression: holdout share (split by a hash of `customer_key` and `seed`).")
          .doubleConf()
          .checkValue(strictlyBetween(0, 1))
          .createWithDefault(0.3);
  public static final ConfigKey<Long> SEED =
      AREA.buildConf("seed").doc("Seed of the holdout split.").longConf().createWithDefault(42L);
  public static final ConfigKey<Double> REG_PARAM =
      AREA.buildConf("reg-param")
          .doc("Logistic regression: L2 strength.")
          .doubleConf()
          .checkValue(between(0, 1e6))
          .createWithDefault(0.01);
  public static final ConfigKey<Integer> MAX_ITER =
      AREA.buildConf("max-iter")
          .doc("Logistic regression: optimizer iterations.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(30);
  public static final ConfigKey<Integer> MIN_CUSTOMERS =
      AREA.buildConf("min-customers")
          .doc("Fewer labelled customers than this: no selection; recorded in `profile_spec`.")
          .intConf()
          .checkValue(atLeast(2))
          .createWithDefault(100);
  public static final ConfigKey<Integer> MIN_POSITIVES =
      AREA.buildConf("min-positives")
          .doc("Fewer positives (or negatives) than this: no selection; recorded.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(10);
  public static final ConfigKey<Integer> RESELECT_EVERY_DAYS =
      AREA.buildConf("reselect-every-days")
          .doc(
              "The attribute search (about max-steps x candidates model fits) runs at most every"
                  + " this many days; the nights between re-fit the latest search's attributes (status"
                  + " `reused` in `profile_spec`) unless its holdout AUC falls below that search's bar."
                  + " 1: search every night.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(7);

  private ProfileKeys() {}
}
