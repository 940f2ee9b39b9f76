package io.polku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.contract.ViewSpec;
import io.polku.contract.Views;
import io.polku.lake.Lake;
import io.polku.serve.PasswordHash;
import io.polku.testing.PolkuProcess;
import io.polku.text.TextTable;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Checks of {@code bin/polku serve} with a real JDBC client (hive-jdbc) against the server started
 * as its own process over the end-to-end test's lake, password authentication on.
 */
final class SqlEndpointChecks {
  private static final String USER = "analyst";
  private static final String PASSWORD = "not-the-real-one-42";

  private final Path repo;
  private final Path tmp;
  private final Lake lake;
  private final Function<String[], String> cli;

  /**
   * @param cli runs {@code bin/polku ARGS} on the same lake in this JVM and returns stdout
   */
  SqlEndpointChecks(Path repo, Path tmp, Lake lake, Function<String[], String> cli) {
    this.repo = repo;
    this.tmp = tmp;
    this.lake = lake;
    this.cli = cli;
  }

  void run() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // A row cap above every result compared with the CLI, below the feedback table's size.
    long followups = lake.read(Tables.FOLLOWUPS).count();
    long cap = Math.max(followups, 5) + 1;
    long feedback = lake.read(Tables.FEEDBACK).count();
    assertTrue(feedback > cap, "the sample has more feedback (" + feedback + ") than the cap");
    Path conf = tmp.resolve("serve.conf");
    Files.writeString(
        conf,
        "include file(\""
            + repo.resolve("conf/local.conf")
            + "\")\n"
            + "polku.serve.auth { mode = password, users = [{ name = "
            + USER
            + ", password-hash = ${POLKU_TEST_SQL_HASH} }] }\n"
            + "polku.serve.max-result-rows = "
            + cap
            + "\n");
    String hash = PasswordHash.create(PASSWORD.toCharArray());
    long started = System.nanoTime();
    try (PolkuProcess server =
        PolkuProcess.start(
            Map.of("POLKU_TEST_SQL_HASH", hash),
            "serve",
            "--conf",
            conf.toString(),
            "--set",
            "polku.lake.root=" + lake.root(),
            "--set",
            "polku.logs.dir=" + tmp.resolve("serve-logs"),
            "--port",
            String.valueOf(port))) {
      String ready = server.await(Pattern.compile("Polku SQL endpoint on "), Duration.ofMinutes(3));
      System.out.printf(
          "SQL endpoint ready in %.1f s: %s%n", (System.nanoTime() - started) / 1e9, ready);
      String url = "jdbc:hive2://127.0.0.1:" + port + "/default";
      assertTrue(ready.contains(url), ready);

      SQLException refused =
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(url, USER, "wrong-password").close());
      // HiveServer2's SASL answer to a failed PasswdAuthenticationProvider check.
      assertTrue(
          String.valueOf(refused.getMessage()).contains("Error validating the login"),
          "a wrong password is refused by authentication: " + refused);
      assertThrows(
          SQLException.class,
          () -> DriverManager.getConnection(url, "someone-else", PASSWORD).close());

