package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The pure mapping and classification transforms, on small in-memory fixtures whose expected reason
 * codes were worked out by hand from the rules.
 */
class SourceMappingTest {
  private static final Path LAKE = Path.of("/tmp/unused-lake");
  private static final Instant RUN_START = Instant.parse("2026-11-01T00:00:00Z");

  private final SparkSession spark = SparkTest.spark();

  /** Rows as the CSV reader delivers them: every column a string, plus the reader columns. */
  private Dataset<Row> stringRows(SourceConfig source, List<Object[]> values) {
    StructType schema =
        SourceReader.stringify(source.schema())
            .add(SourceReader.CORRUPT, DataTypes.StringType)
            .add(SourceReader.FILE, DataTypes.StringType);
    List<Row> rows =
        values.stream()
            .map(
                v -> {
                  Object[] full = new Object[schema.size()];
                  System.arraycopy(v, 0, full, 0, v.length);
                  full[schema.size() - 1] = "file:/fixture.csv";
                  return RowFactory.create(full);
                })
            .toList();
    return SourceReader.typed(spark.createDataFrame(rows, schema), source.schema(), true);
  }

  private static Map<String, String> reasonsById(
      Dataset<Row> classified, String idColumn, String tiebreak) {
    Map<String, String> out = new HashMap<>();
    for (Row r : classified.select(col(tiebreak), col(SourceMapping.REASON_CODE)).collectAsList()) {
      out.merge(String.valueOf(r.get(0)), String.valueOf(r.get(1)), (a, b) -> a + "," + b);
    }
    return out;
  }

  @Test
  void eachBadEventRowGetsItsReasonAndNothingIsLost() {
    SourceConfig calls = TestSources.source(LAKE, TestSources.callsSource("/x.csv"), "calls");
    // call_id, started_at, phone, transfers, topic, resolved, corrupt record
    List<Object[]> input =
        List.of(
            new Object[] {"c1", "2026-10-01 10:00:00", "ph1", "0", "billing", "Y", null},
            new Object[] {null, "2026-10-01 10:00:00", "ph2", "0", "billing", "Y", null},
            new Object[] {"c3", null, "ph3", "1", "billing", "N", null},
            new Object[] {"c4", "31.09.2026 25:61", "ph4", "1", "billing", "N", null},
            new Object[] {"c5", "2099-01-01 00:00:00", "ph5", "1", "billing", "N", null},
            new Object[] {"c6", "2026-10-01 11:00:00", "ph6", "two", "billing", "N", null},
            new Object[] {null, null, null, null, null, null, "c7;broken;row;;;;;;"},
            new Object[] {"c8", "2026-10-01 12:00:00", "ph8", "0", "billing", "Y", null},
            new Object[] {"c8", "2026-10-01 12:00:00", "ph8", "0", "billing", "Y", null},
            new Object[] {"c9", "2026-10-01 13:00:00", null, "0", "billing", "Y", null},
            new Object[] {"c10", "2026-10-01 13:00:00", "ph10", "0", "billing", "X", null},
            new Object[] {"c11", "2026-10-02 13:00:00", "ph11", "0", "billing", "N", null});
    PolkuConfig config = TestSources.config(LAKE, TestSources.callsSource("/x.csv"), "");
    Dataset<Row> mapped =
        SourceMapping.toCanonical(
            stringRows(calls, input), calls, SourceMapping.Rules.of(config, RUN_START), "run-1");
    Dataset<Row> classified = SourceMapping.markDuplicates(mapped, calls.kind());
    classified =
        SourceMapping.flagRange(
                classified, calls.kind(), LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 1))
            .cache();

    Map<String, String> reasons = reasonsById(classified, "event_id", SourceReader.RAW);
    // Keyed by the raw record, which names the call id (or the corrupt line).
    Map<String, String> byCall = new HashMap<>();
    reasons.forEach(
        (raw, code) ->
            byCall.put(
                raw.contains("c7;")
                    ? "c7"
                    : raw.replaceAll(".*\"call_id\":(\"([^\"]*)\"|null).*", "$2").isEmpty()
                        ? "null-id"
                        : raw.replaceAll(".*\"call_id\":\"([^\"]*)\".*", "$1"),
                code));
    assertEquals("null", byCall.get("c1"));
    assertEquals("MISSING_ID", byCall.get("null-id"));
    assertEquals("MISSING_TIMESTAMP", byCall.get("c3"));
    assertEquals("BAD_TIMESTAMP", byCall.get("c4"));
    assertEquals("FUTURE_TIMESTAMP", byCall.get("c5"));
    assertEquals("BAD_TYPE", byCall.get("c6"));
    assertEquals("FIELD_COUNT", byCall.get("c7"));
    // Two identical records: one kept, one a duplicate (same raw, so merged in the map).
    assertEquals(
        List.of("DUPLICATE_ID", "null"),
        List.of(byCall.get("c8").split(",")).stream().sorted().toList());
    assertEquals("NO_IDENTIFIER", byCall.get("c9"));
    assertEquals("INVALID_VALUE", byCall.get("c10"));
    assertEquals("null", byCall.get("c11"));

