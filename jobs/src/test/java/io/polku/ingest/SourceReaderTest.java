package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.PolkuConfig;
import io.polku.config.SourceConfig;
import io.polku.pipeline.SourceNotFoundException;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading real files: malformed JSON, wrong CSV field counts, multi-line CSV, missing paths. */
class SourceReaderTest {
  private final SparkSession spark = SparkTest.spark();

  @TempDir Path dir;

  private static String jsonSource(String path) {
    return "app {\n kind = events, format = json, paths = [\""
        + path
        + "\"]\n"
        + " schema = \"uuid STRING, device STRING, ms BIGINT, ctx STRUCT<screen: STRING,"
        + " retries: INT>\"\n"
        + " columns { event_id = \"uuid\", event_ts = \"timestamp_millis(ms)\","
        + " channel = \"'app'\", event_type = \"'view'\", device_id = \"device\","
        + " touchpoint = \"ctx.screen\" }\n}\n";
  }

  @Test
  void malformedJsonAndWrongTypesAreToldApart() throws IOException {
    Path file = dir.resolve("app.json");
    Files.writeString(
        file,
        String.join(
            "\n",
            "{\"uuid\":\"a1\",\"device\":\"d1\",\"ms\":1790000000000,\"ctx\":{\"screen\":\"home\","
                + "\"retries\":1}}",
            "{\"uuid\":\"a2\",\"device\":\"d1\",\"ms\":\"yesterday\",\"ctx\":{\"screen\":\"home\"}}",
            "{\"uuid\":\"a3\",\"device\":\"d1\",\"ms\":1790000000000,\"ctx\":{\"retries\":\"x\"}}",
            "{\"uuid\":\"a4\",\"device\":\"d1\",\"ms\":17900",
            "{\"uuid\":\"a5\",\"device\":\"d1\",\"ms\":1790000000000,\"ctx\":{\"screen\":\"pay\"}}",
            ""));
    SourceConfig source = TestSources.source(dir, jsonSource(file.toString()), "app");
    Dataset<Row> typed = SourceReader.read(spark, source).cache();
    assertEquals(5, typed.count());
    List<Row> rows =
        typed
            .orderBy(col(SourceReader.RAW))
            .select("uuid", "ms", SourceReader.CORRUPT, SourceReader.BAD_TYPE)
            .collectAsList();
    Row a1 = rows.stream().filter(r -> "a1".equals(r.getString(0))).findFirst().orElseThrow();
    assertEquals(1790000000000L, a1.getLong(1));
    Row a2 = rows.stream().filter(r -> "a2".equals(r.getString(0))).findFirst().orElseThrow();
    assertEquals(
        "column 'ms' has value 'yesterday', expected BIGINT; fix the source row, or"
            + " declare the column STRING in the source schema and convert it in the column"
            + " mapping",
        a2.getString(3));
    Row a3 = rows.stream().filter(r -> "a3".equals(r.getString(0))).findFirst().orElseThrow();
    assertTrue(
        a3.getString(3).startsWith("column 'ctx.retries' has value 'x', expected INT"),
        a3.getString(3));
    Row corrupt = rows.stream().filter(r -> r.getString(2) != null).findFirst().orElseThrow();
    assertEquals("{\"uuid\":\"a4\",\"device\":\"d1\",\"ms\":17900", corrupt.getString(2));
  }

  @Test
  void csvRowsWithTheWrongFieldCountAreCorruptAndMultiLineCommentsSurvive() throws IOException {
    Path file = dir.resolve("s.csv");
    Files.writeString(
        file,
        String.join(
            "\n",
            "id,ts,customer,question,score,comment,rated",
            "r1,2026-10-01T08:00:00Z,C1,NPS,9,\"Hyvä palvelu, kiitos\",puhelin",
            "r2,2026-10-01T08:00:00Z,C2,NPS,3,\"Line one",
            "line \"\"two\"\", with comma\",verkkokauppa",
            "r3,2026-10-01T08:00:00Z,C3,NPS,7,extra,puhelin,surplus",
            "r4,2026-10-01T08:00:00Z,C4,NPS",
            ""));
    SourceConfig source =
        TestSources.source(dir, TestSources.surveySource(file.toString()), "surveys");
    Dataset<Row> typed = SourceReader.read(spark, source).cache();
    assertEquals(4, typed.count(), "four records, one of them on two lines");
    Row r2 = typed.filter(col("id").equalTo("r2")).first();
    assertEquals("Line one\nline \"two\", with comma", r2.getAs("comment"));
    List<String> corrupt =
        typed
            .filter(col(SourceReader.CORRUPT).isNotNull())
            .select(SourceReader.CORRUPT)
            .orderBy(SourceReader.CORRUPT)
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertEquals(2, corrupt.size(), corrupt.toString());
    assertTrue(corrupt.get(0).startsWith("r3,"), corrupt.toString());
    assertTrue(corrupt.get(1).startsWith("r4,"), corrupt.toString());
  }

