package io.polku.testing;

import io.polku.notebook.KernelSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on 127.0.0.1: a master and one worker, each its own JVM, started from
 * the Maven jars. Its {@code SPARK_HOME} is a folder whose {@code jars/} holds Polku's runtime
 * classpath without what {@code spark-submit --jars} ships (jobs/target/submit-jars.txt: Delta,
 * picocli, Typesafe Config, S3A): a Spark 3.5 distribution, as a cluster has it. Applications go
 * through {@code org.apache.spark.deploy.SparkSubmit}, the class behind the {@code spark-submit}
 * script, with the arguments of docs/usage.md.
 */
public final class StandaloneCluster implements AutoCloseable {
  private final Path dir;
  private final Path sparkHome;
  private final int port;
  private final List<Process> daemons = new ArrayList<>();

  private StandaloneCluster(Path dir, Path sparkHome, int port) {
    this.dir = dir;
    this.sparkHome = sparkHome;
    this.port = port;
  }

  /** Starts the master and a worker with {@code cores} cores and {@code memory} (e.g. 2g). */
  public static StandaloneCluster start(Path dir, int cores, String memory)
      throws IOException, InterruptedException {
    Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    Set<String> shipped = submitJars().stream().collect(Collectors.toSet());
    for (String jar : runtimeClasspath()) {
      if (!shipped.contains(jar)) {
        Path target = Path.of(jar);
        Files.createSymbolicLink(jars.resolve(target.getFileName()), target);
      }
    }
    StandaloneCluster cluster = new StandaloneCluster(dir, sparkHome, freePort());
    cluster.daemons.add(
        cluster.daemon(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(cluster.port),
            "--webui-port",
            String.valueOf(freePort())));
    cluster.await("master", "I have been elected leader", Duration.ofSeconds(90));
    cluster.daemons.add(
        cluster.daemon(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            String.valueOf(cores),
            "--memory",
            memory,
            "--webui-port",
            String.valueOf(freePort()),
            "--work-dir",
            Files.createDirectories(dir.resolve("work")).toString(),
            cluster.masterUrl()));
    cluster.await("worker", "Successfully registered with master", Duration.ofSeconds(90));
    return cluster;
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** Executor folders the worker made (one per application), with their stdout and stderr. */
  public Path workDir() {
    return dir.resolve("work");
  }

  /**
   * {@code spark-submit --master spark://... --deploy-mode client --class io.polku.cli.Polku --jars
   * <submit-jars> <polku jar> <args>}, as docs/usage.md documents it, in its own JVM.
   */
  public PolkuProcess submit(Map<String, String> env, List<String> sparkConf, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx2g");
    cmd.addAll(KernelSpec.sparkJvmFlags());
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(
        List.of(
            "--master",
            masterUrl(),
            "--deploy-mode",
            "client",
            "--class",
            "io.polku.cli.Polku",
            "--jars",
            String.join(",", submitJars())));
    for (String c : sparkConf) {
      cmd.add("--conf");
      cmd.add(c);
    }
    cmd.add(polkuJar().toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    environment(pb.environment());
    pb.environment().putAll(env);
    return PolkuProcess.of(pb.start());
  }

  private Process daemon(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx512m");
    cmd.addAll(KernelSpec.sparkJvmFlags());
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    environment(pb.environment());
    return pb.start();
  }

  private void environment(Map<String, String> env) {
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    // The worker starts executors with $JAVA_HOME/bin/java.
    env.put("JAVA_HOME", System.getProperty("java.home"));
  }

  private void await(String name, String line, Duration timeout)
      throws IOException, InterruptedException {
    Path log = dir.resolve(name + ".log");
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (daemons.stream().anyMatch(p -> !p.isAlive())) {
        break;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the Spark "
            + name
            + " did not log '"
            + line
            + "' within "
            + timeout
            + ": "
            + (Files.exists(log) ? Files.readString(log) : "(no log)"));
  }

  /**
   * Polku's thin jar, made here from target/classes: under {@code mvn verify} the tests run before
   * the package phase writes it.
   */
  private Path polkuJar() throws IOException {
    Path jar = dir.resolve("polku-jobs.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    Path classes = SparkTest.repoRoot().resolve("jobs/target/classes");
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
        var files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(
            new java.util.jar.JarEntry(
                classes.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static List<String> submitJars() throws IOException {
    return List.of(
        Files.readString(SparkTest.repoRoot().resolve("jobs/target/submit-jars.txt"))
            .trim()
            .split(","));
  }

  private static List<String> runtimeClasspath() throws IOException {
    return List.of(
        Files.readString(SparkTest.repoRoot().resolve("jobs/target/runtime-classpath.txt"))
            .trim()
            .split(java.io.File.pathSeparator));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    // The worker first: it stops its executors on the way down.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.destroy();
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
