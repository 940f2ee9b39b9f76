package io.polku.testing;

import io.polku.notebook.KernelSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code bin/polku} as a separate JVM, the way the launcher starts it (Spark's Java 17 flags,
 * Polku's classes and Maven's runtime classpath), for what must run in its own process: the SQL
 * endpoint (its session settings are fixed at start) and anything killed on purpose.
 */
public final class PolkuProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private PolkuProcess(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
              }
            },
            "polku-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Follows the output of a process started elsewhere (merged stdout and stderr). */
  public static PolkuProcess of(Process process) {
    return new PolkuProcess(process);
  }

  /** Polku's classes and Maven's runtime classpath (written at generate-resources). */
  public static List<String> classpath() throws IOException {
    Path target = SparkTest.repoRoot().resolve("jobs/target");
    List<String> cp = new ArrayList<>();
    cp.add(target.resolve("classes").toString());
    cp.addAll(
        List.of(
            Files.readString(target.resolve("runtime-classpath.txt"))
                .trim()
                .split(java.io.File.pathSeparator)));
    return cp;
  }

  public static PolkuProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.addAll(KernelSpec.sparkJvmFlags());
    cmd.add("-Dderby.stream.error.file=/dev/null");
    cmd.add("-cp");
    cmd.add(String.join(java.io.File.pathSeparator, classpath()));
    cmd.add("io.polku.cli.Polku");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("POLKU_HOME", SparkTest.repoRoot().toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    return new PolkuProcess(pb.start());
  }

  /** Waits until a line matches, failing with the output so far when it does not come. */
  public String await(Pattern pattern, Duration timeout) throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    int seen = 0;
    while (Instant.now().isBefore(end)) {
      synchronized (lines) {
        for (; seen < lines.size(); seen++) {
          if (pattern.matcher(lines.get(seen)).find()) {
            return lines.get(seen);
          }
        }
      }
      if (!process.isAlive() && seen >= lines.size()) {
        throw new AssertionError(
            "the process exited with "
                + process.exitValue()
                + " before printing /"
                + pattern
                + "/; its output:\n"
                + output());
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no line matched /" + pattern + "/ within " + timeout + "; output:\n" + output());
  }

  public String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
