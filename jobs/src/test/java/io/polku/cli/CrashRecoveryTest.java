package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.LakeLock;
import io.polku.nightly.StandardStages;
import io.polku.pipeline.HaltAfterStage;
import io.polku.testing.LakeHashes;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: {@code nightly} in its own JVM (the bin/polku command line: the Java 17 flags read
 * from bin/polku, this test's classpath, main class io.polku.cli.Polku) is stopped hard after a
 * stage's commit ({@code polku.debug.halt-after-stage}, Runtime.halt); the re-run that takes its
 * lock over is killed with {@code kill -9} at a random moment; a normal re-run of the same date
 * then completes, every table equals a clean run's, and run_audit shows both crashed runs as
 * abandoned.
 *
 * <p>Kept small enough for {@code mvn -B verify}: a generated sample of 150 customers over 10 days,
 * five of its nine sources, one run date, two JVM starts. The clean run and the final re-run run in
 * this JVM (the shared session).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {
  private static final String DATE = "2026-09-10";
  private static final Pattern JAVA_FLAG =
      Pattern.compile(
          "^\\s*(--add-opens=\\S+|-Djdk\\.\\S+|-Dio\\.netty\\.\\S+|-Dderby\\.\\S+)\\s*\\\\?\\s*$");

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Path conf;
  private Map<String, Row> clean;

  /** Set -Dpolku.test.crash-seed=N to replay a run; the seed is printed with the report. */
  private final long seed = Long.getLong("polku.test.crash-seed", System.nanoTime());

  private final Random random = new Random(seed);

  @BeforeAll
  void generateASampleAndRunItCleanly() throws Exception {
    Path base = tmp.resolve("base");
    TestSources.generateSmallSample(base);
    conf = tmp.resolve("crash.conf");
    // conf/local.conf's source mappings over the generated sample, with 5 of its 9 sources
    // and the test session's Spark settings (the shared session is not re-tuned).
    Files.writeString(
        conf,
        String.join(
            "\n",
            "include file(\"" + SparkTest.repoRoot().resolve("conf/local.conf") + "\")",
            TestSources.smallSampleConf(base),
            "polku.spark.master = \"local[2]\""));
    long t0 = System.nanoTime();
    Path cleanLake = tmp.resolve("clean-lake");
    Out out = inProcess(cleanLake);
    assertEquals(0, out.code, out.text);
    clean = hashes(cleanLake);
    System.out.printf(
        "clean run: %.1f s; tables %s%n", (System.nanoTime() - t0) / 1e9, clean.keySet());
    assertTrue(clean.size() >= 15, clean.keySet().toString());
    assertTrue(clean.get("feedback_context").getLong(0) > 0, "the sample date has responses");
  }

  @Test
  void killedRunsLeaveNothingHalfWrittenAndAReRunGivesTheCleanTables() throws Exception {
    Path lake = tmp.resolve("crash-lake");
    List<String> report = new ArrayList<>();
    // 1. Halted right after the journeys stage committed (Runtime.halt: no shutdown hooks).
    long t0 = System.nanoTime();
    Child halted = start(lake, "--set", "polku.debug.halt-after-stage=journeys");
    int code = halted.process.waitFor();
    String haltLog = Files.readString(halted.log);
    assertEquals(HaltAfterStage.STATUS, code, haltLog);
    assertTrue(haltLog.contains("Halting after stage journeys"), haltLog);
    String first = runId(haltLog);
    // The dead run left its lock and a 'running' audit row behind.
    assertEquals(
        first, LakeLock.holder(new Configuration(), lake.toUri().toString()).orElseThrow().runId());
    assertEquals("running", runStatus(lake, first));
    report.add(String.format("halt after journeys: %.1f s", (System.nanoTime() - t0) / 1e9));

    // 2. The re-run takes the halted run's lock over, and is itself killed with kill -9 at a
    // random moment: during a random stage, a random 0-1.5 s after it started.
    String stage = StandardStages.NAMES.get(random.nextInt(5));
    long delay = random.nextInt(1500);
    t0 = System.nanoTime();
    Child killed = start(lake);
    waitForLine(killed, stage + " ...", 900);
    Thread.sleep(delay);
    killed.process.destroyForcibly();
    assertTrue(killed.process.waitFor(30, TimeUnit.SECONDS));
    String killLog = Files.readString(killed.log);
    assertFalse(killLog.contains(" succeeded in "), "killed before the end: " + killLog);
    assertTrue(
        killLog.contains("Took over the stale lock") && killLog.contains("of run " + first),
        killLog);
    assertTrue(killLog.contains("Marked run " + first + " as abandoned"), killLog);
    assertEquals("abandoned", runStatus(lake, first));
    String second = runId(killLog);
    report.add(
        String.format(
            "re-run killed (-9) during %s, %d ms in: %.1f s (exit %d; replay"
                + " with -Dpolku.test.crash-seed=%d)",
            stage, delay, (System.nanoTime() - t0) / 1e9, killed.process.exitValue(), seed));

    // 3. A normal re-run recovers from both: every table equals the clean run's.
    recoverAndCompare(lake, second, report);
    report.forEach(System.out::println);
  }

  private void recoverAndCompare(Path lake, String crashed, List<String> report) throws Exception {
    long t0 = System.nanoTime();
    Out out = inProcess(lake);
    assertEquals(0, out.code, report + "\n" + out.text);
    assertTrue(out.text.contains("Took over the stale lock"), out.text);
    assertTrue(out.text.contains("of run " + crashed), out.text);
    assertTrue(out.text.contains("Marked run " + crashed + " as abandoned"), out.text);
    assertEquals("abandoned", runStatus(lake, crashed));
    assertEquals(clean, hashes(lake), "after the crash of " + crashed + " and a re-run");
    report.add(
        String.format(
            "  re-run: %.1f s, every table equals the clean run's",
            (System.nanoTime() - t0) / 1e9));
  }

  private Map<String, Row> hashes(Path lakeDir) {
    return LakeHashes.runIndependent(new Lake(spark, lakeDir.toUri().toString(), "default"));
  }

  private String runStatus(Path lakeDir, String runId) {
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    return lake.read(Tables.RUN_AUDIT)
        .filter(col("stage").equalTo("run").and(col("run_id").equalTo(runId)))
        .first()
        .getAs("status");
  }

  private static String runId(String log) {
    Matcher m = Pattern.compile("Run (\\S+) for ").matcher(log);
    assertTrue(m.find(), log);
    return m.group(1);
  }

  private String[] args(Path lake, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "nightly",
                "--date",
                DATE,
                "--conf",
                conf.toString(),
                "--set",
                "polku.lake.root=" + lake.toUri(),
                "--set",
                "polku.logs.dir=" + tmp.resolve("logs")));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  private Out inProcess(Path lake) {
    // stdout and stderr in one buffer: a failed run's reason goes to stderr.
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    int code;
    try {
      code = Polku.execute(args(lake));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    return new Out(code, buffer.toString(StandardCharsets.UTF_8));
  }

  /** bin/polku's java command line, with this test's classpath. */
  private Child start(Path lake, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String line : Files.readAllLines(SparkTest.repoRoot().resolve("bin/polku"))) {
      Matcher m = JAVA_FLAG.matcher(line);
      if (m.matches()) {
        cmd.add(m.group(1));
      }
    }
    assertTrue(cmd.size() > 15, "the Java 17 flags were found in bin/polku: " + cmd);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.polku.cli.Polku");
    cmd.addAll(List.of(args(lake, extra)));
    Path log = Files.createTempFile(tmp, "child-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new Child(pb.start(), log);
  }

  private static void waitForLine(Child child, String line, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.readAllLines(child.log).stream().anyMatch(l -> l.equals(line))) {
        return;
      }
      assertTrue(
          child.process.isAlive(), "ended before '" + line + "': " + Files.readString(child.log));
      Thread.sleep(50);
    }
    child.process.destroyForcibly();
    throw new AssertionError(
        "no '" + line + "' within " + seconds + " s: " + Files.readString(child.log));
  }

  private record Child(Process process, Path log) {}

  private record Out(int code, String text) {}
}
