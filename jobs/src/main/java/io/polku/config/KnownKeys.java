package io.polku.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds keys under {@code polku} that are not Polku settings (a misspelled key would otherwise be
 * ignored and its setting silently stay at the default), each with the closest known key.
 *
 * <p>The known keys are the tree of {@code reference.conf} on the class path, read unresolved so
 * that keys defaulting to an unset {@code ${?VAR}} count too: a key added there is known without
 * any change here. A list whose default holds objects (survey triggers, caps) checks each
 * configured element against the keys of those objects. Only the subtrees whose keys the user
 * chooses are declared here: {@link #OPEN} (any key) and {@link #NAMED} (any entry name, the
 * entry's own keys fixed). A new map of user-chosen keys in reference.conf must be added to one of
 * them, or its keys are errors.
 *
 * <p>Cost: one parse of reference.conf per class loader, then a walk of the user's keys.
 */
final class KnownKeys {
  /**
   * Subtrees whose keys are free: passed through (Spark settings, Spark reader options) or checked
   * by their own reader (team routes, value tiers, SQL conditions, Z-order tables, column mappings,
   * raw channel values). {@code *} is any one key.
   */
  static final Set<String> OPEN =
      Set.of(
          "polku.spark.conf",
          "polku.followups.teams",
          "polku.followups.value-points",
          "polku.rootcause.conditions",
          "polku.maintenance.zorder",
          "polku.sources.*.options",
          "polku.sources.*.columns",
          "polku.sources.*.channel-map");

  /**
   * Subtrees whose entries the user names. An entry's known keys are the union of the keys of the
   * entries reference.conf gives, plus the ones listed here (polku.sources has none in
   * reference.conf: its keys are those {@code PolkuConfig} reads of a source).
   */
  static final Map<String, Set<String>> NAMED =
      Map.of(
          "polku.sources",
              Set.of(
                  "kind",
                  "format",
                  "paths",
                  "options",
                  "schema",
                  "columns",
                  "channel-map",
                  "max-quarantine-share",
                  "enabled",
                  "encoding",
                  "file-date-pattern",
                  "file-date-margin-days",
                  "snapshot"),
          "polku.rootcause.critical", Set.of(),
          "polku.rootcause.properties",
              Set.of("key", "channel", "event-type", "edges", "quantiles"),
          "polku.surveys.surveys", Set.of());

  private static final Node KNOWN =
      build(ConfigFactory.parseResources(KnownKeys.class.getClassLoader(), "reference.conf"));

  private KnownKeys() {}

  /** A problem for every unknown key under {@code polku} in {@code config} (unresolved is fine). */
  static List<String> unknown(Config config) {
    return check(config, KNOWN);
  }

  /** As {@link #unknown(Config)}, with the known keys of {@code reference} (unresolved). */
  static List<String> unknown(Config config, Config reference) {
    return check(config, build(reference));
  }

  private static List<String> check(Config config, Node known) {
    List<String> problems = new ArrayList<>();
    ConfigValue polku = config.root().get("polku");
    if (polku != null) {
      known.check("polku", polku, problems);
    }
    return problems;
  }

  // ---- the known tree ----

  /** What may be configured at one place of the tree. */
  private abstract static class Node {
    abstract void check(String shown, ConfigValue value, List<String> problems);
  }

  /** Any value: a setting, or a subtree whose keys are free. */
  private static final class Open extends Node {
    @Override
    void check(String shown, ConfigValue value, List<String> problems) {}
  }

  /** An object with fixed keys. */
  private static final class Fixed extends Node {
    final Map<String, Node> children;
    final String scope;
    final Root root;

    Fixed(Map<String, Node> children, String scope, Root root) {
      this.children = children;
      this.scope = scope;
      this.root = root;
    }

    @Override
    void check(String shown, ConfigValue value, List<String> problems) {
      ConfigObject object = keysOf(value);
      if (object == null) {
        return; // not an object: a type error, which the setting's reader reports
      }
      for (String key : new TreeSet<>(object.keySet())) {
        String at = shown + "." + quote(key);
        Node child = children.get(key);
        if (child == null) {
          problems.add(root.problem(at, shown, key, this));
        } else {
          child.check(at, object.get(key), problems);
        }
      }
    }
  }

  /** An object whose keys the user names; each entry is checked against one template. */
  private static final class Named extends Node {
    final Node entry;

    Named(Node entry) {
      this.entry = entry;
    }

    @Override
    void check(String shown, ConfigValue value, List<String> problems) {
      ConfigObject object = keysOf(value);
      if (object == null) {
        return;
      }
      for (String key : new TreeSet<>(object.keySet())) {
        entry.check(shown + "." + quote(key), object.get(key), problems);
      }
    }
  }

  /** A list whose elements are objects with fixed keys. */
  private static final class ListOf extends Node {
    final Node element;

    ListOf(Node element) {
      this.element = element;
    }

    @Override
    void check(String shown, ConfigValue value, List<String> problems) {
      if (value instanceof ConfigList list) {
        for (int i = 0; i < list.size(); i++) {
          element.check(shown + "[" + i + "]", list.get(i), problems);
        }
      }
    }
  }

  /** Every known key path, for suggesting a key that sits under the wrong parent. */
  private static final class Root {
    final List<String> paths = new ArrayList<>();

    String problem(String at, String parentShown, String key, Fixed parent) {
      List<String> close =
          closest(key, parent.children.keySet()).stream()
              .map(k -> parentShown + "." + quote(k))
              .toList();
      if (close.isEmpty()) {
        // The same key elsewhere: a setting put under the wrong section.
        close = paths.stream().filter(p -> normalise(last(p)).equals(normalise(key))).toList();
      }
      String known =
          "Known keys "
              + parent.scope.replace("<parent>", parentShown)
              + ": "
              + String.join(", ", new TreeSet<>(parent.children.keySet()));
      if (close.isEmpty()) {
        return at
            + " is not a Polku setting; no known key is close. "
            + known
            + "; remove it or fix its name";
      }
      return at
          + " is not a Polku setting; did you mean "
          + String.join(" or ", close)
          + "? "
          + known;
    }
  }

  private static Node build(Config reference) {
    Root root = new Root();
    ConfigValue polku = reference.root().get("polku");
    return polku == null ? new Open() : node("polku", polku, root, "under <parent>", true);
  }

  /**
   * The node for {@code path} (a pattern: named entries are {@code *}) whose default is {@code
   * ref}; {@code record} adds its keys to the paths suggested across sections.
   */
  private static Node node(String path, ConfigValue ref, Root root, String scope, boolean record) {
    if (OPEN.contains(path)) {
      return new Open();
    }
    if (NAMED.containsKey(path)) {
      Map<String, ConfigValue> union = new TreeMap<>();
      ConfigObject entries = keysOf(ref);
      if (entries != null) {
        for (ConfigValue entry : entries.values()) {
          ConfigObject e = keysOf(entry);
          if (e != null) {
            e.forEach(union::putIfAbsent);
          }
        }
      }
      for (String key : NAMED.get(path)) {
        union.putIfAbsent(key, null);
      }
      String entryScope =
          path.equals("polku.sources")
              ? "of a source (polku.sources.<name>)"
              : "of each entry of " + path;
      return new Named(fixed(path + ".*", union, root, entryScope, false));
    }
    ConfigObject object = keysOf(ref);
    if (object != null) {
      Map<String, ConfigValue> children = new TreeMap<>(object);
      return fixed(path, children, root, scope, record);
    }
    if (ref instanceof ConfigList list && !list.isEmpty()) {
      Map<String, ConfigValue> union = new TreeMap<>();
      for (ConfigValue element : list) {
        ConfigObject e = keysOf(element);
        if (e == null) {
          return new Open(); // a list of values, not of objects
        }
        e.forEach(union::putIfAbsent);
      }
      return new ListOf(fixed(path + "[]", union, root, "of each element of " + path, false));
    }
    return new Open();
  }

  private static Fixed fixed(
      String path, Map<String, ConfigValue> children, Root root, String scope, boolean record) {
    Map<String, Node> nodes = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : children.entrySet()) {
      String child = path + "." + quote(e.getKey());
      if (record) {
        root.paths.add(child);
      }
      nodes.put(e.getKey(), node(child, e.getValue(), root, "under <parent>", record));
    }
    return new Fixed(nodes, scope, root);
  }

  /** The object, or null when the value is not one (or is an unresolved merge of objects). */
  @SuppressWarnings("ReturnValueIgnored") // keySet() throws NotResolved: the call is the check
  private static ConfigObject keysOf(ConfigValue value) {
    if (!(value instanceof ConfigObject object)) {
      return null;
    }
    try {
      object.keySet();
      return object;
    } catch (com.typesafe.config.ConfigException.NotResolved e) {
      return null; // an object merged with a substitution: its keys are known only resolved
    }
  }

  /** Known keys within edit distance of {@code key}, closest first (ties: all of them). */
  static List<String> closest(String key, Set<String> known) {
    String k = normalise(key);
    int limit = Math.max(1, Math.min(3, k.length() / 3));
    int best = Integer.MAX_VALUE;
    List<String> out = new ArrayList<>();
    for (String candidate : new TreeSet<>(known)) {
      int d = distance(k, normalise(candidate));
      if (d > limit || d > best) {
        continue;
      }
      if (d < best) {
        best = d;
        out.clear();
      }
      out.add(candidate);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** maxQuarantineShare, max_quarantine_share and max-quarantine-share compare equal. */
  private static String normalise(String key) {
    return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static String last(String path) {
    List<String> parts = ConfigUtil.splitPath(path);
    return parts.get(parts.size() - 1);
  }

  private static String quote(String key) {
    return ConfigUtil.joinPath(key);
  }
}
