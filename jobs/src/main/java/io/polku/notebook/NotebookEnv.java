package io.polku.notebook;

import io.polku.config.PolkuConfig;
import io.polku.session.PolkuSession;
import io.polku.text.TextTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Opens Polku in a notebook (or any JVM program) the way {@code bin/polku} does: the configuration
 * file, the SparkSession with the Delta settings, and the lake with every table and view
 * registered. Reads the environment the kernel spec sets:
 *
 * <ul>
 *   <li>{@code POLKU_HOME} — the checkout (default: the current folder's parent when it has {@code
 *       conf/}, else the current folder);
 *   <li>{@code POLKU_CONF} — the configuration file, relative to POLKU_HOME (default {@code
 *       conf/local.conf});
 *   <li>{@code POLKU_LAKE_ROOT} — another lake than the configuration's (optional);
 *   <li>{@code POLKU_LOGS_DIR} — another folder for the Spark log file (optional).
 * </ul>
 */
public final class NotebookEnv {
  /**
   * Kept: java.util.logging holds loggers weakly. The Java kernel turns fine-grained JUL logging
   * on, and Janino's trace calls (Spark's code generator) then crash in the SLF4J bridge's message
   * formatting (StringIndexOutOfBoundsException in Descriptor.toClassName).
   */
  private static final java.util.logging.Logger JANINO =
      java.util.logging.Logger.getLogger("org.codehaus.janino");

  private NotebookEnv() {}

  public static PolkuSession.Opened open() {
    JANINO.setLevel(java.util.logging.Level.WARNING);
    Path home = home();
    Path conf = home.resolve(System.getenv().getOrDefault("POLKU_CONF", "conf/local.conf"));
    Map<String, String> overrides = new LinkedHashMap<>();
    String lake = System.getenv("POLKU_LAKE_ROOT");
    if (lake != null && !lake.isBlank()) {
      overrides.put("polku.lake.root", lake);
    }
    String logs = System.getenv("POLKU_LOGS_DIR");
    if (logs != null && !logs.isBlank()) {
      overrides.put("polku.logs.dir", logs);
    }
    PolkuConfig config = PolkuConfig.load(conf, overrides);
    return PolkuSession.open(config, "notebook");
  }

  /**
   * Prints the first {@code limit} rows as an aligned text table (what {@code bin/polku sql}
   * prints) to the cell's output. Only {@code limit} rows reach the driver.
   */
  public static void show(Dataset<Row> rows, int limit) {
    List<List<String>> cells = new ArrayList<>();
    for (Row r : rows.limit(limit).collectAsList()) {
      cells.add(TextTable.cells(r, "NULL"));
    }
    System.out.print(TextTable.render(List.of(rows.columns()), cells));
  }

  static Path home() {
    String env = System.getenv("POLKU_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path cwd = Path.of("").toAbsolutePath();
    return Files.isDirectory(cwd.resolve("conf")) || cwd.getParent() == null
        ? cwd
        : cwd.getParent();
  }
}
