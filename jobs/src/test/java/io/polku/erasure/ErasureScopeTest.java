package io.polku.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polku.contract.TableSpec;
import io.polku.contract.Tables;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** Which tables forget deletes from, decided from their columns; no Spark. */
class ErasureScopeTest {
  @Test
  void everyTableIsClassifiedAndThePersonTablesAreTheseOnes() {
    Set<String> person =
        ErasureScope.all().stream()
            .filter(ErasureScope.Rule::holdsPersonRows)
            .map(r -> r.table().name())
            .collect(Collectors.toSet());
    // Visible on purpose: a new table changes this list or the declared ones.
    assertEquals(
        Set.of(
            "events",
            "feedback",
            "identity_links",
            "customers",
            "identity_map",
            "identity_conflicts",
            "journeys",
            "feedback_context",
            "root_cause_examples",
            "customer_profiles",
            "survey_invitations",
            "survey_suppressions",
            "followups",
            "followup_updates",
            "quarantine"),
        person);
    Set<String> none =
        ErasureScope.all().stream()
            .filter(r -> !r.holdsPersonRows())
            .map(r -> r.table().name())
            .collect(Collectors.toSet());
    assertEquals(ErasureScope.NO_PERSON_ROWS.keySet(), none);
    assertEquals(Tables.ALL.size(), person.size() + none.size());
  }

  @Test
  void conditionsUseEveryMatchingColumn() {
    assertEquals(
        List.of("customer_key", "id_type/id"), ErasureScope.of(Tables.IDENTITY_MAP).matchedBy());
    assertEquals(
        List.of("id_type/id", "customer_ids"),
        ErasureScope.of(Tables.IDENTITY_CONFLICTS).matchedBy());
    assertEquals(
        List.of("customer_id", "anonymous_id", "device_id", "email_hash", "phone_hash"),
        ErasureScope.of(Tables.EVENTS).matchedBy());
    assertEquals(
        List.of("customer_key", "response_id"),
        ErasureScope.of(Tables.FEEDBACK_CONTEXT).matchedBy());
    assertEquals(
        List.of("id_type_a/id_a", "id_type_b/id_b"),
        ErasureScope.of(Tables.IDENTITY_LINKS).matchedBy());
    assertEquals(List.of("raw"), ErasureScope.of(Tables.QUARANTINE).matchedBy());
  }

  @Test
  void anUnclassifiedTableIsRefusedWithTheFix() {
    TableSpec t =
        new TableSpec(
            "new_table",
            "gold",
            "d",
            List.of(new TableSpec.Column("comment", DataTypes.StringType, true, "c")),
            List.of(),
            List.of());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ErasureScope.of(t));
    assertTrue(
        e.getMessage().contains("Table new_table has no column forget can match"), e.getMessage());
    assertTrue(e.getMessage().contains("ErasureScope.NO_PERSON_ROWS"), e.getMessage());
  }

  @Test
  void rawRecordsMatchWholeIdentifiersOnly() {
    Pattern p = Pattern.compile(ErasureScope.tokenPattern(List.of("C10", "a.b+c")));
    assertTrue(p.matcher("{\"customer_id\":\"C10\",\"x\":1}").find());
    assertTrue(p.matcher("2026-10-01,C10,broken").find());
    assertTrue(p.matcher("{\"anonymous_id\":\"a.b+c\"}").find(), "quoted, not a regex");
    assertFalse(p.matcher("{\"customer_id\":\"C100\"}").find());
    assertFalse(p.matcher("{\"customer_id\":\"XC10\"}").find());
    assertFalse(p.matcher("C10-2,x").find());
    assertFalse(p.matcher("{\"anonymous_id\":\"aXb+c\"}").find());
  }
}
