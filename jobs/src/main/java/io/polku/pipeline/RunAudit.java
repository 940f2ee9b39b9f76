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
 * object when a stage ends, and the run's final status, which replaces the 'running' row (the key
 * is (run_id, stage, object)).
 *
 * <p>A stage's rows carry this run's id, so their keys are new: they are appended (a write and a
 * commit). Only the run row's status change is a merge, and it names this run's id, so Delta skips
 * the files of other runs. Upserting every row, as before, scanned the whole table ten times a run:
 * about 2 s each on a small run, and growing with the lake's history.
 */
public final class RunAudit {
  private final RunContext ctx;

  public RunAudit(RunContext ctx) {
    this.ctx = ctx;
  }

  public void runStarted() {
    // Every contract table exists after a run; the erasure tables are written only by forget.
    ctx.lake().ensure(Tables.ERASURE_LOG);
    ctx.lake().ensure(Tables.ERASED_IDENTIFIERS);
    append(List.of(row("run", "*", ctx.startedAt(), null, "running", null, null, null, null)));
  }

  public void runEnded(String status, String message) {
    upsert(
        List.of(
            row("run", "*", ctx.startedAt(), Instant.now(), status, null, null, null, message)));
  }

  /**
   * Marks every run that run_audit still shows as 'running', other than this one, as 'abandoned':
   * called by the lock holder at start, so such a run holds no lock and can no longer be running
   * (it was killed, or its host died). Its run row is replaced (same key); {@code ended_ts} is the
   * last heartbeat of its lock when this run took that lock over, else null (unknown). Returns the
   * run ids marked.
   */
  public List<String> markAbandoned(String tookOverRunId, Instant tookOverHeartbeat) {
    Lake lake = ctx.lake();
    if (!lake.exists(Tables.RUN_AUDIT)) {
      return List.of();
    }
    List<Row> running =
        lake.read(Tables.RUN_AUDIT)
            .filter("stage = 'run' AND object = '*' AND status = 'running'")
            .filter(org.apache.spark.sql.functions.col("run_id").notEqual(ctx.runId()))
            .collectAsList(); // one row per unfinished run: a handful
    if (running.isEmpty()) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Instant now = Instant.now();
    for (Row r : running) {
      String id = r.getAs("run_id");
      boolean ours = id.equals(tookOverRunId);
      Timestamp ended =
          ours && tookOverHeartbeat != null ? Timestamp.from(tookOverHeartbeat) : null;
      String message =
          "abandoned: still 'running' at "
              + now
              + " when run "
              + ctx.runId()
              + " took the lake's lock"
              + (ours
                  ? " over from it (ended_ts = its last heartbeat)"
                  : " (it held no lock: killed or its host died)")
              + "; re-run its dates "
              + r.getAs("date_from")
              + " .. "
              + r.getAs("date_to")
              + " if they were not re-run";
      rows.add(
          RowFactory.create(
              id,
              "run",
              "*",
              r.getAs("date_from"),
              r.getAs("date_to"),
              r.getAs("started_ts"),
              ended,
              "abandoned",
              null,
              null,
              null,
              message,
              r.getAs("spark_app_id"),
              r.getAs("config_hash")));
      ids.add(id);
    }
    upsert(rows);
    return ids;
  }

  public void stageEnded(StageResult result, Instant started, String status, String message) {
    List<Row> rows = new ArrayList<>();
    Instant ended = Instant.now();
    rows.add(
        row(
            result.stage(),
            "*",
            started,
            ended,
            status,
            result.rowsIn(),
            result.rowsOut(),
            result.rowsQuarantined(),
            message));
    for (StageResult.ObjectCounts o : result.objects()) {
      rows.add(
          row(
              result.stage(),
              o.object(),
              started,
              ended,
              status,
              o.rowsIn(),
              o.rowsOut(),
              o.rowsQuarantined(),
              o.message()));
    }
    append(rows);
  }

  public void stageFailed(String stage, Instant started, String status, String message) {
    append(List.of(row(stage, "*", started, Instant.now(), status, null, null, null, message)));
  }

  private Row row(
      String stage,
      String object,
      Instant started,
      Instant ended,
      String status,
      Long in,
      Long out,
      Long quarantined,
      String message) {
    return RowFactory.create(
        ctx.runId(),
        stage,
        object,
        Date.valueOf(ctx.dateFrom()),
        Date.valueOf(ctx.dateTo()),
        Timestamp.from(started),
        ended == null ? null : Timestamp.from(ended),
        status,
        in,
        out,
        quarantined,
        message,
        ctx.spark().sparkContext().applicationId(),
        ctx.config().hash());
  }

  /** Rows whose key is new: this run's id with a stage it has not written yet. */
  private void append(List<Row> rows) {
    Lake lake = ctx.lake();
    lake.ensure(Tables.RUN_AUDIT);
    lake.append(Tables.RUN_AUDIT, ctx.spark().createDataFrame(rows, Tables.RUN_AUDIT.schema()));
  }

  /** Rows that replace existing ones (a run's status); the merge reads only their runs' rows. */
  private void upsert(List<Row> rows) {
    Lake lake = ctx.lake();
    lake.ensure(Tables.RUN_AUDIT);
    java.util.StringJoiner runs = new java.util.StringJoiner("', '", "t.run_id IN ('", "')");
    rows.stream()
        .map(r -> r.getString(0))
        .distinct() // run_id
        .forEach(id -> runs.add(id.replace("\\", "\\\\").replace("'", "\\'"))); // as Lake.register
    lake.upsert(
        Tables.RUN_AUDIT,
        ctx.spark().createDataFrame(rows, Tables.RUN_AUDIT.schema()),
        Tables.RUN_AUDIT.columnNames(),
        runs.toString());
  }
}
