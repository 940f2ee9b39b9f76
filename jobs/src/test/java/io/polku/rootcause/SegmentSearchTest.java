package io.polku.rootcause;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.polku.rootcause.SegmentSearch.CandidateCell;
import io.polku.rootcause.SegmentSearch.OverlapCell;
import io.polku.rootcause.SegmentStatistics.Cell;
import io.polku.testing.SparkTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * SegmentSearch's counts on a hand-made set of responses, typed: every expected cell below is
 * counted by hand from the fixture's table.
 */
class SegmentSearchTest {
  private final SparkSession spark = SparkTest.spark();

  /*
   * id  channel metric score critical conditions
   * r1  web     NPS    2     true     [a, b]
   * r2  web     nps    5     true     [a]
   * r3  web     nps    9     false    [a, b]
   * r4  web     nps    8     false    [b]
   * r5  app     nps    10    false    [a]
   * r6  app     nps    null  null     [a]     (no score: left out of every count)
   */
  private Dataset<Row> responses() {
    StructType schema =
        new StructType()
            .add("response_id", DataTypes.StringType)
            .add("channel", DataTypes.StringType)
            .add("metric", DataTypes.StringType)
            .add("score", DataTypes.DoubleType)
            .add("score_norm", DataTypes.DoubleType)
            .add("critical", DataTypes.BooleanType)
            .add("conditions", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows =
        List.of(
            RowFactory.create("r1", "web", "NPS", 2.0, 0.2, true, List.of("a", "b")),
            RowFactory.create("r2", "web", "nps", 5.0, 0.5, true, List.of("a")),
            RowFactory.create("r3", "web", "nps", 9.0, 0.9, false, List.of("a", "b")),
            RowFactory.create("r4", "web", "nps", 8.0, 0.8, false, List.of("b")),
            RowFactory.create("r5", "app", "nps", 10.0, 1.0, false, List.of("a")),
            RowFactory.create("r6", "app", "nps", null, null, null, List.of("a")));
    return spark.createDataFrame(rows, schema);
  }

  private Dataset<Row> candidates(String channel, String metric, List<List<String>> items) {
    StructType schema =
        new StructType()
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("items", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    items.forEach(i -> rows.add(RowFactory.create(channel, metric, i)));
    return spark.createDataFrame(rows, schema);
  }

  @Test
  void totalsCountEachStratumOnce() {
    List<Cell> totals =
        new ArrayList<>(
            SegmentSearch.totalCells(responses()).stream().map(SegmentSearchTest::round).toList());
    totals.sort(Comparator.comparing(Cell::channel));
    // app: r5 only (r6 has no score). web: r1..r4, metric lower-cased.
    assertEquals(
        List.of(
            new Cell("app", "nps", 1, 0, 10.0, 1.0, 1, 0, 0),
            new Cell("web", "nps", 4, 2, 24.0, 2.4, 1, 1, 2)),
        totals);
  }

  @Test
  void scopeSizesCountRatedAndCriticalResponsesPerScope() {
    // */*: r1..r5 (r6 has no score), 2 critical; app/nps: r5; web/nps: r1..r4, 2 critical.
    assertEquals(
        List.of(
            new SegmentSearch.ScopeSize("*", "*", 5, 2),
            new SegmentSearch.ScopeSize("app", "nps", 1, 0),
            new SegmentSearch.ScopeSize("web", "nps", 4, 2)),
        SegmentSearch.scopeSizes(SegmentSearch.scoped(responses())));
    assertEquals(false, new SegmentSearch.ScopeSize("*", "*", 5, 2).isChannelScope());
  }

  @Test
  void aCandidateCountsTheResponsesHoldingAllItsConditionsPerStratum() {
    Dataset<Row> scoped = SegmentSearch.scoped(responses());
    List<CandidateCell> web =
        sorted(
            SegmentSearch.evaluateCells(
                scoped, candidates("web", "nps", List.of(List.of("a"), List.of("a", "b")))));
    // web/nps [a]: r1, r2, r3 -> n 3, x 2, scores 2+5+9, one promoter (9), two detractors.
    // web/nps [a, b]: r1, r3 -> n 2, x 1, scores 2+9.
    assertEquals(
        List.of(
            new CandidateCell(
                "web", "nps", List.of("a"), new Cell("web", "nps", 3, 2, 16.0, 1.6, 1, 0, 2)),
            new CandidateCell(
                "web", "nps", List.of("a", "b"), new Cell("web", "nps", 2, 1, 11.0, 1.1, 1, 0, 1))),
        round(web));

    // The cross-channel scope: [a] holds r1, r2, r3 (web) and r5 (app), one cell per stratum.
    List<CandidateCell> cross =
        sorted(SegmentSearch.evaluateCells(scoped, candidates("*", "*", List.of(List.of("a")))));
    assertEquals(
        List.of(
            new CandidateCell(
                "*", "*", List.of("a"), new Cell("app", "nps", 1, 0, 10.0, 1.0, 1, 0, 0)),
            new CandidateCell(
                "*", "*", List.of("a"), new Cell("web", "nps", 3, 2, 16.0, 1.6, 1, 0, 2))),
        round(cross));
  }

  @Test
  void overlapsCountTheResponsesTwoSegmentsShare() {
    Dataset<Row> scoped = SegmentSearch.scoped(responses()).filter("scope_channel = 'web'");
    StructType schema =
        new StructType()
            .add("segment_id", DataTypes.StringType)
            .add("scope_channel", DataTypes.StringType)
            .add("scope_metric", DataTypes.StringType)
            .add("items", DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> segments =
        spark.createDataFrame(
            List.of(
                RowFactory.create("s-a", "web", "nps", List.of("a")),
                RowFactory.create("s-b", "web", "nps", List.of("b"))),
            schema);
    List<OverlapCell> overlaps =
        SegmentSearch.overlapCells(SegmentSearch.members(scoped, segments));
    // [a] = r1, r2, r3; [b] = r1, r3, r4; shared: r1 (critical, 2) and r3 (9).
    assertEquals(1, overlaps.size());
    OverlapCell o = overlaps.get(0);
    assertEquals("s-a", o.a());
    assertEquals("s-b", o.b());
    assertEquals(new Cell("web", "nps", 2, 1, 11.0, 1.1, 1, 0, 1), round(o.cell()));
  }

  private static List<CandidateCell> sorted(List<CandidateCell> cells) {
    List<CandidateCell> out = new ArrayList<>(cells);
    out.sort(
        Comparator.comparing((CandidateCell c) -> c.items().size())
            .thenComparing(c -> c.cell().channel()));
    return out;
  }

  private static List<CandidateCell> round(List<CandidateCell> cells) {
    return cells.stream()
        .map(c -> new CandidateCell(c.scopeChannel(), c.scopeMetric(), c.items(), round(c.cell())))
        .toList();
  }

  /** Sums of doubles to 1e-9, so that 0.2 + 0.5 + 0.9 compares with 1.6. */
  private static Cell round(Cell c) {
    return new Cell(
        c.channel(),
        c.metric(),
        c.n(),
        c.x(),
        Math.round(c.sumScore() * 1e9) / 1e9,
        Math.round(c.sumNorm() * 1e9) / 1e9,
        c.promoters(),
        c.passives(),
        c.detractors());
  }
}
