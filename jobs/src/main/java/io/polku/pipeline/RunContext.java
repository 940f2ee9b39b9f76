package io.polku.pipeline;

import io.polku.config.PolkuConfig;
import io.polku.lake.Lake;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a stage needs for one run: the session, the lake, the configuration, the run's id, its
 * date range and its start time (the reference for the future-timestamp check).
 */
public record RunContext(
    SparkSession spark,
    PolkuConfig config,
    Lake lake,
    String runId,
    LocalDate dateFrom,
    LocalDate dateTo,
    Instant startedAt,
    Consumer<String> progress) {

  public RunContext {
    if (dateTo.isBefore(dateFrom)) {
      throw new IllegalArgumentException(
          "The run's end date "
              + dateTo
              + " is before its start"
              + " date "
              + dateFrom
              + "; pass --from before --to");
    }
  }

  /** A new run id: UTC start time plus a random suffix, e.g. 20261126T153000Z-3f9a1c. */
  public static String newRunId(Instant startedAt) {
    byte[] suffix = new byte[3];
    ThreadLocalRandom.current().nextBytes(suffix);
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(startedAt)
        + "-"
        + HexFormat.of().formatHex(suffix);
  }

  /** The Delta/Spark SQL predicate selecting the run's dates in {@code dateColumn}. */
  public String dateRangePredicate(String dateColumn) {
    return dateColumn + " >= DATE'" + dateFrom + "' AND " + dateColumn + " <= DATE'" + dateTo + "'";
  }
}
