package io.polku.serve;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationClosed;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationError;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationFinish;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;

/**
 * The endpoint's audit log (logger {@code polku.sql.audit}, in the serve log): one line when a
 * client statement starts and one when it ends, with the user, the session, the statement with
 * every literal value replaced by {@code ?} (so identifiers analysts filter on, such as customer
 * ids, are not logged), the outcome and the time taken. Spark's own statement logging is off in
 * log4j2.properties, since it logs the text with its values.
 */
final class SqlAudit extends SparkListener {
  private static final Logger LOG = LogManager.getLogger("polku.sql.audit");
  private static final Pattern STRING =
      Pattern.compile("(?i)(?:\\b[xr])?('(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.|\"\")*\")");
  private static final Pattern NUMBER =
      Pattern.compile("(?<![\\w`.$])\\.?\\d[\\d.]*(?:[eE][+-]?\\d+)?[a-zA-Z]{0,2}(?![\\w`])");
  private static final Pattern UNTERMINATED = Pattern.compile("['\"].*", Pattern.DOTALL);
  private static final Pattern ERROR_CLASS = Pattern.compile("\\[([A-Z][A-Z0-9_.]+)\\]");

  private record Started(String user, String session, String statement, long startMillis) {}

  private final Map<String, Started> running = new ConcurrentHashMap<>();

  /** The statement with every literal value replaced by {@code ?}; whitespace collapsed. */
  static String redact(String sql) {
    String s = STRING.matcher(sql).replaceAll("?");
    s = NUMBER.matcher(s).replaceAll("?");
    // An unterminated quote would leave its value: cut from it on.
    s = UNTERMINATED.matcher(s).replaceAll("?");
    return s.replaceAll("\\s+", " ").strip();
  }

  /** The outcome of a failed statement, without values: the refusal, or Spark's error class. */
  static String outcome(String error) {
    String e = error == null ? "" : error;
    int refused = e.indexOf("Polku's SQL endpoint is read-only: ");
    if (refused >= 0) {
      String why = e.substring(refused + "Polku's SQL endpoint is read-only: ".length());
      int end = why.indexOf(". Only the nightly");
      return "refused: " + redact(end > 0 ? why.substring(0, end) : why);
    }
    Matcher m = ERROR_CLASS.matcher(e);
    return "failed: " + (m.find() ? m.group(1) : "error (see the error class in the client)");
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerThriftServerOperationStart s) {
      Started st = new Started(s.userName(), s.sessionId(), redact(s.statement()), s.startTime());
      running.put(s.id(), st);
      LOG.info(
          "start user={} session={} operation={} statement: {}",
          st.user(),
          st.session(),
          s.id(),
          st.statement());
    } else if (event instanceof SparkListenerThriftServerOperationError e) {
      end(e.id(), outcome(e.errorMsg()), e.finishTime());
    } else if (event instanceof SparkListenerThriftServerOperationFinish f) {
      end(f.id(), "ok", f.finishTime());
    } else if (event instanceof SparkListenerThriftServerOperationClosed c) {
      running.remove(c.id());
    }
  }

  private void end(String id, String outcome, long finishMillis) {
    Started st = running.get(id);
    if (st == null) {
      return;
    }
    LOG.info(
        "end user={} session={} operation={} {} in {} ms",
        st.user(),
        st.session(),
        id,
        outcome,
        finishMillis - st.startMillis());
  }
}
