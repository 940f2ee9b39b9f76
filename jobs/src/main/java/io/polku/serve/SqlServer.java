package io.polku.serve;

import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import io.polku.contract.ViewSpec;
import io.polku.contract.Views;
import io.polku.lake.Lake;
import io.polku.lake.SparkSessions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * The read-only SQL endpoint: a Spark Thrift server (HiveServer2 protocol, so the standard
 * Hive/Spark JDBC and ODBC drivers connect) over the lake's tables and BI views.
 *
 * <p>The session uses the in-memory catalog (no metastore on disk); tables are registered by
 * location with their comments, so a query always reads the latest committed Delta version and a
 * nightly running in another process is seen without a restart. Tables that appear later are
 * registered every {@code polku.serve.refresh-seconds}. Every client statement passes {@link
 * ReadOnlyGuard} (allow-lists of plan nodes, relations, functions and session options), is capped
 * at {@code polku.serve.max-result-rows} rows ({@link ResultCap}) and {@code
 * polku.serve.query-timeout-seconds}, and is audited without its values ({@link SqlAudit}).
 */
public final class SqlServer implements AutoCloseable {
  private final SparkSession spark;
  private final HiveThriftServer2 server;
  private final ScheduledExecutorService refresher;
  private final Lake lake;
  private final ServeOptions options;
  private volatile List<TableSpec> registered;
  private volatile List<String> views;
  private final Map<String, String> serverOptions;

