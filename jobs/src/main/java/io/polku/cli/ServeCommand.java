package io.polku.cli;

import io.polku.config.PolkuConfig;
import io.polku.serve.PasswordHash;
import io.polku.serve.ServeOptions;
import io.polku.serve.SqlServer;
import io.polku.session.PolkuSession;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Starts the read-only JDBC/ODBC endpoint for BI tools. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the lake's tables and BI views read-only over JDBC/ODBC (the"
          + " HiveServer2 protocol of Spark's Thrift server): connect with"
          + " jdbc:hive2://HOST:PORT/default and the Hive or Spark driver. Runs until stopped"
          + " (Ctrl-C); a nightly running meanwhile is seen without a restart.",
      "Binds to polku.serve.host (127.0.0.1); any other address needs"
          + " polku.serve.auth.mode = password or ldap."
    })
public final class ServeCommand implements Callable<Integer> {
  @Mixin Environment env;

  @Option(names = "--host", description = "Bind address (overrides polku.serve.host).")
  String host;

  @Option(names = "--port", description = "TCP port (overrides polku.serve.port).")
  Integer port;

  @Option(
      names = "--hash-password",
      description =
          "Read a password (from the terminal or"
              + " one line of standard input), print its hash for polku.serve.auth.users and exit.")
  boolean hashPassword;

  @Override
  public Integer call() throws Exception {
    if (hashPassword) {
      return printHash();
    }
    Map<String, String> over = new LinkedHashMap<>();
    if (host != null) {
      over.put("polku.serve.host", host);
    }
    if (port != null) {
      over.put("polku.serve.port", String.valueOf(port));
    }
    if (!over.isEmpty()) {
      env.overrides = new java.util.ArrayList<>(env.overrides);
      over.forEach((k, v) -> env.overrides.add(k + "=" + v));
    }
    PolkuConfig config = env.config();
    ServeOptions options = ServeOptions.from(config.raw());
    PolkuSession.redirectLogs(config, "serve");
    System.out.println(
        "Starting the SQL endpoint over "
            + config.lakeRoot()
            + " (log: "
            + System.getProperty(PolkuSession.LOG_FILE_PROPERTY)
            + ") ...");
    SqlServer server = SqlServer.start(config, options, System.out::println);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "polku-serve-stop"));
    System.out.println(
        "Tables: " + server.tables().size() + ", views: " + String.join(", ", server.views()));
    System.out.println(
        "Polku SQL endpoint on "
            + server.jdbcUrl()
            + " (read-only, auth "
            + options.authMode()
            + "). Ctrl-C stops it.");
    System.out.flush();
    stopped.await();
    return ExitCodes.OK;
  }

  private static int printHash() throws IOException {
    char[] password;
    Console console = System.console();
    if (console != null) {
      password = console.readPassword("Password: ");
    } else {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? new char[0] : line.toCharArray();
    }
    if (password == null || password.length < 8) {
      throw new IllegalArgumentException(
          "the password has "
              + (password == null ? 0 : password.length)
              + " characters; expected at least 8; type a longer one");
    }
    System.out.println(PasswordHash.create(password));
    return ExitCodes.OK;
  }
}
