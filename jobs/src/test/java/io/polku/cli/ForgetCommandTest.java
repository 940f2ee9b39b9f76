package io.polku.cli;

import static io.polku.testing.TableRows.concat;
import static io.polku.testing.TableRows.m;
import static io.polku.testing.TableRows.rows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.erasure.Erasure;
import io.polku.erasure.ErasureScope;
import io.polku.lake.Lake;
import io.polku.lake.LakeLock;
import io.polku.testing.Console;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/polku forget on a tiny hand-made Delta lake of three people: P (customer ids cust-P100 and
 * cust-P777, a cookie, a device, a phone hash; some of P's rows carry only the cookie, the device
 * or the phone, one response did not resolve to P's key), Q and R. After forget of P (and an
 * unknown id) no table holds any of P's identifiers, key or responses anywhere in a row (scanned
 * generically as JSON of every column), every other row is unchanged (content hash per table), and
 * erasure_log has P's counts under a keyed hash, never the id.
 */
class ForgetCommandTest {
  @TempDir Path tmp;

  private final SparkSession spark = SparkTest.spark();

  private static final String SALT = "test-salt-0123456789abcdef";
  private static final String P = "cust-P100";

  /** Everything of P a row could carry; no other person's value contains one of them. */
  private static final List<String> P_TOKENS =
      List.of("key-P", P, "cust-P777", "anon-P100", "dev-P100", "phone-P100", "resp-P1", "resp-P2");

  @Test
  void forgetsEveryRowOfThePersonAndNothingElse() throws Exception {
    Path lakeDir = tmp.resolve("lake");
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Map<TableSpec, List<Map<String, Object>>> fixture = fixture();
    Map<String, Row> othersBefore = new LinkedHashMap<>();
    Map<String, Long> personRowsBefore = new LinkedHashMap<>();
    for (Map.Entry<TableSpec, List<Map<String, Object>>> e : fixture.entrySet()) {
      Dataset<Row> rows = rows(spark, e.getKey(), e.getValue());
      // Computed on the rows written (in memory: cheaper than reading the table back).
      Row split = split(rows);
      personRowsBefore.put(e.getKey().name(), split.getLong(0));
      othersBefore.put(e.getKey().name(), RowFactory.create(split.getLong(1), split.getString(2)));
      rows.coalesce(1)
          .write()
          .format("delta")
          .partitionBy(e.getKey().partitionColumns().toArray(new String[0]))
          .save(lake.location(e.getKey()));
    }
    assertTrue(
        personRowsBefore.values().stream().filter(n -> n > 0).count() >= 14,
        "P has rows in the person tables: " + personRowsBefore);

    Path conf = tmp.resolve("forget.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "polku.lake.root = \"" + lakeDir.toUri() + "\"",
            "polku.logs.dir = \"" + tmp.resolve("logs") + "\""));

    // No salt (and none in this test's environment): refused before the lock, nothing done.
    if (System.getenv(Erasure.SALT_ENV) == null) {
      String refused =
          capture(
              () ->
                  assertEquals(
                      ExitCodes.USAGE,
                      Polku.execute("forget", "--conf", conf.toString(), "--customer-id", P)),
              true);
      assertTrue(refused.contains("polku.erasure.salt is not set"), refused);
      assertTrue(refused.contains("POLKU_ERASURE_SALT"), refused);
    }
    String[] base = {"forget", "--conf", conf.toString(), "--set", "polku.erasure.salt=" + SALT};

    // A retention below 168 h without --force: refused before anything.
    String low =
        capture(
            () ->
                assertEquals(
                    ExitCodes.USAGE,
                    Polku.execute(
                        concat(base, "--customer-id", P, "--vacuum", "--retention-hours", "0"))),
            true);
    assertTrue(low.contains("below Delta's safety default of 168 h"), low);

    // A live run holds the lake: forget waits its turn (exit 4).
    LakeLock.writeForTest(
        spark.sparkContext().hadoopConfiguration(),
        lake.root(),
        LakeLock.Owner.ofThisProcess("20261126T000000Z-other", "nightly", Instant.now()));
    assertEquals(ExitCodes.LOCKED, Polku.execute(concat(base, "--customer-id", P)));
    Files.delete(lakeDir.resolve(LakeLock.RELATIVE_PATH));
    assertEquals(
        0,
        DeltaTable.forPath(spark, lake.location(Tables.EVENTS)).history(1).first().getLong(0),
        "no commit while locked");

