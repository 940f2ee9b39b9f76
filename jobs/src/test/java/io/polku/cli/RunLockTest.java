package io.polku.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.lake.LakeLock;
import io.polku.lake.LockHeldException;
import io.polku.pipeline.NightlyPipeline;
import io.polku.pipeline.Stage;
import io.polku.pipeline.StageResult;
import io.polku.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's run lock: a live holder refuses a second run (exit 4, the documented message, no table
 * touched); a dead holder's lock is taken over; runs left 'running' in run_audit are marked
 * abandoned; concurrent acquirers get exactly one lock.
 */
class RunLockTest {
  private static final Configuration HADOOP = new Configuration();
  private static final Duration STALE = Duration.ofMinutes(10);

  @TempDir Path tmp;

  private final SparkSession spark = SparkTest.spark();

  private Path conf(Path lake) throws Exception {
    Path file = tmp.resolve("test-" + lake.getFileName() + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "polku.lake.root = \"" + lake.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\"",
            "polku.spark.master = \"local[2]\"",
            "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
                + " \"spark.databricks.delta.snapshotPartitions\" = \"2\" }"));
    return file;
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long pid = p.pid();
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    return pid;
  }

  @Test
  void aLiveHolderRefusesASecondRunWithTheLakeRunIdStartAndHowToClear() throws Exception {
    Path lake = tmp.resolve("busy-lake");
    Instant started = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
    // This test JVM is alive and started before the "lock": a live owner on this host.
    LakeLock.Owner holder =
        new LakeLock.Owner(
            "20261126T010203Z-abcdef",
            "nightly",
            hostName(),
            ProcessHandle.current().pid(),
            ProcessHandle.current().info().startInstant().orElseThrow().plusSeconds(1),
            Instant.now());
    LakeLock.writeForTest(HADOOP, lake.toUri().toString(), holder);

    Output out =
        run(
            () ->
                Polku.execute("nightly", "--date", "2026-09-05", "--conf", conf(lake).toString()));
    assertEquals(ExitCodes.LOCKED, out.code, out.err);
    assertEquals(4, ExitCodes.LOCKED);
    String lakeUri = new org.apache.hadoop.fs.Path(lake.toUri().toString()).toString();
    assertTrue(
        out.err.contains("Lake " + lakeUri + " is locked by run 20261126T010203Z-abcdef"), out.err);
    assertTrue(out.err.contains("started " + holder.started()), out.err);
    assertTrue(out.err.contains("pid " + ProcessHandle.current().pid()), out.err);
    assertTrue(out.err.contains("delete " + lakeUri + "/_polku/nightly.lock"), out.err);
    assertTrue(out.err.contains("polku.lock.stale-after (10 min)"), out.err);
    // Nothing but the lock is in the lake: no table, no audit row.
    try (var files = Files.list(lake)) {
      assertEquals(List.of("_polku"), files.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals(
        holder.runId(),
        LakeLock.holder(HADOOP, lake.toUri().toString()).orElseThrow().runId(),
        "the holder's lock is left alone");

    // ingest takes the same lock.
    Output ingest =
        run(() -> Polku.execute("ingest", "--date", "2026-09-05", "--conf", conf(lake).toString()));
    assertEquals(ExitCodes.LOCKED, ingest.code, ingest.err);
  }

  @Test
  void aDeadOwnersLockIsTakenOverAndUnfinishedRunsAreMarkedAbandoned() throws Exception {
    Path lakeDir = tmp.resolve("crashed-lake");
    String root = lakeDir.toUri().toString();
    Lake lake = new Lake(spark, root, "default");
    Instant deadStart = Instant.parse("2026-11-20T01:00:00Z");
    Instant deadBeat = Instant.parse("2026-11-20T01:07:30Z");
    LakeLock.Owner dead =
        new LakeLock.Owner(
            "20261120T010000Z-dead01", "nightly", hostName(), deadPid(), deadStart, deadBeat);
    LakeLock.writeForTest(HADOOP, root, dead);
    // run_audit as two killed runs and one finished run left it.
    lake.ensure(Tables.RUN_AUDIT);
    lake.upsert(
        Tables.RUN_AUDIT,
        spark.createDataFrame(
            List.of(
                auditRow(dead.runId(), "running", deadStart),
                auditRow(
                    "20261110T010000Z-older1", "running", Instant.parse("2026-11-10T01:00:00Z")),
                auditRow(
                    "20261101T010000Z-fine01", "succeeded", Instant.parse("2026-11-01T01:00:00Z"))),
            Tables.RUN_AUDIT.schema()),
        Tables.RUN_AUDIT.columnNames());

    AtomicInteger stageRuns = new AtomicInteger();
    Environment env = new Environment();
    env.conf = conf(lakeDir).toString();
    DateRange dates = new DateRange();
    dates.date = java.time.LocalDate.parse("2026-09-05");
    Output out =
        run(
            () ->
                NightlyCommand.run(
                    env,
                    dates,
                    new NightlyPipeline(List.of(new CountingStage(stageRuns))),
                    "nightly"));
    assertEquals(0, out.code, out.err);
    assertEquals(1, stageRuns.get(), "the stage ran once");
    assertTrue(
        out.out.contains(
            "Took over the stale lock "
                + root.replace("file:///", "file:/")
                + "/_polku/nightly.lock of run 20261120T010000Z-dead01"),
        out.out);
    assertTrue(
        out.out.contains("its process " + dead.pid() + " is not running on this host"), out.out);
    assertTrue(out.out.contains("Marked run 20261120T010000Z-dead01 as abandoned"), out.out);
    assertTrue(out.out.contains("Marked run 20261110T010000Z-older1 as abandoned"), out.out);
    assertEquals(Optional.empty(), LakeLock.holder(HADOOP, root), "released at the end");

    Map<String, Row> runs =
        lake.read(Tables.RUN_AUDIT).filter(col("stage").equalTo("run")).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getAs("run_id"), r -> r));
    assertEquals(4, runs.size(), runs.toString());
    Row deadRow = runs.get(dead.runId());
    assertEquals("abandoned", deadRow.getAs("status"));
    assertEquals(
        Timestamp.from(deadBeat),
        deadRow.getAs("ended_ts"),
        "ended at the taken-over lock's last heartbeat");
    assertEquals(Timestamp.from(deadStart), deadRow.getAs("started_ts"), "start kept");
    assertTrue(
        deadRow.<String>getAs("message").contains("re-run its dates 2026-11-19"),
        deadRow.<String>getAs("message"));
    Row older = runs.get("20261110T010000Z-older1");
    assertEquals("abandoned", older.getAs("status"));
    assertNull(older.getAs("ended_ts"), "no lock of it was seen: end unknown");
    assertEquals("succeeded", runs.get("20261101T010000Z-fine01").getAs("status"));
    List<Row> mine =
        runs.values().stream()
            .filter(
                r ->
                    !List.of(dead.runId(), "20261110T010000Z-older1", "20261101T010000Z-fine01")
                        .contains(r.getAs("run_id")))
            .toList();
    assertEquals(1, mine.size());
    assertEquals("succeeded", mine.get(0).getAs("status"));
  }

  @Test
  void staleReasonsDeadPidReusedPidAndOldHeartbeat() {
    Instant now = Instant.parse("2026-11-26T12:00:00Z");
    LakeLock.ProcessProbe alive = (pid, before) -> true;
    LakeLock.ProcessProbe gone = (pid, before) -> false;
    LakeLock.Owner here =
        new LakeLock.Owner("r1", "nightly", "h1", 42, now.minusSeconds(3600), now.minusSeconds(20));
    assertEquals(Optional.empty(), LakeLock.staleReason(here, "h1", now, STALE, alive));
    assertEquals(
        Optional.of("its process 42 is not running on this host (h1)"),
        LakeLock.staleReason(here, "h1", now, STALE, gone));
    // Another host: its pid means nothing here; only the heartbeat counts.
    assertEquals(Optional.empty(), LakeLock.staleReason(here, "h2", now, STALE, gone));
    LakeLock.Owner silent =
        new LakeLock.Owner(
            "r1", "nightly", "h1", 42, now.minusSeconds(3600), now.minusSeconds(601));
    assertEquals(
        Optional.of(
            "its last heartbeat is 601 s old, more than" + " polku.lock.stale-after (600 s)"),
        LakeLock.staleReason(silent, "h2", now, STALE, alive));

    // The real probe: this JVM is alive, but a lock "taken" before it started is not its.
    long me = ProcessHandle.current().pid();
    Instant jvmStart = ProcessHandle.current().info().startInstant().orElseThrow();
    assertTrue(LakeLock.ProcessProbe.LOCAL.alive(me, jvmStart.plusSeconds(5)));
    assertFalse(
        LakeLock.ProcessProbe.LOCAL.alive(me, jvmStart.minusSeconds(3600)),
        "pid reused by a newer process");
  }

  @Test
  void aLiveOwnerOnAnotherHostIsRespectedUntilItsHeartbeatIsStale() {
    String root = tmp.resolve("shared-lake").toUri().toString();
    LakeLock.Owner remote =
        new LakeLock.Owner(
            "20261126T000000Z-remote",
            "nightly",
            "some-other-host",
            1,
            Instant.now().minusSeconds(300),
            Instant.now().minusSeconds(5));
    LakeLock.writeForTest(HADOOP, root, remote);
    LockHeldException e = assertThrows(LockHeldException.class, () -> acquire(root, "r-a"));
    assertTrue(e.getMessage().contains("on host some-other-host"), e.getMessage());

    LakeLock.writeForTest(
        HADOOP,
        root,
        new LakeLock.Owner(
            remote.runId(),
            "nightly",
            "some-other-host",
            1,
            remote.started(),
            Instant.now().minus(STALE).minusSeconds(1)));
    List<String> progress = new ArrayList<>();
    try (LakeLock lock =
        LakeLock.acquire(
            HADOOP,
            root,
            owner("r-b"),
            Duration.ofSeconds(30),
            STALE,
            LakeLock.ProcessProbe.LOCAL,
            progress::add)) {
      assertEquals(remote.runId(), lock.tookOver().orElseThrow().runId());
      assertEquals("r-b", LakeLock.holder(HADOOP, root).orElseThrow().runId());
      assertTrue(progress.get(0).contains("its last heartbeat is 60"), progress.toString());
    }
    assertEquals(Optional.empty(), LakeLock.holder(HADOOP, root));
  }

  @Test
  void concurrentAcquirersGetExactlyOneLock() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 15; round++) {
        String root = tmp.resolve("race-" + round).toUri().toString();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<LakeLock>> tries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String id = "r" + round + "-" + i;
          tries.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      return acquire(root, id);
                    } catch (LockHeldException e) {
                      return null;
                    }
                  }));
        }
        go.countDown();
        List<LakeLock> won = new ArrayList<>();
        for (Future<LakeLock> f : tries) {
          LakeLock l = f.get();
          if (l != null) {
            won.add(l);
          }
        }
        assertEquals(1, won.size(), "round " + round + ": winners " + won.size());
        assertEquals(
            won.get(0).owner().runId(), LakeLock.holder(HADOOP, root).orElseThrow().runId());
        won.get(0).close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theHeartbeatAdvancesAndALostLockStopsTheRunAtItsNextCheck() throws Exception {
    String root = tmp.resolve("beat-lake").toUri().toString();
    try (LakeLock lock =
        LakeLock.acquire(
            HADOOP,
            root,
            owner("r-beat"),
            Duration.ofMillis(100),
            STALE,
            LakeLock.ProcessProbe.LOCAL,
            s -> {})) {
      Instant first = LakeLock.holder(HADOOP, root).orElseThrow().heartbeat();
      Thread.sleep(600);
      Instant later = LakeLock.holder(HADOOP, root).orElseThrow().heartbeat();
      assertTrue(later.isAfter(first), first + " -> " + later);
      lock.checkStillHeld();
      // Another run took it over (say our heartbeat stalled past stale-after).
      LakeLock.writeForTest(
          HADOOP,
          root,
          new LakeLock.Owner("r-thief", "nightly", "h9", 7, Instant.now(), Instant.now()));
      Thread.sleep(600);
      IllegalStateException e = assertThrows(IllegalStateException.class, lock::checkStillHeld);
      assertTrue(e.getMessage().contains("Run r-beat lost the lock"), e.getMessage());
      assertTrue(e.getMessage().contains("run r-thief (host h9, pid 7)"), e.getMessage());
      assertEquals(
          "r-thief",
          LakeLock.holder(HADOOP, root).orElseThrow().runId(),
          "never overwritten by the loser's heartbeat");
    }
    assertEquals(
        "r-thief",
        LakeLock.holder(HADOOP, root).orElseThrow().runId(),
        "close() leaves another run's lock alone");
  }

  private static LakeLock acquire(String root, String runId) {
    return LakeLock.acquire(
        HADOOP,
        root,
        owner(runId),
        Duration.ofSeconds(30),
        STALE,
        LakeLock.ProcessProbe.LOCAL,
        s -> {});
  }

  private static LakeLock.Owner owner(String runId) {
    return LakeLock.Owner.ofThisProcess(runId, "nightly", Instant.now());
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Row auditRow(String runId, String status, Instant started) {
    return RowFactory.create(
        runId,
        "run",
        "*",
        Date.valueOf("2026-11-19"),
        Date.valueOf("2026-11-19"),
        Timestamp.from(started),
        "running".equals(status) ? null : Timestamp.from(started.plusSeconds(300)),
        status,
        null,
        null,
        null,
        null,
        "app-1",
        "hash");
  }

  /** A stage that writes nothing and counts its runs. */
  private record CountingStage(AtomicInteger runs) implements Stage {
    @Override
    public String name() {
      return "counting";
    }

    @Override
    public StageResult run(io.polku.pipeline.RunContext context) {
      runs.incrementAndGet();
      return new StageResult(name(), List.of(), List.of(), Duration.ZERO);
    }
  }

  private record Output(int code, String out, String err) {}

  private interface Call {
    int call() throws Exception;
  }

  private static Output run(Call call) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = call.call();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Output(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