      try (Connection c = DriverManager.getConnection(url, USER, PASSWORD)) {
        sameRowsAsTheCli(c);
        catalogShowsEveryTableViewAndComment(c);
        theProbesBiToolsSendAreAnswered(c);
        writesAreRejectedAndNothingChanges(c);
        theExploitsOfTheProbeAreRefused(c, hash);
        resultsAreCappedAtTheTopOnly(c, cap, feedback);
        aCommitIsSeenWithoutRestart(c);
      }
      optionsInTheConnectionUrlRefuseEveryStatement(url, hash);
      theAuditLogHasStatementsWithoutTheirValues(hash);
    }
  }

  private void theProbesBiToolsSendAreAnswered(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> schemas = new ArrayList<>();
    try (ResultSet r = md.getSchemas()) {
      while (r.next()) {
        schemas.add(r.getString("TABLE_SCHEM"));
      }
    }
    assertTrue(schemas.contains("default"), "getSchemas: " + schemas);
    try (Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT * FROM feedback LIMIT 0")) {
        assertFalse(r.next());
        assertEquals(Tables.FEEDBACK.columns().size(), r.getMetaData().getColumnCount());
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SHOW TABLES")) {
        while (r.next()) {
          tables.add(r.getString("tableName"));
        }
      }
      assertTrue(tables.contains("feedback") && tables.contains("open_followups"), "" + tables);
      int described = 0;
      try (ResultSet r = s.executeQuery("DESCRIBE feedback")) {
        while (r.next()) {
          described++;
        }
      }
      assertTrue(described >= Tables.FEEDBACK.columns().size(), "DESCRIBE rows: " + described);
      try (ResultSet r =
          s.executeQuery(
              "SELECT channel, count(*) AS n FROM feedback"
                  + " GROUP BY channel ORDER BY n DESC")) {
        assertTrue(r.next());
      }
    }
  }

  /** The statements of issue 16's probe, over JDBC: each refused, no file created. */
  private void theExploitsOfTheProbeAreRefused(Connection c, String hash) throws SQLException {
    Path proof = tmp.resolve("proof.txt");
    List<String> exploits =
        List.of(
            "SELECT TRANSFORM(response_id) USING 'sh -c \"echo pwned-$(hostname) > "
                + proof
                + "; cat\"' AS (out STRING) FROM feedback LIMIT 1",
            "SELECT TRANSFORM('x') USING 'id' AS (out STRING)",
            "WITH t AS (SELECT TRANSFORM('x') USING 'touch "
                + proof
                + "' AS (out STRING))"
                + " SELECT * FROM t",
            "SeLeCt TrAnSfOrM('x') UsInG 'touch " + proof + "' As (out STRING)",
            "SET spark.sql.legacy.setCommandRejectsSparkCoreConfs=false",
            "SET spark.redaction.regex=zzzz",
            "SET spark.hadoop.fs.s3a.secret.key",
            "SET spark.sql.runSQLOnFiles=true",
            "SET spark.sql.variable.substitute=true",
            "DESCRIBE HISTORY '" + lake.location(Tables.FEEDBACK) + "'",
            "DESCRIBE DETAIL '" + lake.location(Tables.FEEDBACK) + "'",
            "DESCRIBE HISTORY '" + tmp.resolve("no-such-table") + "'",
            "SELECT * FROM delta.`" + lake.location(Tables.FEEDBACK) + "`",
            "ADD JAR " + tmp.resolve("x.jar"),
            "CREATE TEMPORARY FUNCTION f AS 'java.lang.String'",
            "SELECT java_method('java.lang.System', 'getenv', 'POLKU_TEST_SQL_HASH')");
    try (Statement s = c.createStatement()) {
      for (String x : exploits) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(x), x);
        assertTrue(e.getMessage().contains("read-only"), x + " -> " + e.getMessage());
      }
      // Variable substitution is off: ${env:...} comes back as written.
      String env = "${env:POLKU_TEST_SQL_HASH}";
      try (ResultSet r = s.executeQuery("SELECT '" + env + "', '${system:java.class.path}'")) {
        assertTrue(r.next());
        assertEquals(env, r.getString(1));
        assertEquals("${system:java.class.path}", r.getString(2));
      }
      // With files off, a path relation is not even resolved.
      SQLException files =
          assertThrows(SQLException.class, () -> s.execute("SELECT * FROM text.`/etc/passwd`"));
      assertFalse(files.getMessage().contains("root:"), files.getMessage());
    }
    assertFalse(Files.exists(proof), "no script ran: " + proof);
  }

  private static void resultsAreCappedAtTheTopOnly(Connection c, long cap, long feedback)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      long rows = 0;
      try (ResultSet r = s.executeQuery("SELECT response_id FROM feedback")) {
        while (r.next()) {
          rows++;
        }
      }
      assertEquals(cap, rows, "a query without LIMIT returns the cap");
      assertEquals(feedback, count(c, "SELECT count(*) FROM feedback"), "aggregates see all");
      assertEquals(
          feedback,
          count(
              c,
              "SELECT count(*) FROM feedback WHERE response_id IN"
                  + " (SELECT response_id FROM feedback)"),
          "subqueries are not capped");
      assertEquals(
          feedback,
          count(c, "SELECT count(*) FROM (SELECT * FROM feedback)"),
          "an inner query is not capped");
    }
  }

  /**
   * Session options set in the JDBC URL (HiveServer2 applies them without a statement) refuse every
   * statement of that session.
   */
  private static void optionsInTheConnectionUrlRefuseEveryStatement(String url, String hash)
      throws SQLException {
    for (String options :
        List.of(
            "?spark.sql.runSQLOnFiles=true",
            "#spark.sql.runSQLOnFiles=true",
            "?spark.sql.variable.substitute=true")) {
      Connection c;
      try {
        c = DriverManager.getConnection(url + options, USER, PASSWORD);
      } catch (SQLException e) {
        // The server runs `USE default` when it opens the session: refused there already.
        assertTrue(
            e.getMessage().contains("changed the server option(s)"),
            options + " -> " + e.getMessage());
        assertFalse(e.getMessage().contains(hash), "the secret is not shown");
        continue;
      }
      try (c;
          Statement s = c.createStatement()) {
        for (String q :
            List.of(
                "SELECT * FROM text.`/etc/passwd`",
                "SELECT '${env:POLKU_TEST_SQL_HASH}'",
                "SELECT count(*) FROM feedback")) {
          SQLException e = assertThrows(SQLException.class, () -> s.execute(q), options + q);
          assertTrue(
              e.getMessage().contains("changed the server option(s)"),
              options + " " + q + " -> " + e.getMessage());
          assertFalse(e.getMessage().contains(hash), "the secret is not shown");
        }
      }
    }
  }

  private void theAuditLogHasStatementsWithoutTheirValues(String hash) throws Exception {
    StringBuilder logs = new StringBuilder();
    try (var files = Files.list(tmp.resolve("serve-logs"))) {
      for (Path f : files.toList()) {
        logs.append(Files.readString(f));
      }
    }
    String all = logs.toString();
    assertTrue(all.contains("start user=" + USER), "the audit log records the user");
    assertTrue(
        all.contains(
            "statement: SELECT response_id, channel, team, priority, status"
                + " FROM followups ORDER BY response_id"),
        "statements are recorded");
    assertTrue(
        all.contains(
            "statement: SELECT TRANSFORM(response_id) USING ? AS (out STRING)"
                + " FROM feedback LIMIT ?"),
        "literal values are replaced by ?");
    assertTrue(all.contains("refused: SET spark.redaction.regex is not allowed"), "outcomes");
    for (String secret : List.of(hash, "pwned", "java.lang.System")) {
      assertFalse(all.contains(secret), "the serve log holds no statement value: " + secret);
    }
  }

  private void sameRowsAsTheCli(Connection c) throws SQLException {
    for (String query :
        List.of(
            "SELECT label FROM latest_root_cause_segments ORDER BY rank LIMIT 5",
            "SELECT response_id, channel, team, priority, status FROM followups"
                + " ORDER BY response_id")) {
      List<String> jdbc = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery(query)) {
        int n = r.getMetaData().getColumnCount();
        while (r.next()) {
          List<String> cells = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            cells.add(r.getString(i) == null ? "" : r.getString(i));
          }
          jdbc.add(TextTable.csvLine(cells));
        }
      }
      List<String> viaCli =
          cli.apply(new String[] {"sql", query, "--format", "csv", "--limit", "1000000"})
              .lines()
              .skip(1)
              .toList();
      assertTrue(jdbc.size() >= 5, query + " returns rows: " + jdbc.size());
      assertEquals(viaCli, jdbc, query);
    }
  }

  private void catalogShowsEveryTableViewAndComment(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    Map<String, String> expected = new TreeMap<>();
    for (TableSpec t : Tables.ALL) {
      if (lake.exists(t)) {
        expected.put(t.name(), "TABLE|" + t.description());
      }
    }
    for (ViewSpec v : Views.ALL) {
      expected.put(v.name(), "VIEW|" + v.description());
    }
    assertEquals(
        Tables.ALL.size() + Views.ALL.size(), expected.size(), "the nightly wrote every table");
    Map<String, String> listed = new TreeMap<>();
    try (ResultSet r = md.getTables(null, "default", "%", null)) {
      while (r.next()) {
        listed.put(
            r.getString("TABLE_NAME"), r.getString("TABLE_TYPE") + "|" + r.getString("REMARKS"));
      }
    }
    assertEquals(expected, listed);

    int columns = 0;
    for (TableSpec t : Tables.ALL) {
      assertEquals(comments(t), columnRemarks(md, t.name()), "comments of " + t.name());
      columns += t.columns().size();
    }
    for (ViewSpec v : Views.ALL) {
      assertEquals(comments(v.base()), columnRemarks(md, v.name()), "comments of " + v.name());
    }
    System.out.println("getColumns: comments of " + columns + " table columns matched");
  }

  private static Map<String, String> comments(TableSpec t) {
    Map<String, String> m = new LinkedHashMap<>();
    t.columns().forEach(col -> m.put(col.name(), col.comment()));
    return m;
  }

  private static Map<String, String> columnRemarks(DatabaseMetaData md, String table)
      throws SQLException {
    Map<String, String> m = new LinkedHashMap<>();
    try (ResultSet r = md.getColumns(null, "default", table, "%")) {
      while (r.next()) {
        m.put(r.getString("COLUMN_NAME"), r.getString("REMARKS"));
      }
    }
    return m;
  }

  private void writesAreRejectedAndNothingChanges(Connection c) throws SQLException {
    List<TableSpec> watched =
        List.of(
            Tables.FEEDBACK,
            Tables.FOLLOWUPS,
            Tables.KPI_DAILY,
            Tables.FOLLOWUP_UPDATES,
            Tables.ROOT_CAUSE_SEGMENTS);
    Map<String, Row> before = state(watched);
    Path elsewhere = tmp.resolve("not-allowed");
    List<String> writes =
        List.of(
            "INSERT INTO kpi_daily SELECT * FROM kpi_daily LIMIT 1",
            "INSERT OVERWRITE followup_updates SELECT * FROM followup_updates",
            "UPDATE followups SET status = 'closed'",
            "DELETE FROM feedback WHERE channel = 'phone'",
            "MERGE INTO followups t USING followups s ON t.response_id = s.response_id"
                + " WHEN MATCHED THEN DELETE",
            "DROP TABLE feedback",
            "DROP VIEW open_followups",
            "CREATE TABLE stolen USING delta AS SELECT * FROM feedback",
            "CREATE TABLE elsewhere (a INT) USING delta LOCATION '" + elsewhere + "'",
            "CREATE OR REPLACE VIEW open_followups AS SELECT 1 AS a",
            "ALTER TABLE feedback ADD COLUMNS (extra INT)",
            "ALTER TABLE feedback SET TBLPROPERTIES ('delta.appendOnly' = 'true')",
            "TRUNCATE TABLE followup_updates",
            "OPTIMIZE feedback",
            "VACUUM feedback RETAIN 0 HOURS",
            "RESTORE TABLE feedback TO VERSION AS OF 0",
            "SET spark.sql.warehouse.dir = " + elsewhere,
            "SET spark.hadoop.fs.defaultFS = file:///",
            "SELECT reflect('java.lang.System', 'getProperty', 'user.home')");
    try (Statement s = c.createStatement()) {
      for (String w : writes) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(w), w);
        assertTrue(e.getMessage().contains("read-only"), w + " -> " + e.getMessage());
      }
      // Reading statements and harmless session options still work.
      s.execute("SET spark.sql.shuffle.partitions = 4");
      s.execute("DESCRIBE HISTORY feedback");
      s.execute("SHOW TABLES");
    }
    assertEquals(before, state(watched), "no table changed");
    assertFalse(Files.exists(elsewhere), "nothing was created at " + elsewhere);
    assertFalse(lake.spark().catalog().tableExists("default.stolen"));
  }

  /** Content hash and latest Delta version of each table. */
  private Map<String, Row> state(List<TableSpec> tables) {
    Map<String, Row> m = new LinkedHashMap<>();
    for (TableSpec t : tables) {
      long version =
          DeltaTable.forPath(lake.spark(), lake.location(t))
              .history(1)
              .select("version")
              .first()
              .getLong(0);
      m.put(t.name(), RowFactory.create(version, Lake.contentHash(lake.read(t))));
    }
    return m;
  }

  private void aCommitIsSeenWithoutRestart(Connection c) throws SQLException {
    long before = count(c, "SELECT count(*) FROM followup_updates");
    assertEquals(lake.read(Tables.FOLLOWUP_UPDATES).count(), before);
    List<Row> two = lake.read(Tables.FOLLOWUPS).orderBy("response_id").limit(2).collectAsList();
    List<Row> updates = new ArrayList<>();
    for (Row f : two) {
      updates.add(
          RowFactory.create(
              f.getAs("response_id"),
              "in_progress",
              java.sql.Timestamp.valueOf("2026-10-31 08:00:00"),
              "seen over JDBC"));
    }
    long expected = before == 2 ? 1 : 2;
    lake.replaceWhere(
        Tables.FOLLOWUP_UPDATES,
        lake.spark()
            .createDataFrame(updates.subList(0, (int) expected), Tables.FOLLOWUP_UPDATES.schema()),
        "true");
    assertEquals(
        expected,
        count(c, "SELECT count(*) FROM followup_updates"),
        "the server sees the new Delta version (had " + before + " rows)");
  }

  private static long count(Connection c, String q) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(q)) {
      r.next();
      return r.getLong(1);
    }
  }
}
