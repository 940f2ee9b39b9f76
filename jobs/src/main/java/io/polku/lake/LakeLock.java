package io.polku.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The lake's run lock: one object at {@code <lake root>/_polku/nightly.lock} holding the owner's
 * run id, command, host, pid, start time and a heartbeat the owner rewrites every {@code
 * polku.lock.heartbeat}. A run that finds the lock held by a live owner stops with {@link
 * LockHeldException}; a stale lock (same host and the owner's pid is dead or belongs to a newer
 * process, or the heartbeat is older than {@code polku.lock.stale-after}) is taken over.
 *
 * <p>How exclusive it is depends on the file system. On local disk creation uses {@code
 * O_CREAT|O_EXCL} (Hadoop's local {@code create(overwrite=false)} checks and then creates, which
 * two processes can both pass), and HDFS's create-if-absent is atomic: two runs started at once
 * cannot both get the lock. S3A in Hadoop 3.3.4 has no atomic create-if-absent and renames by
 * copying, so on S3 the lock is advisory: it catches a second run started by hand or a scheduler
 * retry, not two runs started within the same second. Run one scheduler per lake there (and, for
 * writers on several clusters, Delta's DynamoDB log store, which makes each table's commits safe;
 * it does not make two nightlies a good idea).
 *
 * <p>Taking over a stale lock renames it aside under a name only this run uses and checks that what
 * it moved is the stale owner's lock (and moves it back otherwise), so two runs taking over the
 * same stale lock cannot both win on local disk or HDFS. The heartbeat thread re-reads the lock
 * before each rewrite; if another run has taken it over, this run learns it at its next {@link
 * #checkStillHeld()} (the pipeline calls it between stages) and stops.
 */
public final class LakeLock implements AutoCloseable {
  /** The lock's location under the lake root. */
  public static final String RELATIVE_PATH = "_polku/nightly.lock";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who holds (or wants) the lock. */
  public record Owner(
      String runId, String command, String host, long pid, Instant started, Instant heartbeat) {
    String toJson() {
      ObjectNode n = JSON.createObjectNode();
      n.put("run_id", runId);
      n.put("command", command);
      n.put("host", host);
      n.put("pid", pid);
      n.put("started", started.toString());
      n.put("heartbeat", heartbeat.toString());
      return n.toString();
    }

    static Owner parse(String text) throws IOException {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.hasNonNull("run_id") || !n.hasNonNull("started")) {
        throw new IOException("not a lock document: " + text);
      }
      return new Owner(
          n.get("run_id").asText(),
          n.path("command").asText("?"),
          n.path("host").asText("?"),
          n.path("pid").asLong(-1),
          Instant.parse(n.get("started").asText()),
          Instant.parse(n.path("heartbeat").asText(n.get("started").asText())));
    }

    Owner beating(Instant now) {
      return new Owner(runId, command, host, pid, started, now);
    }

    /** The owner for this process. */
    public static Owner ofThisProcess(String runId, String command, Instant started) {
      return new Owner(
          runId, command, localHost(), ProcessHandle.current().pid(), started, started);
    }
  }

  /** Whether a process is alive and, if known, when it started (for pid reuse). */
  public interface ProcessProbe {
    boolean alive(long pid, Instant notStartedAfter);

    /** The real processes of this host. */
    ProcessProbe LOCAL =
        (pid, notStartedAfter) ->
            ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                // A pid reused by a process that started after the lock was taken is not the owner.
                .map(
                    h -> h.info().startInstant().map(s -> !s.isAfter(notStartedAfter)).orElse(true))
                .orElse(false);
  }

  private final FileSystem fs;
  private final Path path;
  private final String lake;
  private final Owner owner;
  private final Owner tookOver;
  private final String tookOverReason;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost;

  private LakeLock(
      FileSystem fs,
      Path path,
      String lake,
      Owner owner,
      Owner tookOver,
      String tookOverReason,
      Duration every) {
    this.fs = fs;
    this.path = path;
    this.lake = lake;
    this.owner = owner;
    this.tookOver = tookOver;
    this.tookOverReason = tookOverReason;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "polku-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long ms = every.toMillis();
    heartbeat.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of the lake at {@code lakeRoot} for {@code me}, taking over a stale one.
   *
   * @throws LockHeldException when a live run holds it
   */
  public static LakeLock acquire(
      Configuration hadoop,
      String lakeRoot,
      Owner me,
      Duration heartbeatEvery,
      Duration staleAfter,
      ProcessProbe probe,
      Consumer<String> progress) {
    String lake = new Path(lakeRoot).toString(); // Hadoop's normal form, as Lake shows it
    Path path = new Path(new Path(lakeRoot), RELATIVE_PATH);
    try {
      FileSystem fs = fileSystem(path, hadoop);
      fs.mkdirs(path.getParent());
      Owner tookOver = null;
      String reason = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        if (createExclusive(fs, path, me.toJson())) {
          Optional<Owner> check = read(fs, path);
          if (check.isPresent() && check.get().runId().equals(me.runId())) {
            LakeLock lock = new LakeLock(fs, path, lake, me, tookOver, reason, heartbeatEvery);
            if (tookOver != null) {
              progress.accept(
                  "Took over the stale lock "
                      + path
                      + " of run "
                      + tookOver.runId()
                      + " ("
                      + tookOver.command()
                      + ", host "
                      + tookOver.host()
                      + ", pid "
                      + tookOver.pid()
                      + ", started "
                      + tookOver.started()
                      + ", last heartbeat "
                      + tookOver.heartbeat()
                      + "): "
                      + reason);
            }
            return lock;
          }
          continue; // someone replaced it between our create and read: judge theirs
        }
        Optional<Owner> holder = read(fs, path);
        if (holder.isEmpty()) {
          continue; // released (or moved aside) meanwhile: try again
        }
        Instant now = Instant.now();
        Optional<String> stale = staleReason(holder.get(), localHost(), now, staleAfter, probe);
        if (stale.isEmpty()) {
          throw new LockHeldException(lake, path.toString(), holder.get(), now, staleAfter);
        }
        Path aside = new Path(path.getParent(), "nightly.lock.stale-" + me.runId());
        if (!fs.rename(path, aside)) {
          continue; // another run moved it first
        }
        Optional<Owner> moved = read(fs, aside);
        if (moved.isPresent() && !moved.get().runId().equals(holder.get().runId())) {
          // We moved a fresh lock another run had just taken: give it back, then judge again.
          fs.rename(aside, path);
          continue;
        }
        fs.delete(aside, false);
        tookOver = holder.get();
        reason = stale.get();
      }
      throw new IllegalStateException(
          "Could not take the lock "
              + path
              + " after 5 attempts:"
              + " other runs keep taking and releasing it; expected one run per lake; check what"
              + " else writes to "
              + lake
              + " and retry");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read or write the run lock "
              + path
              + ": "
              + e.getMessage()
              + "; expected a writable lake root (polku.lake.root = "
              + lakeRoot
              + "); check the path and its credentials",
          e);
    }
  }

  /**
   * Why {@code holder}'s lock is stale, or empty when its owner may be alive: on this host with a
   * dead pid (or a pid now used by a process started after the lock), or with a heartbeat older
   * than {@code staleAfter} on any host.
   */
  public static Optional<String> staleReason(
      Owner holder, String thisHost, Instant now, Duration staleAfter, ProcessProbe probe) {
    if (holder.host().equals(thisHost)
        && holder.pid() > 0
        && !probe.alive(holder.pid(), holder.started())) {
      return Optional.of(
          "its process " + holder.pid() + " is not running on this host (" + thisHost + ")");
    }
    Duration age = Duration.between(holder.heartbeat(), now);
    if (age.compareTo(staleAfter) > 0) {
      return Optional.of(
          "its last heartbeat is "
              + age.toSeconds()
              + " s old, more than"
              + " polku.lock.stale-after ("
              + staleAfter.toSeconds()
              + " s)");
    }
    return Optional.empty();
  }

  /** The stale lock this run took over, if any. */
  public Optional<Owner> tookOver() {
    return Optional.ofNullable(tookOver);
  }

  public Owner owner() {
    return owner;
  }

  public String path() {
    return path.toString();
  }

  /**
   * Fails when another run has taken the lock over (this run's heartbeat stalled for longer than
   * stale-after): continuing would mean two writers.
   */
  public void checkStillHeld() {
    if (lost != null) {
      throw new IllegalStateException(
          "Run "
              + owner.runId()
              + " lost the lock "
              + path
              + " of lake "
              + lake
              + ": "
              + lost
              + "; expected this run to hold it until it ends;"
              + " this run stops here. Check why its heartbeat stalled (long GC pauses, a frozen"
              + " host) or raise polku.lock.stale-after, then re-run the same dates");
    }
  }

  private void beat() {
    try {
      Optional<Owner> now = read(fs, path);
      if (now.isEmpty() || !now.get().runId().equals(owner.runId())) {
        lost =
            now.map(
                    o ->
                        "run "
                            + o.runId()
                            + " (host "
                            + o.host()
                            + ", pid "
                            + o.pid()
                            + ") holds it since "
                            + o.started())
                .orElse("the lock file is gone");
        return;
      }
      write(fs, path, owner.beating(Instant.now()).toJson());
    } catch (IOException | RuntimeException e) {
      // The next beat tries again; only a heartbeat older than stale-after lets others in.
      org.apache.logging.log4j.LogManager.getLogger(LakeLock.class)
          .warn("Lock heartbeat for " + path + " failed", e);
    }
  }

  /**
   * Stops the heartbeat (letting a rewrite in progress finish) and deletes the lock if this run
   * still holds it. A lock that cannot be deleted is reported on stderr, not thrown: the run's work
   * is done, and the next run on this host takes the lock over (its pid is gone).
   */
  @Override
  public void close() {
    heartbeat.shutdown();
    try {
      heartbeat.awaitTermination(30, TimeUnit.SECONDS);
      Optional<Owner> now = read(fs, path);
      if (now.isPresent() && now.get().runId().equals(owner.runId())) {
        fs.delete(path, false);
      }
    } catch (IOException e) {
      String message =
          "Warning: cannot release the run lock "
              + path
              + ": "
              + e.getMessage()
              + "; expected to delete it at the end of run "
              + owner.runId()
              + "; the next run on"
              + " this host takes it over, elsewhere after polku.lock.stale-after, or delete it"
              + " by hand once no run is active";
      System.err.println(message);
      org.apache.logging.log4j.LogManager.getLogger(LakeLock.class).warn(message, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The Hadoop configuration of the lake: the {@code spark.hadoop.*} settings, unprefixed. */
  public static Configuration hadoopConf(Map<String, String> sparkConf) {
    Configuration conf = new Configuration();
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        conf.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      }
    }
    return conf;
  }

  /** Reads the lock at {@code lakeRoot}, if there is one (for tests and diagnostics). */
  public static Optional<Owner> holder(Configuration hadoop, String lakeRoot) {
    Path path = new Path(new Path(lakeRoot), RELATIVE_PATH);
    try {
      return read(fileSystem(path, hadoop), path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a lock document as if {@code owner} held it (for tests and diagnostics). */
  public static void writeForTest(Configuration hadoop, String lakeRoot, Owner owner) {
    Path path = new Path(new Path(lakeRoot), RELATIVE_PATH);
    try {
      FileSystem fs = fileSystem(path, hadoop);
      fs.mkdirs(path.getParent());
      write(fs, path, owner.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FileSystem fileSystem(Path path, Configuration hadoop) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    // The raw local file system: no .crc side files next to the lock.
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  private static boolean createExclusive(FileSystem fs, Path path, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (fs instanceof RawLocalFileSystem local) {
      try (OutputStream out =
          Files.newOutputStream(
              local.pathToFile(path).toPath(),
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE)) {
        out.write(bytes);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static void write(FileSystem fs, Path path, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The lock's owner; retried briefly, as a heartbeat rewrite may be half-way. */
  private static Optional<Owner> read(FileSystem fs, Path path) throws IOException {
    IOException last = null;
    for (int i = 0; i < 5; i++) {
      try (InputStream in = fs.open(path)) {
        return Optional.of(Owner.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (java.io.FileNotFoundException e) {
        return Optional.empty();
      } catch (IOException | RuntimeException e) {
        last = e instanceof IOException io ? io : new IOException(e);
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new IOException(
        "the lock "
            + path
            + " does not hold a lock document ("
            + last
            + "); if no run is active, delete it",
        last);
  }

  static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown-host";
    }
  }
}
