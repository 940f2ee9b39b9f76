package io.polku.lake;

import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession of a process from the configuration. Local masters bind to the
 * loopback address (the machine's hostname may resolve elsewhere); the Delta extensions, UTC
 * session time zone and pinned ANSI mode come from reference.conf.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession build(PolkuConfig config) {
    return build(config, Map.of());
  }

  /** Builds with {@code extra} settings on top of the configuration's (they win). */
  public static SparkSession build(PolkuConfig config, Map<String, String> extra) {
    SparkSession.Builder builder = SparkSession.builder().appName(config.sparkAppName());
    String master = config.sparkMaster();
    if (master != null) {
      builder.master(master);
    } else if (System.getProperty("spark.master") == null) {
      throw new ConfigException(
          "polku.spark.master is blank and no master came from"
              + " spark-submit (the spark.master system property is unset); expected a master URL"
              + " such as local[*] or spark://host:7077; set polku.spark.master (or"
              + " POLKU_SPARK_MASTER with conf/cluster.conf), or start Polku with spark-submit"
              + " --master");
    }
    for (Map.Entry<String, String> e : config.sparkConf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    String effective = master != null ? master : System.getProperty("spark.master");
    if (effective.startsWith("local")) {
      if (!config.sparkConf().containsKey("spark.driver.host")) {
        builder.config("spark.driver.host", "127.0.0.1");
      }
      if (!config.sparkConf().containsKey("spark.driver.bindAddress")) {
        builder.config("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    // Malformed CSV rows are only detected when the parser sees every column.
    builder.config("spark.sql.csv.parser.columnPruning.enabled", "false");
    switch (config.catalog()) {
      case "hive" ->
          enableHive(builder).config("spark.hadoop.hive.metastore.uris", config.metastoreUri());
      case "glue" ->
          enableHive(builder)
              .config(
                  "spark.hadoop.hive.metastore.client.factory.class",
                  "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory");
      default -> builder.config("spark.sql.catalogImplementation", "in-memory");
    }
    return builder.getOrCreate();
  }

  private static SparkSession.Builder enableHive(SparkSession.Builder builder) {
    try {
      Class.forName("org.apache.hadoop.hive.conf.HiveConf");
    } catch (ClassNotFoundException e) {
      throw new ConfigException(
          "polku.lake.catalog = hive/glue needs the Hive classes, which"
              + " are not on the classpath; expected spark-hive (and for Glue the AWS Glue catalog"
              + " client, present on EMR); add them to the classpath or use catalog = session");
    }
    return builder.enableHiveSupport();
  }
}
