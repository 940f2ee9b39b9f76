package io.polku.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure (ArchUnit over the compiled main classes): no cycles between Polku's
 * packages, the pipeline knows no stage, and the pure packages stay free of the lake. A failure
 * names the classes on the cycle or the forbidden dependency.
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polku");
  }

  @Test
  void polkusPackagesHaveNoCycles() {
    ArchRule rule = slices().matching("io.polku.(*)..").should().beFreeOfCycles();
    rule.check(main);
  }

  @Test
  void thePipelineDependsOnNoStage() {
    Set<String> stagePackages =
        new TreeSet<>(
            Set.of(
                "ingest",
                "identity",
                "journey",
                "rootcause",
                "followup",
                "profile",
                "survey",
                "kpi"));
    Set<String> reached = topLevelPackagesReached("io.polku.pipeline", stagePackages);
    assertEquals(
        Set.of(),
        reached,
        "io.polku.pipeline must not depend on stage packages;"
            + " assemble pipelines in io.polku.nightly (StandardStages)");
  }

  @Test
  void statsAndContractDoNotTouchTheLakeOrTheStages() {
    for (String pure : new String[] {"io.polku.stats", "io.polku.contract"}) {
      Set<String> reached = new TreeSet<>();
      main.stream()
          .filter(c -> c.getPackageName().startsWith(pure))
          .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
          .map(d -> d.getTargetClass().getPackageName())
          .filter(p -> p.startsWith("io.polku.") && !p.startsWith(pure))
          .forEach(reached::add);
      assertEquals(Set.of(), reached, pure + " must depend on no other Polku package");
    }
  }

  @Test
  void theAnalysedResponsesDependOnNoStage() {
    // io.polku.analysis is what the root-cause and follow-up stages and the notebooks share;
    // a stage package behind it would pull one stage into the others.
    Set<String> stages =
        Set.of(
            "ingest",
            "identity",
            "journey",
            "rootcause",
            "followup",
            "profile",
            "survey",
            "kpi",
            "nightly",
            "cli");
    Set<String> reached = topLevelPackagesReached("io.polku.analysis", stages);
    assertEquals(Set.of(), reached, "io.polku.analysis must not depend on stage packages");
  }

  /** Which of {@code among} (io.polku.X names) the classes of package {@code from} use. */
  private static Set<String> topLevelPackagesReached(String from, Set<String> among) {
    Set<String> reached = new TreeSet<>();
    main.stream()
        .filter(c -> c.getPackageName().equals(from))
        .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
        .map(d -> d.getTargetClass().getPackageName())
        .filter(p -> p.startsWith("io.polku."))
        .map(p -> p.substring("io.polku.".length()).split("\\.")[0])
        .filter(among::contains)
        .forEach(reached::add);
    return reached;
  }

  /**
   * The cycle rule can fail: two classes made here that depend on each other across two packages (a
   * synthetic cycle, as a new import would make) are reported.
   */
  @Test
  void theCycleRuleReportsACycle() {
    JavaClasses withCycle =
        new ClassFileImporter()
            .importClasses(
                io.polku.architecture.fixture.a.A.class, io.polku.architecture.fixture.b.B.class);
    EvaluationResult result =
        slices()
            .matching("io.polku.architecture.fixture.(*)..")
            .should()
            .beFreeOfCycles()
            .evaluate(withCycle);
    assertTrue(result.hasViolation(), "a cycle a -> b -> a must be reported");
    String report = result.getFailureReport().toString();
    assertTrue(report.contains("fixture.a.A") && report.contains("fixture.b.B"), report);
    assertFalse(
        slices()
            .matching("io.polku.architecture.fixture.(*)..")
            .should()
            .beFreeOfCycles()
            .evaluate(
                new ClassFileImporter().importClasses(io.polku.architecture.fixture.b.B.class))
            .hasViolation());
  }
}
