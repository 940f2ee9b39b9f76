package io.polku;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.cli.Polku;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.Console;
import io.polku.testing.LakeHashes;
import io.polku.testing.PolkuProcess;
import io.polku.testing.S3Server;
import io.polku.testing.SparkTest;
import io.polku.testing.StandaloneCluster;
import io.polku.testing.TestSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production targets against real parts on loopback, and re-runs. The same {@code nightly} on
 * the same generated sample (a) in this JVM on local files and (b) submitted with {@code
 * spark-submit} (the SparkSubmit class, client mode, docs/usage.md's {@code --jars}) to a Spark
 * standalone master and worker (their own JVMs) with the lake on an S3-compatible server (s3proxy,
 * its own JVM) through S3A, configured as {@code conf/cluster.conf} tells (with {@code s3.conf} in
 * place of {@code local.conf}), one source read from {@code s3a://} too. Every table of (b) must
 * equal (a)'s. Then (a)'s last date is run again and every table must come out identical (the
 * re-run check lives here, on the small sample, rather than on the committed samples of {@link
 * NightlyEndToEndTest}: a re-run is a whole nightly of fixed costs).
 *
 * <p>One run covers both the S3 lake and the cluster: the driver and the executor both read and
 * write the tables through S3A.
 *
 * <p>The class lives in the root package so that surefire's alphabetical order starts it first in
 * the second test JVM while the first runs {@link NightlyEndToEndTest} (see the surefire
 * configuration).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteTargetsTest {
  private static final String FROM = TestSources.SMALL_SAMPLE_FROM;
  private static final String TO = "2026-09-10";
  private static final String BUCKET = "polku-remote";
  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Path repo;
  private Path base;
  private Path localConf;
  private Path localLake;
  private Map<String, Row> local;
  private S3Server s3;
  private StandaloneCluster cluster;
  private final List<String> report = new ArrayList<>();

  @BeforeAll
  void generateASampleRunItLocallyAndStartTheServers() throws Exception {
    repo = SparkTest.repoRoot();
    base = tmp.resolve("base");
    TestSources.generateSmallSample(base);
    localConf = writeConf("local-run.conf", Files.readString(repo.resolve("conf/local.conf")), "");
    localLake = tmp.resolve("local-lake");
    long t0 = System.nanoTime();
    runLocally("nightly", "--from", FROM, "--to", TO);
    local = LakeHashes.runIndependent(localLake());
    report.add(
        String.format("local run (this JVM, local[2]): %.1f s", (System.nanoTime() - t0) / 1e9));
    assertTrue(local.size() >= 20, local.keySet().toString());
    assertTrue(local.get("feedback_context").getLong(0) > 0, "the sample has responses");
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
  @Order(1)
  void theNightlyOnAStandaloneClusterWithTheLakeOnS3GivesTheLocalTables() throws Exception {
    long started = System.nanoTime();
    s3 = S3Server.start(tmp.resolve("s3"), BUCKET);
    cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2, "3g");
    report.add(
        String.format(
            "s3proxy, Spark master and worker started: %.1f s",
            (System.nanoTime() - started) / 1e9));
    s3.hadoopConf().forEach(spark.sparkContext().hadoopConfiguration()::set);
    String lakeUri = "s3a://" + BUCKET + "/polku"; // conf/s3.conf's root in the bucket
    String calls = "s3a://" + BUCKET + "/raw/contact-centre/calls.csv";
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(calls);
    target
        .getFileSystem(spark.sparkContext().hadoopConfiguration())
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(
                base.resolve("data-samples/raw/contact-centre/calls.csv").toUri()),
            target);
    // conf/cluster.conf as its comment says for a lake on S3: s3.conf in place of local.conf.
    String clusterConf = Files.readString(repo.resolve("conf/cluster.conf"));
    String include = "include \"local.conf\"";
    assertTrue(clusterConf.contains(include), "conf/cluster.conf includes local.conf");
    Path conf =
        writeConf(
            "cluster-s3.conf",
            clusterConf.replace(include, "include file(\"" + repo.resolve("conf/s3.conf") + "\")"),
            "polku.sources.contact_centre_calls.paths = [\"" + calls + "\"]");
    // The store and secrets from the environment, as in production.
    Map<String, String> env =
        Map.of(
            "POLKU_HOME",
            repo.toString(),
            "POLKU_LOGS_DIR",
            tmp.resolve("logs").toString(),
            "POLKU_S3_BUCKET",
            BUCKET,
            "POLKU_S3_ENDPOINT",
            s3.endpoint(),
            "POLKU_S3_PATH_STYLE",
            "true",
            "AWS_ACCESS_KEY_ID",
            S3Server.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY",
            S3Server.SECRET_KEY);
    long t0 = System.nanoTime();
    String output;
    int code;
    try (PolkuProcess run =
        cluster.submit(
            env,
            List.of("spark.executor.memory=2g", "spark.ui.enabled=false"),
            "nightly",
            "--from",
            FROM,
            "--to",
            TO,
            "--conf",
            conf.toString())) {
      code = run.waitFor(Duration.ofMinutes(30));
      output = run.output();
    }
    report.add(
        String.format(
            "nightly submitted to the standalone cluster, lake on S3: %.1f s",
            (System.nanoTime() - t0) / 1e9));
    assertEquals(0, code, output);
    assertTrue(output.contains("on " + lakeUri), output);
    long tasks = executorTasks();
    report.add("  tasks the worker's executor finished: " + tasks);
    assertTrue(tasks > 100, "the stages ran on the worker's executor: " + tasks + " tasks");
    assertTrue(
        Files.isDirectory(s3.data().resolve(BUCKET).resolve("polku/silver/events")),
        "the tables are objects on the S3 server");
    Lake lake = new Lake(spark, lakeUri, "default");
    assertEquals(
        local,
        LakeHashes.runIndependent(lake),
        "every table of the cluster run on S3 equals the local run's");
    assertTrue(
        lake.read(Tables.RUN_AUDIT)
                .filter(
                    col("stage")
                        .equalTo("ingest")
                        .and(col("object").equalTo("contact_centre_calls"))
                        .and(col("rows_in").gt(0)))
                .count()
            > 0,
        "the calls were read");
    Dataset<Row> callFiles =
        lake.read(Tables.QUARANTINE)
            .filter(col("source").equalTo("contact_centre_calls"))
            .select("source_file")
            .distinct();
    assertEquals(
        List.of(calls),
        callFiles.as(Encoders.STRING()).collectAsList(),
        "the calls' quarantined rows were read from s3a://");
  }

  @Test
  @Order(2)
  void rerunningTheLastDateLeavesEveryTableIdentical() throws Exception {
    // Last night's run, run again (a scheduler retry, an operator re-running a date): every
    // silver and gold table must come out identical, although the range run computed the
    // date's windows (re-opened journeys, the analysis window, weeks) in one go. Stricter than
    // the comparison across targets: silver rows keep their first ingest_run_id and
    // ingested_ts. A team closes one follow-up first: the re-run must keep its status and
    // change nothing else but what that status feeds (the summary's counts).
    Lake lake = localLake();
    Row followup =
        lake.read(Tables.FOLLOWUPS)
            .filter(col("response_date").lt(java.sql.Date.valueOf(TO)))
            .orderBy("response_date", "response_id")
            .first();
    String closedId = followup.getAs("response_id");
    java.sql.Timestamp closedTs = java.sql.Timestamp.valueOf("2026-09-09 10:00:00");
    List<TableSpec> statusFed =
        List.of(Tables.FOLLOWUPS, Tables.FOLLOWUP_SUMMARY, Tables.FOLLOWUP_UPDATES);
    List<TableSpec> rest =
        Tables.ALL.stream()
            .filter(t -> !t.equals(Tables.RUN_AUDIT) && !statusFed.contains(t) && lake.exists(t))
            .toList();
    Map<String, Row> before = strictHashes(lake, rest);
    Row followupsBefore = Lake.contentHash(lake.read(Tables.FOLLOWUPS).drop(STATUS_COLUMNS));
    long closedBefore = closedOn(lake, TO);
    lake.replaceWhere(
        Tables.FOLLOWUP_UPDATES,
        spark.createDataFrame(
            List.of(RowFactory.create(closedId, "closed", closedTs, "called back, refunded")),
            Tables.FOLLOWUP_UPDATES.schema()),
        "true");

    long t0 = System.nanoTime();
    runLocally("nightly", "--date", TO);
    report.add(
        String.format(
            "re-run of %s (this JVM, local[2]): %.1f s", TO, (System.nanoTime() - t0) / 1e9));
    assertEquals(before, strictHashes(lake, rest), "the last date of the range run again");
    assertEquals(
        followupsBefore,
        Lake.contentHash(lake.read(Tables.FOLLOWUPS).drop(STATUS_COLUMNS)),
        "follow-ups unchanged but for their status");
    Row closed = lake.read(Tables.FOLLOWUPS).filter(col("response_id").equalTo(closedId)).first();
    assertEquals("closed", closed.getAs("status"), "the update survives the re-run");
    assertEquals(closedTs, closed.getAs("closed_ts"));
    assertEquals(closedBefore + 1, closedOn(lake, TO), "the summary counts the closed follow-up");

    List<Row> runs =
        lake.read(Tables.RUN_AUDIT)
            .filter(col("stage").equalTo("run"))
            .groupBy("status")
            .count()
            .collectAsList();
    assertEquals(1, runs.size(), runs.toString());
    assertEquals("succeeded", runs.get(0).getString(0));
    assertEquals(2L, runs.get(0).getLong(1), "two runs, both succeeded");
  }

  private static final String[] STATUS_COLUMNS =
      io.polku.followup.FollowupTransforms.STATUS_COLUMNS.toArray(new String[0]);

  /** followup_summary's closed count over all teams and priorities on a run date. */
  private static long closedOn(Lake lake, String runDate) {
    return lake.read(Tables.FOLLOWUP_SUMMARY)
        .filter(
            col("run_date")
                .equalTo(java.sql.Date.valueOf(runDate))
                .and(col("team").equalTo("*"))
                .and(col("priority").equalTo("*")))
        .select("closed")
        .first()
        .getLong(0);
  }

  /** Content hashes that keep ingest_run_id and ingested_ts (only root-cause run ids go). */
  private static Map<String, Row> strictHashes(Lake lake, List<TableSpec> tables) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (TableSpec t : tables) {
      Dataset<Row> rows = lake.read(t);
      out.put(
          t.name(),
          Lake.contentHash(t.name().startsWith("root_cause") ? rows.drop("run_id") : rows));
    }
    return out;
  }

  private Lake localLake() {
    return new Lake(spark, localLake.toUri().toString(), "default");
  }

  /** {@code polku <args>} in this JVM on the local lake, its console kept for a failure. */
  private void runLocally(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--conf",
            localConf.toString(),
            "--set",
            "polku.lake.root=" + localLake.toUri(),
            "--set",
            "polku.logs.dir=" + tmp.resolve("logs")));
    int[] code = new int[1];
    String out = Console.capture(() -> code[0] = Polku.execute(all.toArray(new String[0])), false);
    assertEquals(0, code[0], out);
  }

  /**
   * A conf file: {@code text} (a shipped conf file's content, without relative includes) over the
   * small generated sample, the same for every run, so that the runs differ only in where they run.
   */
  private Path writeConf(String name, String text, String extra) throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf")).resolve(name);
    Files.writeString(
        conf,
        String.join(
            "\n",
            text,
            TestSources.smallSampleConf(base),
            name.startsWith("cluster") ? "" : "polku.spark.master = \"local[2]\"",
            extra,
            ""));
    return conf;
  }

  private long executorTasks() throws java.io.IOException {
    long tasks = 0;
    try (var logs = Files.walk(cluster.workDir())) {
      for (Path log :
          (Iterable<Path>)
              logs.filter(p -> p.getFileName().toString().equals("stderr"))::iterator) {
        tasks += Files.readAllLines(log).stream().filter(l -> l.contains("Finished task")).count();
      }
    }
    return tasks;
  }
}
