package io.polku.identity;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polku.config.PolkuConfig;
import io.polku.contract.Tables;
import io.polku.ingest.IngestStage;
import io.polku.lake.Lake;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.StageResult;
import io.polku.testing.SparkTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth: ingest the committed samples into a temporary lake, run the identity stage for
 * 2026-09-01..2026-10-30 and compare identity_map with the generator's list of persons (written by
 * the generator, independently of this code).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityStageTest {
  private static final LocalDate FROM = LocalDate.parse("2026-09-01");
  private static final LocalDate TO = LocalDate.parse("2026-10-30");

  /** The sources that carry identifiers other than a bare customer number. */
  private static final List<String> SOURCES =
      List.of(
          "web_clickstream",
          "app_events",
          "contact_centre_calls",
          "email_events",
          "survey_responses",
          "identity_links");

  @TempDir static Path tmp;

  private final SparkSession spark = SparkTest.spark();
  private Lake lake;
  private RunContext ctx;
  private StageResult result;
  private JsonNode truth;
  private Duration identityTime;

  @BeforeAll
  void ingestAndStitch() throws Exception {
    Path repo = SparkTest.repoRoot();
    truth = new ObjectMapper().readTree(repo.resolve("data-samples/GROUND_TRUTH.json").toFile());
    Path lakeDir = tmp.resolve("lake");
    PolkuConfig config =
        PolkuConfig.load(
            repo.resolve("conf/local.conf"),
            Map.of(
                "polku.lake.root", lakeDir.toUri().toString(),
                "polku.logs.dir", lakeDir.resolve("logs").toString()));
    lake = new Lake(spark, config.lakeRoot(), config.database());
    Instant now = Instant.now();
    ctx =
        new RunContext(
            spark,
            config,
            lake,
            RunContext.newRunId(now),
            FROM,
            TO,
            now,
            line -> System.out.println("IdentityStageTest: " + line));
    Instant t0 = Instant.now();
    new IngestStage(new IngestStage.Options(SOURCES)).run(ctx);
    Instant t1 = Instant.now();
    result = new IdentityStage().run(ctx);
    identityTime = Duration.between(t1, Instant.now());
    System.out.printf(
        Locale.ROOT,
        "IdentityStageTest: ingest %.1f s, identity %.1f s: %s%n",
        Duration.between(t0, t1).toMillis() / 1000.0,
        identityTime.toMillis() / 1000.0,
        result.objects().get(0).message());
  }

  private static long pairs(long n) {
    return n * (n - 1) / 2;
  }

  @Test
  void identityMapMatchesThePersonsOfTheGroundTruth() {
    Set<String> shared = new HashSet<>();
    for (JsonNode s : truth.get("shared_identifiers")) {
      shared.add(s.get("id_type").asText() + ":" + s.get("id").asText());
    }
    Map<String, String> person = new HashMap<>();
    for (JsonNode p : truth.get("persons")) {
      String name = p.get("person").asText();
      if (!p.get("customer_id").isNull()) {
        person.put("customer_id:" + p.get("customer_id").asText(), name);
      }
      for (String[] field :
          new String[][] {
            {"anonymous_ids", "anonymous_id"},
            {"device_ids", "device_id"},
            {"phone_hashes", "phone_hash"},
            {"email_hashes", "email_hash"}
          }) {
        for (JsonNode id : p.get(field[0])) {
          person.put(field[1] + ":" + id.asText(), name);
        }
      }
    }
    person.keySet().removeAll(shared);

    // What the data can prove: an independent union-find over the silver rows (every
    // identifier of a row, every link), without the planted shared identifiers.
    Map<String, String> parent = new HashMap<>();
    List<String> ids = IdentityGraph.PRIORITY;
    for (Row r :
        lake.read(Tables.EVENTS)
            .selectExpr(ids.toArray(new String[0]))
            .union(lake.read(Tables.FEEDBACK).selectExpr(ids.toArray(new String[0])))
            .collectAsList()) {
      String first = null;
      for (int i = 0; i < ids.size(); i++) {
        String v = r.getString(i);
        if (v != null && !v.isEmpty() && !shared.contains(ids.get(i) + ":" + v)) {
          String n = ids.get(i) + ":" + v;
          parent.putIfAbsent(n, n);
          if (first == null) {
            first = n;
          } else {
            union(parent, first, n);
          }
        }
      }
    }
    for (Row r :
        lake.read(Tables.IDENTITY_LINKS)
            .select("id_type_a", "id_a", "id_type_b", "id_b")
            .collectAsList()) {
      String a = r.getString(0) + ":" + r.getString(1);
      String b = r.getString(2) + ":" + r.getString(3);
      if (!shared.contains(a) && !shared.contains(b)) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        union(parent, a, b);
      }
    }

    Map<String, String> key = new HashMap<>();
    for (Row r : lake.read(Tables.IDENTITY_MAP).collectAsList()) {
      assertEquals(
          null,
          key.put(r.getAs("id_type") + ":" + r.getAs("id"), r.getAs("customer_key")),
          "one row per identifier: " + r);
    }
    // Contingency counts over the truth's identifiers that occur in the data.
    Map<String, Long> cells = new HashMap<>();
    Map<String, Long> predicted = new HashMap<>();
    Map<String, Long> actual = new HashMap<>();
    Map<String, Long> provable = new HashMap<>();
    long observed = 0;
    long missing = 0;
    for (Map.Entry<String, String> e : person.entrySet()) {
      if (!parent.containsKey(e.getKey())) {
        continue; // generated but never used in any source
      }
      observed++;
      String k = key.get(e.getKey());
      if (k == null) {
        missing++;
        continue;
      }
      cells.merge(k + "\u0000" + e.getValue(), 1L, Long::sum);
      predicted.merge(k, 1L, Long::sum);
      actual.merge(e.getValue(), 1L, Long::sum);
      provable.merge(find(parent, e.getKey()) + "\u0000" + e.getValue(), 1L, Long::sum);
    }
    long tp = sumPairs(cells);
    long predictedPairs = sumPairs(predicted);
    long truePairs = sumPairs(actual);
    long provablePairs = sumPairs(provable);
    double precision = (double) tp / predictedPairs;
    double recall = (double) tp / provablePairs;
    double rawRecall = (double) tp / truePairs;
    System.out.printf(
        Locale.ROOT,
        "IdentityStageTest: %d true identifiers, %d occur in the"
            + " data, %d of those missing from the map; %d map rows; pairs: predicted %d,"
            + " true %d, provable from the data %d, correct %d; precision %.5f, recall of"
            + " provable pairs %.5f, recall of all true pairs %.5f; %s; identity stage %.1f s%n",
        person.size(),
        observed,
        missing,
        key.size(),
        predictedPairs,
        truePairs,
        provablePairs,
        tp,
        precision,
        recall,
        rawRecall,
        result.objects().get(0).message(),
        identityTime.toMillis() / 1000.0);
    assertEquals(0, missing, "every identifier in the data is in the map");
    assertTrue(precision >= 0.99, "pairwise precision " + precision);
    assertTrue(recall >= 0.99, "pairwise recall of what the data proves " + recall);
  }

  private static long sumPairs(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(IdentityStageTest::pairs).sum();
  }

  private static String find(Map<String, String> parent, String n) {
    while (!parent.get(n).equals(n)) {
      parent.put(n, parent.get(parent.get(n)));
      n = parent.get(n);
    }
    return n;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra, rb);
    }
  }

  @Test
  void thePlantedSharedDeviceIsAConflictAndItsCustomersStayApart() {
    JsonNode planted = truth.get("shared_identifiers").get(0);
    String id = planted.get("id").asText();
    List<Row> conflicts =
        lake.read(Tables.IDENTITY_CONFLICTS)
            .filter(
                col("id_type").equalTo(planted.get("id_type").asText()).and(col("id").equalTo(id)))
            .collectAsList();
    assertEquals(1, conflicts.size(), "the shared device is in identity_conflicts");
    Set<String> customers = new HashSet<>();
    planted.get("customers").forEach(c -> customers.add(c.asText()));
    Row conflict = conflicts.get(0);
    assertEquals(customers.size(), (long) conflict.getAs("degree"));
    assertEquals(customers, new HashSet<>(conflict.getList(conflict.fieldIndex("customer_ids"))));

    List<Row> keys =
        lake.read(Tables.IDENTITY_MAP)
            .filter(col("id_type").equalTo("customer_id").and(col("id").isin(customers.toArray())))
            .select("customer_key")
            .distinct()
            .collectAsList();
    assertEquals(7, customers.size());
    assertEquals(customers.size(), keys.size(), "each of its customers keeps their own key");
    Row own =
        lake.read(Tables.IDENTITY_MAP)
            .filter(col("id_type").equalTo("device_id").and(col("id").equalTo(id)))
            .first();
    for (Row k : keys) {
      assertTrue(
          !k.getString(0).equals(own.getAs("customer_key")), "the device is a person of its own");
    }
  }

  @Test
  void reRunningGivesAnIdenticalMapAndConflicts() {
    Row mapBefore = Lake.contentHash(lake.read(Tables.IDENTITY_MAP));
    Row conflictsBefore = Lake.contentHash(lake.read(Tables.IDENTITY_CONFLICTS));
    new IdentityStage().run(ctx);
    assertEquals(mapBefore, Lake.contentHash(lake.read(Tables.IDENTITY_MAP)));
    assertEquals(conflictsBefore, Lake.contentHash(lake.read(Tables.IDENTITY_CONFLICTS)));
  }
}
