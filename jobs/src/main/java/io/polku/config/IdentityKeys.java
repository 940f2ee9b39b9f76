package io.polku.config;

import static io.polku.config.ConfigKey.atLeast;

/** Identity stitching ({@code polku.identity}). */
public final class IdentityKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Identity",
          "polku.identity.",
          "Stitching identifiers into persons (connected components over the identity links).");

  public static final ConfigKey<Integer> MAX_CUSTOMERS =
      AREA.buildConf("max-customers")
          .doc(
              "Over-stitching guard: an identifier linked to more distinct customer numbers than"
                  + " this (a family tablet, a shop's shared phone) is not used for linking people.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(5);
  public static final ConfigKey<Integer> MAX_ROUNDS =
      AREA.buildConf("max-rounds")
          .doc("Connected components: give up (an error) after this many rounds.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(40);
  public static final ConfigKey<Integer> CHECKPOINT_EVERY =
      AREA.buildConf("checkpoint-every")
          .doc("Connected components: checkpoint (cut the lineage) every this many rounds.")
          .intConf()
          .checkValue(atLeast(1))
          .createWithDefault(4);

  private IdentityKeys() {}
}
