package io.polku.erasure;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which rows of each contract table belong to a person, decided from the table's columns, not from
 * a hand-kept list of tables: a table holds person rows when it has one of the matching columns
 * below, and a table without any must be declared in {@link #NO_PERSON_ROWS} with the reason.
 * {@link #of} fails for a table that is neither, so a new table cannot be forgotten by {@code
 * bin/polku forget} silently.
 *
 * <p>Matching columns (names from the contract) and what they match against the person's
 * <em>tokens</em> (a tiny dataset {@code s(kind, value)}, see {@link Erasure}):
 *
 * <ul>
 *   <li>{@code customer_key}: the person's key(s) from identity_map;
 *   <li>{@code customer_id}, {@code anonymous_id}, {@code device_id}, {@code email_hash}, {@code
 *       phone_hash}: the person's identifiers of that type;
 *   <li>{@code id_type}/{@code id}, {@code id_type_a}/{@code id_a}, {@code id_type_b}/{@code id_b}:
 *       a typed identifier of the person (identity_map, identity_conflicts, identity_links);
 *   <li>{@code customer_ids} (identity_conflicts): an array holding one of the person's customer
 *       ids. The whole row goes: it describes a shared identifier of several people, its degree
 *       counts the person, and the nightly rebuilds it from identity_links;
 *   <li>{@code response_id}: one of the person's feedback responses (found before deleting through
 *       feedback, feedback_context and followups); it is the only person column of
 *       root_cause_examples (comment and steps of a response) and followup_updates (notes);
 *   <li>{@code raw} (quarantine): the original record contains one of the person's identifiers as a
 *       whole token (not as a part of a longer id), by a regular expression.
 * </ul>
 *
 * <p>The result is a SQL condition over {@code t} (the table) and {@code s} (the tokens) for a
 * delete-only Delta MERGE: unlike a DELETE with literals, whose predicate (with the clear
 * identifiers) Delta writes into the table's history (commitInfo.operationParameters), the MERGE's
 * logged condition names only columns.
 */
public final class ErasureScope {
  private ErasureScope() {}

  /** Token kinds besides the identifier types (which are {@link Tables#IDENTIFIER_COLUMNS}). */
  public static final String KEY = "customer_key";

  public static final String RESPONSE = "response_id";
  public static final String RAW_PATTERN = "raw_pattern";

  /**
   * Tables without any row per person, and why; each is checked to have no matching column.
   * Aggregates still counted the person until their dates are recomputed; they are not personal
   * data as long as their cells are not tiny (root-cause segments need a minimum support), which is
   * a reporting rule, not something erasure can fix.
   */
  public static final Map<String, String> NO_PERSON_ROWS =
      Map.ofEntries(
          Map.entry("kpi_journey_daily", "aggregate per date and first channel"),
          Map.entry(
              "root_cause_segments",
              "aggregate per segment; distinguishing_words are words weighed over all the"
                  + " segment's comments, no comment is stored"),
          Map.entry("root_cause_pruned", "aggregate per segment, as root_cause_segments"),
          Map.entry("root_cause_drivers", "model coefficients per condition"),
          Map.entry("root_cause_hypotheses", "aggregate per configured hypothesis and scope"),
          Map.entry("profile_spec", "attribute-selection steps: AUCs and customer counts"),
          Map.entry("followup_summary", "aggregate per team and priority"),
          Map.entry("fix_effects", "aggregate per configured fix"),
          Map.entry("kpi_daily", "aggregate per date and channel"),
          Map.entry("kpi_weekly", "aggregate per week and channel"),
          Map.entry("kpi_peak_end", "aggregate per channel, metric and peak/end cell"),
          Map.entry("run_audit", "ops: counts per run, stage and table"),
          Map.entry(
              "erasure_log",
              "the erasure record itself: keyed hashes of erased ids only; kept as the proof"),
          Map.entry(
              "erased_identifiers",
              "the erasure ledger: keyed hashes of erased identifiers only; ingest drops their"
                  + " rows by it"));

