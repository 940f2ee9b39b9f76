package io.polku.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the sample generator's determinism, counts, bad-row locators and planted effects. */
class SampleGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;

  private static Path defaults;
  private static SampleGenerator.Result defaultsResult;
  private static JsonNode truth;
  private static JsonNode manifest;
  private static SampleGenerator noScenarios;

  @BeforeAll
  static void generateDefaults() throws IOException {
    defaults = tmp.resolve("defaults");
    defaultsResult = new SampleGenerator(SampleGenerator.Options.defaults()).generate(defaults);
    truth = JSON.readTree(defaults.resolve("GROUND_TRUTH.json").toFile());
    manifest = JSON.readTree(defaults.resolve("MANIFEST.json").toFile());
    SampleGenerator.Options d = SampleGenerator.Options.defaults();
    noScenarios =
        new SampleGenerator(
            new SampleGenerator.Options(d.customers(), d.days(), d.seed(), d.start(), false));
    noScenarios.generate(tmp.resolve("no-scenarios"));
  }

  @Test
  void sameOptionsGiveIdenticalBytesAndAnotherSeedDiffers() throws IOException {
    SampleGenerator.Options small =
        new SampleGenerator.Options(200, 14, 7L, LocalDate.of(2026, 10, 20), true);
    Path a = tmp.resolve("det-a");
    Path b = tmp.resolve("det-b");
    Path c = tmp.resolve("det-c");
    new SampleGenerator(small).generate(a);
    new SampleGenerator(small).generate(b);
    new SampleGenerator(new SampleGenerator.Options(200, 14, 8L, small.start(), true)).generate(c);
    Map<String, byte[]> first = contents(a);
    Map<String, byte[]> second = contents(b);
    assertEquals(first.keySet(), second.keySet());
    for (String file : first.keySet()) {
      assertArrayEquals(first.get(file), second.get(file), file + " differs between runs");
    }
    Map<String, byte[]> other = contents(c);
    boolean anyDiffers = false;
    for (String file : first.keySet()) {
      anyDiffers |= !java.util.Arrays.equals(first.get(file), other.get(file));
    }
    assertTrue(anyDiffers, "a different seed must give different data");
  }

  @Test
  void manifestCountsMatchAnIndependentReader() throws IOException {
    long sum = 0;
    for (Map.Entry<String, JsonNode> source : iterable(manifest.get("sources").fields())) {
      long records = 0;
      for (JsonNode file : source.getValue().get("files")) {
        records += records(defaults.resolve(file.asText())).size();
      }
      JsonNode s = source.getValue();
      assertEquals(s.get("rows").asLong(), records, source.getKey());
      assertEquals(
          s.get("rows").asLong() - s.get("bad_rows").asLong(),
          s.get("expected_valid").asLong(),
          source.getKey());
      assertEquals(defaultsResult.rowsPerSource().get(source.getKey()).longValue(), records);
      assertTrue(
          s.get("bad_rows").asLong() < 0.02 * records,
          source.getKey() + " bad share must stay under 2%");
      sum += records;
    }
    assertEquals(9, manifest.get("sources").size());
    assertTrue(sum > 0);
    assertTrue(
        defaultsResult.bytesWritten() < 8_500_000L,
        "default sample should stay small, was " + defaultsResult.bytesWritten());
  }

  @Test
  void everyBadRowLocatorMatchesExactlyItsRecords() throws IOException {
    Map<String, List<String>> bySource = new TreeMap<>();
    for (Map.Entry<String, JsonNode> source : iterable(manifest.get("sources").fields())) {
      List<String> all = new ArrayList<>();
      for (JsonNode file : source.getValue().get("files")) {
        all.addAll(records(defaults.resolve(file.asText())));
      }
      bySource.put(source.getKey(), all);
    }
    Set<String> reasons = new HashSet<>();
    for (JsonNode bad : truth.get("bad_rows")) {
      String match = bad.get("match").asText();
      String reason = bad.get("reason").asText();
      assertTrue(match.matches("[A-Za-z0-9_-]+"), "locator must survive JSON: " + match);
      long hits =
          bySource.get(bad.get("source").asText()).stream().filter(r -> r.contains(match)).count();
      assertEquals("DUPLICATE_ID".equals(reason) ? 2 : 1, hits, bad.toString());
      List<String> inFile = records(defaults.resolve(bad.get("file").asText()));
      assertTrue(inFile.stream().anyMatch(r -> r.contains(match)), "not in its file: " + bad);
      reasons.add(reason);
    }
    assertEquals(
        Set.of(
            "MISSING_ID",
            "MISSING_TIMESTAMP",
            "BAD_TIMESTAMP",
            "FUTURE_TIMESTAMP",
            "SCORE_OUT_OF_RANGE",
            "UNKNOWN_CHANNEL",
            "DUPLICATE_ID",
            "MALFORMED_RECORD",
            "FIELD_COUNT",
            "BAD_TYPE",
            "NO_IDENTIFIER"),
        reasons);
  }

  @Test
  void plantedScenariosStandOutAndVanishWhenOff() {
    assertEquals(4, truth.get("scenarios").size());
    for (JsonNode s : truth.get("scenarios")) {
      JsonNode o = s.get("observed");
      assertTrue(o.get("responses_with").asLong() >= 50, s.get("id") + ": " + o);
      assertTrue(
          o.get("rate_with").asDouble() > o.get("rate_without").asDouble() + 0.25,
          s.get("id") + ": " + o);
      assertEquals(o.get("responses_with").asLong(), s.get("affected_responses").size());
    }
    JsonNode herring = truth.get("red_herrings").get(0);
    assertTrue(herring.get("share_of_customers_opening").asDouble() >= 0.4, herring.toString());
    JsonNode herringObserved = herring.get("observed");
    assertTrue(
        Math.abs(
                herringObserved.get("rate_with").asDouble()
                    - herringObserved.get("rate_without").asDouble())
            < 0.1,
        herringObserved.toString());

    assertEquals(4, noScenarios.triggerStats().size());
    noScenarios
        .triggerStats()
        .forEach(
            (id, o) -> {
              assertTrue(o.responsesWith >= 30, id + " should still have triggered responses");
              assertTrue(
                  Math.abs(o.rateWith() - o.rateWithout()) < 0.15,
                  id + " must not depend on its trigger without scenarios: " + o.toMap());
            });
  }

  @Test
  void identifiersBelongToExactlyOnePerson() {
    Set<String> seen = new HashSet<>();
    for (JsonNode person : truth.get("persons")) {
      for (String field : List.of("anonymous_ids", "device_ids", "phone_hashes", "email_hashes")) {
        for (JsonNode id : person.get(field)) {
          assertTrue(seen.add(id.asText()), "identifier of two persons: " + id);
        }
      }
      if (!person.get("customer_id").isNull()) {
        assertTrue(seen.add(person.get("customer_id").asText()));
      }
    }
    JsonNode shared = truth.get("shared_identifiers").get(0);
    assertFalse(seen.contains(shared.get("id").asText()));
    assertEquals(7, shared.get("customers").size());
  }

  @Test
  void invalidOptionsExplainTheFix() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SampleGenerator(
                    new SampleGenerator.Options(10, 60, 1L, LocalDate.of(2026, 9, 1), true)));
    assertEquals(
        "customers must be at least 50 to plant scenarios, got 10; pass --customers 50"
            + " or more",
        e.getMessage());
    IllegalArgumentException days =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SampleGenerator(
                    new SampleGenerator.Options(100, 3, 1L, LocalDate.of(2026, 9, 1), true)));
    assertTrue(days.getMessage().contains("got 3") && days.getMessage().contains("--days 7"));
  }

  @Test
  void s5PlantsNeverDeliveredParcelsThatRaiseTheDeliveryNpsCriticalRate() throws IOException {
    assertFalse(
        Files.exists(defaults.resolve("raw/shop/delivery_exceptions.csv")),
        "the default kinds (the committed samples) have no carrier exception feed");
    SampleGenerator.Options d = SampleGenerator.Options.defaults();
    Path dir = tmp.resolve("s5");
    new SampleGenerator(
            new SampleGenerator.Options(
                d.customers(),
                d.days(),
                d.seed(),
                d.start(),
                true,
                SampleGenerator.ALL_SCENARIO_KINDS,
                List.of()))
        .generate(dir);

    // The trigger events, read from the raw files: exceptions of placed orders whose parcel
    // has no delivery row (never delivered), so no response has both S3's and S5's trigger.
    List<Map<String, String>> exceptions = csv(dir.resolve("raw/shop/delivery_exceptions.csv"));
    assertTrue(exceptions.size() >= 50, "exceptions: " + exceptions.size());
    Set<String> delivered = new HashSet<>();
    for (Map<String, String> r : csv(dir.resolve("raw/shop/deliveries.csv"))) {
      delivered.add(r.get("delivery_id"));
    }
    Map<String, String> orderStatus = new HashMap<>();
    for (Map<String, String> r : csv(dir.resolve("raw/shop/orders.csv"))) {
      orderStatus.put(r.get("order_id"), r.get("status"));
    }
    Set<String> undelivered = new HashSet<>();
    for (Map<String, String> x : exceptions) {
      assertFalse(delivered.contains(x.get("delivery_id")), x.toString());
      assertEquals("placed", orderStatus.get(x.get("order_id")), x.toString());
      assertTrue(Set.of("lost_in_transit", "returned_to_sender").contains(x.get("exception")));
      undelivered.add(x.get("delivery_id"));
    }

    // The delivery NPS responses about those parcels: critical (0-6) with S5's probability,
    // 0.90, raised to 0.95 on Mondays (Helsinki time) like every rate of the generator.
    Set<String> seen = new HashSet<>();
    TreeSet<String> affected = new TreeSet<>();
    long critical = 0;
    double expected = 0;
    long others = 0;
    long othersCritical = 0;
    for (Map<String, String> r : csv(dir.resolve("raw/surveys/responses.csv"))) {
      if (!"delivery_nps".equals(r.get("survey"))
          || !seen.add(r.get("response_id"))
          || !r.get("score").matches("\\d+")
          || r.get("submitted_at").isEmpty()) {
        continue; // another survey, a planted duplicate or a planted bad row
      }
      boolean isCritical = Integer.parseInt(r.get("score")) <= 6;
      if (undelivered.contains(r.get("case_ref"))) {
        affected.add(r.get("response_id"));
        critical += isCritical ? 1 : 0;
        boolean monday =
            Instant.parse(r.get("submitted_at")).atZone(ZoneId.of("Europe/Helsinki")).getDayOfWeek()
                == DayOfWeek.MONDAY;
        expected += monday ? 0.95 : 0.90;
      } else {
        others++;
        othersCritical += isCritical ? 1 : 0;
      }
    }
    assertTrue(affected.size() >= 30, "S5 responses: " + affected.size());
    double rate = (double) critical / affected.size();
    expected /= affected.size();
    assertTrue(Math.abs(rate - expected) < 0.1, "S5 critical rate " + rate + " vs " + expected);
    assertTrue(
        rate > (double) othersCritical / others + 0.4,
        "S5 " + rate + " vs other delivery NPS " + othersCritical + "/" + others);

    JsonNode s5 = null;
    for (JsonNode s : JSON.readTree(dir.resolve("GROUND_TRUTH.json").toFile()).get("scenarios")) {
      if ("S5".equals(s.get("id").asText())) {
        s5 = s;
      }
    }
    assertTrue(s5 != null, "S5 in the ground truth");
    assertEquals("shop", s5.get("rated_channel").asText());
    assertEquals("delivery_nps", s5.get("survey").asText());
    TreeSet<String> truthAffected = new TreeSet<>();
    s5.get("affected_responses").forEach(n -> truthAffected.add(n.asText()));
    assertEquals(affected, truthAffected);

    // Null data with S5's behaviour: the same never-delivered parcels, no effect on scores.
    SampleGenerator nul =
        new SampleGenerator(
            new SampleGenerator.Options(
                d.customers(),
                d.days(),
                d.seed(),
                d.start(),
                false,
                SampleGenerator.ALL_SCENARIO_KINDS,
                List.of()));
    nul.generate(tmp.resolve("s5-null"));
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("raw/shop/delivery_exceptions.csv")),
        Files.readAllBytes(tmp.resolve("s5-null/raw/shop/delivery_exceptions.csv")));
    Surveys.Observed o = nul.triggerStats().get("S5");
    assertTrue(
        o.responsesWith >= 30 && Math.abs(o.rateWith() - o.rateWithout()) < 0.15,
        o.toMap().toString());
  }

  @Test
  void ratedChannelsKeepOnlyThoseSurveysAndEveryBehaviour() throws IOException {
    SampleGenerator.Options all =
        new SampleGenerator.Options(300, 30, 7L, LocalDate.of(2026, 9, 1), true);
    Path full = tmp.resolve("rated-all");
    Path shop = tmp.resolve("rated-shop");
    new SampleGenerator(all).generate(full);
    new SampleGenerator(
            new SampleGenerator.Options(
                all.customers(),
                all.days(),
                all.seed(),
                all.start(),
                true,
                SampleGenerator.DEFAULT_SCENARIO_KINDS,
                List.of("shop")))
        .generate(shop);

    JsonNode shopTruth = JSON.readTree(shop.resolve("GROUND_TRUTH.json").toFile());
    Set<String> bad = new HashSet<>(); // the planted bad survey rows (quarantined on ingest)
    shopTruth
        .get("bad_rows")
        .forEach(
            x -> {
              if ("survey_responses".equals(x.get("source").asText())) {
                bad.add(x.get("match").asText());
              }
            });
    Map<String, String> kept = new LinkedHashMap<>();
    for (String r : records(shop.resolve("raw/surveys/responses.csv"))) {
      if (bad.stream().noneMatch(r::contains)) {
        kept.put(r.substring(0, r.indexOf(',')), r);
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (Map<String, String> r : csv(full.resolve("raw/surveys/responses.csv"))) {
      if ("verkkokauppa".equals(r.get("rated_channel"))) {
        expected.put(r.get("response_id"), null);
      }
    }
    List<String> fullRecords = records(full.resolve("raw/surveys/responses.csv"));
    for (String r : fullRecords) {
      String id = r.substring(0, r.indexOf(','));
      if (expected.containsKey(id) && bad.stream().noneMatch(r::contains)) {
        expected.put(id, r);
      }
    }
    expected.values().removeIf(r -> r == null); // a planted bad row in the shop-only data
    assertTrue(kept.size() >= 20, "shop responses: " + kept.size());
    assertEquals(expected.keySet(), kept.keySet());
    assertTrue(expected.equals(kept), "the shop surveys keep their scores and comments");
    for (Map<String, String> r : csv(shop.resolve("raw/surveys/responses.csv"))) {
      String row = String.join(",", r.values());
      assertTrue(
          "verkkokauppa".equals(r.get("rated_channel")) || bad.stream().anyMatch(row::contains),
          "a survey of another channel: " + row);
    }

    // Behaviour in every channel stays: every other raw file has the same bytes.
    Map<String, byte[]> a = contents(full.resolve("raw"));
    Map<String, byte[]> b = contents(shop.resolve("raw"));
    assertEquals(a.keySet(), b.keySet());
    for (String file : a.keySet()) {
      if (!file.endsWith("responses.csv")) {
        assertArrayEquals(a.get(file), b.get(file), file);
      }
    }
    List<String> planted = new ArrayList<>();
    shopTruth.get("scenarios").forEach(s -> planted.add(s.get("id").asText()));
    assertEquals(List.of("S3"), planted);
    assertEquals("[\"shop\"]", shopTruth.get("generator").get("rated_channels").toString());
    assertEquals(
        Set.of("shop"),
        fieldNames(shopTruth.get("red_herrings").get(0).get("observed_per_rated_channel")));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SampleGenerator(
                    new SampleGenerator.Options(
                        300,
                        30,
                        7L,
                        all.start(),
                        true,
                        SampleGenerator.DEFAULT_SCENARIO_KINDS,
                        List.of("fax"))));
    assertTrue(e.getMessage().contains("unknown rated channel 'fax'"), e.getMessage());
  }

  // ---- an independent reader -------------------------------------------------------------

  /** The records of a raw file: JSON lines are lines; CSV records are split RFC-4180 style. */
  private static List<String> records(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    if (!file.toString().endsWith(".csv")) {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          out.add(line);
        }
      }
      return out;
    }
    StringBuilder record = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '"') {
        quoted = !quoted;
      }
      if (ch == '\n' && !quoted) {
        out.add(record.toString());
        record.setLength(0);
      } else {
        record.append(ch);
      }
    }
    if (record.length() > 0) {
      out.add(record.toString());
    }
    return out.subList(1, out.size());
  }

  /** The records of a ',' CSV file as maps from its header's names to the unquoted fields. */
  private static List<Map<String, String>> csv(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          field.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (ch == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(ch);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    List<String> header = rows.get(0);
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> r : rows.subList(1, rows.size())) {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        m.put(header.get(i), i < r.size() ? r.get(i) : "");
      }
      out.add(m);
    }
    return out;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }
}
