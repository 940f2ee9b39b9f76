package io.polku.cli;

import static io.polku.testing.TableRows.concat;
import static io.polku.testing.TableRows.m;
import static io.polku.testing.TableRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.lake.Lake;
import io.polku.testing.Console;
import io.polku.testing.SparkTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forget --vacuum on a lake whose tables have several versions, run after a plain forget of the
 * same person (the order issue 16 found: the second run deleted nothing, so it vacuumed nothing and
 * still said the files were gone). Afterwards no version 0..latest of any table returns a row of
 * the person; and the run's log file, written with the production log4j2 configuration (INFO),
 * names none of the person's identifiers.
 */
class ForgetVacuumTest {
  @TempDir Path tmp;

  private final SparkSession spark = SparkTest.spark();

  private static final String SALT = "test-salt-0123456789abcdef";
  private static final String P = "C000182";
  private static final List<String> P_TOKENS = List.of("key-P", P, "anon-P182", "resp-P1");

  @Test
  void vacuumPurgesEveryVersionOfEveryTableAndTheLogNamesNoId() throws Exception {
    Path lakeDir = tmp.resolve("lake");
    Lake lake = new Lake(spark, lakeDir.toUri().toString(), "default");
    Map<TableSpec, List<Map<String, Object>>> fixture = fixture();
    for (Map.Entry<TableSpec, List<Map<String, Object>>> e : fixture.entrySet()) {
      // Version 0: the person's rows and Q's; version 1: one more row of Q.
      rows(spark, e.getKey(), e.getValue().subList(0, e.getValue().size() - 1))
          .coalesce(1)
          .write()
          .format("delta")
          .partitionBy(e.getKey().partitionColumns().toArray(new String[0]))
          .save(lake.location(e.getKey()));
      rows(spark, e.getKey(), e.getValue().subList(e.getValue().size() - 1, e.getValue().size()))
          .write()
          .format("delta")
          .mode("append")
          .save(lake.location(e.getKey()));
    }
    Path logs = tmp.resolve("logs");
    Path conf = tmp.resolve("forget.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "polku.lake.root = \"" + lakeDir.toUri() + "\"",
            "polku.logs.dir = \"" + logs + "\""));
    String[] base = {
      "forget", "--conf", conf.toString(), "--set", "polku.erasure.salt=" + SALT, "--customer-id", P
    };

    LoggerContext log4j = (LoggerContext) LogManager.getContext(false);
    URI testConfig = log4j.getConfigLocation();
    String first;
    String second;
    try {
      // The production configuration (what bin/polku runs with), with Spark's loggers raised
      // from WARN to INFO as someone debugging would: the most a run ever logs.
      Path verbose = tmp.resolve("log4j2-info.properties");
      Files.writeString(
          verbose,
          new String(
                  getClass()
                      .getClassLoader()
                      .getResourceAsStream("log4j2.properties")
                      .readAllBytes(),
                  StandardCharsets.UTF_8)
              .replace("rootLogger.level = warn", "rootLogger.level = info"));
      log4j.setConfigLocation(verbose.toUri());
      first = Console.capture(() -> assertEquals(ExitCodes.OK, Polku.execute(base)), false);
      long t0 = System.nanoTime();
      // P is gone from the current versions already: exit 5 (not found), vacuumed all the same.
      second =
          Console.capture(
              () ->
                  assertEquals(
                      ExitCodes.NOT_FOUND,
                      Polku.execute(concat(base, "--vacuum", "--retention-hours", "0", "--force"))),
              false);
      System.out.printf(
          "forget --vacuum took %.1f s; its output:%n%s%n", (System.nanoTime() - t0) / 1e9, second);
    } finally {
      log4j.setConfigLocation(testConfig);
    }
    assertTrue(first.contains("rows deleted"), first);

