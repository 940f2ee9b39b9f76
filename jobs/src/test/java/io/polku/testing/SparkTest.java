package io.polku.testing;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.lake.SparkSessions;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: local[2], UI off, 2 shuffle partitions, UTC, ANSI off
 * (pinned), no code generation ({@link #CODEGEN_OFF}), built by the production
 * {@link SparkSessions} from a test configuration. Never stopped by a test; the JVM's exit ends
 * it.
 */
public final class SparkTest {
  private static SparkSession spark;

  /**
   * Spark settings (HOCON, inside {@code polku.spark.conf}) that evaluate expressions
   * interpreted instead of compiling Java code for each query: tests run on small data, where
   * compiling costs more than it saves (a small nightly took 11% and 15% less time in two
   * measurements, 2026-11-27). Production keeps Spark's defaults; results are the same.
   */
  public static final String CODEGEN_OFF = " \"spark.sql.codegen.wholeStage\" = \"false\","
      + " \"spark.sql.codegen.factoryMode\" = \"NO_CODEGEN\"";

  private SparkTest() {}

  public static synchronized SparkSession spark() {
    if (spark == null) {
      // One per test JVM: surefire runs two JVMs side by side.
      spark = SparkSessions.build(config(Path.of(System.getProperty("java.io.tmpdir"),
          "polku-test-lake-" + ProcessHandle.current().pid())));
    }
    return spark;
  }

  /** A test configuration (no sources) with its lake at {@code lake}. */
  public static PolkuConfig config(Path lake) {
    String hocon = String.join("\n",
        "polku.lake.root = \"" + lake.toUri() + "\"",
        "polku.logs.dir = \"" + lake.resolve("logs") + "\"",
        "polku.spark.master = \"local[2]\"",
        "polku.spark.conf { \"spark.sql.shuffle.partitions\" = \"2\","
            + " \"spark.ui.enabled\" = \"false\", \"spark.sql.session.timeZone\" = \"UTC\","
            + " \"spark.sql.ansi.enabled\" = \"false\","
            + " \"spark.databricks.delta.snapshotPartitions\" = \"2\","
            + CODEGEN_OFF + " }");
    return PolkuConfig.fromConfig(ConfigFactory.parseString(hocon), Map.of(), "test");
  }

  /** The repository root (POLKU_HOME, set by surefire). */
  public static Path repoRoot() {
    String home = System.getenv("POLKU_HOME");
    return home == null ? Path.of("..").toAbsolutePath().normalize()
        : Path.of(home).toAbsolutePath().normalize();
  }
}
