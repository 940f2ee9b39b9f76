package io.polku.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.polku.serve.ReadOnlyGuard.ReadOnlyViolation;
import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's rule on statements as the server sees them: parsed by the test session's parser,
 * checked as parsed, analysed without running, checked again. Nothing here executes a statement;
 * the same probes run over JDBC against a real server in SqlEndpointChecks.
 */
class ReadOnlyGuardTest {
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static String lakeTable;
  private static String outsideTable;

  @BeforeAll
  static void servedLake() {
    spark = SparkTest.spark();
    lakeTable = tmp.resolve("lake/guard_served").toString();
    outsideTable = tmp.resolve("elsewhere/other").toString();
    for (String path : List.of(lakeTable, outsideTable)) {
      spark
          .range(3)
          .selectExpr("id", "cast(id AS STRING) AS s", "array(1, 2) AS arr")
          .write()
          .format("delta")
          .save(path);
    }
    spark.sql("CREATE TABLE guard_served USING delta LOCATION '" + lakeTable + "'");
    spark.sql("CREATE TABLE guard_unserved USING delta LOCATION '" + outsideTable + "'");
    spark.sql("CREATE VIEW guard_view AS SELECT id, upper(s) AS u FROM guard_served");
    // As the server sets it (SqlServer.sessionSettings).
    spark.conf().set("spark.sql.variable.substitute", "false");
    ServedCatalog.set(
        new ServedCatalog.Served(
            "default", Set.of("guard_served"), Set.of("guard_view"), serverOptions(), 1000));
  }

  @AfterAll
  static void unset() {
    ServedCatalog.set(null);
    spark.conf().unset("spark.sql.variable.substitute");
    spark.sql("DROP VIEW IF EXISTS guard_view");
    spark.sql("DROP TABLE IF EXISTS guard_served");
    spark.sql("DROP TABLE IF EXISTS guard_unserved");
  }

  private static Map<String, String> serverOptions() {
    return Map.copyOf(
        scala.collection.JavaConverters.mapAsJavaMap(spark.sessionState().conf().getAllConfs()));
  }

  /**
   * Checks as the server's parser does (session, parsed, analysed without running), and analyses
   * the statement as Spark then would.
   */
  private static void guard(String sql) throws Exception {
    ReadOnlyGuard.checkSession(spark);
    LogicalPlan parsed = spark.sessionState().sqlParser().parsePlan(sql);
    ReadOnlyGuard.checkStatement(spark, parsed);
    spark.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed();
  }

  private static String refused(String sql) {
    try {
      guard(sql);
    } catch (ReadOnlyViolation e) {
      return e.getMessage();
    } catch (Exception e) {
      fail(sql + " failed otherwise than by the guard: " + e);
    }
    return fail(sql + " was allowed");
  }

  @Test
  void queriesOverServedTablesAndTheProbesOfBiToolsAreAllowed() throws Exception {
    for (String ok :
        List.of(
            "SELECT * FROM guard_served WHERE id > 1",
            "SELECT * FROM guard_served LIMIT 0",
            "SELECT * FROM default.guard_served VERSION AS OF 0",
            "SELECT u, count(*) FROM guard_view GROUP BY u ORDER BY 2 DESC",
            "WITH c AS (SELECT id FROM guard_served) SELECT count(*) FROM c"
                + " WHERE id IN (SELECT id FROM guard_served)",
            "SELECT explode(arr), transform(arr, x -> x + 1), to_date('2020-01-01'),"
                + " coalesce(NULL, 1), CASE WHEN id > 1 THEN 'a' ELSE 'b' END,"
                + " row_number() OVER (ORDER BY id) FROM guard_served",
            "SELECT id, x FROM guard_served LATERAL VIEW explode(arr) t AS x",
            "SELECT * FROM range(3)",
            "SELECT 1",
            "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)",
            "SELECT s, count(*) OVER w FROM guard_served WINDOW w AS (PARTITION BY s)",
            "SELECT * FROM (SELECT s, id FROM guard_served) PIVOT (sum(id) FOR s IN ('0', '1'))",
            "SELECT current_date(), date_format(current_timestamp(), 'yyyy'), CAST(1 AS STRING)",
            "SHOW TABLES",
            "SHOW DATABASES",
            "SHOW COLUMNS IN guard_served",
            "SHOW FUNCTIONS",
            "SHOW TBLPROPERTIES guard_served",
            "DESCRIBE guard_served",
            "DESCRIBE EXTENDED guard_served id",
            "DESCRIBE guard_view",
            "DESCRIBE HISTORY guard_served",
            "DESCRIBE DETAIL guard_served",
            "DESCRIBE FUNCTION upper",
            "EXPLAIN SELECT * FROM guard_served",
            "USE default",
            "SET spark.sql.shuffle.partitions = 4",
            "SET spark.sql.session.timeZone",
            "RESET")) {
      guard(ok);
    }
  }

