package io.polku.config;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.util.List;
import java.util.Locale;

/** What a source holds, and so which canonical table it is mapped onto. */
public enum SourceKind {
  EVENTS(
      Tables.EVENTS,
      "event_id",
      "event_ts",
      List.of("event_id", "event_ts", "channel", "event_type")),
  FEEDBACK(
      Tables.FEEDBACK,
      "response_id",
      "response_ts",
      List.of(
          "response_id",
          "response_ts",
          "channel",
          "survey",
          "metric",
          "score",
          "scale_min",
          "scale_max")),
  IDENTITY_LINKS(
      Tables.IDENTITY_LINKS,
      null,
      "observed_ts",
      List.of("id_type_a", "id_a", "id_type_b", "id_b", "observed_ts")),
  CUSTOMERS(Tables.CUSTOMERS, "customer_id", null, List.of("customer_id"));

  private final TableSpec table;
  private final String idColumn;
  private final String timestampColumn;
  private final List<String> requiredMappings;

  SourceKind(
      TableSpec table, String idColumn, String timestampColumn, List<String> requiredMappings) {
    this.table = table;
    this.idColumn = idColumn;
    this.timestampColumn = timestampColumn;
    this.requiredMappings = requiredMappings;
  }

  public TableSpec table() {
    return table;
  }

  /** The mapped id column, or null when the id is derived (identity links). */
  public String idColumn() {
    return idColumn;
  }

  /** The mapped timestamp column, or null for undated kinds (customers). */
  public String timestampColumn() {
    return timestampColumn;
  }

  /** The date partition column, or null for undated kinds. */
  public String dateColumn() {
    return table.partitionColumns().isEmpty() ? null : table.partitionColumns().get(0);
  }

  /** The table's key column. */
  public String keyColumn() {
    return table.keyColumns().get(0);
  }

  /** Canonical columns the configuration must give an expression for. */
  public List<String> requiredMappings() {
    return requiredMappings;
  }

  /** Whether rows of this kind must carry at least one identifier column. */
  public boolean needsIdentifier() {
    return this == EVENTS || this == FEEDBACK;
  }

  /** Canonical columns Polku fills itself; a mapping may not set them. */
  public List<String> derivedColumns() {
    List<String> derived = new java.util.ArrayList<>(List.of("source", "ingest_run_id"));
    if (dateColumn() != null) {
      derived.add(dateColumn());
    }
    if (this == IDENTITY_LINKS) {
      derived.add("link_id");
    }
    return derived;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a configured kind, or returns null when it is not one of the kinds. */
  public static SourceKind parse(String value) {
    for (SourceKind k : values()) {
      if (k.configName().equals(value)) {
        return k;
      }
    }
    return null;
  }
}
