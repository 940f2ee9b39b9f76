package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.polku.config.ConfigException;
import io.polku.config.PolkuConfig;
import io.polku.session.PolkuSession;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log files do not grow without bound: with the production log4j2 configuration a process logs to a
 * rolling file, and files in polku.logs.dir older than polku.logs.retention-days are deleted at
 * start and at each rollover; younger ones and other files stay.
 */
class LogRetentionTest {
  @TempDir Path tmp;

  private PolkuConfig config(String retentionDays) {
    return PolkuConfig.fromConfig(
        ConfigFactory.parseString(
            String.join(
                "\n",
                "polku.lake.root = \"" + tmp.resolve("lake").toUri() + "\"",
                "polku.logs.dir = \"" + tmp.resolve("logs") + "\"",
                "polku.logs.retention-days = " + retentionDays)),
        Map.of(),
        "test");
  }

  private static Path touch(Path f, int daysAgo) throws Exception {
    Files.writeString(f, "a log line\n");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofDays(daysAgo))));
    return f;
  }

  @Test
  void oldLogFilesAreDeletedAtStartAndAtRollover() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Path old = touch(logs.resolve("polku-nightly-20261101-010000.log"), 20);
    Path oldRolled = touch(logs.resolve("polku-nightly-20261101-010000.log.2026-11-01.1.gz"), 9);
    Path young = touch(logs.resolve("polku-nightly-20261205-010000.log"), 2);
    Path other = touch(logs.resolve("notes.txt"), 30);

    LoggerContext log4j = (LoggerContext) LogManager.getContext(false);
    URI testConfig = log4j.getConfigLocation();
    String previousFile = System.getProperty(PolkuSession.LOG_FILE_PROPERTY);
    try {
      log4j.setConfigLocation(getClass().getClassLoader().getResource("log4j2.properties").toURI());
      PolkuSession.redirectLogs(config("7"), "retention");
      assertFalse(Files.exists(old), "20 days old, retention 7");
      assertFalse(Files.exists(oldRolled), "9 days old, retention 7");
      assertTrue(Files.exists(young), "2 days old");
      assertTrue(Files.exists(other), "not a Polku log file");

      Appender a =
          ((LoggerContext) LogManager.getContext(false)).getConfiguration().getAppender("file");
      assertTrue(a instanceof RollingFileAppender, "a rolling file: " + a);
      RollingFileAppender rolling = (RollingFileAppender) a;
      assertEquals(System.getProperty(PolkuSession.LOG_FILE_PROPERTY), rolling.getFileName());
      assertTrue(rolling.getFileName().startsWith(logs.toString()), rolling.getFileName());

      // A long process (serve): the rollover's Delete action applies the same retention.
      Path stale = touch(logs.resolve("polku-serve-20261120-000000.log"), 8);
      LogManager.getLogger("io.polku.test").error("before the rollover");
      rolling.getManager().rollover();
      // The Delete action runs after the rename, on log4j's own thread.
      for (int i = 0; i < 100 && Files.exists(stale); i++) {
        Thread.sleep(100);
      }
      assertFalse(Files.exists(stale), "8 days old, deleted at the rollover");
      assertTrue(Files.exists(young));
      assertTrue(Files.exists(other));
    } finally {
      if (previousFile == null) {
        System.clearProperty(PolkuSession.LOG_FILE_PROPERTY);
      } else {
        System.setProperty(PolkuSession.LOG_FILE_PROPERTY, previousFile);
      }
      log4j.setConfigLocation(testConfig);
    }
  }

  @Test
  void aRetentionBelowOneDayIsRefusedWithTheFix() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> PolkuSession.redirectLogs(config("0"), "retention"));
    assertTrue(
        e.getMessage()
            .contains("polku.logs.retention-days = 0 is not a whole number of" + " at least 1"),
        e.getMessage());
  }
}