  /** How {@code table}'s rows of a person are found. */
  public record Rule(
      TableSpec table,
      List<String> matchedBy,
      Optional<String> condition,
      Optional<String> noPersonRowsBecause) {
    public boolean holdsPersonRows() {
      return condition.isPresent();
    }
  }

  /** Every table's rule, in {@link Tables#ALL} order. */
  public static List<Rule> all() {
    return Tables.ALL.stream().map(ErasureScope::of).toList();
  }

  /**
   * The rule for {@code table}.
   *
   * @throws IllegalStateException for a table with no matching column that is not declared in
   *     {@link #NO_PERSON_ROWS}, or one declared there that has a matching column
   */
  public static Rule of(TableSpec table) {
    List<String> cols = table.columnNames();
    List<String> by = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    if (cols.contains("customer_key")) {
      by.add("customer_key");
      parts.add("(s.kind = '" + KEY + "' AND t.customer_key = s.value)");
    }
    for (String c : Tables.IDENTIFIER_COLUMNS) {
      if (cols.contains(c)) {
        by.add(c);
        parts.add("(s.kind = '" + c + "' AND t." + c + " = s.value)");
      }
    }
    for (String suffix : List.of("", "_a", "_b")) {
      if (cols.contains("id_type" + suffix) && cols.contains("id" + suffix)) {
        by.add("id_type" + suffix + "/id" + suffix);
        parts.add("(s.kind = t.id_type" + suffix + " AND t.id" + suffix + " = s.value)");
      }
    }
    if (cols.contains("customer_ids")) {
      by.add("customer_ids");
      parts.add("(s.kind = 'customer_id' AND array_contains(t.customer_ids, s.value))");
    }
    if (cols.contains(RESPONSE)) {
      by.add(RESPONSE);
      parts.add("(s.kind = '" + RESPONSE + "' AND t.response_id = s.value)");
    }
    if (cols.contains("raw")) {
      by.add("raw");
      parts.add("(s.kind = '" + RAW_PATTERN + "' AND t.raw RLIKE s.value)");
    }
    String declared = NO_PERSON_ROWS.get(table.name());
    if (parts.isEmpty() && declared == null) {
      throw new IllegalStateException(
          "Table "
              + table.name()
              + " has no column forget can"
              + " match a person by (customer_key, an identifier column, id_type/id, customer_ids,"
              + " response_id, raw) and is not declared in ErasureScope.NO_PERSON_ROWS; expected"
              + " every table to be one or the other; add a matching column, a rule, or the"
              + " declaration with its reason");
    }
    if (!parts.isEmpty() && declared != null) {
      throw new IllegalStateException(
          "Table "
              + table.name()
              + " is declared without person"
              + " rows ("
              + declared
              + ") but has the matching columns "
              + by
              + "; expected one"
              + " or the other; remove the declaration or the columns");
    }
    return new Rule(
        table,
        List.copyOf(by),
        parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" OR ", parts)),
        Optional.ofNullable(declared));
  }

  /**
   * A Java regular expression matching any of {@code ids} as a whole token: not preceded or
   * followed by a letter, digit, {@code _} or {@code -} (so {@code C1} does not match inside {@code
   * C10}; in a JSON record the id sits between quotes, in a CSV line between commas).
   */
  public static String tokenPattern(List<String> ids) {
    List<String> quoted =
        ids.stream()
            .filter(i -> i != null && !i.isEmpty())
            .distinct()
            .sorted()
            .map(java.util.regex.Pattern::quote)
            .toList();
    if (quoted.isEmpty()) {
      throw new IllegalArgumentException("no identifiers to match");
    }
    return "(?<![A-Za-z0-9_-])(?:" + String.join("|", quoted) + ")(?![A-Za-z0-9_-])";
  }
}
