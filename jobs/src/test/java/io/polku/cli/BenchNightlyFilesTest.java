package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file counts of {@code bench nightly}: data files per zone/table, log files apart. */
class BenchNightlyFilesTest {
  @TempDir Path lake;

  private void touch(String relative) throws Exception {
    Path p = lake.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
  }

  @Test
  void countsDataFilesPerTableAndLogFilesApart() throws Exception {
    assertEquals(Map.of(), BenchNightlyCommand.dataFiles(lake.resolve("absent")));
    touch("silver/events/event_date=2026-09-01/part-0.parquet");
    touch("silver/events/event_date=2026-09-02/part-1.parquet");
    touch("silver/events/_delta_log/00000000000000000000.json");
    touch("silver/events/_delta_log/00000000000000000000.crc");
    touch("silver/events/_delta_log/00000000000000000010.checkpoint.parquet");
    touch("gold/kpi_daily/part-0.parquet");
    touch("gold/kpi_daily/_delta_log/00000000000000000000.json");
    touch("logs/polku-nightly.log");
    touch("_polku/nightly.lock");
    // By hand: events 2 data files, kpi_daily 1; 4 files in the two _delta_log folders (the
    // checkpoint is a log file, not data); the logs and the lock are neither.
    assertEquals(
        Map.of("silver/events", 2L, "gold/kpi_daily", 1L), BenchNightlyCommand.dataFiles(lake));
    assertEquals(4, BenchNightlyCommand.logFiles(lake));
  }
}