    long valid = classified.filter(col(SourceMapping.IN_RANGE)).count();
    long outOfRange =
        classified
            .filter(
                col(SourceMapping.REASON_CODE)
                    .isNull()
                    .and(col(SourceMapping.IN_RANGE).equalTo(false)))
            .count();
    long quarantined = classified.filter(col(SourceMapping.REASON_CODE).isNotNull()).count();
    assertEquals(2, valid, "c1 and the kept c8 are valid and dated 2026-10-01");
    assertEquals(1, outOfRange, "c11 is valid but dated 2026-10-02");
    assertEquals(input.size(), valid + outOfRange + quarantined);

    Row bad =
        classified
            .filter(col(SourceMapping.REASON_CODE).equalTo("BAD_TYPE"))
            .select(SourceMapping.REASON)
            .first();
    assertEquals(
        "column 'transfers' has value 'two', expected INT; fix the source row, or"
            + " declare the column STRING in the source schema and convert it in the column"
            + " mapping",
        bad.getString(0));
    Row ts =
        classified
            .filter(col(SourceMapping.REASON_CODE).equalTo("BAD_TIMESTAMP"))
            .select(SourceMapping.REASON)
            .first();
    assertTrue(
        ts.getString(0)
            .startsWith(
                "event_ts could not be parsed from"
                    + " started_at='31.09.2026 25:61' by `to_timestamp(started_at, 'yyyy-MM-dd"
                    + " HH:mm:ss')`"),
        ts.getString(0));
    assertTrue(ts.getString(0).contains("polku.sources.calls.columns.event_ts"));

