package io.polku.notebook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Jupyter kernel spec of Polku's notebooks: the Java kernel (rapaio-jupyter-kernel, a JShell
 * kernel) started with the Java 17 flags Spark needs, a log4j2 file configuration (the kernel fails
 * with "No bound env" without one) and the project's classpath handed to JShell through {@code
 * RJK_CLASSPATH}.
 */
public final class KernelSpec {
  public static final String NAME = "polku-java";

  private KernelSpec() {}

  /**
   * The JVM flags Spark needs on Java 17 ({@code --add-opens ...}, reflection and Netty settings),
   * taken from this JVM, which {@code bin/polku} (or surefire) started with them: one list, kept in
   * the launcher and the pom.
   */
  public static List<String> sparkJvmFlags() {
    List<String> flags = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("-Djdk.reflect.")
          || a.startsWith("-Dio.netty.")) {
        flags.add(a);
      }
    }
    if (flags.stream().noneMatch(f -> f.startsWith("--add-opens"))) {
      throw new IllegalStateException(
          "this JVM was started without Spark's --add-opens flags,"
              + " so the kernel spec cannot copy them; run through bin/polku");
    }
    return flags;
  }

  /**
   * Writes {@code <kernelsDir>/polku-java/kernel.json} and its log4j2 file; returns the kernel's
   * folder.
   *
   * @param kernelsDir a Jupyter {@code kernels} folder (e.g. ~/.local/share/jupyter/kernels)
   * @param kernelJar the rapaio-jupyter-kernel jar
   * @param classpath Polku's jar (or classes folder) and its dependencies
   * @param polkuHome the checkout, for conf/ and the relative lake path
   * @param memory the kernel's heap, e.g. 4g
   */
  public static Path install(
      Path kernelsDir, Path kernelJar, List<String> classpath, Path polkuHome, String memory)
      throws IOException {
    if (!Files.isRegularFile(kernelJar)) {
      throw new IllegalStateException(
          "the Java kernel jar "
              + kernelJar
              + " does not exist;"
              + " expected it from the build (mvn -B -DskipTests package copies it to"
              + " jobs/target/notebook); build first");
    }
    Path dir = kernelsDir.resolve(NAME);
    Files.createDirectories(dir);
    Path log4j = dir.resolve("log4j2.properties");
    try (InputStream in = KernelSpec.class.getResourceAsStream("/log4j2.properties")) {
      if (in == null) {
        throw new IllegalStateException("log4j2.properties is missing from Polku's jar");
      }
      Files.copy(in, log4j, StandardCopyOption.REPLACE_EXISTING);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = json.createObjectNode();
    ArrayNode argv = spec.putArray("argv");
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-Xmx" + memory);
    sparkJvmFlags().forEach(argv::add);
    argv.add("-Djava.awt.headless=true");
    argv.add("-Dderby.stream.error.file=/dev/null");
    argv.add("-Dlog4j2.configurationFile=" + log4j.toUri());
    argv.add("-jar");
    argv.add(kernelJar.toAbsolutePath().toString());
    argv.add("{connection_file}");
    spec.put("display_name", "Polku (Java 17, Spark)");
    spec.put("language", "java");
    spec.put("interrupt_mode", "message");
    ObjectNode env = spec.putObject("env");
    env.put("RJK_CLASSPATH", String.join(";", classpath));
    env.put("POLKU_HOME", polkuHome.toAbsolutePath().toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    Files.writeString(
        dir.resolve("kernel.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(spec));
    return dir;
  }
}
