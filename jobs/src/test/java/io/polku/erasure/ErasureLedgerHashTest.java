package io.polku.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The ledger's per-thread HMAC gives Erasure.hash's value, also when salts alternate. */
class ErasureLedgerHashTest {
  @Test
  void reusedMacEqualsAFreshOne() {
    String a = "salt-a-0123456789abcdef";
    String b = "salt-b-0123456789abcdef";
    for (String v : new String[] {"C000182", "anon-P182", "C000182", ""}) {
      assertEquals(Erasure.hash(a, v), ErasureLedger.hashFast(a, v), v);
      assertEquals(Erasure.hash(b, v), ErasureLedger.hashFast(b, v), v);
    }
    // Known HMAC-SHA256 (RFC 4231 test case 2): key "Jefe".
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ErasureLedger.hashFast("Jefe", "what do ya want for nothing?"));
  }
}
