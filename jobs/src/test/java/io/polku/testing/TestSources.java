package io.polku.testing;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.samples.SampleGenerator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;

/** Builds configured sources from small HOCON snippets, through the production loader. */
public final class TestSources {
  private TestSources() {}

  /** The first date of {@link #generateSmallSample}'s sample; it covers 10 days. */
  public static final String SMALL_SAMPLE_FROM = "2026-09-01";

  /**
   * Generates the small sample of the whole-run tests (150 customers, 10 days from {@link
   * #SMALL_SAMPLE_FROM}, seed 7, with the planted scenarios) into {@code base/data-samples}, where
   * a shipped conf file's relative source paths find it when {@code polku.base-dir} is {@code
   * base}.
   */
  public static void generateSmallSample(Path base) throws java.io.IOException {
    new SampleGenerator(
            new SampleGenerator.Options(150, 10, 7, LocalDate.parse(SMALL_SAMPLE_FROM), true))
        .generate(base.resolve("data-samples"));
  }

  /**
   * HOCON lines to put after a shipped conf file (conf/local.conf, conf/cluster.conf) for a whole
   * run over the small sample in {@code base}: 5 of its 9 sources (a tiny run is fixed costs, and
   * each source adds some), every quarantined row allowed, no run report, and the same small Spark
   * settings for every run. No master: the caller's conf file or line sets it.
   */
  public static String smallSampleConf(Path base) {
    return String.join(
        "\n",
        "polku.base-dir = \"" + base + "\"",
        "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
            + " \"spark.databricks.delta.snapshotPartitions\" = \"2\","
            + " \"spark.driver.memory\" = \"1g\" }",
        "polku.ingest.max-quarantine-share = 1.0",
        // The run report has its own tests (io.polku.report); these runs test the tables.
        "polku.report.enabled = false",
        "polku.sources.email_events.enabled = false",
        "polku.sources.shop_orders.enabled = false",
        "polku.sources.shop_deliveries.enabled = false",
        "polku.sources.app_events.enabled = false",
        "");
  }

  /** A configuration with the given {@code polku.sources} body and lake at {@code lake}. */
  public static PolkuConfig config(Path lake, String sourcesHocon, String extraHocon) {
    String hocon =
        "polku.lake.root = \""
            + lake.toUri()
            + "\"\n"
            + "polku.logs.dir = \""
            + lake.resolve("logs")
            + "\"\n"
            + "polku.spark.master = \"local[2]\"\n"
            + "polku.sources {\n"
            + sourcesHocon
            + "\n}\n"
            + extraHocon;
    return PolkuConfig.fromConfig(ConfigFactory.parseString(hocon), Map.of(), "test");
  }

  public static SourceConfig source(Path lake, String sourcesHocon, String name) {
    return config(lake, sourcesHocon, "").sources().get(name);
  }

  /** A ';'-separated call log like the samples' contact-centre source, at {@code path}. */
  public static String callsSource(String path) {
    return "calls {\n"
        + "  kind = events, format = csv, paths = [\""
        + path
        + "\"]\n"
        + "  options { header = true, sep = \";\" }\n"
        + "  schema = \"call_id STRING, started_at STRING, phone STRING, transfers INT,"
        + " topic STRING, resolved STRING\"\n"
        + "  columns {\n"
        + "    event_id = \"concat('call:', call_id)\"\n"
        + "    event_ts = \"to_timestamp(started_at, 'yyyy-MM-dd HH:mm:ss')\"\n"
        + "    channel = \"'phone'\"\n"
        + "    event_type = \"'call'\"\n"
        + "    outcome = \"CASE resolved WHEN 'Y' THEN 'success' WHEN 'N' THEN 'failure'"
        + " WHEN 'X' THEN 'weird' END\"\n"
        + "    touchpoint = \"topic\"\n"
        + "    phone_hash = \"phone\"\n"
        + "    properties = \"map('transfers', cast(transfers AS STRING))\"\n"
        + "  }\n"
        + "}\n";
  }

  /** A survey source with Finnish channel labels, at {@code path}. */
  public static String surveySource(String path) {
    return "surveys {\n"
        + "  kind = feedback, format = csv, paths = [\""
        + path
        + "\"]\n"
        + "  options { header = true, multiLine = true, escape = \"\\\"\" }\n"
        + "  schema = \"id STRING, ts STRING, customer STRING, question STRING, score INT,"
        + " comment STRING, rated STRING\"\n"
        + "  columns {\n"
        + "    response_id = \"id\"\n"
        + "    response_ts = \"to_timestamp(ts)\"\n"
        + "    customer_id = \"customer\"\n"
        + "    channel = \"rated\"\n"
        + "    survey = \"'test_survey'\"\n"
        + "    metric = \"question\"\n"
        + "    score = \"score\"\n"
        + "    scale_min = \"CASE upper(question) WHEN 'NPS' THEN 0 ELSE 1 END\"\n"
        + "    scale_max = \"CASE upper(question) WHEN 'NPS' THEN 10 WHEN 'CSAT' THEN 5 ELSE 7"
        + " END\"\n"
        + "    comment = \"comment\"\n"
        + "  }\n"
        + "  channel-map { puhelin = phone, verkkokauppa = shop }\n"
        + "}\n";
  }
}
