package io.polku.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The key declarations ({@link ConfigKeys}) and reference.conf agree: every leaf key of
 * reference.conf is declared, every declaration is in reference.conf, and with the same default.
 * reference.conf is parsed here with Typesafe Config, independently of the declarations; a declared
 * object (a map whose keys the user names, such as {@code polku.spark.conf}) is a leaf.
 * docs/configuration.md must be the generated text. Pure Java: never starts Spark.
 */
class ConfigKeysTest {
  private static final Config UNRESOLVED =
      ConfigFactory.parseResources(ConfigKeysTest.class.getClassLoader(), "reference.conf");

  /** Optional substitutions (${?POLKU_HOME}) without the environment: unset. */
  private static final Config REFERENCE = UNRESOLVED.resolve(ConfigResolveOptions.noSystem());

  private static Map<String, ConfigKey<?>> declared() {
    return ConfigKeys.all().stream()
        .filter(k -> !k.isFamily())
        .collect(Collectors.toMap(ConfigKey::key, Function.identity()));
  }

  @Test
  void everyReferenceKeyIsDeclaredAndEveryDeclarationIsInReferenceWithItsDefault() {
    Map<String, ConfigKey<?>> declared = declared();
    Set<String> inReference = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    walk("polku", UNRESOLVED.root().get("polku"), declared.keySet(), inReference);
    for (String key : inReference) {
      if (!declared.containsKey(key)) {
        problems.add(
            key
                + " is in reference.conf but not declared; expected a declaration in"
                + " its area's *Keys class (io.polku.config, listed in ConfigKeys.AREAS); add one");
      }
    }
    for (ConfigKey<?> k : declared.values()) {
      if (!inReference.contains(k.key())) {
        problems.add(
            k.key()
                + " is declared in "
                + k.area().title()
                + " but not in"
                + " reference.conf; add it there with its default and a comment, or remove the"
                + " declaration");
        continue;
      }
      Object reference = REFERENCE.hasPath(k.key()) ? k.type().read(REFERENCE, k.key()) : null;
      if (!java.util.Objects.equals(reference, k.defaultValue())) {
        problems.add(
            k.key()
                + ": declared default "
                + k.defaultText()
                + " ("
                + k.defaultValue()
                + ") but reference.conf has "
                + reference
                + "; make them equal");
      }
    }
    assertEquals(List.of(), problems, String.join("\n", problems));
  }

  /** Leaf keys of reference.conf; an object stops the walk where a key declares it whole. */
  private static void walk(String path, ConfigValue value, Set<String> declared, Set<String> out) {
    if (!declared.contains(path) && value instanceof ConfigObject object) {
      for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
        walk(path + "." + ConfigUtil.joinPath(e.getKey()), e.getValue(), declared, out);
      }
    } else {
      out.add(path);
    }
  }

  @Test
  void theSourceFamilyIsTheKeysASourceMayHave() {
    Set<String> declared =
        SourceKeys.AREA.keys().stream()
            .map(k -> k.key().substring(SourceKeys.AREA.prefix().length()))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        new TreeSet<>(KnownKeys.NAMED.get("polku.sources")),
        declared,
        "the keys of polku.sources.<name> that KnownKeys accepts and SourceKeys declares differ;"
            + " declare each accepted key in SourceKeys");
  }

  /** The maps whose keys the user names (KnownKeys) are each declared whole, as an object. */
  @Test
  void everyUserNamedMapIsDeclaredAsAnObject() {
    Map<String, ConfigKey<?>> declared = declared();
    Set<String> maps = new TreeSet<>(KnownKeys.OPEN);
    maps.addAll(KnownKeys.NAMED.keySet());
    List<String> problems = new ArrayList<>();
    for (String map : maps) {
      if (map.startsWith("polku.sources")) {
        continue; // the source family, checked above
      }
      ConfigKey<?> k = declared.get(map);
      if (k == null || k.type() != ConfigKey.Type.OBJECT) {
        problems.add(
            map
                + " takes keys the user names (KnownKeys) but is "
                + (k == null ? "not declared" : "declared as " + k.type())
                + "; declare it as an"
                + " objectConf() key");
      }
    }
    assertEquals(List.of(), problems, String.join("\n", problems));
  }

  @Test
  void everyDeclarationIsDocumentedOnceAndItsDefaultPassesItsCheck() {
    Set<String> seen = new TreeSet<>();
    for (ConfigKey<?> k : ConfigKeys.all()) {
      assertTrue(seen.add(k.key()), k.key() + " is declared twice");
      assertTrue(!k.doc().isBlank(), k.key() + " has no doc");
      if (k.hasDefault() && k.check() != null) {
        assertTrue(
            k.check().accepts(k.defaultValue()),
            k.key() + " = " + k.defaultText() + " fails its own check " + k.check().describe());
      }
    }
  }

  @Test
  void committedConfigurationReferenceMatchesTheDeclarations() throws Exception {
    Path doc = SparkTest.repoRoot().resolve("docs/configuration.md");
    assertEquals(
        ConfigDocs.markdown(),
        Files.readString(doc),
        "docs/configuration.md is stale;"
            + " regenerate it with: bin/polku docs --config --out docs/configuration.md");
  }
}
