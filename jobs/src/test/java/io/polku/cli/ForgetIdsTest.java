package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** forget --file: one id per line, header optional; no Spark. */
class ForgetIdsTest {
  @Test
  void readsOneIdPerLineWithAnOptionalHeader() {
    assertEquals(
        List.of("C1", "C2", "C3"),
        ForgetCommand.parseIds(
            List.of("\uFEFFcustomer_id", "C1", "", "  C2 ", "\"C3\""), "ids.csv"));
    assertEquals(List.of("C1"), ForgetCommand.parseIds(List.of("C1"), "ids.csv"));
    assertEquals(List.of(), ForgetCommand.parseIds(List.of("ID", ""), "ids.csv"));
  }

  @Test
  void refusesSeveralFieldsNamingTheLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ForgetCommand.parseIds(List.of("id", "C1", "C2,Alice"), "ids.csv"));
    assertEquals(
        "ids.csv line 3 has several fields; expected one customer id per line; keep"
            + " only the customer id column",
        e.getMessage());
  }
}
