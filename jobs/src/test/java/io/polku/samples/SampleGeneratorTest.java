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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the sample generator's determinism, counts, bad-row locators and planted effects. */
class SampleGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

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
    noScenarios = new SampleGenerator(
        new SampleGenerator.Options(d.customers(), d.days(), d.seed(), d.start(), false));
    noScenarios.generate(tmp.resolve("no-scenarios"));
  }

  @Test
  void sameOptionsGiveIdenticalBytesAndAnotherSeedDiffers() throws IOException {
    SampleGenerator.Options small = new SampleGenerator.Options(200, 14, 7L,
        LocalDate.of(2026, 10, 20), true);
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
      assertEquals(s.get("rows").asLong() - s.get("bad_rows").asLong(),
          s.get("expected_valid").asLong(), source.getKey());
      assertEquals(defaultsResult.rowsPerSource().get(source.getKey()).longValue(), records);
      assertTrue(s.get("bad_rows").asLong() < 0.02 * records,
          source.getKey() + " bad share must stay under 2%");
      sum += records;
    }
    assertEquals(9, manifest.get("sources").size());
    assertTrue(sum > 0);
    assertTrue(defaultsResult.bytesWritten() < 8_500_000L,
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
      long hits = bySource.get(bad.get("source").asText()).stream()
          .filter(r -> r.contains(match)).count();
      assertEquals("DUPLICATE_ID".equals(reason) ? 2 : 1, hits, bad.toString());
      List<String> inFile = records(defaults.resolve(bad.get("file").asText()));
      assertTrue(inFile.stream().anyMatch(r -> r.contains(match)), "not in its file: " + bad);
      reasons.add(reason);
    }
    assertEquals(Set.of("MISSING_ID", "MISSING_TIMESTAMP", "BAD_TIMESTAMP", "FUTURE_TIMESTAMP",
        "SCORE_OUT_OF_RANGE", "UNKNOWN_CHANNEL", "DUPLICATE_ID", "MALFORMED_RECORD",
        "FIELD_COUNT", "BAD_TYPE", "NO_IDENTIFIER"), reasons);
  }

  @Test
  void plantedScenariosStandOutAndVanishWhenOff() {
    assertEquals(4, truth.get("scenarios").size());
    for (JsonNode s : truth.get("scenarios")) {
      JsonNode o = s.get("observed");
      assertTrue(o.get("responses_with").asLong() >= 50, s.get("id") + ": " + o);
      assertTrue(o.get("rate_with").asDouble() > o.get("rate_without").asDouble() + 0.25,
          s.get("id") + ": " + o);
      assertEquals(o.get("responses_with").asLong(), s.get("affected_responses").size());
    }
    JsonNode herring = truth.get("red_herrings").get(0);
    assertTrue(herring.get("share_of_customers_opening").asDouble() >= 0.4, herring.toString());
    JsonNode herringObserved = herring.get("observed");
    assertTrue(Math.abs(herringObserved.get("rate_with").asDouble()
        - herringObserved.get("rate_without").asDouble()) < 0.1, herringObserved.toString());

    assertEquals(4, noScenarios.triggerStats().size());
    noScenarios.triggerStats().forEach((id, o) -> {
      assertTrue(o.responsesWith >= 30, id + " should still have triggered responses");
      assertTrue(Math.abs(o.rateWith() - o.rateWithout()) < 0.15,
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SampleGenerator(new SampleGenerator.Options(10, 60, 1L,
            LocalDate.of(2026, 9, 1), true)));
    assertEquals("customers must be at least 50 to plant scenarios, got 10; pass --customers 50"
        + " or more", e.getMessage());
    IllegalArgumentException days = assertThrows(IllegalArgumentException.class,
        () -> new SampleGenerator(new SampleGenerator.Options(100, 3, 1L,
            LocalDate.of(2026, 9, 1), true)));
    assertTrue(days.getMessage().contains("got 3") && days.getMessage().contains("--days 7"));
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
