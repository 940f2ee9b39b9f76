package io.polku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.notebook.KernelSpec;
import io.polku.testing.PolkuProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Executes every notebook in notebooks/ headless ({@code jupyter nbconvert --execute}) on the Java
 * kernel spec {@code bin/polku notebook} installs, against the end-to-end test's lake. A failing
 * cell fails nbconvert, and so the build.
 */
public final class NotebookChecks {
  static final String JUPYTER = "/usr/bin/jupyter";

  private final Path repo;
  private final Path tmp;
  private final String lakeRoot;
  private final ObjectMapper json = new ObjectMapper();

  NotebookChecks(Path repo, Path tmp, String lakeRoot) {
    this.repo = repo;
    this.tmp = tmp;
    this.lakeRoot = lakeRoot;
  }

  void run() throws Exception {
    assertTrue(
        Files.isExecutable(Path.of(JUPYTER)),
        JUPYTER
            + " is missing: the notebook"
            + " test needs Jupyter from the OS packages; install them with `apt-get install -y"
            + " jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client"
            + " python3-ipykernel` (.ci/run does this)");
    Path jupyterPath = tmp.resolve("jupyter");
    KernelSpec.install(
        jupyterPath.resolve("kernels"),
        repo.resolve("jobs/target/notebook/rapaio-jupyter-kernel.jar"),
        PolkuProcess.classpath(),
        repo,
        "3g");

    List<Path> notebooks;
    try (Stream<Path> s = Files.list(repo.resolve("notebooks"))) {
      notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertTrue(notebooks.size() >= 3, "notebooks: " + notebooks);
    for (Path nb : notebooks) {
      long t0 = System.nanoTime();
      Result r = execute(jupyterPath, nb);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertEquals(0, r.exit, nb.getFileName() + " failed:\n" + r.log);
      JsonNode out = json.readTree(r.output.toFile());
      int code = 0;
      for (JsonNode cell : out.get("cells")) {
        if (!cell.get("cell_type").asText().equals("code")) {
          continue;
        }
        code++;
        assertTrue(cell.get("execution_count").isInt(), nb + ": a cell did not run");
        for (JsonNode o : cell.get("outputs")) {
          assertNotEquals("error", o.get("output_type").asText(), nb + ": " + o);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "notebook %s: %d code cells executed in %.1f s%n",
          nb.getFileName(),
          code,
          seconds);
    }

    // The check can fail: a notebook with a failing cell makes nbconvert fail.
    Path broken = tmp.resolve("broken.ipynb");
    Files.writeString(
        broken,
        "{\"cells\": [{\"cell_type\": \"code\", \"execution_count\":"
            + " null, \"metadata\": {}, \"outputs\": [], \"source\": [\"int x = 1;\\n\","
            + " \"if (x == 1) throw new IllegalStateException(\\\"a failing cell\\\");\"]}],"
            + " \"metadata\": {\"kernelspec\": {\"name\": \"polku-java\", \"display_name\":"
            + " \"Polku\", \"language\": \"java\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}");
    Result failed = execute(jupyterPath, broken);
    assertNotEquals(0, failed.exit, "a failing cell fails the run:\n" + failed.log);
    assertTrue(failed.log.contains("a failing cell"), failed.log);
  }

  private static final int STARTS = 4;
  private static final int STARTUP_SECONDS = 30;

  private record Result(int exit, Path output, String log) {}

  /**
   * Runs nbconvert; up to {@value #STARTS} starts while the kernel failed at start (it never
   * answered, or died before its first reply: {@link #startFailed}): a start-up hang or crash of
   * the kernel process (rapaio-jupyter-kernel 3.0.1: one start in 4 to 8 hangs, see
   * docs/usage.md#notebooks), not a notebook failure. A healthy start answers in about 3 s, hence
   * {@value #STARTUP_SECONDS} s per start. A failing cell is never retried.
   */
  private Result execute(Path jupyterPath, Path notebook) throws IOException, InterruptedException {
    StringBuilder hangs = new StringBuilder();
    Result r = executeOnce(jupyterPath, notebook);
    for (int attempt = 2; attempt <= STARTS && r.exit != 0 && startFailed(r.log); attempt++) {
      System.out.println(
          "notebook "
              + notebook.getFileName()
              + ": the kernel did not answer"
              + " at start; start "
              + attempt
              + " of "
              + STARTS);
      hangs
          .append("start ")
          .append(attempt - 1)
          .append(" (kernel start-up hang):\n")
          .append(r.log)
          .append('\n');
      r = executeOnce(jupyterPath, notebook);
    }
    return hangs.isEmpty() ? r : new Result(r.exit, r.output, hangs + "last start:\n" + r.log);
  }

  /**
   * The kernel failed before the first cell: it never answered, or it died before replying to
   * kernel_info (rapaio-jupyter-kernel 3.0.1's shell channel can take a message before its handlers
   * are set: a NullPointerException on "this.handlers", then the process exits).
   */
  private static boolean startFailed(String log) {
    return log.contains("Kernel didn't respond in")
        || log.contains("Kernel died before replying to kernel_info");
  }

  private Result executeOnce(Path jupyterPath, Path notebook)
      throws IOException, InterruptedException {
    Path outDir = tmp.resolve("executed");
    Files.createDirectories(outDir);
    Path log = tmp.resolve(notebook.getFileName() + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                JUPYTER,
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=900",
                "--ExecutePreprocessor.startup_timeout=" + STARTUP_SECONDS,
                "--ExecutePreprocessor.kernel_name=" + KernelSpec.NAME,
                "--output-dir",
                outDir.toString(),
                notebook.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
    pb.environment().put("JUPYTER_RUNTIME_DIR", tmp.resolve("jupyter-runtime").toString());
    pb.environment().put("POLKU_LAKE_ROOT", lakeRoot);
    pb.environment().put("POLKU_LOGS_DIR", tmp.resolve("notebook-logs").toString());
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    return new Result(p.exitValue(), outDir.resolve(notebook.getFileName()), text);
  }

  /** Cells the notebooks are stored with: no outputs, never executed (checked by a test). */
  public static List<String> storedWithOutputs(Path notebook) throws IOException {
    List<String> problems = new ArrayList<>();
    JsonNode nb = new ObjectMapper().readTree(notebook.toFile());
    int i = 0;
    for (JsonNode cell : nb.get("cells")) {
      i++;
      if (cell.get("cell_type").asText().equals("code")
          && (cell.get("outputs").size() > 0 || !cell.get("execution_count").isNull())) {
        problems.add(notebook.getFileName() + " cell " + i);
      }
    }
    return problems;
  }
}
