package io.polku.report;

import static io.polku.report.ReportFixture.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.lake.Lake;
import io.polku.testing.SparkTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser, headless Chromium from the OS packages: it loads from disk
 * with no console message and no network request (every request goes to a proxy this test runs on
 * loopback, which records it), every chart has a mark in the DOM per data point of the query layer,
 * and screenshots at 1280 and 375 px are saved under {@code target/report-screenshots}. A control
 * page with a console error and an image from the network proves that both checks catch what they
 * look for.
 */
class ReportBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";

  @TempDir static Path tmp;
  static Lake lake;
  static Path html;
  static ServerSocket proxy;
  static final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void setUp() throws IOException {
    assertTrue(
        Files.isExecutable(Path.of(CHROMIUM)),
        CHROMIUM
            + " is missing: the report's"
            + " browser test needs Chromium from the OS packages; install it with `apt-get install"
            + " -y chromium` (.ci/run does that when it is missing)");
    lake = new Lake(SparkTest.spark(), tmp.resolve("lake").toUri().toString(), "default");
    ReportFixture.full(lake);
    RunReport.write(lake, D, null, tmp.resolve("reports").toString(), RunReport.Format.HTML);
    html = tmp.resolve("reports").resolve(D + ".html");
    proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!proxy.isClosed()) {
                try (Socket s = proxy.accept()) {
                  s.setSoTimeout(2000);
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                  requests.add(String.valueOf(in.readLine()));
                } catch (IOException e) {
                  // closed at the end, or a client that sent nothing: nothing to record
                }
              }
            },
            "report-test-proxy");
    t.setDaemon(true);
    t.start();
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
  }

  /** What Chromium printed: the DOM (stdout) and its log (stderr). */
  record Browser(String dom, String log) {
    List<String> console() {
      return log.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  static Browser chromium(Path page, String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--metrics-recording-only",
                "--mute-audio",
                "--no-pings",
                "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,"
                    + "MediaRouter,Translate,AutofillServerCommunication",
                "--enable-logging=stderr",
                "--v=0",
                "--proxy-server=http://127.0.0.1:" + proxy.getLocalPort(),
                "--proxy-bypass-list=<-loopback>",
                "--user-data-dir=" + tmp.resolve("profile-" + System.nanoTime())));
    cmd.addAll(List.of(args));
    cmd.add(page.toUri().toString());
    Path out = Files.createTempFile(tmp, "dom", ".html");
    Path err = Files.createTempFile(tmp, "log", ".txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish in 120 s: " + cmd + "; log: " + Files.readString(err));
    }
    return new Browser(Files.readString(out), Files.readString(err));
  }

  @Test
  void theReportLoadsOfflineWithoutConsoleMessagesAndEveryMarkInTheDom() throws Exception {
    requests.clear();
    Browser b = chromium(html, "--dump-dom", "--virtual-time-budget=2000");
    assertTrue(
        b.dom().contains("<section id=\"data-quality\">"),
        "the DOM: " + b.dom().substring(0, Math.min(500, b.dom().length())) + "\nlog: " + b.log());
    assertEquals(List.of(), b.console(), "console messages of the report");
    assertEquals(List.of(), pageRequests(), "network requests of the report");
    assertEquals(
        ReportTest.expectedMarks(lake),
        ReportTest.marks(b.dom()),
        "marks per chart in the browser's DOM against the query layer's rows");
  }

  /**
   * The requests the proxy saw, without Chromium's own calls to Google's services (network time,
   * component updates, sign-in) that no flag of the headless shell turns off entirely: the page
   * cannot reach those hosts (its Content-Security-Policy forbids every fetch).
   */
  static List<String> pageRequests() {
    return new ArrayList<>(requests)
        .stream()
            .filter(
                r ->
                    !r.matches(
                        "(?i)\\S+ (https?://)?[a-z0-9.-]*\\.(google\\.com|googleapis\\.com|gstatic\\.com)"
                            + "([:/].*)?"))
            .toList();
  }

  @Test
  void screenshotsAt1280And375Pixels() throws Exception {
    Path dir = SparkTest.repoRoot().resolve("jobs/target/report-screenshots");
    Files.createDirectories(dir);
    for (int width : new int[] {1280, 375}) {
      Path shot = dir.resolve("report-" + width + ".png");
      Files.deleteIfExists(shot);
      Browser b =
          chromium(
              html,
              "--hide-scrollbars",
              "--window-size=" + width + ",2000",
              "--screenshot=" + shot);
      assertTrue(Files.size(shot) > 10_000, shot + " was not written: " + b.log());
    }
  }

  @Test
  void theChecksCatchAConsoleErrorAndANetworkRequest() throws Exception {
    Path bad = tmp.resolve("bad.html");
    Files.writeString(
        bad,
        "<!DOCTYPE html><html><body><script>console.error('planted');"
            + "</script><img src=\"http://report-test.invalid/x.png\"></body></html>");
    requests.clear();
    Browser b = chromium(bad, "--dump-dom", "--virtual-time-budget=2000");
    assertTrue(b.console().stream().anyMatch(l -> l.contains("planted")), b.log());
    for (int i = 0; i < 50 && pageRequests().isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertTrue(
        pageRequests().stream().anyMatch(r -> r.contains("report-test.invalid")),
        "the proxy saw: " + requests);
  }
}
