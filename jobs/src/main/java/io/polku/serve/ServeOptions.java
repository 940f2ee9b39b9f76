package io.polku.serve;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.Missing;
import io.polku.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code polku.serve}: where the SQL endpoint listens and who may connect. Every problem is
 * reported at once, each with the key, the value, what was expected and the fix.
 *
 * @param host bind address; loopback unless authentication is configured
 * @param port TCP port of the HiveServer2 binary protocol
 * @param refreshSeconds how often tables that appeared in the lake since start are registered
 * @param authMode none, password or ldap
 * @param users user name to PBKDF2 hash (mode password)
 * @param ldap LDAP settings handed to HiveServer2 (mode ldap): url, base-dn, domain
 * @param queryTimeoutSeconds a client statement running longer is cancelled
 * @param maxResultRows a client query returns at most this many rows
 */
public record ServeOptions(
    String host,
    int port,
    int refreshSeconds,
    String authMode,
    Map<String, String> users,
    Map<String, String> ldap,
    int queryTimeoutSeconds,
    long maxResultRows) {

  public static final List<String> AUTH_MODES = List.of("none", "password", "ldap");

  public static ServeOptions from(Config root) {
    Config c = root.getConfig("polku.serve");
    List<String> problems = new ArrayList<>();
    String host = c.getString("host").trim();
    int port = c.getInt("port");
    if (port < 1 || port > 65535) {
      problems.add(
          "polku.serve.port = " + port + " is not a TCP port; expected 1..65535, e.g." + " 10000");
    }
    int refresh = c.getInt("refresh-seconds");
    if (refresh < 1) {
      problems.add("polku.serve.refresh-seconds = " + refresh + " must be at least 1; e.g. 60");
    }
    int timeout = c.getInt("query-timeout-seconds");
    if (timeout < 1) {
      problems.add(
          "polku.serve.query-timeout-seconds = "
              + timeout
              + " must be at least 1;"
              + " e.g. 600 (ten minutes)");
    }
    long maxRows = c.getLong("max-result-rows");
    if (maxRows < 1) {
      problems.add(
          "polku.serve.max-result-rows = " + maxRows + " must be at least 1; e.g." + " 1000000");
    }
    String mode = c.getString("auth.mode").trim();
    if (!AUTH_MODES.contains(mode)) {
      problems.add(
          "polku.serve.auth.mode = "
              + mode
              + " is not one of "
              + AUTH_MODES
              + "; set password (users with hashes) or ldap, or none on loopback");
    }
    Map<String, String> users = new LinkedHashMap<>();
    for (Config u : c.getConfigList("auth.users")) {
      String name = u.hasPath("name") ? u.getString("name") : "";
      String hash = u.hasPath("password-hash") ? u.getString("password-hash") : null;
      if (name.isBlank()) {
        problems.add(
            "polku.serve.auth.users: an entry has no name; expected"
                + " { name = \"analyst\", password-hash = ${?POLKU_SQL_ANALYST_HASH} }");
      } else if (!PasswordHash.isWellFormed(hash)) {
        problems.add(
            "polku.serve.auth.users["
                + name
                + "].password-hash = "
                + (hash == null ? "(unset)" : "(" + hash.length() + " characters, not shown)")
                + " is not a hash of the form pbkdf2-sha256$ITERATIONS$SALT$HASH; make one with"
                + " `bin/polku serve --hash-password` and put it in an environment variable");
      } else {
        users.put(name, hash);
      }
    }
    Map<String, String> ldap = new LinkedHashMap<>();
    for (String k : List.of("url", "base-dn", "domain")) {
      try {
        if (!c.getIsNull("auth.ldap." + k)) {
          ldap.put(k, c.getString("auth.ldap." + k));
        }
      } catch (Missing e) {
        // not set
      }
    }
    if (mode.equals("password") && users.isEmpty() && problems.isEmpty()) {
      problems.add(
          "polku.serve.auth.mode = password but polku.serve.auth.users is empty; add"
              + " { name = \"analyst\", password-hash = ${?POLKU_SQL_ANALYST_HASH} }");
    }
    if (mode.equals("ldap") && !ldap.containsKey("url")) {
      problems.add(
          "polku.serve.auth.mode = ldap but polku.serve.auth.ldap.url is unset; set"
              + " it, e.g. ldaps://ldap.example.com:636");
    }
    if (mode.equals("none") && !isLoopback(host)) {
      problems.add(
          "polku.serve.host = "
              + host
              + " is not a loopback address and"
              + " polku.serve.auth.mode = none: the endpoint would be open to the network without"
              + " authentication; set polku.serve.auth.mode = password (or ldap), or bind to"
              + " 127.0.0.1");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ServeOptions(
        host, port, refresh, mode, Map.copyOf(users), Map.copyOf(ldap), timeout, maxRows);
  }

  /**
   * Loopback by the name {@code localhost} or a literal loopback address (127.0.0.0/8, ::1). A host
   * name is never looked up (it may resolve anywhere), so {@code 127.example.com} is not loopback.
   */
  public static boolean isLoopback(String host) {
    String h = host.strip().toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      for (String octet : h.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return h.startsWith("127.");
    }
    if (!h.contains(":") || !h.matches("[0-9a-f:.]+")) {
      return false;
    }
    try {
      // A literal address is parsed, never resolved.
      return java.net.InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The JDBC URL a client uses. */
  public String jdbcUrl(String database) {
    String h = host.equals("0.0.0.0") ? "HOST" : host;
    return "jdbc:hive2://" + h + ":" + port + "/" + database;
  }
}
