package io.polku.cli;

import io.polku.notebook.KernelSpec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Installs the notebooks' Java kernel and starts Jupyter on notebooks/. */
@Command(
    name = "notebook",
    mixinStandardHelpOptions = true,
    description = {
      "Install the Jupyter kernel spec 'polku-java' (the Java kernel with Polku's"
          + " classpath and Spark's Java 17 flags) and start Jupyter on notebooks/.",
      "Jupyter comes from the OS packages: apt-get install jupyter-notebook"
          + " jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel"
    })
public final class NotebookCommand implements Callable<Integer> {
  @Option(names = "--install-only", description = "Install the kernel spec and exit.")
  boolean installOnly;

  @Option(
      names = "--kernels-dir",
      paramLabel = "DIR",
      description =
          "Jupyter kernels folder."
              + " Default: $JUPYTER_DATA_DIR/kernels or ~/.local/share/jupyter/kernels.")
  Path kernelsDir;

  @Option(
      names = "--jupyter",
      defaultValue = "/usr/bin/jupyter",
      description =
          "The jupyter"
              + " command (the Debian package's, not a pyenv one). Default: ${DEFAULT-VALUE}.")
  String jupyter;

  @Option(
      names = "--memory",
      defaultValue = "4g",
      description = "Kernel heap. Default:" + " ${DEFAULT-VALUE}.")
  String memory;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getenv().getOrDefault("POLKU_HOME", ".")).toAbsolutePath();
    Path kernels = kernelsDir != null ? kernelsDir : defaultKernelsDir();
    List<String> classpath =
        new ArrayList<>(
            Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
    Path dir =
        KernelSpec.install(
            kernels,
            home.resolve("jobs/target/notebook/" + "rapaio-jupyter-kernel.jar"),
            classpath,
            home,
            memory);
    System.out.println("Installed the kernel spec " + KernelSpec.NAME + " in " + dir);
    if (installOnly) {
      return ExitCodes.OK;
    }
    if (!Files.isExecutable(Path.of(jupyter))) {
      throw new IllegalArgumentException(
          "--jupyter "
              + jupyter
              + " is not an executable;"
              + " expected Jupyter from the OS packages (apt-get install jupyter-notebook"
              + " jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel) or pass"
              + " --jupyter PATH");
    }
    Process p =
        new ProcessBuilder(jupyter, "notebook", "--notebook-dir=" + home.resolve("notebooks"))
            .inheritIO()
            .start();
    return p.waitFor() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  static Path defaultKernelsDir() {
    String data = System.getenv("JUPYTER_DATA_DIR");
    return data != null
        ? Path.of(data, "kernels")
        : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter", "kernels");
  }
}