    Path ids = tmp.resolve("ids.csv");
    Files.writeString(ids, "customer_id\n" + P + "\n\ncust-UNKNOWN\n");
    long t0 = System.nanoTime();
    String out =
        capture(
            () ->
                assertEquals(
                    ExitCodes.NOT_FOUND, Polku.execute(concat(base, "--file", ids.toString()))),
            false);
    System.out.printf("forget took %.1f s; its output:%n%s%n", (System.nanoTime() - t0) / 1e9, out);
    // The unknown id by its position and keyed hash: stdout ends up in schedulers' logs.
    assertTrue(
        out.contains(
            "Not found (no identity_map entry and no row in any table):"
                + " id 2 of 2 (erasure_log hash "
                + Erasure.hash(SALT, "cust-UNKNOWN").substring(0, 12)),
        out);
    for (String token : P_TOKENS) {
      assertFalse(out.contains(token), token + " printed: " + out);
    }
    assertFalse(out.contains("cust-UNKNOWN"), out);
    assertTrue(out.contains("The sources were not changed"), out);
    assertTrue(out.contains("Delta's history still holds the deleted rows"), out);
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile(
                "Erasure (\\S+): 29 rows" + " deleted from 15 tables for 1 of 2 ids")
            .matcher(out);
    assertTrue(id.find(), out);

    // No table holds anything of P; every other row is unchanged.
    lake.registerExisting();
    int scanned = 0;
    for (TableSpec t : Tables.ALL) { // every table in the lake, erasure_log included
      if (!lake.exists(t)) {
        continue;
      }
      scanned++;
      Row split = split(lake.read(t));
      assertEquals(0, split.getLong(0), t.name() + " still holds P");
      if (othersBefore.containsKey(t.name())) {
        assertEquals(
            othersBefore.get(t.name()),
            RowFactory.create(split.getLong(1), split.getString(2)),
            t.name() + ": the other rows changed");
      }
    }
    assertEquals(
        fixture.size() + 2, scanned, "the fixture's tables, erasure_log and erased_identifiers");

    // VACUUM (what forget --vacuum runs per table with deletions; one table here, each costs
    // seconds): the files of the old version go and erasure_log says so.
    io.polku.lake.Maintenance maintenance = new io.polku.lake.Maintenance(lake);
    assertEquals(2, maintenance.physicalFiles(Tables.CUSTOMERS), "before and after the delete");
    new Erasure(lake)
        .vacuum(
            new Erasure.Result(
                id.group(1),
                Instant.now(),
                List.of(),
                List.of(new Erasure.TableResult("customers", 2, 1L, Map.of()))),
            0,
            true,
            () -> {},
            line -> {});
    assertEquals(1, maintenance.physicalFiles(Tables.CUSTOMERS), "the old file is gone");

