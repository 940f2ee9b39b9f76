package io.polku.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.polku.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** docs/tables.md is generated from the contract; it must not go stale. */
class TableDocsTest {
  @Test
  void committedTableReferenceMatchesTheContract() throws Exception {
    Path doc = SparkTest.repoRoot().resolve("docs/tables.md");
    assertEquals(
        TableDocs.markdown(),
        Files.readString(doc),
        "docs/tables.md is stale; regenerate it with: bin/polku docs --out docs/tables.md");
  }

  @Test
  void everyColumnHasAComment() {
    for (TableSpec t : Tables.ALL) {
      for (StructField f : t.schema().fields()) {
        assertFalse(
            f.getComment().isEmpty() || f.getComment().get().isBlank(),
            t.name() + "." + f.name() + " has no comment");
      }
    }
  }
}