  @Test
  void theExploitsOfTheProbeAreRefused() {
    Map<String, String> probes = new java.util.LinkedHashMap<>();
    probes.put(
        "SELECT TRANSFORM(s) USING 'sh -c \"echo pwned > "
            + tmp.resolve("proof.txt")
            + "; cat\"' AS (out STRING) FROM guard_served LIMIT 1",
        "SELECT TRANSFORM");
    probes.put("SELECT TRANSFORM('x') USING 'id' AS (out STRING)", "SELECT TRANSFORM");
    probes.put(
        "WITH c AS (SELECT TRANSFORM('x') USING 'id' AS (out STRING)) SELECT * FROM c",
        "SELECT TRANSFORM");
    probes.put("select transform('x') using 'id' as (out string)", "SELECT TRANSFORM");
    String never = "never a path";
    probes.put("SELECT * FROM text.`/etc/passwd`", never);
    probes.put("SELECT * FROM delta.`" + lakeTable + "`", never);
    probes.put("SELECT * FROM parquet.`" + lakeTable + "`", never);
    probes.put("SELECT * FROM other_db.guard_served", never);
    probes.put("SELECT * FROM guard_unserved", "guard_unserved is not a registered table");
    probes.put("DESCRIBE guard_unserved", "guard_unserved is not a registered table");
    probes.put("DESCRIBE HISTORY guard_unserved", "guard_unserved is not a registered table");
    probes.put("DESCRIBE HISTORY '" + outsideTable + "'", never);
    probes.put("DESCRIBE HISTORY '" + tmp.resolve("missing") + "'", never);
    probes.put("DESCRIBE HISTORY delta.`" + outsideTable + "`", never);
    probes.put("DESCRIBE DETAIL '" + outsideTable + "'", never);
    probes.put("SET spark.sql.legacy.setCommandRejectsSparkCoreConfs=false", "SET spark.sql.");
    probes.put("SET spark.redaction.regex=zzzz", "SET spark.redaction.regex is not allowed");
    probes.put("SET spark.hadoop.fs.s3a.secret.key", "SET spark.hadoop.fs.s3a.secret.key");
    probes.put("SET spark.sql.variable.substitute=true", "is not allowed");
    probes.put("SET spark.sql.runSQLOnFiles=true", "is not allowed");
    probes.put("SET", "SET without a key");
    probes.put("SET -v", "SET -v is not allowed");
    probes.put(
        "SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "reflect is not allowed");
    probes.put(
        "SELECT * FROM guard_served WHERE exists(arr, x -> java_method("
            + "'java.lang.System', 'getenv', 'HOME') IS NOT NULL)",
        "java_method is not allowed");
    probes.put(
        "SELECT (SELECT max(reflect('java.lang.System', 'getenv', 'HOME')))",
        "reflect is not allowed");
    probes.put(
        "SELECT IDENTIFIER('refl' || 'ect')('java.lang.System', 'getenv', 'HOME')", "IDENTIFIER");
    probes.put("SELECT input_file_name() FROM guard_served", "input_file_name is not allowed");
    probes.put("SELECT default.my_udf(1)", "default.my_udf is not on the endpoint's");
    probes.put("ADD JAR /tmp/x.jar", "ADD JAR");
    probes.put("ADD FILE /etc/passwd", "ADD FILE");
    probes.put("CREATE TEMPORARY FUNCTION f AS 'java.lang.String'", "FUNCTION");
    probes.put("INSERT INTO guard_served SELECT * FROM guard_served", "INSERT");
    probes.put("DELETE FROM guard_served", "DELETE");
    probes.put("DROP TABLE guard_served", "DROP");
    probes.put("CACHE TABLE guard_served", "CACHE");
    probes.put(
        "INSERT OVERWRITE DIRECTORY '" + tmp.resolve("out") + "' USING parquet" + " SELECT 1",
        "INSERT");
    probes.put(
        "EXPLAIN SELECT reflect('java.lang.System', 'getenv', 'HOME')", "reflect is not allowed");
    probes.put("CREATE TEMPORARY VIEW v2 AS SELECT 1", "VIEW");
    probes.put("LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE guard_served", "LOAD DATA");
    probes.put("VACUUM guard_served RETAIN 0 HOURS", "VACUUM");
    for (Map.Entry<String, String> p : probes.entrySet()) {
      String message = refused(p.getKey());
      assertTrue(
          message.startsWith("Polku's SQL endpoint is read-only: ")
              && message.contains(p.getValue()),
          p.getKey() + " -> " + message);
    }
    assertTrue(Files.notExists(tmp.resolve("proof.txt")));
  }

  @Test
  void aSessionOptionTheServerDidNotSetRefusesEveryStatement() {
    Map<String, String> server =
        Map.of(
            "spark.sql.variable.substitute",
            "false",
            "spark.sql.runSQLOnFiles",
            "false",
            "spark.sql.shuffle.partitions",
            "2");
    java.util.function.Function<String, String> defaults = ReadOnlyGuard::registeredDefault;
    assertEquals("false", defaults.apply("spark.sql.parquet.fieldId.read.enabled"));
    assertEquals(Map.of(), ReadOnlyGuard.disallowedOptions(server, server, defaults));
    assertEquals(
        Map.of(),
        ReadOnlyGuard.disallowedOptions(
            Map.of(
                "spark.sql.variable.substitute",
                "false",
                "spark.sql.shuffle.partitions",
                "9",
                "spark.sql.runSQLOnFiles",
                "false",
                "spark.sql.datetime.java8API.enabled",
                "true",
                "spark.sql.parquet.fieldId.read.enabled",
                "false"),
            server,
            defaults));
    assertEquals(
        Map.of(
            "spark.sql.variable.substitute",
            "true",
            "hivevar:x",
            "y",
            "spark.sql.caseSensitive",
            "true"),
        ReadOnlyGuard.disallowedOptions(
            Map.of(
                "spark.sql.variable.substitute",
                "true",
                "spark.sql.runSQLOnFiles",
                "false",
                "hivevar:x",
                "y",
                "spark.sql.caseSensitive",
                "true"),
            server,
            defaults));
    // The server's own value wins over the default: runSQLOnFiles' default (true) is refused,
    // also when the session no longer holds the option.
    assertEquals(
        Map.of("spark.sql.runSQLOnFiles", "true"),
        ReadOnlyGuard.disallowedOptions(
            Map.of("spark.sql.runSQLOnFiles", "true", "spark.sql.variable.substitute", "false"),
            server,
            defaults));
    assertEquals(
        Map.of("spark.sql.variable.substitute", "true (unset)"),
        ReadOnlyGuard.disallowedOptions(
            Map.of("spark.sql.runSQLOnFiles", "false"), server, defaults));

    for (Runnable change :
        List.<Runnable>of(
            () -> spark.conf().set("spark.sql.variable.substitute", "true"),
            () -> spark.conf().unset("spark.sql.variable.substitute"))) {
      change.run();
      try {
        String message = refused("SELECT '${env:HOME}'");
        assertTrue(
            message.contains("changed the server option(s)" + " [spark.sql.variable.substitute]"),
            message);
      } finally {
        spark.conf().set("spark.sql.variable.substitute", "false");
      }
    }
  }

  @Test
  void theAuditLogKeepsNoLiteralValues() {
    assertEquals(
        "SELECT * FROM feedback WHERE customer_id = ? AND score < ? LIMIT ?",
        SqlAudit.redact(
            "SELECT *  FROM feedback\nWHERE customer_id = 'C000182' AND" + " score < 7 LIMIT 10"));
    assertEquals(
        "SELECT ?, ?, ? FROM t1 WHERE x IN (?, ?)",
        SqlAudit.redact(
            "SELECT '${env:POLKU_ERASURE_SALT}', \"it''s\", 1.5e3D FROM t1"
                + " WHERE x IN ('a\\'b', X'1F')"));
    assertEquals("SELECT ?", SqlAudit.redact("SELECT 'unterminated C000182"));
    assertEquals(
        "refused: SET spark.redaction.regex is not allowed; a session may SET only"
            + " [spark.sql.ansi.enabled, spark.sql.session.timeZone, spark.sql.shuffle.partitions]",
        SqlAudit.outcome(refused("SET spark.redaction.regex=zzzz")));
    assertEquals(
        "failed: DIVIDE_BY_ZERO", SqlAudit.outcome("[DIVIDE_BY_ZERO] Division by zero. 'C000182'"));
  }
}
