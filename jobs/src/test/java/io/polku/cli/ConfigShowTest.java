package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import io.polku.config.ConfigRedaction;
import io.polku.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code config show}: the effective configuration, secrets redacted. No Spark needed. */
class ConfigShowTest {
  private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
  private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
  private static final String TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN";

  private static String[] s3Args(String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "config",
                "show",
                "--conf",
                SparkTest.repoRoot().resolve("conf/s3.conf").toString(),
                // POLKU_S3_BUCKET is unset in tests: the lake root is given instead.
                "--set",
                "polku.lake.root=s3a://cx-bucket/polku",
                "--set",
                "polku.spark.conf.\"spark.hadoop.fs.s3a.access.key\"=" + ACCESS,
                "--set",
                "polku.spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=" + SECRET,
                "--set",
                "polku.spark.conf.\"spark.hadoop.fs.s3a.session.token\"=" + TOKEN,
                "--set",
                "polku.spark.conf.\"spark.hadoop.fs.s3a.endpoint\"=http://minio.local:9000",
                "--set",
                "polku.lake.metastore-uri=thrift://hive:" + SECRET + "@meta.local:9083"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void s3ConfigIsShownWithEverySecretRedacted() throws Exception {
    Out json = run(s3Args("--format", "json"));
    assertEquals(0, json.code, json.err);
    for (String secret : List.of(SECRET, ACCESS, TOKEN)) {
      assertFalse(json.out.contains(secret), "leaked " + secret + ":\n" + json.out);
    }
    JsonNode polku = new ObjectMapper().readTree(json.out).get("polku");
    JsonNode spark = polku.get("spark").get("conf");
    assertEquals("***", spark.get("spark.hadoop.fs.s3a.access.key").asText());
    assertEquals("***", spark.get("spark.hadoop.fs.s3a.secret.key").asText());
    assertEquals("***", spark.get("spark.hadoop.fs.s3a.session.token").asText());
    // Not secret: shown as set.
    assertEquals("http://minio.local:9000", spark.get("spark.hadoop.fs.s3a.endpoint").asText());
    assertEquals("false", spark.get("spark.hadoop.fs.s3a.path.style.access").asText());
    assertEquals("s3a://cx-bucket/polku", polku.get("lake").get("root").asText());
    assertEquals(
        "thrift://hive:***@meta.local:9083", polku.get("lake").get("metastore-uri").asText());
    // local.conf's sources came through the include.
    assertTrue(polku.get("sources").has("web_clickstream"), json.out);

    Out hocon = run(s3Args());
    assertEquals(0, hocon.code, hocon.err);
    assertFalse(hocon.out.contains(SECRET) || hocon.out.contains(ACCESS), hocon.out);
    assertTrue(hocon.out.contains("\"spark.hadoop.fs.s3a.secret.key\"=\"***\""), hocon.out);
    assertTrue(hocon.out.startsWith("polku {"), hocon.out);
  }

  @Test
  void withoutTheBucketS3ConfFailsNamingTheVariable() {
    Out out =
        run("config", "show", "--conf", SparkTest.repoRoot().resolve("conf/s3.conf").toString());
    // Only when the test environment does not happen to set it.
    if (System.getenv("POLKU_S3_BUCKET") == null && System.getenv("POLKU_LAKE_ROOT") == null) {
      assertEquals(ExitCodes.USAGE, out.code, out.out);
      assertTrue(out.err.contains("POLKU_S3_BUCKET"), out.err);
    }
  }

  @Test
  void aMisspelledKeyFailsConfigShowWithTheClosestKnownKey() {
    Out out =
        run(
            "config",
            "show",
            "--conf",
            SparkTest.repoRoot().resolve("conf/local.conf").toString(),
            "--set",
            "polku.ingest.max-quarantine-shar=0.5",
            "--set",
            "polku.serve.auth.mod=password");
    assertEquals(ExitCodes.USAGE, out.code, out.out);
    assertTrue(out.err.startsWith("2 configuration errors:"), out.err);
    assertTrue(
        out.err.contains(
            "polku.ingest.max-quarantine-shar is not a Polku setting; did"
                + " you mean polku.ingest.max-quarantine-share?"),
        out.err);
    assertTrue(
        out.err.contains(
            "polku.serve.auth.mod is not a Polku setting; did you mean"
                + " polku.serve.auth.mode?"),
        out.err);
    assertEquals("", out.out);
  }

  @Test
  void setTakesListsAsHoconAndPlainStringsAsBefore() throws Exception {
    Out out =
        run(
            "config",
            "show",
            "--format",
            "json",
            "--conf",
            SparkTest.repoRoot().resolve("conf/local.conf").toString(),
            "--set",
            "polku.journeys.split-event-types=[purchase,cancel]",
            "--set",
            "polku.journeys.assisted-channels=[\"phone\", \"chat\"]",
            "--set",
            "polku.lake.root=s3a://bucket/x=y/polku",
            "--set",
            "polku.spark.conf.\"spark.executor.extraJavaOptions\"=-Da=b -Dc=d");
    assertEquals(0, out.code, out.err);
    JsonNode polku = new ObjectMapper().readTree(out.out).get("polku");
    assertEquals(
        "[\"purchase\",\"cancel\"]", polku.get("journeys").get("split-event-types").toString());
    assertEquals("[\"phone\",\"chat\"]", polku.get("journeys").get("assisted-channels").toString());
    assertEquals("s3a://bucket/x=y/polku", polku.get("lake").get("root").asText());
    assertEquals(
        "-Da=b -Dc=d",
        polku.get("spark").get("conf").get("spark.executor.extraJavaOptions").asText());

    Out bad =
        run(
            "config",
            "show",
            "--conf",
            SparkTest.repoRoot().resolve("conf/local.conf").toString(),
            "--set",
            "polku.journeys.split-event-types=[purchase,");
    assertEquals(ExitCodes.USAGE, bad.code, bad.out);
    assertTrue(
        bad.err.startsWith(
            "Configuration error: --set"
                + " polku.journeys.split-event-types=[purchase, is not a HOCON value"),
        bad.err);
  }

  @Test
  void keysListsEveryDeclaredKeyWithItsMeaningAsHocon() {
    Out out =
        run(
            "config",
            "show",
            "--keys",
            "--conf",
            SparkTest.repoRoot().resolve("conf/local.conf").toString(),
            "--set",
            "polku.rootcause.window-days=730",
            "--set",
            "polku.erasure.salt=" + SECRET);
    assertEquals(0, out.code, out.err);
    assertFalse(out.out.contains(SECRET), out.out);
    assertTrue(
        out.out.contains("# Responses analysed by a run for date D: `response_date` in"), out.out);
    assertTrue(
        out.out.contains(" FP-Growth fit of that many days.\n" + "polku.rootcause.window-days = "),
        out.out);
    com.typesafe.config.Config parsed = ConfigFactory.parseString(out.out);
    assertEquals(730, parsed.getInt("polku.rootcause.window-days"));
    assertEquals("***", parsed.getString("polku.erasure.salt"));
    assertEquals("events", parsed.getString("polku.sources.web_clickstream.kind"));
    assertTrue(parsed.getIsNull("polku.lake.metastore-uri"), out.out);

    Out json =
        run(
            "config",
            "show",
            "--keys",
            "--format",
            "json",
            "--conf",
            SparkTest.repoRoot().resolve("conf/local.conf").toString());
    assertEquals(ExitCodes.USAGE, json.code, json.out);
    assertTrue(json.err.contains("--keys prints HOCON with comments, not JSON"), json.err);
  }

  @Test
  void redactionMasksSensitiveKeysAtAnyDepthWhateverTheirType() {
    ConfigObject in =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "a { db-password = hunter2, user = ann }",
                    "sources.x.options { \"fs.azure.account.key\" = k1, apiToken = t1, sep = \";\" }",
                    "hooks = [ { url = \"https://u:pw1@h/x\", secret = { nested = s1 } } ]",
                    "aws.credentials = [c1, c2]",
                    "n = 3"))
            .root();
    ConfigObject out = ConfigRedaction.redact(in);
    String text = out.render(com.typesafe.config.ConfigRenderOptions.concise());
    assertEquals(
        "{\"a\":{\"db-password\":\"***\",\"user\":\"ann\"},\"aws\":{\"credentials\":"
            + "\"***\"},\"hooks\":[{\"secret\":\"***\",\"url\":\"https://u:***@h/x\"}],\"n\":3,"
            + "\"sources\":{\"x\":{\"options\":{\"apiToken\":\"***\",\"fs.azure.account.key\":"
            + "\"***\",\"sep\":\";\"}}}}",
        ConfigFactory.parseString(text)
            .root()
            .render(com.typesafe.config.ConfigRenderOptions.concise()));
    assertTrue(in.toConfig().getString("a.db-password").equals("hunter2"), "input unchanged");
  }

  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    PrintStream o = System.out;
    PrintStream e = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Polku.execute(args);
    } finally {
      System.setOut(o);
      System.setErr(e);
    }
    return new Out(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
