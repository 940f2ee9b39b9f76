package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code preview --source NAME} on the committed samples' configuration (conf/local.conf): the
 * counts agree with the raw file counted here line by line, the unmapped contract columns and the
 * stages' needs are named, an unknown source lists the configured ones, and nothing is written (the
 * lake folder, which also holds the log folder, does not appear).
 */
class PreviewCommandTest {
  @TempDir Path tmp;

  @Test
  void previewsTheSamplesSourcesAndWritesNothing() throws Exception {
    SparkTest.spark(); // the shared test session, reused by the command
    Path root = SparkTest.repoRoot();
    Path lake = tmp.resolve("lake");
    Path conf = tmp.resolve("preview.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "include file(\"" + root.resolve("conf/local.conf") + "\")",
            "polku.base-dir = \"" + root + "\"",
            "polku.spark.master = \"local[2]\"",
            "polku.lake.root = \"" + lake.toUri() + "\"",
            "polku.logs.dir = \"" + lake.resolve("logs") + "\""));

    // identity_links: counted from the file itself. A row without from_id or customer_number
    // is MISSING_ID; every link type is one the mapping knows; no line repeats.
    List<String> file = Files.readAllLines(root.resolve("data-samples/raw/identity/links.csv"));
    List<String> lines = file.subList(1, file.size());
    long read = lines.size();
    long missing =
        lines.stream()
            .map(l -> l.split(",", -1))
            .filter(f -> f[1].isEmpty() || f[2].isEmpty())
            .count();
    assertEquals(lines.size(), new TreeSet<>(lines).size(), "no repeated line");
    Out links = preview(conf, "--source", "identity_links", "--rows", "3");
    assertEquals(0, links.code, links.text);
    assertTrue(
        links.text.contains(
            String.format(
                Locale.ROOT,
                "Rows read %,d = valid %,d + quarantined %,d",
                read,
                read - missing,
                missing)),
        links.text);
    assertTrue(
        links.text.contains(
            String.format(
                Locale.ROOT,
                "  MISSING_ID %s %,8d  e.g. id_a" + " is empty",
                " ".repeat(13),
                missing)),
        links.text);
    assertTrue(links.text.contains("Canonical identity_links rows (first 3 of"), links.text);
    assertEquals(3 + 2, tableLines(links.text, "link_id "), links.text);
    assertTrue(links.text.contains("Contract columns left null (not mapped): none"), links.text);

    // shop_orders maps no anonymous, device, e-mail or phone id and no session.
    Out orders = preview(conf, "--source", "shop_orders", "--rows", "2");
    assertEquals(0, orders.code, orders.text);
    Matcher m =
        Pattern.compile("Contract columns left null \\(not mapped\\): (.*)").matcher(orders.text);
    assertTrue(m.find(), orders.text);
    assertEquals(
        Set.of("anonymous_id", "device_id", "email_hash", "phone_hash", "session_id"),
        new TreeSet<>(Arrays.asList(m.group(1).split(", "))));
    assertTrue(
        orders.text.contains(
            "  - session_id is not mapped: journeys split this"
                + " source's events into sessions by inactivity gaps (polku.journeys.gap)"),
        orders.text);
    assertFalse(orders.text.contains("no customers source"), orders.text);

    // Without the CRM source, the preview says what the surveys will lack.
    Out noCrm =
        preview(
            conf,
            "--source",
            "survey_responses",
            "--rows",
            "1",
            "--set",
            "polku.sources.crm_customers.enabled=false");
    assertEquals(0, noCrm.code, noCrm.text);
    assertTrue(
        noCrm.text.contains(
            "  - no customers source: survey invitations need consent"
                + " and will all be suppressed as no_consent"),
        noCrm.text);

    Out unknown = preview(conf, "--source", "crm");
    assertEquals(ExitCodes.USAGE, unknown.code, unknown.text);
    assertTrue(
        unknown.text.contains(
            "--source crm is not a configured (enabled) source;"
                + " expected one of [app_events, contact_centre_calls, crm_customers, email_events,"
                + " identity_links, shop_deliveries, shop_orders, survey_responses, web_clickstream]"),
        unknown.text);

    assertFalse(Files.exists(lake), "preview wrote nothing under the lake root");
  }

  private static long tableLines(String text, String headerStart) {
    List<String> all = new ArrayList<>(Arrays.asList(text.split("\n")));
    int start = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).startsWith(headerStart)) {
        start = i;
        break;
      }
    }
    long n = 0;
    for (int i = start; start >= 0 && i < all.size() && !all.get(i).isBlank(); i++) {
      n++;
    }
    return n;
  }

  private record Out(int code, String text) {}

  private static Out preview(Path conf, String... args) {
    List<String> a = new ArrayList<>(List.of("preview", "--conf", conf.toString()));
    a.addAll(List.of(args));
    PrintStream out0 = System.out;
    PrintStream err0 = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int code;
    try {
      System.setOut(both);
      System.setErr(both);
      code = Polku.execute(a.toArray(new String[0]));
    } finally {
      System.setOut(out0);
      System.setErr(err0);
    }
    return new Out(code, buffer.toString(StandardCharsets.UTF_8));
  }
}
