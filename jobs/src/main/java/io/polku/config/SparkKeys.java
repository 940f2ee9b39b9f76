package io.polku.config;

import static io.polku.config.ConfigKey.rule;

/** The Spark session ({@code polku.spark}). */
public final class SparkKeys {
  public static final ConfigArea AREA =
      new ConfigArea(
          "Spark",
          "polku.spark.",
          "The Spark session every command opens. `polku.spark.conf` passes any Spark setting"
              + " through: quote a key that holds dots, e.g."
              + " `polku.spark.conf.\"spark.sql.shuffle.partitions\" = \"16\"`.");

  public static final ConfigKey<String> MASTER =
      AREA.buildConf("master")
          .doc(
              "The Spark master URL. Blank (`\"\"`): spark-submit's `--master` decides, as on YARN,"
                  + " Kubernetes or a standalone cluster (`conf/cluster.conf`).")
          .stringConf()
          .createWithDefault("local[*]");
  public static final ConfigKey<String> APP_NAME =
      AREA.buildConf("app-name")
          .doc("The Spark application name.")
          .stringConf()
          .createWithDefault("polku");
  public static final ConfigKey<Object> CONF =
      AREA.buildConf("conf")
          .doc(
              "Any Spark setting, `\"<spark key>\" = \"<value>\"` (a family: the keys are Spark's)."
                  + " The defaults are what a local run needs: UTC, ANSI off, adaptive execution, the"
                  + " Delta extensions, unparseable dates as null (then quarantined), 1000 cached"
                  + " compiled expressions (a nightly plans hundreds of similar queries) and Delta's"
                  + " optimized write (one file per date instead of one per task and date). A file's"
                  + " object is merged into this one.")
          .objectConf()
          .checkValue(rule("spark.sql.session.timeZone must stay UTC"))
          .createWithDefaultString(
              """
          {
            "spark.sql.session.timeZone" = "UTC"
            "spark.sql.ansi.enabled" = "false"
            "spark.sql.adaptive.enabled" = "true"
            "spark.sql.shuffle.partitions" = "8"
            "spark.ui.enabled" = "false"
            "spark.sql.extensions" = "io.delta.sql.DeltaSparkSessionExtension"
            "spark.sql.catalog.spark_catalog" = "org.apache.spark.sql.delta.catalog.DeltaCatalog"
            "spark.databricks.delta.catalog.update.enabled" = "true"
            "spark.databricks.delta.schema.autoMerge.enabled" = "false"
            "spark.sql.legacy.timeParserPolicy" = "CORRECTED"
            "spark.sql.codegen.cache.maxEntries" = "1000"
            "spark.databricks.delta.optimizeWrite.enabled" = "true"
          }""");

  private SparkKeys() {}
}