  private SqlServer(
      SparkSession spark,
      HiveThriftServer2 server,
      Lake lake,
      ServeOptions options,
      List<TableSpec> registered,
      List<String> views,
      Map<String, String> serverOptions) {
    this.serverOptions = serverOptions;
    this.spark = spark;
    this.server = server;
    this.lake = lake;
    this.options = options;
    this.registered = registered;
    this.views = views;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "polku-serve-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  /** Spark settings of the serving session, on top of the configuration's. */
  static Map<String, String> sessionSettings(PolkuConfig config, ServeOptions options) {
    Map<String, String> s = new LinkedHashMap<>();
    String extensions = config.sparkConf().getOrDefault("spark.sql.extensions", "");
    s.put(
        "spark.sql.extensions",
        (extensions.isBlank() ? "" : extensions + ",") + ReadOnlyExtension.class.getName());
    // Must be set when the session is built; later they are ignored (binds 0.0.0.0:10000).
    s.put("spark.hadoop.hive.server2.thrift.port", String.valueOf(options.port()));
    s.put("spark.hadoop.hive.server2.thrift.bind.host", options.host());
    s.put("spark.hadoop.hive.server2.transport.mode", "binary");
    // Column comments of Delta tables reach getColumns only with the catalog kept in sync.
    s.put("spark.databricks.delta.catalog.update.enabled", "true");
    // Thrift sessions use java.time values; Delta 3.3's metadata-only max()/min() answers
    // (the latest-run views use them) cast to java.sql.Date and fail with a ClassCastException.
    s.put("spark.databricks.delta.optimizeMetadataQuery.enabled", "false");
    // Hardening, set here rather than left to the configuration: ReadOnlyGuard refuses every
    // statement of a session whose options differ from these (a JDBC URL can set options).
    // No `SELECT * FROM csv.`/etc/passwd``: clients read registered tables only.
    s.put("spark.sql.runSQLOnFiles", "false");
    // No ${env:X}, ${system:X} or ${spark:X} in statements: they would return secrets.
    s.put("spark.sql.variable.substitute", "false");
    // Statements are audited by SqlAudit without their values; Spark's UI keeps none.
    s.put("spark.ui.enabled", "false");
    s.put("spark.sql.thriftServer.queryTimeout", options.queryTimeoutSeconds() + "s");
    return s;
  }

  /** HiveServer2 reads its authentication from a fresh HiveConf: JVM system properties. */
  static void configureAuthentication(ServeOptions options) {
    switch (options.authMode()) {
      case "password" -> {
        PasswordAuthenticator.configure(options.users());
        System.setProperty("hive.server2.authentication", "CUSTOM");
        System.setProperty(
            "hive.server2.custom.authentication.class", PasswordAuthenticator.class.getName());
      }
      case "ldap" -> {
        System.setProperty("hive.server2.authentication", "LDAP");
        System.setProperty("hive.server2.authentication.ldap.url", options.ldap().get("url"));
        if (options.ldap().containsKey("base-dn")) {
          System.setProperty(
              "hive.server2.authentication.ldap.baseDN", options.ldap().get("base-dn"));
        }
        if (options.ldap().containsKey("domain")) {
          System.setProperty(
              "hive.server2.authentication.ldap.Domain", options.ldap().get("domain"));
        }
      }
      default -> System.setProperty("hive.server2.authentication", "NONE");
    }
  }

  /** Fails early, with the fix, when the port is taken (HiveServer2 would exit the JVM). */
  static void checkPortFree(ServeOptions options) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(options.host(), options.port()));
    } catch (IOException e) {
      throw new ConfigException(
          "polku.serve.port = "
              + options.port()
              + " on "
              + options.host()
              + " cannot be used ("
              + e.getMessage()
              + "); expected a free port;"
              + " stop the process using it or pass --port with another one");
    }
  }

  /**
   * Opens the session, registers the lake's tables and views and starts the endpoint. The caller
   * closes it (or the JVM's shutdown does).
   */
  public static SqlServer start(
      PolkuConfig config, ServeOptions options, Consumer<String> progress) {
    checkPortFree(options);
    configureAuthentication(options);
    System.setProperty("derby.stream.error.file", "/dev/null");
    if (SparkSession.getDefaultSession().isDefined()) {
      throw new IllegalStateException(
          "bin/polku serve needs its own JVM: a SparkSession"
              + " exists already, and the endpoint's read-only rule and port are fixed when the"
              + " session is built; start it as its own process");
    }
    SparkSession spark = SparkSessions.build(config, sessionSettings(config, options));
    Lake lake = new Lake(spark, config.lakeRoot(), config.database());
    List<TableSpec> registered = ReadOnlyGuard.privileged(lake::registerExisting);
    List<String> views = viewsOver(registered);
    Map<String, String> serverOptions = serverOptions(spark);
    ServedCatalog.set(served(lake, options, registered, views, serverOptions));
    spark.sparkContext().addSparkListener(new SqlAudit());
    if (registered.isEmpty()) {
      progress.accept(
          "warning: no Polku table exists under "
              + lake.root()
              + " yet; run"
              + " `bin/polku nightly` (tables are picked up every "
              + options.refreshSeconds()
              + " s)");
    }
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    SqlServer s = new SqlServer(spark, server, lake, options, registered, views, serverOptions);
    s.refresher.scheduleWithFixedDelay(
        s::refresh, options.refreshSeconds(), options.refreshSeconds(), TimeUnit.SECONDS);
    return s;
  }

  /** Registers tables that appeared since the last look, and the views over them. */
  void refresh() {
    try {
      List<TableSpec> now = Tables.ALL.stream().filter(lake::exists).toList();
      if (!now.equals(registered)) {
        registered = ReadOnlyGuard.privileged(lake::registerExisting);
        views = viewsOver(registered);
        ServedCatalog.set(served(lake, options, registered, views, serverOptions));
      }
    } catch (RuntimeException e) {
      // The next refresh tries again; queries keep being served meanwhile.
      org.apache.logging.log4j.LogManager.getLogger(SqlServer.class)
          .warn("Refreshing the table registrations failed", e);
    }
  }

  /**
   * The options a client session may hold without having set them: the server session's SQL
   * options, and the HiveServer2 settings (system properties such as the authentication) that the
   * Thrift server copies into every new session.
   */
  private static Map<String, String> serverOptions(SparkSession spark) {
    Map<String, String> m = new java.util.HashMap<>();
    for (Map.Entry<Object, Object> e :
        new org.apache.hadoop.hive.conf.HiveConf(
                spark.sessionState().newHadoopConf(), org.apache.hadoop.hive.conf.HiveConf.class)
            .getAllProperties()
            .entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith("hive.")) {
        m.put(key, String.valueOf(e.getValue()));
      }
    }
    m.putAll(
        scala.collection.JavaConverters.mapAsJavaMap(spark.sessionState().conf().getAllConfs()));
    return Map.copyOf(m);
  }

  private static ServedCatalog.Served served(
      Lake lake,
      ServeOptions options,
      List<TableSpec> tables,
      List<String> views,
      Map<String, String> serverOptions) {
    return new ServedCatalog.Served(
        lake.database(),
        tables.stream().map(TableSpec::name).collect(java.util.stream.Collectors.toSet()),
        java.util.Set.copyOf(views),
        serverOptions,
        options.maxResultRows());
  }

  /** The views {@link Lake#registerExisting} created over these tables. */
  private static List<String> viewsOver(List<TableSpec> tables) {
    return Views.ALL.stream()
        .filter(v -> tables.containsAll(v.reads()))
        .map(ViewSpec::name)
        .toList();
  }

  public List<TableSpec> tables() {
    return registered;
  }

  public List<String> views() {
    return views;
  }

  public String jdbcUrl() {
    return options.jdbcUrl(lake.database());
  }

  public SparkSession spark() {
    return spark;
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    ServedCatalog.set(null);
    server.stop();
    spark.stop();
  }
}