  @Test
  void aMissingPathNamesThePathAndTheConfigKey() {
    String missing = dir.resolve("nowhere/calls.csv").toString();
    SourceConfig source = TestSources.source(dir, TestSources.callsSource(missing), "calls");
    SourceNotFoundException e =
        assertThrows(SourceNotFoundException.class, () -> SourceReader.read(spark, source));
    assertEquals(
        "Source calls: path file://"
            + missing
            + " does not exist (configured in"
            + " polku.sources.calls.paths); expected an existing file, folder or glob; fix the path"
            + " or create it",
        e.getMessage());
  }

  @Test
  void aGlobMatchingNothingInAnExistingFolderIsAnEmptySource() {
    String glob = dir.resolve("calls-*.csv").toString();
    SourceConfig source = TestSources.source(dir, TestSources.callsSource(glob), "calls");
    assertEquals(0, SourceReader.read(spark, source).count());
  }

  /** A survey CSV whose second row's comment is Latin-1 ("Hyvä" with ä as the byte 0xE4). */
  private Path latin1Surveys() throws IOException {
    Path file = dir.resolve("latin1.csv");
    Files.write(
        file,
        String.join(
                "\n",
                "id,ts,customer,question,score,comment,rated",
                "r1,2026-10-01T08:00:00Z,C1,NPS,9,Kiitos,puhelin",
                "r2,2026-10-01T08:00:00Z,C2,NPS,8,Hyvä palvelu,puhelin",
                "")
            .getBytes(StandardCharsets.ISO_8859_1));
    return file;
  }

