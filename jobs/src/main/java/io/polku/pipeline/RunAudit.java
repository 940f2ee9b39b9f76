package io.polku.pipeline;

import io.polku.contract.Tables;
import io.polku.lake.Lake;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Writes the {@code run_audit} table: a 'running' row when a run starts, one row per stage and
 * object when a stage ends, and the run's final status. Rows are upserted by
 * (run_id, stage, object), so a status change replaces the 'running' row.
 */
public final class RunAudit {
  private final RunContext ctx;

  public RunAudit(RunContext ctx) {
    this.ctx = ctx;
  }

  public void runStarted() {
    write(List.of(row("run", "*", ctx.startedAt(), null, "running", null, null, null, null)));
  }

  public void runEnded(String status, String message) {
    write(List.of(row("run", "*", ctx.startedAt(), Instant.now(), status, null, null, null,
        message)));
  }

  public void stageEnded(StageResult result, Instant started, String status, String message) {
    List<Row> rows = new ArrayList<>();
    Instant ended = Instant.now();
    rows.add(row(result.stage(), "*", started, ended, status, result.rowsIn(),
        result.rowsOut(), result.rowsQuarantined(), message));
    for (StageResult.ObjectCounts o : result.objects()) {
      rows.add(row(result.stage(), o.object(), started, ended, status, o.rowsIn(), o.rowsOut(),
          o.rowsQuarantined(), o.message()));
    }
    write(rows);
  }

  public void stageFailed(String stage, Instant started, String status, String message) {
    write(List.of(row(stage, "*", started, Instant.now(), status, null, null, null, message)));
  }

  private Row row(String stage, String object, Instant started, Instant ended, String status,
      Long in, Long out, Long quarantined, String message) {
    return RowFactory.create(ctx.runId(), stage, object, Date.valueOf(ctx.dateFrom()),
        Date.valueOf(ctx.dateTo()), Timestamp.from(started),
        ended == null ? null : Timestamp.from(ended), status, in, out, quarantined, message,
        ctx.spark().sparkContext().applicationId(), ctx.config().hash());
  }

  private void write(List<Row> rows) {
    Lake lake = ctx.lake();
    lake.ensure(Tables.RUN_AUDIT);
    lake.upsert(Tables.RUN_AUDIT,
        ctx.spark().createDataFrame(rows, Tables.RUN_AUDIT.schema()),
        Tables.RUN_AUDIT.columnNames());
  }
}
