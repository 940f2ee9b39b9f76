package io.polku.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.config.SourceConfig;
import io.polku.pipeline.SourceNotFoundException;
import io.polku.testing.SparkTest;
import io.polku.testing.TestSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading real files: malformed JSON, wrong CSV field counts, multi-line CSV, missing paths. */
class SourceReaderTest {
  private final SparkSession spark = SparkTest.spark();

  @TempDir
  Path dir;

  private static String jsonSource(String path) {
    return "app {\n kind = events, format = json, paths = [\"" + path + "\"]\n"
        + " schema = \"uuid STRING, device STRING, ms BIGINT, ctx STRUCT<screen: STRING,"
        + " retries: INT>\"\n"
        + " columns { event_id = \"uuid\", event_ts = \"timestamp_millis(ms)\","
        + " channel = \"'app'\", event_type = \"'view'\", device_id = \"device\","
        + " touchpoint = \"ctx.screen\" }\n}\n";
  }

  @Test
  void malformedJsonAndWrongTypesAreToldApart() throws IOException {
    Path file = dir.resolve("app.json");
    Files.writeString(file, String.join("\n",
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
    List<Row> rows = typed.orderBy(col(SourceReader.RAW))
        .select("uuid", "ms", SourceReader.CORRUPT, SourceReader.BAD_TYPE).collectAsList();
    Row a1 = rows.stream().filter(r -> "a1".equals(r.getString(0))).findFirst().orElseThrow();
    assertEquals(1790000000000L, a1.getLong(1));
    Row a2 = rows.stream().filter(r -> "a2".equals(r.getString(0))).findFirst().orElseThrow();
    assertEquals("column 'ms' has value 'yesterday', expected BIGINT; fix the source row, or"
        + " declare the column STRING in the source schema and convert it in the column"
        + " mapping", a2.getString(3));
    Row a3 = rows.stream().filter(r -> "a3".equals(r.getString(0))).findFirst().orElseThrow();
    assertTrue(a3.getString(3).startsWith("column 'ctx.retries' has value 'x', expected INT"),
        a3.getString(3));
    Row corrupt = rows.stream().filter(r -> r.getString(2) != null).findFirst().orElseThrow();
    assertEquals("{\"uuid\":\"a4\",\"device\":\"d1\",\"ms\":17900", corrupt.getString(2));
  }

  @Test
  void csvRowsWithTheWrongFieldCountAreCorruptAndMultiLineCommentsSurvive() throws IOException {
    Path file = dir.resolve("s.csv");
    Files.writeString(file, String.join("\n",
        "id,ts,customer,question,score,comment,rated",
        "r1,2026-10-01T08:00:00Z,C1,NPS,9,\"Hyvä palvelu, kiitos\",puhelin",
        "r2,2026-10-01T08:00:00Z,C2,NPS,3,\"Line one",
        "line \"\"two\"\", with comma\",verkkokauppa",
        "r3,2026-10-01T08:00:00Z,C3,NPS,7,extra,puhelin,surplus",
        "r4,2026-10-01T08:00:00Z,C4,NPS",
        ""));
    SourceConfig source = TestSources.source(dir, TestSources.surveySource(file.toString()),
        "surveys");
    Dataset<Row> typed = SourceReader.read(spark, source).cache();
    assertEquals(4, typed.count(), "four records, one of them on two lines");
    Row r2 = typed.filter(col("id").equalTo("r2")).first();
    assertEquals("Line one\nline \"two\", with comma", r2.getAs("comment"));
    List<String> corrupt = typed.filter(col(SourceReader.CORRUPT).isNotNull())
        .select(SourceReader.CORRUPT).orderBy(SourceReader.CORRUPT).as(
            org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(2, corrupt.size(), corrupt.toString());
    assertTrue(corrupt.get(0).startsWith("r3,"), corrupt.toString());
    assertTrue(corrupt.get(1).startsWith("r4,"), corrupt.toString());
  }

  @Test
  void aMissingPathNamesThePathAndTheConfigKey() {
    String missing = dir.resolve("nowhere/calls.csv").toString();
    SourceConfig source = TestSources.source(dir, TestSources.callsSource(missing), "calls");
    SourceNotFoundException e = assertThrows(SourceNotFoundException.class,
        () -> SourceReader.read(spark, source));
    assertEquals("Source calls: path file://" + missing + " does not exist (configured in"
        + " polku.sources.calls.paths); expected an existing file, folder or glob; fix the path"
        + " or create it", e.getMessage());
  }

  @Test
  void aGlobMatchingNothingInAnExistingFolderIsAnEmptySource() {
    String glob = dir.resolve("calls-*.csv").toString();
    SourceConfig source = TestSources.source(dir, TestSources.callsSource(glob), "calls");
    assertEquals(0, SourceReader.read(spark, source).count());
  }
}