    Row ok = classified.filter(col("event_id").equalTo("call:c1")).first();
    assertEquals(java.sql.Timestamp.valueOf("2026-10-01 10:00:00"), ok.getAs("event_ts"));
    assertEquals(java.sql.Date.valueOf("2026-10-01"), ok.getAs("event_date"));
    assertEquals("success", ok.getAs("outcome"));
    assertEquals("calls", ok.getAs("source"));
    assertNull(ok.getAs(SourceMapping.REASON));
  }

  @Test
  void feedbackScalesChannelsAndCommentOnlyResponses() {
    SourceConfig surveys = TestSources.source(LAKE, TestSources.surveySource("/s.csv"), "surveys");
    // id, ts, customer, question, score, comment, rated, corrupt record
    List<Object[]> input =
        List.of(
            new Object[] {"r1", "2026-10-01T08:00:00Z", "C1", "NPS", "9", "Hyvä", "puhelin", null},
            new Object[] {"r2", "2026-10-01T08:00:00Z", "C2", "NPS", "11", "", "puhelin", null},
            new Object[] {"r3", "2026-10-01T08:00:00Z", "C3", "CSAT", "0", null, "chat", null},
            new Object[] {"r4", "2026-10-01T08:00:00Z", "C4", "CES", "9", null, "chat", null},
            new Object[] {"r5", "2026-10-01T08:00:00Z", "C5", "CSAT", "2", null, "faksi", null},
            new Object[] {
              "r6", "2026-10-01T08:00:00Z", "C6", "CSAT", null, "Only words", "chat", null
            },
            new Object[] {"r7", "2026-10-01T08:00:00Z", "C7", "CSAT", null, " ", "chat", null},
            new Object[] {"r8", "2026-10-01T08:00:00Z", "C8", "CSAT", "ten", null, "chat", null});
    PolkuConfig config = TestSources.config(LAKE, TestSources.surveySource("/s.csv"), "");
    Dataset<Row> classified =
        SourceMapping.toCanonical(
                stringRows(surveys, input),
                surveys,
                SourceMapping.Rules.of(config, RUN_START),
                "run-1")
            .cache();
    Map<String, String> reasons = new HashMap<>();
    Map<String, String> channels = new HashMap<>();
    for (Row r :
        classified.select("response_id", SourceMapping.REASON_CODE, "channel").collectAsList()) {
      reasons.put(r.getString(0), String.valueOf(r.getString(1)));
      channels.put(r.getString(0), r.getString(2));
    }
    assertEquals("null", reasons.get("r1"));
    assertEquals("phone", channels.get("r1"), "puhelin is mapped to phone");
    assertEquals("SCORE_OUT_OF_RANGE", reasons.get("r2"));
    assertEquals("SCORE_OUT_OF_RANGE", reasons.get("r3"));
    assertEquals("SCORE_OUT_OF_RANGE", reasons.get("r4"));
    assertEquals("UNKNOWN_CHANNEL", reasons.get("r5"));
    assertEquals("null", reasons.get("r6"), "comment-only feedback is valid");
    assertEquals("MISSING_REQUIRED", reasons.get("r7"), "no score and a blank comment");
    assertEquals("BAD_TYPE", reasons.get("r8"));
    assertEquals(input.size(), classified.count());
    String outOfScale =
        classified
            .filter(col("response_id").equalTo("r2"))
            .select(SourceMapping.REASON)
            .first()
            .getString(0);
    assertTrue(
        outOfScale.startsWith("score 11.0 of metric 'nps' is outside its scale [0.0," + " 10.0]"),
        outOfScale);
    String unknown =
        classified
            .filter(col("response_id").equalTo("r5"))
            .select(SourceMapping.REASON)
            .first()
            .getString(0);
    assertTrue(unknown.startsWith("channel 'faksi' is not in the vocabulary"), unknown);
    assertTrue(unknown.contains("polku.sources.surveys.channel-map"), unknown);
  }

  @Test
  void unknownChannelCanMapToOther() {
    PolkuConfig config =
        TestSources.config(
            LAKE, TestSources.surveySource("/s.csv"), "polku.ingest.unknown-channel = other");
    SourceConfig surveys = config.sources().get("surveys");
    List<Object[]> input =
        List.<Object[]>of(
            new Object[] {"r5", "2026-10-01T08:00:00Z", "C5", "CSAT", "2", null, "faksi", null});
    Row r =
        SourceMapping.toCanonical(
                stringRows(surveys, input),
                surveys,
                SourceMapping.Rules.of(config, RUN_START),
                "run-1")
            .first();
    assertEquals("other", r.getAs("channel"));
    assertNull(r.getAs(SourceMapping.REASON_CODE));
  }

  @Test
  void alreadyIngestedIdsAreDuplicates() {
    SourceConfig calls = TestSources.source(LAKE, TestSources.callsSource("/x.csv"), "calls");
    PolkuConfig config = TestSources.config(LAKE, TestSources.callsSource("/x.csv"), "");
    List<Object[]> input =
        List.of(
            new Object[] {"c1", "2026-10-01 10:00:00", "ph1", "0", "billing", "Y", null},
            new Object[] {"c2", "2026-10-01 10:00:00", "ph1", "0", "billing", "Y", null});
    Dataset<Row> flagged =
        SourceMapping.flagRange(
            SourceMapping.toCanonical(
                stringRows(calls, input), calls, SourceMapping.Rules.of(config, RUN_START), "r"),
            calls.kind(),
            LocalDate.of(2026, 10, 1),
            LocalDate.of(2026, 10, 1));
    StructType existingSchema =
        new StructType()
            .add("event_id", DataTypes.StringType)
            .add("event_date", DataTypes.DateType);
    Dataset<Row> existing =
        spark.createDataFrame(
            List.of(RowFactory.create("call:c2", java.sql.Date.valueOf("2026-09-30"))),
            existingSchema);
    Map<String, String> reasons = new HashMap<>();
    for (Row r :
        SourceMapping.markAlreadyIngested(flagged, existing, calls.kind())
            .select("event_id", SourceMapping.REASON_CODE, SourceMapping.REASON)
            .collectAsList()) {
      reasons.put(r.getString(0), r.getString(1) + "|" + r.getString(2));
    }
    assertTrue(reasons.get("call:c1").startsWith("null|"));
    assertTrue(
        reasons
            .get("call:c2")
            .startsWith("DUPLICATE_ID|event_id 'call:c2' was already" + " ingested for 2026-09-30"),
        reasons.get("call:c2"));
  }

  @Test
  void aTooLongFieldAndATooOldTimestampAreQuarantinedWithTheirLimits() {
    String hocon = TestSources.callsSource("/x.csv");
    PolkuConfig config =
        TestSources.config(
            LAKE,
            hocon,
            "polku.ingest.max-field-chars = 20\n"
                + "polku.ingest.earliest-timestamp = \"2000-01-01T00:00:00Z\"");
    SourceConfig calls = config.sources().get("calls");
    // call_id, started_at, phone, transfers, topic, resolved, corrupt record
    List<Object[]> input =
        List.of(
            new Object[] {"c1", "2026-10-01 10:00:00", "ph1", "0", "billing", "Y", null},
            // topic of exactly 20 characters: at the cap, valid (started_at has 19)
            new Object[] {
              "c2", "2026-10-01 10:00:00", "ph2", "0", "01234567890123456789", "Y", null
            },
            // topic of 21 characters: one over the cap
            new Object[] {
              "c3", "2026-10-01 10:00:00", "ph3", "0", "01234567890123456789X", "Y", null
            },
            new Object[] {"c4", "1970-01-01 00:00:00", "ph4", "0", "billing", "Y", null},
            // exactly the earliest plausible instant: valid
            new Object[] {"c5", "2000-01-01 00:00:00", "ph5", "0", "billing", "Y", null});
    Dataset<Row> classified =
        SourceMapping.toCanonical(
                stringRows(calls, input), calls, SourceMapping.Rules.of(config, RUN_START), "run-1")
            .cache();
    Map<String, String> reasons = new HashMap<>();
    Map<String, String> sentences = new HashMap<>();
    for (Row r :
        classified
            .select("event_id", SourceMapping.REASON_CODE, SourceMapping.REASON)
            .collectAsList()) {
      reasons.put(r.getString(0), String.valueOf(r.getString(1)));
      sentences.put(r.getString(0), r.getString(2));
    }
    assertEquals("null", reasons.get("call:c1"));
    assertEquals("null", reasons.get("call:c2"));
    assertEquals("FIELD_TOO_LONG", reasons.get("call:c3"));
    assertEquals(
        "column 'topic' has 21 characters, more than the cap of 20"
            + " (polku.ingest.max-field-chars); fix the source row, or raise"
            + " polku.ingest.max-field-chars if such values are legitimate",
        sentences.get("call:c3"));
    assertEquals("TIMESTAMP_TOO_OLD", reasons.get("call:c4"));
    assertEquals(
        "event_ts 1970-01-01 00:00:00 UTC lies before the earliest plausible"
            + " timestamp 2000-01-01T00:00:00Z (polku.ingest.earliest-timestamp); expected a real"
            + " event time (1970 is often an epoch of 0 or seconds read as milliseconds); fix the"
            + " source value or the expression at polku.sources.calls.columns.event_ts, or lower"
            + " polku.ingest.earliest-timestamp",
        sentences.get("call:c4"));
    assertEquals("null", reasons.get("call:c5"));
    long valid = classified.filter(col(SourceMapping.REASON_CODE).isNull()).count();
    long quarantined = classified.filter(col(SourceMapping.REASON_CODE).isNotNull()).count();
    assertEquals(3, valid);
    assertEquals(2, quarantined);
    assertEquals(input.size(), valid + quarantined);
  }

  @Test
  void theDefaultFieldCapAndEarliestTimestampApplyWithoutConfiguration() {
    SourceConfig calls = TestSources.source(LAKE, TestSources.callsSource("/x.csv"), "calls");
    PolkuConfig config = TestSources.config(LAKE, TestSources.callsSource("/x.csv"), "");
    String huge = "x".repeat(100_001);
    List<Object[]> input =
        List.of(
            new Object[] {"c1", "2026-10-01 10:00:00", "ph1", "0", "x".repeat(100_000), "Y", null},
            new Object[] {"c2", "2026-10-01 10:00:00", "ph2", "0", huge, "Y", null},
            new Object[] {"c3", "1999-12-31 23:59:59", "ph3", "0", "billing", "Y", null});
    Map<String, String> reasons = new HashMap<>();
    for (Row r :
        SourceMapping.toCanonical(
                stringRows(calls, input), calls, SourceMapping.Rules.of(config, RUN_START), "run-1")
            .select("event_id", SourceMapping.REASON_CODE)
            .collectAsList()) {
      reasons.put(r.getString(0), String.valueOf(r.getString(1)));
    }
    assertEquals(
        Map.of("call:c1", "null", "call:c2", "FIELD_TOO_LONG", "call:c3", "TIMESTAMP_TOO_OLD"),
        reasons);
  }
}
