package io.polku.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, precedence and validation of the configuration (no Spark session needed). */
class PolkuConfigTest {
  @TempDir
  Path dir;

  private static PolkuConfig parse(String hocon) {
    return PolkuConfig.fromConfig(ConfigFactory.parseString(hocon), Map.of(), "test.conf");
  }

  @Test
  void theShippedLocalConfigLoadsWithEverySampleSource() {
    Path local = Path.of(System.getenv("POLKU_HOME"), "conf", "local.conf");
    PolkuConfig config = PolkuConfig.load(local, Map.of());
    assertEquals(List.of("app_events", "contact_centre_calls", "crm_customers", "email_events",
        "identity_links", "shop_deliveries", "shop_orders", "survey_responses",
        "web_clickstream"), List.copyOf(config.sources().keySet()));
    assertTrue(config.lakeRoot().startsWith("file:///"), config.lakeRoot());
    assertTrue(config.lakeRoot().endsWith("/lake"), config.lakeRoot());
    assertEquals("phone", config.sources().get("survey_responses").channelMap().get("puhelin"));
    assertEquals(64, config.hash().length());
  }

  @Test
  void everyProblemIsReportedTogetherWithKeyValueExpectationAndFix() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(String.join("\n",
        "polku.lake.root = \"/tmp/lake\"",
        "polku.ingest.max-quarantine-share = 1.5",
        "polku.ingest.unknown-channel = drop",
        "polku.sources.web { kind = clicks, format = xml, paths = [], schema = \"id STRING\",",
        "  columns { event_id = \"id\" } }",
        "polku.sources.calls { kind = events, format = csv, paths = [\"/x\"],",
        "  schema = \"id STRING, ts STRING\",",
        "  columns { event_id = \"id\", event_ts = \"to_timestamp(ts\", channel = \"'phone'\",",
        "    event_type = \"'call'\", colour = \"'red'\", event_date = \"current_date()\" }",
        "  channel-map { puhelin = telephone } }")));
    List<String> p = e.problems();
    assertTrue(p.contains("polku.ingest.max-quarantine-share = 1.5 is outside [0, 1]; expected"
        + " a share such as 0.05 for 5%"), p.toString());
    assertTrue(p.contains("polku.ingest.unknown-channel = 'drop' is not supported; expected"
        + " quarantine or other"), p.toString());
    assertTrue(p.contains("polku.sources.web.kind = 'clicks' is not a source kind; expected one"
        + " of events, feedback, identity_links, customers"), p.toString());
    assertTrue(p.contains("polku.sources.web.format = 'xml' is not supported; expected one of"
        + " csv, json, parquet, orc, delta"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("polku.sources.web.paths is missing or"
        + " empty")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("polku.sources.calls.columns.event_ts ="
        + " \"to_timestamp(ts\" is not a Spark SQL expression")), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("polku.sources.calls.columns.colour is not"
        + " a column of the events table")), p.toString());
    assertTrue(p.contains("polku.sources.calls.columns.event_date is filled by Polku; remove it"
        + " from the mapping"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("polku.sources.calls.channel-map.puhelin ="
        + " telephone is not in the channel vocabulary")), p.toString());
    assertEquals(9, p.size(), p.toString());
    assertTrue(e.getMessage().startsWith("9 configuration errors:"), e.getMessage());
  }

  @Test
  void anUnsetEnvironmentVariableIsAnErrorNotAnEmptyString() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "polku.lake.root = ${POLKU_TEST_SURELY_UNSET_VARIABLE}\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> PolkuConfig.load(conf, Map.of()));
    assertTrue(e.getMessage().contains("POLKU_TEST_SURELY_UNSET_VARIABLE"), e.getMessage());
    assertTrue(e.getMessage().contains("set it, or write ${?VAR}"), e.getMessage());
  }

  @Test
  void commandLineOverridesWinOverTheFileWhichWinsOverReference() throws Exception {
    Path conf = dir.resolve("c.conf");
    Files.writeString(conf, "polku.lake.root = \"/from/file\"\n"
        + "polku.ingest.max-quarantine-share = 0.2\n");
    PolkuConfig config = PolkuConfig.load(conf, Map.of("polku.lake.root", "s3a://bucket/p"));
    assertEquals("s3a://bucket/p", config.lakeRoot());
    assertEquals(0.2, config.maxQuarantineShare());
    assertEquals(java.time.Duration.ofDays(1), config.futureTolerance(), "from reference.conf");
  }

  @Test
  void aMissingFileIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PolkuConfig.load(dir.resolve("nope.conf"), Map.of()));
    assertEquals("Configuration error: configuration file " + dir.resolve("nope.conf")
        + " does not exist; expected a HOCON file such as conf/local.conf; pass an existing"
        + " file with --conf FILE", e.getMessage());
  }

  @Test
  void relativeLocationsResolveAgainstTheBaseDirAndUrisAreKept() {
    assertEquals("file:///home/p/lake", PolkuConfig.resolveLocation("lake", "/home/p"));
    assertEquals("file:///data/lake", PolkuConfig.resolveLocation("/data/lake", null));
    assertEquals("s3a://b/x", PolkuConfig.resolveLocation("s3a://b/x", null));
    assertEquals(null, PolkuConfig.resolveLocation("lake", null));
  }
  @Test
  void profileAndSurveyOptionsAreValidatedTogether() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(String.join("\n",
        "polku.lake.root = \"/tmp/lake\"",
        "polku.profiles.target = [critical-feedback, churn]",
        "polku.profiles.auc-share = 1.2",
        "polku.profiles.holdout-share = 1",
        "polku.surveys.triggers = [",
        "  { name = a, when = \"ended_assisted AND (\", survey = nope, send-channel = email }",
        "  { name = a, when = \"failures > 0\", survey = contact-csat, send-channel = app } ]",
        "polku.surveys.surveys.long.questions = [{ id = a, text = x }, { id = a, text = y },",
        "  { id = c, text = z }, { id = d, text = w }]",
        "polku.surveys.caps = [{ days = 0, max = 1 }]")));
    List<String> p = e.problems();
    assertTrue(p.contains("polku.profiles.target contains 'churn'; expected one of"
        + " [critical-feedback, repeat-contact]; remove or rename it"), p.toString());
    assertTrue(p.contains("polku.profiles.auc-share = 1.2 is outside [0.0, 1.0]; set e.g. 0.95"),
        p.toString());
    assertTrue(p.contains("polku.profiles.holdout-share = 1.0 is outside (0.0, 1.0); set e.g."
        + " 0.3"), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.startsWith("polku.surveys.triggers[0].when ="
        + " \"ended_assisted AND (\" is not a Spark SQL expression")), p.toString());
    assertTrue(p.contains("polku.surveys.triggers[0].survey = 'nope' is not defined; expected"
        + " one of [contact-csat, delivery-csat, long, self-service-ces]; define it under"
        + " polku.surveys.surveys"), p.toString());
    assertTrue(p.contains("polku.surveys.triggers[1].name = 'a' is used by an earlier trigger;"
        + " expected unique trigger names; rename it"), p.toString());
    assertTrue(p.contains("polku.surveys.surveys.long.questions has 4 questions; expected 1 to"
        + " 3 (surveys must be short); keep the most important ones"), p.toString());
    assertTrue(p.contains("polku.surveys.surveys.long.questions[1].id = 'a' is used twice in"
        + " the survey; expected unique question ids; rename one"), p.toString());
    assertTrue(p.contains("polku.surveys.caps[0] = { days = 0, max = 1 }: both must be at least"
        + " 1; set e.g. { days = 30, max = 1 }"), p.toString());
  }

  @Test
  void theDefaultProfileAndSurveyOptionsLoad() {
    PolkuConfig c = parse("polku.lake.root = \"/tmp/lake\"");
    assertEquals(List.of("critical-feedback", "repeat-contact"), c.profiles().target());
    assertEquals(30, c.profiles().horizonDays());
    assertEquals(3, c.surveys().triggers().size());
    assertEquals("cap_30d", c.surveys().caps().get(0).reason());
    assertEquals(14, c.surveys().quietDaysAfterResponse());
  }

  @Test
  void aBadColumnExpressionCarriesTheParsersCause() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(String.join("\n",
        "polku.lake.root = \"/tmp/lake\"",
        "polku.sources.calls { kind = events, format = csv, paths = [\"/x\"],",
        "  schema = \"id STRING, ts STRING\",",
        "  columns { event_id = \"id\", event_ts = \"to_timestamp(ts\", channel = \"'phone'\",",
        "    event_type = \"'call'\" } }")));
    assertEquals(List.of("polku.sources.calls.columns.event_ts = \"to_timestamp(ts\" is not a"
        + " Spark SQL expression: [PARSE_SYNTAX_ERROR] Syntax error at or near end of input:"
        + " missing ')'.(line 1, pos 15); fix the expression"), e.problems());
  }

  @Test
  void theEncodingFieldCapAndEarliestTimestampAreValidatedTogether() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(String.join("\n",
        "polku.lake.root = \"/tmp/lake\"",
        "polku.ingest.earliest-timestamp = \"1.1.2000\"",
        "polku.ingest.max-field-chars = 0",
        "polku.sources.calls { kind = events, format = csv, paths = [\"/x\"],",
        "  encoding = \"latin-9000\", options { encoding = \"UTF-8\" }",
        "  schema = \"id STRING, ts STRING\",",
        "  columns { event_id = \"id\", event_ts = \"to_timestamp(ts)\", channel = \"'phone'\",",
        "    event_type = \"'call'\" } }")));
    assertEquals(List.of(
        "polku.ingest.earliest-timestamp = '1.1.2000' is not an ISO-8601 UTC instant; expected"
            + " e.g. \"2000-01-01T00:00:00Z\"; fix the value",
        "polku.ingest.max-field-chars = 0 must be at least 1; set a positive number",
        "polku.sources.calls.options sets the reader's encoding; expected it at"
            + " polku.sources.calls.encoding, which Polku checks rows against; move it there",
        "polku.sources.calls.encoding = 'latin-9000' is not a character set this JVM knows;"
            + " expected e.g. \"UTF-8\", \"ISO-8859-1\" or \"windows-1252\"; fix the value"),
        e.problems());
  }

  @Test
  void theIngestDefaultsLoad() {
    PolkuConfig config = parse("polku.lake.root = \"/tmp/lake\"");
    assertEquals(java.time.Instant.parse("2000-01-01T00:00:00Z"), config.earliestTimestamp());
    assertEquals(100_000, config.maxFieldChars());
  }
}