    // Every version of every table: none returns a row of P. Files VACUUM removed are
    // skipped (ignoreMissingFiles), so a file still holding P would show.
    spark.conf().set("spark.sql.files.ignoreMissingFiles", "true");
    List<String> tables = new ArrayList<>();
    try {
      for (TableSpec t : fixture.keySet()) {
        tables.add(t.name());
        long latest = DeltaTable.forPath(spark, lake.location(t)).history(1).first().getLong(0);
        assertTrue(latest >= 2, t.name() + " has versions 0, 1 and the delete: " + latest);
        for (long v = 0; v <= latest; v++) {
          Dataset<Row> rows =
              spark.read().format("delta").option("versionAsOf", v).load(lake.location(t));
          assertEquals(
              0,
              rows.filter(holdsP(rows)).count(),
              t.name() + " VERSION AS OF " + v + " still returns P's rows");
        }
        long others =
            fixture.get(t).stream()
                .filter(
                    r ->
                        P_TOKENS.stream()
                            .noneMatch(
                                tok ->
                                    r.values().stream()
                                        .anyMatch(v -> String.valueOf(v).contains(tok))))
                .count();
        assertEquals(others, lake.read(t).count(), t.name() + ": Q's rows stay");
      }
    } finally {
      spark.conf().unset("spark.sql.files.ignoreMissingFiles");
    }
    // The message is true and names the tables.
    for (String t : tables) {
      assertTrue(second.contains(t), t + " not named in: " + second);
    }
    assertTrue(
        second.contains("VACUUM RETAIN 0 HOURS ran on " + tables.size() + " tables"), second);

    // The log files of both runs: written at INFO, with none of P's identifiers.
    List<Path> files;
    try (Stream<Path> s = Files.walk(logs)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertFalse(files.isEmpty(), "no log file in " + logs);
    StringBuilder all = new StringBuilder();
    for (Path f : files) {
      all.append(Files.readString(f));
    }
    String text = all.toString();
    assertTrue(text.contains(" INFO "), "the configuration logs INFO: " + files);
    for (String token : P_TOKENS) {
      int at = text.indexOf(token);
      assertEquals(
          -1,
          at,
          token
              + " in the forget log: "
              + (at < 0
                  ? ""
                  : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 100))));
    }
  }

  private static Column holdsP(Dataset<Row> rows) {
    Column json =
        functions.to_json(
            functions.struct(Arrays.stream(rows.columns()).map(rows::col).toArray(Column[]::new)));
    Column any = functions.lit(false);
    for (String token : P_TOKENS) {
      any = any.or(json.contains(token));
    }
    return any;
  }

  /** Per table: P's rows, Q's rows, and last Q's row written as version 1. */
  private static Map<TableSpec, List<Map<String, Object>>> fixture() {
    Map<TableSpec, List<Map<String, Object>>> f = new LinkedHashMap<>();
    f.put(
        Tables.IDENTITY_MAP,
        List.of(
            m("id_type", "customer_id", "id", P, "customer_key", "key-P"),
            m("id_type", "anonymous_id", "id", "anon-P182", "customer_key", "key-P"),
            m("id_type", "customer_id", "id", "C000001", "customer_key", "key-Q"),
            m("id_type", "anonymous_id", "id", "anon-Q", "customer_key", "key-Q")));
    f.put(
        Tables.CUSTOMERS,
        List.of(
            m("customer_id", P, "segment", "consumer"),
            m("customer_id", "C000001", "segment", "business"),
            m("customer_id", "C000002", "segment", "business")));
    f.put(
        Tables.EVENTS,
        List.of(
            m("event_id", "e1", "customer_id", P),
            m("event_id", "e2", "anonymous_id", "anon-P182"),
            m("event_id", "e3", "customer_id", "C000001"),
            m("event_id", "e4", "anonymous_id", "anon-Q")));
    f.put(
        Tables.FEEDBACK,
        List.of(
            m("response_id", "resp-P1", "anonymous_id", "anon-P182", "comment", "slow app"),
            m("response_id", "resp-Q1", "customer_id", "C000001"),
            m("response_id", "resp-Q2", "customer_id", "C000001")));
    f.put(
        Tables.ROOT_CAUSE_EXAMPLES,
        List.of(
            m("response_id", "resp-P1", "example_rank", 1, "comment", "slow app"),
            m("response_id", "resp-Q1", "example_rank", 2),
            m("response_id", "resp-Q2", "example_rank", 3)));
    f.put(
        Tables.QUARANTINE,
        List.of(
            m("quarantine_id", "q1", "raw", "{\"cust\":\"" + P + "\",\"x\":\"1\"}"),
            m("quarantine_id", "q2", "raw", "{\"cust\":\"C000001\"}"),
            m("quarantine_id", "q3", "raw", "{\"cust\":\"C000002\"}")));
    return f;
  }
}
