package io.polku.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class IdentityGraphTest {
  private final SparkSession spark = SparkTest.spark();

  private static final StructType IDS =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("anonymous_id", DataTypes.StringType)
          .add("device_id", DataTypes.StringType)
          .add("email_hash", DataTypes.StringType)
          .add("phone_hash", DataTypes.StringType);
  private static final StructType EVENTS = IDS.add("event_ts", DataTypes.TimestampType);
  private static final StructType FEEDBACK = IDS.add("response_ts", DataTypes.TimestampType);
  private static final StructType LINKS =
      new StructType()
          .add("id_type_a", DataTypes.StringType)
          .add("id_a", DataTypes.StringType)
          .add("id_type_b", DataTypes.StringType)
          .add("id_b", DataTypes.StringType)
          .add("observed_ts", DataTypes.TimestampType);
  private static final StructType EDGES =
      new StructType().add("a", DataTypes.StringType).add("b", DataTypes.StringType);
  private static final StructType MAP =
      new StructType()
          .add("id_type", DataTypes.StringType)
          .add("id", DataTypes.StringType)
          .add("customer_key", DataTypes.StringType);

  // ------------------------------------------------------------------ fixtures

  private static Timestamp ts(String iso) {
    return Timestamp.from(java.time.Instant.parse(iso));
  }

  /** customer_id, anonymous_id, device_id, email_hash, phone_hash, ts. */
  private static Row ev(
      String customer, String anon, String device, String email, String phone, String iso) {
    return RowFactory.create(customer, anon, device, email, phone, ts(iso));
  }

  private Dataset<Row> events(Row... rows) {
    return spark.createDataFrame(List.of(rows), EVENTS);
  }

  private Dataset<Row> feedback(Row... rows) {
    return spark.createDataFrame(List.of(rows), FEEDBACK);
  }

  private Dataset<Row> links(Row... rows) {
    return spark.createDataFrame(List.of(rows), LINKS);
  }

  private Dataset<Row> noEvents() {
    return events();
  }

  private Dataset<Row> noLinks() {
    return links();
  }

  /** Canonical edges from node-string pairs. */
  private Dataset<Row> edgesOf(List<String[]> pairs) {
    List<Row> rows = new ArrayList<>();
    for (String[] p : pairs) {
      rows.add(RowFactory.create(p[0], p[1]));
    }
    return IdentityGraph.canonical(spark.createDataFrame(rows, EDGES));
  }

  /** A node table (node, id_type, id) from node strings. */
  private Dataset<Row> nodesOf(Set<String> nodes) {
    List<Row> rows = new ArrayList<>();
    for (String n : nodes) {
      rows.add(RowFactory.create(n));
    }
    Dataset<Row> df =
        spark.createDataFrame(rows, new StructType().add("node", DataTypes.StringType));
    return df.withColumn("id_type", IdentityGraph.idType(df.col("node")))
        .withColumn("id", IdentityGraph.id(df.col("node")));
  }

  private static Map<String, String> labelsOf(Dataset<Row> labels) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : labels.select("node", "label").collectAsList()) {
      assertEquals(null, out.put(r.getString(0), r.getString(1)), "one row per node");
    }
    return out;
  }

  private Map<String, String> components(List<String[]> pairs, Set<String> nodes) {
    IdentityGraph.Components c =
        IdentityGraph.connectedComponents(edgesOf(pairs), nodesOf(nodes), 40, 4);
    return labelsOf(c.labels());
  }

  /** The independent method: union-find with path halving, the label = component minimum. */
  private static Map<String, String> unionFind(List<String[]> pairs, Set<String> nodes) {
    Map<String, String> parent = new HashMap<>();
    for (String n : nodes) {
      parent.put(n, n);
    }
    for (String[] p : pairs) {
      String a = find(parent, p[0]);
      String b = find(parent, p[1]);
      if (!a.equals(b)) {
        if (a.compareTo(b) < 0) {
          parent.put(b, a);
        } else {
          parent.put(a, b);
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    for (String n : nodes) {
      out.put(n, find(parent, n));
    }
    return out;
  }

  private static String find(Map<String, String> parent, String n) {
    while (!parent.get(n).equals(n)) {
      parent.put(n, parent.get(parent.get(n)));
      n = parent.get(n);
    }
    return n;
  }

  private static String sha16(String text) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes("UTF-8"));
    return "ck_" + HexFormat.of().formatHex(d).substring(0, 16);
  }

  private static List<String[]> pairs(String... nodes) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < nodes.length; i += 2) {
      out.add(new String[] {nodes[i], nodes[i + 1]});
    }
    return out;
  }

  // ------------------------------------------------------------------ graph

  @Test
  void nodesCarryFirstAndLastSeenOverAllInputsAndIdsMayContainColons() {
    Dataset<Row> nodes =
        IdentityGraph.nodes(
            events(
                ev("C1", "ck:1", null, null, null, "2026-09-02T10:00:00Z"),
                ev("C1", null, null, "", null, "2026-09-05T10:00:00Z")),
            feedback(ev("C1", null, null, "e1", null, "2026-09-01T09:00:00Z")),
            links(
                RowFactory.create(
                    "anonymous_id", "ck:1", "customer_id", "C1", ts("2026-09-09T00:00:00Z"))));
    Map<String, String> got = new TreeMap<>();
    for (Row r : nodes.collectAsList()) {
      got.put(
          r.getAs("node"),
          r.getAs("id_type")
              + "|"
              + r.getAs("id")
              + "|"
              + r.getAs("first_seen")
              + "|"
              + r.getAs("last_seen"));
    }
    Map<String, String> expected =
        new TreeMap<>(
            Map.of(
                "customer_id:C1",
                    "customer_id|C1|"
                        + ts("2026-09-01T09:00:00Z")
                        + "|"
                        + ts("2026-09-09T00:00:00Z"),
                "anonymous_id:ck:1",
                    "anonymous_id|ck:1|"
                        + ts("2026-09-02T10:00:00Z")
                        + "|"
                        + ts("2026-09-09T00:00:00Z"),
                "email_hash:e1",
                    "email_hash|e1|"
                        + ts("2026-09-01T09:00:00Z")
                        + "|"
                        + ts("2026-09-01T09:00:00Z")));
    assertEquals(expected, got, "the empty e-mail hash is absent, not a node");
  }

  @Test
  void edgesAreStarsFromTheHighestPriorityIdentifierPlusLinksDeduplicated() {
    Dataset<Row> edges =
        IdentityGraph.edges(
            events(
                ev("C1", "a1", null, "e1", null, "2026-09-01T00:00:00Z"),
                ev("C1", "a1", null, "e1", null, "2026-09-02T00:00:00Z"),
                ev(null, "a2", "d2", null, null, "2026-09-01T00:00:00Z"),
                ev(null, "a3", null, null, null, "2026-09-01T00:00:00Z")),
            feedback(ev(null, null, null, "e4", "p4", "2026-09-01T00:00:00Z")),
            links(
                RowFactory.create(
                    "device_id", "d2", "customer_id", "C2", ts("2026-09-01T00:00:00Z")),
                RowFactory.create(
                    "customer_id", "C2", "device_id", "d2", ts("2026-09-03T00:00:00Z"))));
    Set<String> got = new TreeSet<>();
    for (Row r : edges.collectAsList()) {
      assertTrue(r.getString(0).compareTo(r.getString(1)) < 0, "src < dst: " + r);
      assertTrue(got.add(r.getString(0) + " - " + r.getString(1)), "distinct: " + r);
    }
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "customer_id:C1 - email_hash:e1",
                "anonymous_id:a1 - customer_id:C1",
                "anonymous_id:a2 - device_id:d2",
                "email_hash:e4 - phone_hash:p4",
                "customer_id:C2 - device_id:d2"));
    assertEquals(expected, got, "no e-mail to cookie edge: a star, not a clique");
  }

  @Test
  void aChainAndAPairAreTwoComponentsLabelledByTheirMinimum() {
    Set<String> nodes =
        Set.of(
            "anonymous_id:a",
            "anonymous_id:b",
            "anonymous_id:c",
            "anonymous_id:d",
            "device_id:x",
            "customer_id:y",
            "email_hash:lonely");
    Map<String, String> got =
        components(
            pairs(
                "anonymous_id:c", "anonymous_id:d",
                "anonymous_id:a", "anonymous_id:b",
                "anonymous_id:b", "anonymous_id:c",
                "device_id:x", "customer_id:y"),
            nodes);
    Map<String, String> expected = new TreeMap<>();
    for (String n :
        List.of("anonymous_id:a", "anonymous_id:b", "anonymous_id:c", "anonymous_id:d")) {
      expected.put(n, "anonymous_id:a");
    }
    expected.put("device_id:x", "customer_id:y");
    expected.put("customer_id:y", "customer_id:y");
    expected.put("email_hash:lonely", "email_hash:lonely");
    assertEquals(expected, got);
  }

  @Test
  void aLongPathAndRandomComponentsEqualUnionFind() {
    Random rnd = new Random(7);
    List<String> path = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      path.add(String.format("device_id:n%03d", i));
    }
    Collections.shuffle(path, rnd); // the minimum sits somewhere in the middle of the path
    List<String[]> edges = new ArrayList<>();
    for (int i = 0; i + 1 < path.size(); i++) {
      edges.add(new String[] {path.get(i), path.get(i + 1)});
    }
    Set<String> nodes = new HashSet<>(path);
    for (int i = 0; i < 60; i++) { // a sparse random graph: a few trees and cycles
      String a = "anonymous_id:r" + rnd.nextInt(80);
      String b = "anonymous_id:r" + rnd.nextInt(80);
      nodes.add(a);
      nodes.add(b);
      edges.add(new String[] {a, b});
    }
    IdentityGraph.Components c =
        IdentityGraph.connectedComponents(edgesOf(edges), nodesOf(nodes), 40, 2);
    Map<String, String> got = labelsOf(c.labels());
    System.out.println("IdentityGraphTest: path of 30 + random graph: " + c.rounds() + " rounds");
    assertEquals(unionFind(edges, nodes), got);
    assertTrue(c.rounds() >= 2, "a 30-node path needs several rounds, took " + c.rounds());
  }

  @Test
  void failsWithAClearMessageAfterMaxRounds() {
    List<String[]> edges = new ArrayList<>();
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 29; i++) {
      String a = String.format("device_id:n%02d", (i * 7) % 30);
      String b = String.format("device_id:n%02d", ((i + 1) * 7) % 30);
      edges.add(new String[] {a, b});
      nodes.add(a);
      nodes.add(b);
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> IdentityGraph.connectedComponents(edgesOf(edges), nodesOf(nodes), 1, 4));
    assertTrue(
        e.getMessage().contains("did not converge in 1 rounds")
            && e.getMessage().contains("polku.identity.max-rounds"),
        e.getMessage());
  }

  // ------------------------------------------------------------------ shared identifiers

  @Test
  void aDeviceOfSixCustomersIsAConflictAndMergesNobodyWhileFiveMerge() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      rows.add(ev("C" + i, null, "shared6", null, null, "2026-09-0" + i + "T00:00:00Z"));
    }
    for (int i = 7; i <= 11; i++) {
      rows.add(ev("C" + i, null, "shared5", null, null, "2026-09-01T00:00:00Z"));
    }
    rows.add(ev(null, "cookie6", "shared6", null, null, "2026-09-08T00:00:00Z"));
    Dataset<Row> events = events(rows.toArray(new Row[0]));
    Dataset<Row> nodes = IdentityGraph.nodes(events, feedback(), noLinks());
    Dataset<Row> edges = IdentityGraph.edges(events, feedback(), noLinks());
    Dataset<Row> conflicts = IdentityGraph.conflicts(edges, nodes, 5);

    List<Row> c = conflicts.collectAsList();
    assertEquals(1, c.size(), c.toString());
    Row shared = c.get(0);
    assertEquals("device_id", shared.getAs("id_type"));
    assertEquals("shared6", shared.getAs("id"));
    assertEquals(6L, (long) shared.getAs("degree"), "cookie6 is no customer number");
    assertEquals(
        List.of("C1", "C2", "C3", "C4", "C5", "C6"),
        shared.getList(shared.fieldIndex("customer_ids")));
    assertEquals(ts("2026-09-01T00:00:00Z"), shared.getAs("first_seen"));
    assertEquals(ts("2026-09-08T00:00:00Z"), shared.getAs("last_seen"));

    IdentityGraph.Components comp =
        IdentityGraph.connectedComponents(
            IdentityGraph.withoutConflicts(edges, conflicts), nodes, 40, 4);
    Map<String, String> labels = labelsOf(comp.labels());
    Set<String> six = new HashSet<>();
    for (int i = 1; i <= 6; i++) {
      six.add(labels.get("customer_id:C" + i));
    }
    assertEquals(6, six.size(), "six customers stay six people: " + labels);
    assertEquals("device_id:shared6", labels.get("device_id:shared6"), "its own component");
    assertEquals("anonymous_id:cookie6", labels.get("anonymous_id:cookie6"));
    for (int i = 7; i <= 11; i++) {
      assertEquals(
          "customer_id:C10",
          labels.get("customer_id:C" + i),
          "five customers of one device are merged (C10 is the smallest string)");
    }
    assertEquals("customer_id:C10", labels.get("device_id:shared5"));
  }

  @Test
  void conflictListsAtMostTwentyCustomersSorted() {
    List<Row> rows = new ArrayList<>();
    for (int i = 30; i >= 1; i--) {
      rows.add(ev(String.format("C%02d", i), null, "kiosk", null, null, "2026-09-01T00:00:00Z"));
    }
    Dataset<Row> events = events(rows.toArray(new Row[0]));
    Row shared =
        IdentityGraph.conflicts(
                IdentityGraph.edges(events, feedback(), noLinks()),
                IdentityGraph.nodes(events, feedback(), noLinks()),
                5)
            .first();
    assertEquals(30L, (long) shared.getAs("degree"));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      expected.add(String.format("C%02d", i));
    }
    assertEquals(expected, shared.getList(shared.fieldIndex("customer_ids")));
  }

  // ------------------------------------------------------------------ keys

  private Map<String, String> keysOf(Dataset<Row> keyed) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : keyed.select("node", "customer_key").collectAsList()) {
      assertEquals(null, out.put(r.getString(0), r.getString(1)), "one row per node");
    }
    return out;
  }

  private Dataset<Row> asPreviousMap(Map<String, String> keys) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      int colon = e.getKey().indexOf(':');
      rows.add(
          RowFactory.create(
              e.getKey().substring(0, colon), e.getKey().substring(colon + 1), e.getValue()));
    }
    return spark.createDataFrame(rows, MAP);
  }

  private Dataset<Row> keyed(List<String[]> edges, Set<String> nodes, Dataset<Row> previous) {
    IdentityGraph.Components c =
        IdentityGraph.connectedComponents(edgesOf(edges), nodesOf(nodes), 40, 4);
    return CustomerKeys.assignKeys(c.labels(), previous);
  }

  @Test
  void keysAreStableWhenIdentifiersJoinAndNewComponentsGetNewKeys() throws Exception {
    Set<String> nodes1 =
        new HashSet<>(Set.of("customer_id:C1", "anonymous_id:a1", "anonymous_id:prospect"));
    List<String[]> edges1 = pairs("customer_id:C1", "anonymous_id:a1");
    Map<String, String> first =
        keysOf(keyed(edges1, nodes1, spark.createDataFrame(List.of(), MAP)));
    assertEquals(
        sha16("anonymous_id:a1"),
        first.get("customer_id:C1"),
        "new key from the label (the component minimum)");
    assertEquals(first.get("customer_id:C1"), first.get("anonymous_id:a1"));
    assertEquals(
        sha16("anonymous_id:prospect"),
        first.get("anonymous_id:prospect"),
        "anonymous-only people get keys too");

    // Second run: an earlier-sorting cookie joins C1 (so the label changes), a new person.
    Set<String> nodes2 = new HashSet<>(nodes1);
    nodes2.addAll(List.of("anonymous_id:a0", "customer_id:C2", "device_id:d2"));
    List<String[]> edges2 = new ArrayList<>(edges1);
    edges2.addAll(pairs("anonymous_id:a0", "customer_id:C1", "customer_id:C2", "device_id:d2"));
    Map<String, String> second = keysOf(keyed(edges2, nodes2, asPreviousMap(first)));
    assertEquals(
        first.get("customer_id:C1"),
        second.get("anonymous_id:a0"),
        "the person keeps the key although the component minimum changed");
    assertEquals(first.get("customer_id:C1"), second.get("customer_id:C1"));
    assertEquals(first.get("anonymous_id:prospect"), second.get("anonymous_id:prospect"));
    assertEquals(sha16("customer_id:C2"), second.get("device_id:d2"));
    assertEquals(second.get("customer_id:C2"), second.get("device_id:d2"));

    // Third run, same input: identical output.
    assertEquals(second, keysOf(keyed(edges2, nodes2, asPreviousMap(second))));
  }

  @Test
  void mergedComponentsKeepTheSmallerKeyAndASplitNeverSharesAKey() throws Exception {
    Set<String> nodes = Set.of("customer_id:C1", "customer_id:C2", "device_id:d");
    Dataset<Row> previous =
        asPreviousMap(
            Map.of("customer_id:C1", "ck_b", "customer_id:C2", "ck_a", "device_id:d", "ck_b"));
    Map<String, String> merged =
        keysOf(
            keyed(
                pairs("customer_id:C1", "device_id:d", "device_id:d", "customer_id:C2"),
                nodes,
                previous));
    assertEquals(
        Map.of("customer_id:C1", "ck_a", "customer_id:C2", "ck_a", "device_id:d", "ck_a"), merged);

    // Split: C1 and d both had ck_b; now apart. The smaller label keeps it.
    Map<String, String> split = keysOf(keyed(List.of(), nodes, previous));
    assertEquals("ck_b", split.get("customer_id:C1"));
    assertEquals("ck_a", split.get("customer_id:C2"));
    assertEquals(sha16("device_id:d|ck_b"), split.get("device_id:d"));
  }

  // ------------------------------------------------------------------ resolve

  @Test
  void resolveTakesTheHighestPriorityKnownIdentifierAndKeepsEveryRow() {
    Dataset<Row> map =
        spark.createDataFrame(
            List.of(
                RowFactory.create("customer_id", "C1", "k_c1"),
                RowFactory.create("anonymous_id", "a1", "k_c1"),
                RowFactory.create("device_id", "tablet", "k_tablet"),
                RowFactory.create("anonymous_id", "C1", "k_cookie_named_C1"),
                RowFactory.create("email_hash", "e9", "k_e9"),
                RowFactory.create("anonymous_id", "a9", "k_a9")),
            MAP);
    Dataset<Row> conflicts =
        spark.createDataFrame(
            List.of(RowFactory.create("device_id", "tablet", "x")),
            new StructType()
                .add("id_type", DataTypes.StringType)
                .add("id", DataTypes.StringType)
                .add("other", DataTypes.StringType));
    StructType schema = EVENTS.add("event_id", DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create("C1", "a1", null, null, null, ts("2026-09-01T00:00:00Z"), "e1"),
            RowFactory.create("C1", "a1", null, null, null, ts("2026-09-01T00:00:00Z"), "e1"),
            RowFactory.create(null, "C1", null, null, null, ts("2026-09-01T00:00:00Z"), "e2"),
            RowFactory.create("unknown", "a9", null, "e9", null, ts("2026-09-01T00:00:00Z"), "e3"),
            RowFactory.create(null, "a9", "tablet", null, null, ts("2026-09-01T00:00:00Z"), "e4"),
            RowFactory.create(null, null, "tablet", null, null, ts("2026-09-01T00:00:00Z"), "e5"),
            RowFactory.create(
                "nobody", "nothing", null, null, null, ts("2026-09-01T00:00:00Z"), "e6"));
    Dataset<Row> events = spark.createDataFrame(rows, schema);

    Map<String, List<String>> plain = byEvent(IdentityResolution.resolve(events, map));
    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("e1", java.util.Arrays.asList("k_c1", "k_c1"));
    expected.put("e2", List.of("k_cookie_named_C1"));
    expected.put("e3", List.of("k_e9"));
    expected.put("e4", List.of("k_tablet"));
    expected.put("e5", List.of("k_tablet"));
    expected.put("e6", java.util.Collections.singletonList(null));
    assertEquals(expected, plain, "priority: customer, e-mail, phone, device, cookie");

    Map<String, List<String>> demoted = byEvent(IdentityResolution.resolve(events, map, conflicts));
    expected.put("e4", List.of("k_a9"));
    assertEquals(expected, demoted, "a shared identifier loses to any other one");
  }

  @Test
  void resolveNamesMissingIdentifierColumns() {
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(RowFactory.create("C1")),
            new StructType().add("customer_id", DataTypes.StringType));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdentityResolution.resolve(rows, spark.createDataFrame(List.of(), MAP)));
    assertTrue(
        e.getMessage().contains("[email_hash, phone_hash, device_id, anonymous_id]"),
        e.getMessage());
  }

  private static Map<String, List<String>> byEvent(Dataset<Row> resolved) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : resolved.select("event_id", "customer_key").collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    return out;
  }

  @Test
  void differentComponentsGetDifferentKeys() {
    Map<String, String> keys =
        keysOf(
            keyed(
                pairs("customer_id:C1", "device_id:d1"),
                Set.of("customer_id:C1", "device_id:d1", "customer_id:C2"),
                spark.createDataFrame(List.of(), MAP)));
    assertNotEquals(keys.get("customer_id:C1"), keys.get("customer_id:C2"));
  }
}
