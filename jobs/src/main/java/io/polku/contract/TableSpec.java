package io.polku.contract;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One table of the lake: its name, zone, meaning, columns (each with a comment), partitioning and
 * key. The single place table documentation comes from: the Delta column comments, the table
 * comment and {@code docs/tables.md} are all generated from these specs.
 */
public record TableSpec(
    String name,
    String zone,
    String description,
    List<Column> columns,
    List<String> partitionColumns,
    List<String> keyColumns) {

  /** A documented column. */
  public record Column(String name, DataType type, boolean nullable, String comment) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(comment, "comment");
    }

    StructField toField() {
      Metadata metadata = new MetadataBuilder().putString("comment", comment).build();
      return new StructField(name, type, nullable, metadata);
    }
  }

  public TableSpec {
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    keyColumns = List.copyOf(keyColumns);
    List<String> names = columns.stream().map(Column::name).collect(Collectors.toList());
    for (String p : partitionColumns) {
      if (!names.contains(p)) {
        throw new IllegalArgumentException("Partition column " + p + " is not a column of " + name);
      }
    }
  }

  /** The table's schema, with each column's comment in its metadata. */
  public StructType schema() {
    return new StructType(columns.stream().map(Column::toField).toArray(StructField[]::new));
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).collect(Collectors.toList());
  }

  public Column column(String columnName) {
    return columns.stream()
        .filter(c -> c.name().equals(columnName))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Table "
                        + name
                        + " has no column "
                        + columnName
                        + "; columns are "
                        + columnNames()));
  }

  static Column col(String name, DataType type, boolean nullable, String comment) {
    return new Column(name, type, nullable, comment);
  }

  @SafeVarargs
  static <T> List<T> list(T... values) {
    return Arrays.asList(values);
  }
}
