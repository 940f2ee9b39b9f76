package io.polku.testing;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import java.nio.file.Path;
import java.util.Map;

/** Builds configured sources from small HOCON snippets, through the production loader. */
public final class TestSources {
  private TestSources() {}

  /** A configuration with the given {@code polku.sources} body and lake at {@code lake}. */
  public static PolkuConfig config(Path lake, String sourcesHocon, String extraHocon) {
    String hocon = "polku.lake.root = \"" + lake.toUri() + "\"\n"
        + "polku.logs.dir = \"" + lake.resolve("logs") + "\"\n"
        + "polku.spark.master = \"local[2]\"\n"
        + "polku.sources {\n" + sourcesHocon + "\n}\n" + extraHocon;
    return PolkuConfig.fromConfig(ConfigFactory.parseString(hocon), Map.of(), "test");
  }

  public static SourceConfig source(Path lake, String sourcesHocon, String name) {
    return config(lake, sourcesHocon, "").sources().get(name);
  }

  /** A ';'-separated call log like the samples' contact-centre source, at {@code path}. */
  public static String callsSource(String path) {
    return "calls {\n"
        + "  kind = events, format = csv, paths = [\"" + path + "\"]\n"
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
        + "  kind = feedback, format = csv, paths = [\"" + path + "\"]\n"
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
