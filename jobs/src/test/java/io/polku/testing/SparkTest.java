package io.polku.testing;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.lake.SparkSessions;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: local[2], UI off, 2 shuffle partitions, UTC, ANSI off
 * (pinned), built by the production {@link SparkSessions} from a test configuration. Never stopped
 * by a test; the JVM's exit ends it.
 */
public final class SparkTest {
  private static SparkSession spark;

  private SparkTest() {}

  public static synchronized SparkSession spark() {
    if (spark == null) {
      // One per test JVM: surefire runs two JVMs side by side.
      spark =
          SparkSessions.build(
              config(
                  Path.of(
                      System.getProperty("java.io.tmpdir"),
                      "polku-test-lake-" + ProcessHandle.current().pid())));
    }
    return spark;
  }

  /** A test configuration (no sources) with its lake at {@code lake}. */
  public static PolkuConfig config(Path lake) {
    String hocon =
        String.join(
            "\n",
            "polku.lake.root = \"" + lake.toUri() + "\"",
            "polku.logs.dir = \"" + lake.resolve("logs") + "\"",
            "polku.spark.master = \"local[2]\"",
            "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
                + " \"spark.ui.enabled\" = \"false\", \"spark.sql.session.timeZone\" = \"UTC\","
                + " \"spark.sql.ansi.enabled\" = \"false\","
                + " \"spark.databricks.delta.snapshotPartitions\" = \"2\" }");
    return PolkuConfig.fromConfig(ConfigFactory.parseString(hocon), Map.of(), "test");
  }

  /** The repository root (POLKU_HOME, set by surefire). */
  public static Path repoRoot() {
    String home = System.getenv("POLKU_HOME");
    return home == null
        ? Path.of("..").toAbsolutePath().normalize()
        : Path.of(home).toAbsolutePath().normalize();
  }
}