    // erasure_log: P's counts per table under the keyed hash; the unknown id with zeros.
    Dataset<Row> log = lake.read(Tables.ERASURE_LOG);
    String pHash = Erasure.hash(SALT, P);
    assertEquals(64, pHash.length());
    List<Row> pRows = log.filter(col("customer_id_hash").equalTo(pHash)).collectAsList();
    Map<String, Long> logged = new HashMap<>();
    for (Row r : pRows) {
      logged.put(r.getAs("table_name"), r.getAs("rows_deleted"));
      assertTrue((Boolean) r.getAs("resolved"));
      assertEquals(5, (int) r.getAs("identifiers"), "two customer ids, cookie, device, phone");
      long deleted = r.getAs("rows_deleted");
      boolean customers = r.getAs("table_name").equals("customers");
      assertEquals(customers, (Boolean) r.getAs("vacuumed"), r.toString());
      assertEquals(customers ? Integer.valueOf(0) : null, r.getAs("vacuum_retention_hours"));
      if (deleted > 0) {
        // The delete commit (its parameters, the files it removed and added with their
        // statistics) names none of P's values: a DELETE with literals would log them.
        long v = r.getAs("delta_version");
        Path commit =
            lakeDir
                .resolve(
                    lake.location(Tables.byName(r.getAs("table_name")).orElseThrow())
                        .substring(lake.root().length() + 1))
                .resolve(String.format("_delta_log/%020d.json", v));
        String text = Files.readString(commit);
        assertTrue(text.contains("\"operation\":\"MERGE\""), text);
        for (String token : P_TOKENS) {
          assertFalse(text.contains(token), token + " in " + commit + ": " + text);
        }
      }
    }
    for (TableSpec t : fixture.keySet()) {
      if (ErasureScope.of(t).holdsPersonRows()) {
        assertEquals(personRowsBefore.get(t.name()), logged.get(t.name()), t.name());
      } else {
        assertFalse(logged.containsKey(t.name()), t.name());
      }
    }
    List<Row> unknown =
        log.filter(col("customer_id_hash").equalTo(Erasure.hash(SALT, "cust-UNKNOWN")))
            .collectAsList();
    assertEquals(pRows.size(), unknown.size());
    assertTrue(
        unknown.stream()
            .allMatch(r -> (Long) r.getAs("rows_deleted") == 0 && !(Boolean) r.getAs("resolved")));
    assertEquals(
        0,
        log.filter(
                functions
                    .to_json(
                        functions.struct(
                            java.util.Arrays.stream(log.columns())
                                .map(log::col)
                                .toArray(Column[]::new)))
                    .contains("cust-UNKNOWN"))
            .count(),
        "no clear id in erasure_log");
  }

  /**
   * One pass over a table: P's rows, the other rows and the content hash of the other rows (as
   * {@link Lake#contentHash}: sum of a 64-bit hash per row).
   */
  private static Row split(Dataset<Row> rows) {
    Column p = holdsP(rows);
    Column hash = Lake.rowHash(rows.schema(), java.util.Set.of()).cast("decimal(38,0)");
    return rows.agg(
            functions.count(functions.when(p, 1)),
            functions.count(functions.when(functions.not(p), 1)),
            functions
                .coalesce(functions.sum(functions.when(functions.not(p), hash)), lit(0))
                .cast("string"))
        .first();
  }

  /** Whether a row holds one of P's values anywhere: its JSON contains one. */
  private static Column holdsP(Dataset<Row> rows) {
    Column json =
        functions.to_json(
            functions.struct(
                java.util.Arrays.stream(rows.columns()).map(rows::col).toArray(Column[]::new)));
    Column any = lit(false);
    for (String token : P_TOKENS) {
      any = any.or(json.contains(token));
    }
    return any;
  }

  private Map<TableSpec, List<Map<String, Object>>> fixture() {
    Map<TableSpec, List<Map<String, Object>>> f = new LinkedHashMap<>();
    // P: key-P with cust-P100, cust-P777, anon-P100, dev-P100, phone-P100. Q: key-Q with
    // cust-Q1, anon-Q, dev-Q. R: key-R, anon-R only.
    f.put(
        Tables.IDENTITY_MAP,
        List.of(
            m("id_type", "customer_id", "id", P, "customer_key", "key-P"),
            m("id_type", "customer_id", "id", "cust-P777", "customer_key", "key-P"),
            m("id_type", "anonymous_id", "id", "anon-P100", "customer_key", "key-P"),
            m("id_type", "device_id", "id", "dev-P100", "customer_key", "key-P"),
            m("id_type", "phone_hash", "id", "phone-P100", "customer_key", "key-P"),
            m("id_type", "customer_id", "id", "cust-Q1", "customer_key", "key-Q"),
            m("id_type", "anonymous_id", "id", "anon-Q", "customer_key", "key-Q"),
            m("id_type", "device_id", "id", "dev-Q", "customer_key", "key-Q"),
            m("id_type", "anonymous_id", "id", "anon-R", "customer_key", "key-R")));
    f.put(
        Tables.IDENTITY_LINKS,
        List.of(
            link("l1", "customer_id", P, "anonymous_id", "anon-P100"),
            link("l2", "customer_id", P, "device_id", "dev-P100"),
            link("l3", "device_id", "dev-P100", "phone_hash", "phone-P100"),
            link("l4", "device_id", "dev-P100", "customer_id", "cust-P777"),
            link("l5", "customer_id", "cust-Q1", "anonymous_id", "anon-Q"),
            link("l6", "customer_id", "cust-Q1", "device_id", "dev-Q")));
    f.put(
        Tables.IDENTITY_CONFLICTS,
        List.of(
            m(
                "id_type",
                "device_id",
                "id",
                "dev-shop",
                "degree",
                2L,
                "customer_ids",
                List.of(P, "cust-Q1")),
            m(
                "id_type",
                "device_id",
                "id",
                "dev-family",
                "degree",
                2L,
                "customer_ids",
                List.of("cust-Q1", "cust-Q9"))));
    f.put(
        Tables.CUSTOMERS,
        List.of(
            m("customer_id", P, "segment", "consumer"),
            m("customer_id", "cust-P777", "segment", "consumer"),
            m("customer_id", "cust-Q1", "segment", "business")));
    f.put(
        Tables.EVENTS,
        List.of(
            m("event_id", "e1", "customer_id", P),
            m("event_id", "e2", "anonymous_id", "anon-P100"),
            m("event_id", "e3", "device_id", "dev-P100"),
            m("event_id", "e4", "phone_hash", "phone-P100", "properties", Map.of("k", "v")),
            m("event_id", "e5", "customer_id", "cust-Q1", "anonymous_id", "anon-Q"),
            m("event_id", "e6", "anonymous_id", "anon-R"),
            m("event_id", "e7", "device_id", "dev-shop")));
    f.put(
        Tables.FEEDBACK,
        List.of(
            m("response_id", "resp-P1", "anonymous_id", "anon-P100", "comment", "slow app"),
            m("response_id", "resp-P2", "customer_id", "cust-P777"),
            m("response_id", "resp-Q1", "customer_id", "cust-Q1"),
            m("response_id", "resp-R1", "anonymous_id", "anon-R")));
    // resp-P1 did not resolve to P's key (customer_key null): matched by its response id.
    f.put(
        Tables.FEEDBACK_CONTEXT,
        List.of(
            m("response_id", "resp-P1"),
            m("response_id", "resp-P2", "customer_key", "key-P"),
            m("response_id", "resp-Q1", "customer_key", "key-Q"),
            m("response_id", "resp-R1", "customer_key", "key-R")));
    f.put(
        Tables.JOURNEYS,
        List.of(
            m("journey_id", "j-P", "customer_key", "key-P"),
            m("journey_id", "j-Q", "customer_key", "key-Q")));
    f.put(
        Tables.FOLLOWUPS,
        List.of(m("response_id", "resp-P1"), m("response_id", "resp-Q1", "customer_key", "key-Q")));
    f.put(
        Tables.FOLLOWUP_UPDATES,
        List.of(
            m("response_id", "resp-P1", "note", "called"),
            m("response_id", "resp-Q1", "note", "called")));
    f.put(
        Tables.ROOT_CAUSE_EXAMPLES,
        List.of(
            m("response_id", "resp-P1", "example_rank", 1),
            m("response_id", "resp-Q1", "example_rank", 2)));
    f.put(
        Tables.CUSTOMER_PROFILES, List.of(m("customer_key", "key-P"), m("customer_key", "key-Q")));
    f.put(
        Tables.SURVEY_INVITATIONS,
        List.of(
            m("invitation_id", "i-P", "customer_key", "key-P", "customer_id", P),
            m("invitation_id", "i-Q", "customer_key", "key-Q", "customer_id", "cust-Q1")));
    f.put(
        Tables.SURVEY_SUPPRESSIONS,
        List.of(
            m("invitation_id", "s-P", "customer_key", "key-P"),
            m("invitation_id", "s-R", "customer_key", "key-R")));
    f.put(
        Tables.QUARANTINE,
        List.of(
            m("quarantine_id", "q1", "raw", "{\"anonymous_id\":\"anon-P100\",\"x\":\"1\"}"),
            m("quarantine_id", "q2", "raw", "2026-10-01,dev-P100,broken"),
            m("quarantine_id", "q3", "raw", "{\"customer_id\":\"cust-Q1\"}")));
    f.put(Tables.KPI_DAILY, List.of(m("channel", "web"), m("channel", "app")));
    return f;
  }

  private static Map<String, Object> link(String id, String ta, String a, String tb, String b) {
    return m("link_id", id, "id_type_a", ta, "id_a", a, "id_type_b", tb, "id_b", b);
  }

  private static String capture(Runnable r, boolean stderr) {
    return Console.capture(r, stderr);
  }
}
