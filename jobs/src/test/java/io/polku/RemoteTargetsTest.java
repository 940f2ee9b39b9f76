package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.samples.SampleGenerator;
import io.polku.testing.LakeHashes;
import io.polku.testing.PolkuProcess;
import io.polku.testing.S3Server;
import io.polku.testing.SparkTest;
import io.polku.testing.StandaloneCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production targets against real parts on loopback: the same {@code nightly} on the same
 * generated sample (a) in this JVM on local files, (b) with the lake on an S3-compatible server
 * (s3proxy, its own JVM) through S3A and {@code conf/s3.conf}, one source read from
 * {@code s3a://} too, and (c) submitted with {@code spark-submit} (the SparkSubmit class, client
 * mode, the README's {@code --jars}) to a Spark standalone master and worker (their own JVMs),
 * with {@code conf/cluster.conf}. Every table of (b) and (c) must equal (a)'s.
 *
 * <p>Tagged {@code remote}: about 15 minutes on 2 cores (each run is dominated by fixed costs),
 * so {@code mvn -B verify} leaves it out; run it with
 * {@code mvn -B test -pl jobs -Dpolku.test.excludedGroups=none -Dtest=RemoteTargetsTest}.
 */
@Tag("remote")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteTargetsTest {
  private static final String FROM = "2026-09-01";
  private static final String TO = "2026-09-10";
  private static final String BUCKET = "polku-remote";
  @TempDir
  static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Path repo;
  private Path base;
  private Map<String, Row> local;
  private S3Server s3;
  private StandaloneCluster cluster;
  private final List<String> report = new ArrayList<>();

  @BeforeAll
  void generateASampleRunItLocallyAndStartTheServers() throws Exception {
    repo = SparkTest.repoRoot();
    base = tmp.resolve("base");
    new SampleGenerator(new SampleGenerator.Options(150, 10, 7, LocalDate.parse(FROM), true))
        .generate(base.resolve("data-samples"));
    Path conf = writeConf("local.conf", "");
    long t0 = System.nanoTime();
    Path localLake = tmp.resolve("local-lake");
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Polku.execute("nightly", "--from", FROM, "--to", TO, "--conf", conf.toString(),
          "--set", "polku.lake.root=" + localLake.toUri(),
          "--set", "polku.logs.dir=" + tmp.resolve("logs"));
    } finally {
      System.setOut(original);
    }
    assertEquals(0, code, buffer.toString(StandardCharsets.UTF_8));
    local = hashes(new Lake(spark, localLake.toUri().toString(), "default"));
    report.add(String.format("local run (this JVM, local[2]): %.1f s",
        (System.nanoTime() - t0) / 1e9));
    assertTrue(local.size() >= 20, local.keySet().toString());
    assertTrue(local.get("feedback_context").getLong(0) > 0, "the sample has responses");

    t0 = System.nanoTime();
    s3 = S3Server.start(tmp.resolve("s3"), BUCKET);
    cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2, "3g");
    report.add(String.format("s3proxy, Spark master and worker started: %.1f s",
        (System.nanoTime() - t0) / 1e9));
    s3.hadoopConf().forEach(spark.sparkContext().hadoopConfiguration()::set);
  }

  @AfterAll
  void stopTheServers() throws Exception {
    report.forEach(System.out::println);
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void theNightlyWithTheLakeOnS3GivesTheLocalTables() throws Exception {
    String lakeUri = "s3a://" + BUCKET + "/polku"; // conf/s3.conf's root in the bucket
    String calls = "s3a://" + BUCKET + "/raw/contact-centre/calls.csv";
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(calls);
    target.getFileSystem(spark.sparkContext().hadoopConfiguration()).copyFromLocalFile(
        new org.apache.hadoop.fs.Path(base.resolve("data-samples/raw/contact-centre/calls.csv")
            .toUri()), target);
    // conf/s3.conf as shipped (it includes local.conf); the store and secrets from the
    // environment, as in production.
    Path conf = writeConf("s3.conf",
        "polku.sources.contact_centre_calls.paths = [\"" + calls + "\"]");
    Map<String, String> env = Map.of(
        "POLKU_S3_BUCKET", BUCKET,
        "POLKU_S3_ENDPOINT", s3.endpoint(),
        "POLKU_S3_PATH_STYLE", "true",
        "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    long t0 = System.nanoTime();
    String output;
    int code;
    try (PolkuProcess run = PolkuProcess.start(env, "nightly", "--from", FROM, "--to", TO,
        "--conf", conf.toString(), "--set", "polku.logs.dir=" + tmp.resolve("logs"))) {
      code = run.waitFor(Duration.ofMinutes(30));
      output = run.output();
    }
    report.add(String.format("nightly with the lake on S3 (bin/polku's JVM, local[2]): %.1f s",
        (System.nanoTime() - t0) / 1e9));
    assertEquals(0, code, output);
    assertTrue(output.contains("on " + lakeUri), output);
    assertTrue(Files.isDirectory(s3.data().resolve(BUCKET).resolve("polku/silver/events")),
        "the tables are objects on the S3 server");
    Lake lake = new Lake(spark, lakeUri, "default");
    assertEquals(local, hashes(lake), "every table on S3 equals the local run's");
    assertTrue(lake.read(Tables.RUN_AUDIT).filter(col("stage").equalTo("ingest")
        .and(col("object").equalTo("contact_centre_calls")).and(col("rows_in").gt(0)))
        .count() > 0, "the calls were read");
    Dataset<Row> callFiles = lake.read(Tables.QUARANTINE)
        .filter(col("source").equalTo("contact_centre_calls")).select("source_file").distinct();
    assertEquals(List.of(calls), callFiles.as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList(), "the calls' quarantined rows were read from s3a://");
  }

  @Test
  void theNightlySubmittedToAStandaloneClusterGivesTheLocalTables() throws Exception {
    Path lakeDir = tmp.resolve("cluster-lake");
    Path conf = writeConf("cluster.conf", "");
    Map<String, String> env = Map.of(
        "POLKU_HOME", repo.toString(),
        "POLKU_LAKE_ROOT", lakeDir.toUri().toString(),
        "POLKU_LOGS_DIR", tmp.resolve("logs").toString());
    long t0 = System.nanoTime();
    String output;
    int code;
    try (PolkuProcess run = cluster.submit(env,
        List.of("spark.executor.memory=2g", "spark.ui.enabled=false"),
        "nightly", "--from", FROM, "--to", TO, "--conf", conf.toString())) {
      code = run.waitFor(Duration.ofMinutes(30));
      output = run.output();
    }
    report.add(String.format("nightly submitted to the standalone cluster: %.1f s",
        (System.nanoTime() - t0) / 1e9));
    assertEquals(0, code, output);
    long tasks = executorTasks();
    report.add("  tasks the worker's executor finished: " + tasks);
    assertTrue(tasks > 100, "the stages ran on the worker's executor: " + tasks + " tasks");
    assertEquals(local, hashes(new Lake(spark, lakeDir.toUri().toString(), "default")),
        "every table of the cluster run equals the local run's");
  }

  /**
   * The shipped conf file ({@code conf/<shipped>}) over the generated sample, with 5 of its 9
   * sources (as CrashRecoveryTest: a tiny run is fixed costs, each source adds some) and the
   * same small Spark settings for every run, so that the runs differ only in where they run.
   */
  private Path writeConf(String shipped, String extra) throws Exception {
    Path conf = tmp.resolve("remote-" + shipped);
    Files.writeString(conf, String.join("\n",
        "include file(\"" + repo.resolve("conf/" + shipped) + "\")",
        "polku.base-dir = \"" + base + "\"",
        shipped.equals("cluster.conf") ? "" : "polku.spark.master = \"local[2]\"",
        "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
            + " \"spark.databricks.delta.snapshotPartitions\" = \"2\","
            + " \"spark.driver.memory\" = \"1g\" }",
        "polku.ingest.max-quarantine-share = 1.0",
        "polku.sources.email_events.enabled = false",
        "polku.sources.shop_orders.enabled = false",
        "polku.sources.shop_deliveries.enabled = false",
        "polku.sources.app_events.enabled = false",
        extra, ""));
    return conf;
  }

  private Map<String, Row> hashes(Lake lake) {
    return LakeHashes.runIndependent(lake);
  }

  private long executorTasks() throws java.io.IOException {
    long tasks = 0;
    try (var logs = Files.walk(cluster.workDir())) {
      for (Path log : (Iterable<Path>) logs.filter(p -> p.getFileName().toString()
          .equals("stderr"))::iterator) {
        tasks += Files.readAllLines(log).stream().filter(l -> l.contains("Finished task"))
            .count();
      }
    }
    return tasks;
  }
}
