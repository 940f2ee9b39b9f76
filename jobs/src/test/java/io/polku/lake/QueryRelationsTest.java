package io.polku.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.testing.SparkTest;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The relation names a query reads, from the parser alone (nothing is registered). */
class QueryRelationsTest {
  private final SparkSession spark = SparkTest.spark();

  private Optional<Set<String>> of(String sql) {
    return QueryRelations.of(spark, sql, "polku");
  }

  @Test
  void namesEveryRelationOfAQueryItsCtesAndSubqueries() {
    assertEquals(Optional.of(Set.of("events")), of("select count(*) from events"));
    assertEquals(
        Optional.of(Set.of("feedback", "feedback_context")),
        of("select f.score from FEEDBACK f join polku.feedback_context c using (response_id)"));
    // A CTE's own name is reported too (the parser cannot tell it from a table); the caller
    // registers only lake names.
    assertEquals(
        Optional.of(Set.of("recent", "kpi_daily")),
        of(
            "with recent as (select * from kpi_daily where kpi_date > '2026-10-01')"
                + " select * from recent"));
    assertEquals(
        Optional.of(Set.of("journeys", "root_cause_segments")),
        of(
            "select * from journeys where response_id in (select explode(example_response_ids)"
                + " from spark_catalog.polku.root_cause_segments)"));
    assertEquals(
        Optional.of(Set.of("events", "feedback")),
        of("select id from events union all select response_id from feedback"));
  }

  @Test
  void leavesOutOtherDatabasesAndPaths() {
    assertEquals(Optional.of(Set.of()), of("select * from other.events"));
    assertEquals(Optional.of(Set.of()), of("select * from delta.`/tmp/x`"));
    assertEquals(Optional.of(Set.of()), of("select 1"));
  }

  @Test
  void commandsAskForTheWholeCatalog() {
    for (String command :
        new String[] {
          "show tables",
          "describe events",
          "explain select * from events",
          "set spark.sql.shuffle.partitions=2"
        }) {
      assertTrue(of(command).isEmpty(), command);
    }
  }

  @Test
  void aStatementThatDoesNotParseNamesNothing() {
    // Running it then reports Spark's syntax error.
    assertEquals(Optional.of(Set.of()), of("selec * form events"));
  }
}
