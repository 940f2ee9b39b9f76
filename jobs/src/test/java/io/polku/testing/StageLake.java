package io.polku.testing;

import com.typesafe.config.ConfigFactory;
import io.polku.config.PolkuConfig;
import io.polku.contract.TableSpec;
import io.polku.lake.Lake;
import io.polku.pipeline.RunContext;
import io.polku.pipeline.Stage;
import io.polku.pipeline.StageResult;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A lake for one stage's test: the configuration (the lake in a folder, plus the test's own HOCON
 * lines over reference.conf), the {@link Lake}, fixture tables written whole, and runs of the stage
 * over dates through its public entry, {@link Stage#run}.
 */
public record StageLake(SparkSession spark, PolkuConfig config, Lake lake) {

  /** A lake in {@code dir} (created on first write) with these configuration lines. */
  public static StageLake at(Path dir, String... hoconLines) {
    List<String> lines = new ArrayList<>();
    lines.add("polku.lake.root = \"" + dir.toUri() + "\"");
    lines.add("polku.logs.dir = \"" + dir.resolve("logs") + "\"");
    lines.addAll(List.of(hoconLines));
    PolkuConfig config =
        PolkuConfig.fromConfig(
            ConfigFactory.parseString(String.join("\n", lines)), Map.of(), "test");
    SparkSession spark = SparkTest.spark();
    return new StageLake(spark, config, new Lake(spark, config.lakeRoot(), config.database()));
  }

  /** Replaces the whole table with {@code rows}, creating it when missing. */
  public void write(TableSpec table, Dataset<Row> rows) {
    lake.ensure(table);
    lake.replaceWhere(table, rows, "true");
  }

  /** Runs the stage for [from, to] as the nightly would, printing its progress and time. */
  public StageResult run(Stage stage, LocalDate from, LocalDate to) {
    Instant now = Instant.now();
    long t0 = System.nanoTime();
    String prefix = stage.name() + " test: ";
    RunContext ctx =
        new RunContext(
            spark,
            config,
            lake,
            RunContext.newRunId(now),
            from,
            to,
            now,
            line -> System.out.println(prefix + line));
    StageResult result = stage.run(ctx);
    System.out.printf("%srun %s..%s %.1f s%n", prefix, from, to, (System.nanoTime() - t0) / 1e9);
    return result;
  }
}
