package io.polku.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible server (s3proxy, copied by Maven to jobs/target/s3proxy) as its own JVM on
 * 127.0.0.1 and a free port, storing objects in a folder. In Spark's JVM it would clash with
 * Spark's classpath; as a process it is also what a lake on MinIO or Ceph looks like.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "polku-test-access-key";
  public static final String SECRET_KEY = "polku-test-secret-key";

  private final Process process;
  private final int port;
  private final Path data;

  private S3Server(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  /** Starts the server with the given (empty) buckets; waits until it answers HTTP. */
  public static S3Server start(Path dir, String... buckets)
      throws IOException, InterruptedException {
    Path jar = SparkTest.repoRoot().resolve("jobs/target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing; Maven copies it at"
              + " generate-test-resources (mvn -B verify, or mvn -B test-compile -pl jobs)");
    }
    Path data = Files.createDirectories(dir.resolve("objects"));
    for (String bucket : buckets) {
      // The filesystem backend keeps a bucket as a folder.
      Files.createDirectories(data.resolve(bucket));
    }
    int port = freePort();
    Path properties = dir.resolve("s3proxy.properties");
    Files.writeString(
        properties,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + data,
            ""));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar.toString(),
                "--properties",
                properties.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    S3Server server = new S3Server(p, port, data);
    server.awaitHttp(Duration.ofSeconds(60), dir.resolve("s3proxy.log"));
    return server;
  }

  private void awaitHttp(Duration timeout, Path log) throws IOException, InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "s3proxy exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint()).toURL().openConnection();
        c.setConnectTimeout(1000);
        c.getResponseCode(); // 403 without credentials: it is up
        c.disconnect();
        return;
      } catch (IOException notYet) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException(
        "s3proxy did not answer on "
            + endpoint()
            + " within "
            + timeout
            + ": "
            + Files.readString(log));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The folder holding the objects (a bucket per subfolder). */
  public Path data() {
    return data;
  }

  /**
   * The S3A settings for this server (Hadoop keys, without {@code spark.hadoop.}): path-style
   * access, plain HTTP, static credentials, and directory markers kept (s3proxy answers S3A's bulk
   * delete of parent markers only after a 40 s stall; keeping them is also what Hadoop recommends
   * for speed).
   */
  public Map<String, String> hadoopConf() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("fs.s3a.endpoint", endpoint());
    c.put("fs.s3a.endpoint.region", "us-east-1");
    c.put("fs.s3a.path.style.access", "true");
    c.put("fs.s3a.connection.ssl.enabled", "false");
    c.put(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    c.put("fs.s3a.access.key", ACCESS_KEY);
    c.put("fs.s3a.secret.key", SECRET_KEY);
    c.put("fs.s3a.directory.marker.retention", "keep");
    return c;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
