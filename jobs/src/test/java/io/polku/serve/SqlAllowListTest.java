package io.polku.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.Test;

/**
 * The allow-lists against what the Spark and Delta on the classpath contain. A new version that
 * adds a logical-plan class or a built-in function fails here until someone decides: a class goes
 * on {@link SqlAllowList#PLAN_NODES} only if it only reads, and either way into {@code
 * spark-plan-classes.txt} (regenerate it with {@code -Dpolku.regenerate=true}, then review the
 * diff); a function goes into {@code allowed-functions.txt} or {@link
 * SqlAllowList#REFUSED_FUNCTIONS}.
 */
class SqlAllowListTest {
  private static final Path KNOWN =
      SparkTest.repoRoot().resolve("jobs/src/test/resources/io/polku/serve/spark-plan-classes.txt");

  /** Every concrete logical-plan class of Spark SQL, Hive, the Thrift server and Delta. */
  static Set<String> planClasses() throws IOException, URISyntaxException {
    Set<String> names = new TreeSet<>();
    Set<Path> jars = new TreeSet<>();
    for (Class<?> anchor :
        List.of(
            LogicalPlan.class,
            org.apache.spark.sql.SparkSession.class,
            org.apache.spark.sql.hive.HiveSessionStateBuilder.class,
            org.apache.spark.sql.hive.thriftserver.HiveThriftServer2.class,
            org.apache.spark.sql.delta.catalog.DeltaTableV2.class)) {
      jars.add(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    ClassLoader loader = SqlAllowListTest.class.getClassLoader();
    for (Path jar : jars) {
      try (JarFile f = new JarFile(jar.toFile())) {
        Enumeration<JarEntry> entries = f.entries();
        while (entries.hasMoreElements()) {
          String entry = entries.nextElement().getName();
          if (!entry.endsWith(".class") || entry.contains("$anon")) {
            continue;
          }
          String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          Class<?> c;
          try {
            c = Class.forName(name, false, loader);
          } catch (ClassNotFoundException | LinkageError e) {
            continue; // needs a class that is not on the classpath: cannot be planned here
          }
          if (LogicalPlan.class.isAssignableFrom(c)
              && !c.isInterface()
              && !Modifier.isAbstract(c.getModifiers())) {
            names.add(name);
          }
        }
      }
    }
    return names;
  }

  @Test
  void everyLogicalPlanClassOfThisSparkIsKnownAndOnlyReadOperatorsAreAllowed() throws Exception {
    Set<String> found = planClasses();
    if (Boolean.getBoolean("polku.regenerate")) {
      List<String> lines = new ArrayList<>();
      lines.add(
          "# Concrete logical-plan classes of Spark 3.5.4 (SQL, Hive, Thrift server) and"
              + " Delta 3.3.3; 'allow' marks the endpoint's allow-list (SqlAllowList.PLAN_NODES).");
      for (String c : found) {
        lines.add((SqlAllowList.PLAN_NODES.contains(c) ? "allow  " : "refuse ") + c);
      }
      Files.createDirectories(KNOWN.getParent());
      Files.write(KNOWN, lines);
    }
    Set<String> known = new TreeSet<>();
    Set<String> knownAllowed = new TreeSet<>();
    for (String line : Files.readAllLines(KNOWN)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      known.add(parts[1]);
      if (parts[0].equals("allow")) {
        knownAllowed.add(parts[1]);
      }
    }
    Set<String> added = new TreeSet<>(found);
    added.removeAll(known);
    assertEquals(
        Set.of(),
        added,
        "logical-plan classes nobody has decided on yet: add each to"
            + " "
            + KNOWN
            + " (allow only if it only reads, and then to SqlAllowList.PLAN_NODES)");
    Set<String> notReviewed = new TreeSet<>(SqlAllowList.PLAN_NODES);
    notReviewed.removeAll(knownAllowed);
    Set<String> notInGuard = new TreeSet<>(knownAllowed);
    notInGuard.removeAll(SqlAllowList.PLAN_NODES);
    assertEquals(Set.of(), notReviewed, "allowed by the guard, marked refuse in " + KNOWN);
    assertEquals(Set.of(), notInGuard, "marked allow in " + KNOWN + ", not in the guard");
    Set<String> notClasses = new TreeSet<>(SqlAllowList.PLAN_NODES);
    notClasses.removeAll(found);
    assertEquals(Set.of(), notClasses, "allowed names that are no plan class of this Spark");
    assertTrue(found.size() > 300, "the scan found Spark's plan classes: " + found.size());
    for (String refused :
        List.of(
            "org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation",
            "org.apache.spark.sql.hive.execution.InsertIntoHiveDirCommand",
            "org.apache.spark.sql.execution.command.AddJarsCommand",
            "org.apache.spark.sql.execution.command.AddFilesCommand",
            "org.apache.spark.sql.execution.command.CreateFunctionCommand",
            "org.apache.spark.sql.delta.commands.DeleteCommand",
            "org.apache.spark.sql.delta.commands.MergeIntoCommand",
            "io.delta.tables.execution.VacuumTableCommand")) {
      assertTrue(found.contains(refused) && !SqlAllowList.PLAN_NODES.contains(refused), refused);
    }
  }

  @Test
  void everyBuiltInFunctionIsDecidedAndTheRefusedAreNotAllowed() {
    Set<String> registry = new TreeSet<>();
    FunctionRegistry$.MODULE$.builtin().listFunction().foreach(f -> registry.add(f.funcName()));
    Set<String> decided = new TreeSet<>(SqlAllowList.FUNCTIONS);
    decided.addAll(SqlAllowList.REFUSED_FUNCTIONS.keySet());
    Set<String> undecided = new TreeSet<>(registry);
    undecided.removeAll(decided);
    assertEquals(
        Set.of(),
        undecided,
        "built-in functions nobody has decided on yet: add each"
            + " to allowed-functions.txt or SqlAllowList.REFUSED_FUNCTIONS");
    Set<String> gone = new TreeSet<>(decided);
    gone.removeAll(registry);
    assertEquals(Set.of(), gone, "names that are no built-in function of this Spark");
    for (String f : List.of("reflect", "java_method", "input_file_name", "xpath_string")) {
      assertTrue(!SqlAllowList.FUNCTIONS.contains(f), f);
    }

    Set<String> tableFunctions = new TreeSet<>();
    TableFunctionRegistry$.MODULE$
        .builtin()
        .listFunction()
        .foreach(f -> tableFunctions.add(f.funcName()));
    assertEquals(
        tableFunctions,
        new TreeSet<>(SqlAllowList.TABLE_FUNCTIONS),
        "every table-valued function of this Spark is decided (all of 3.5.4's only read)");
  }
}