  private Map<String, Row> classifiedById(SourceConfig source, PolkuConfig config) {
    Dataset<Row> classified =
        SourceMapping.toCanonical(
            SourceReader.read(spark, source),
            source,
            SourceMapping.Rules.of(config, Instant.parse("2026-11-01T00:00:00Z")),
            "run-1");
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        classified
            .select(
                "response_id",
                "comment",
                SourceMapping.REASON_CODE,
                SourceMapping.REASON,
                SourceReader.RAW)
            .collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  @Test
  void invalidUtf8IsQuarantinedAsBadEncodingWithItsBytesNotStoredAsReplacementCharacters()
      throws IOException {
    Path file = latin1Surveys();
    PolkuConfig config = TestSources.config(dir, TestSources.surveySource(file.toString()), "");
    Map<String, Row> rows = classifiedById(config.sources().get("surveys"), config);
    assertEquals(2, rows.size(), "nothing is lost: 2 rows read, 1 valid + 1 quarantined");
    assertNull(rows.get("r1").getString(2));
    assertEquals("Kiitos", rows.get("r1").getString(1));
    Row r2 = rows.get("r2");
    assertEquals("BAD_ENCODING", r2.getString(2));
    assertEquals(
        "column 'comment' is not valid UTF-8 (the source's encoding, set at"
            + " polku.sources.surveys.encoding); its bytes are kept as base64 in the quarantine's"
            + " raw record; fix: set polku.sources.surveys.encoding to the file's real encoding"
            + " (e.g. \"ISO-8859-1\" or \"windows-1252\"), or re-export the file as UTF-8",
        r2.getString(3));
    // base64 of the bytes 48 79 76 E4 20 70 61 6C 76 65 6C 75 ("Hyv", 0xE4, " palvelu")
    assertTrue(r2.getString(4).contains("\"comment\":\"SHl25CBwYWx2ZWx1\""), r2.getString(4));
    assertFalse(r2.getString(4).contains("\uFFFD"), r2.getString(4));
  }

  @Test
  void theSameLatin1FileIngestsCorrectlyWithItsEncodingDeclared() throws IOException {
    Path file = latin1Surveys();
    String hocon =
        TestSources.surveySource(file.toString())
            .replace("kind = feedback,", "kind = feedback, encoding = \"ISO-8859-1\",");
    PolkuConfig config = TestSources.config(dir, hocon, "");
    Map<String, Row> rows = classifiedById(config.sources().get("surveys"), config);
    assertEquals(2, rows.size());
    assertNull(rows.get("r2").getString(2), String.valueOf(rows.get("r2").getString(3)));
    assertEquals("Hyv\u00e4 palvelu", rows.get("r2").getString(1));
  }

  @Test
  void aZeroByteCsvAloneIsAnEmptySourceNotSchemaDrift() throws IOException {
    Path folder = dir.resolve("surveys");
    Files.createDirectories(folder);
    Files.write(folder.resolve("empty.csv"), new byte[0]);
    SourceConfig source =
        TestSources.source(dir, TestSources.surveySource(folder.toString()), "surveys");
    assertEquals(List.of(), SourceReader.driftProblems(spark, source));
    assertEquals(0, SourceReader.read(spark, source).count());
  }

  @Test
  void aZeroByteCsvBesideAValidFileIsSkippedAndTheValidFileIsRead() throws IOException {
    Path folder = dir.resolve("surveys");
    Files.createDirectories(folder);
    Files.write(folder.resolve("a-empty.csv"), new byte[0]);
    Files.writeString(
        folder.resolve("b.csv"),
        String.join(
            "\n",
            "id,ts,customer,question,score,comment,rated",
            "r1,2026-10-01T08:00:00Z,C1,NPS,9,Kiitos,puhelin",
            "r2,2026-10-01T08:00:00Z,C2,NPS,7,,puhelin",
            ""));
    SourceConfig source =
        TestSources.source(dir, TestSources.surveySource(folder.toString()), "surveys");
    assertEquals(List.of(), SourceReader.driftProblems(spark, source));
    List<String> ids =
        SourceReader.read(spark, source)
            .select("id")
            .orderBy("id")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertEquals(List.of("r1", "r2"), ids);
  }

  @Test
  void aJsonLineWithInvalidUtf8IsBadEncodingWithTheLinesBytes() throws IOException {
    Path file = dir.resolve("app.json");
    byte[] good =
        ("{\"uuid\":\"a1\",\"device\":\"d1\",\"ms\":1790000000000,"
                + "\"ctx\":{\"screen\":\"home\"}}\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] bad =
        ("{\"uuid\":\"a2\",\"device\":\"d1\",\"ms\":1790000000000,"
                + "\"ctx\":{\"screen\":\"h\u00e4me\"}}\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[good.length + bad.length];
    System.arraycopy(good, 0, all, 0, good.length);
    System.arraycopy(bad, 0, all, good.length, bad.length);
    Files.write(file, all);
    PolkuConfig config = TestSources.config(dir, jsonSource(file.toString()), "");
    SourceConfig source = config.sources().get("app");
    List<Row> rows =
        SourceMapping.toCanonical(
                SourceReader.read(spark, source),
                source,
                SourceMapping.Rules.of(config, Instant.parse("2026-11-01T00:00:00Z")),
                "run-1")
            .select(SourceMapping.REASON_CODE, SourceMapping.REASON, SourceReader.RAW)
            .orderBy(col(SourceMapping.REASON_CODE).asc_nulls_first())
            .collectAsList();
    assertEquals(2, rows.size(), "nothing is lost: 1 valid + 1 quarantined");
    assertNull(rows.get(0).getString(0));
    assertEquals("BAD_ENCODING", rows.get(1).getString(0));
    assertTrue(
        rows.get(1)
            .getString(1)
            .startsWith(
                "the record is not valid UTF-8 (the source's"
                    + " encoding, set at polku.sources.app.encoding)"),
        rows.get(1).getString(1));
    // base64 of the second line's bytes (without its newline), computed with printf | base64
    assertEquals(
        "{\"_record\":\"eyJ1dWlkIjoiYTIiLCJkZXZpY2UiOiJkMSIsIm1zIjoxNzkwMDAwMDAwMDAwLCJjdHgiOnsic2NyZWVuIjoiaORtZSJ9fQ==\"}",
        rows.get(1).getString(2));
  }

  @Test
  void zeroByteFilesAreNamedInAWarning() throws IOException {
    Path folder = dir.resolve("surveys");
    Files.createDirectories(folder);
    Files.write(folder.resolve("a-empty.csv"), new byte[0]);
    Files.writeString(folder.resolve("b.csv"), "id,ts,customer,question,score,comment,rated\n");
    SourceConfig source =
        TestSources.source(dir, TestSources.surveySource(folder.toString()), "surveys");
    assertEquals(
        List.of(
            "source surveys: file file:"
                + folder.resolve("a-empty.csv")
                + " is empty (0 bytes) and was read as no rows; expected a file with at least a header"
                + " line; no action needed if the export had nothing, otherwise re-export it"),
        SourceReader.emptyFiles(spark, source));
  }
}
