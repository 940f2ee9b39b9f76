package io.polku.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polku.lake.LakeLock;
import io.polku.pipeline.NightlyPipeline;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine-readable summary of one run ({@code nightly --json}, {@code ingest --json}): one JSON
 * document on stdout, also when the run fails, for orchestrators. See docs/operations.md for its
 * fields.
 */
final class RunSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String runId;
  private final String command;
  private final String lake;
  private final LocalDate from;
  private final LocalDate to;
  private final Instant started;
  private final List<NightlyPipeline.StageReport> stages = new ArrayList<>();
  private List<String> abandoned = List.of();
  private LakeLock.Owner tookOver;
  private LakeLock.Owner lockHolder;

  RunSummary(
      String runId, String command, String lake, LocalDate from, LocalDate to, Instant started) {
    this.runId = runId;
    this.command = command;
    this.lake = lake;
    this.from = from;
    this.to = to;
    this.started = started;
  }

  void stage(NightlyPipeline.StageReport report) {
    stages.add(report);
  }

  void abandoned(List<String> runIds) {
    abandoned = List.copyOf(runIds);
  }

  void tookOver(LakeLock.Owner owner) {
    tookOver = owner;
  }

  void lockedBy(LakeLock.Owner owner) {
    lockHolder = owner;
  }

  /** The document; {@code status} as in run_audit, or locked / config_error. */
  String toJson(String status, int exitCode, String error, String logFile) {
    Instant ended = Instant.now();
    ObjectNode n = JSON.createObjectNode();
    n.put("run_id", runId);
    n.put("command", command);
    n.put("status", status);
    n.put("exit_code", exitCode);
    n.put("lake", lake);
    n.put("date_from", from.toString());
    n.put("date_to", to.toString());
    n.put("started", started.toString());
    n.put("ended", ended.toString());
    n.put("seconds", seconds(started, ended));
    ArrayNode st = n.putArray("stages");
    for (NightlyPipeline.StageReport r : stages) {
      ObjectNode s = st.addObject();
      s.put("stage", r.stage());
      s.put("status", r.status());
      if (r.result() != null) {
        s.put("rows_in", r.result().rowsIn());
        s.put("rows_out", r.result().rowsOut());
        s.put("rows_quarantined", r.result().rowsQuarantined());
        ArrayNode w = s.putArray("warnings");
        r.result().warnings().forEach(w::add);
        ArrayNode x = s.putArray("explanations");
        r.result().explanations().forEach(x::add);
      } else {
        s.putNull("rows_in");
        s.putNull("rows_out");
        s.putNull("rows_quarantined");
        s.putArray("warnings");
        s.putArray("explanations");
      }
      s.put("seconds", seconds(r.started(), r.ended()));
      if (r.result() == null) {
        s.put("error", r.message());
      }
    }
    // Every stage's explanations in one list, "stage: sentence", as the console prints them.
    ArrayNode ex = n.putArray("explanations");
    for (NightlyPipeline.StageReport r : stages) {
      if (r.result() != null) {
        r.result().explanations().forEach(e -> ex.add(r.stage() + ": " + e));
      }
    }
    ArrayNode ab = n.putArray("abandoned_runs");
    abandoned.forEach(ab::add);
    if (tookOver != null) {
      n.set("took_over_lock_of", owner(tookOver));
    } else {
      n.putNull("took_over_lock_of");
    }
    if (lockHolder != null) {
      n.set("locked_by", owner(lockHolder));
    }
    if (error != null) {
      n.put("error", error);
    } else {
      n.putNull("error");
    }
    if (logFile != null) {
      n.put("log", logFile);
    } else {
      n.putNull("log");
    }
    return n.toString();
  }

  private static ObjectNode owner(LakeLock.Owner o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("run_id", o.runId());
    n.put("command", o.command());
    n.put("host", o.host());
    n.put("pid", o.pid());
    n.put("started", o.started().toString());
    n.put("heartbeat", o.heartbeat().toString());
    return n;
  }

  private static double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toMillis() / 1000.0;
  }
}
