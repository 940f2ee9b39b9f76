package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.NotebookChecks;
import io.polku.notebook.KernelSpec;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The notebooks are committed without outputs and name Polku's kernel. */
class NotebookFilesTest {
  @Test
  void notebooksAreStoredWithoutOutputsOnThePolkuKernel() throws Exception {
    List<Path> notebooks;
    try (Stream<Path> s = Files.list(SparkTest.repoRoot().resolve("notebooks"))) {
      notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertEquals(
        List.of(
            "01-explore-root-causes.ipynb",
            "02-custom-journey-signal.ipynb",
            "03-minimal-profile.ipynb"),
        notebooks.stream().map(p -> p.getFileName().toString()).toList());
    List<String> problems = new ArrayList<>();
    for (Path nb : notebooks) {
      problems.addAll(NotebookChecks.storedWithOutputs(nb));
      assertEquals(
          KernelSpec.NAME,
          new ObjectMapper().readTree(nb.toFile()).at("/metadata/kernelspec/name").asText(),
          nb.toString());
    }
    assertTrue(
        problems.isEmpty(),
        "strip the outputs before committing"
            + " (jupyter nbconvert --clear-output --inplace notebooks/*.ipynb): "
            + problems);
  }
}
