package io.polku.lake;

import java.time.Duration;
import java.time.Instant;

/**
 * Another run holds the lake's run lock and looks alive. The CLI maps it to exit code 4: the run
 * did nothing (no table was touched).
 */
public final class LockHeldException extends RuntimeException {
  private final LakeLock.Owner holder;

  public LockHeldException(
      String lake, String lockPath, LakeLock.Owner holder, Instant now, Duration staleAfter) {
    super(
        "Lake "
            + lake
            + " is locked by run "
            + holder.runId()
            + " ("
            + holder.command()
            + " on host "
            + holder.host()
            + ", pid "
            + holder.pid()
            + "), started "
            + holder.started()
            + ", last heartbeat "
            + holder.heartbeat()
            + " ("
            + Math.max(0, Duration.between(holder.heartbeat(), now).toSeconds())
            + " s ago);"
            + " expected no other run writing to this lake, so this run did nothing."
            + " Wait for that run to finish (see run_audit). If it is dead, its lock is stale and"
            + " the next run takes it over by itself: at once on the same host, elsewhere once the"
            + " heartbeat is older than polku.lock.stale-after ("
            + human(staleAfter)
            + "). To clear it by hand, make sure no run is active and delete "
            + lockPath);
    this.holder = holder;
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
  }

  public LakeLock.Owner holder() {
    return holder;
  }
}
