package io.polku.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planted scenarios' signatures and the per-kind table (no Spark). */
class EvaluateRootCausesSignatureTest {

  @Test
  void s3AndS5AreTheirOwnPartsAndTheirUnionIsNeither() {
    List<String> late = List.of("prev_failure=shop:delivery", "prev_failure_channel=shop");
    List<String> undelivered = List.of("failed_before=shop:undelivered");
    assertTrue(EvaluateRootCausesCommand.signature("S3").test(late));
    assertFalse(EvaluateRootCausesCommand.signature("S5").test(late));
    assertTrue(EvaluateRootCausesCommand.signature("S5").test(undelivered));
    assertFalse(EvaluateRootCausesCommand.signature("S3").test(undelivered));
    assertTrue(
        EvaluateRootCausesCommand.signature("S5")
            .test(List.of("upstream_failure_type=shop:delivery_exception")));
    assertTrue(
        EvaluateRootCausesCommand.signature("S3")
            .test(List.of("upstream_failure=shop:delivery:delivery")));
    for (List<String> union :
        List.of(
            List.of("prev_failure_channel=shop"),
            List.of("upstream_failure_channel=shop"),
            List.of("end=failure"),
            List.of("prev_failure_channel=shop", "failures=1", "peak=3"))) {
      assertFalse(EvaluateRootCausesCommand.signature("S3").test(union), union.toString());
      assertFalse(EvaluateRootCausesCommand.signature("S5").test(union), union.toString());
    }
    assertTrue(EvaluateRootCausesCommand.onlyShopUnion(List.of("prev_failure_channel=shop")));
    assertTrue(
        EvaluateRootCausesCommand.onlyShopUnion(
            List.of("upstream_failure_channel=shop", "prev_failure_within=2-24h")));
    assertFalse(EvaluateRootCausesCommand.onlyShopUnion(late));
    assertFalse(EvaluateRootCausesCommand.onlyShopUnion(List.of("end=failure")));
  }

  @Test
  void theTableHasARowPerKindOtherScopesTheCrossChannelScopeAndTheTotal() throws Exception {
    Map<String, EvaluateRootCausesCommand.KindCount> kinds = new LinkedHashMap<>();
    for (String k : List.of("S3", "S5")) {
      EvaluateRootCausesCommand.KindCount c = new EvaluateRootCausesCommand.KindCount();
      c.seeds = 2;
      c.planted = 2;
      c.found = "S3".equals(k) ? 2 : 1;
      kinds.put(k, c);
    }
    Map<String, EvaluateRootCausesCommand.ScopeCount> scopes = new java.util.TreeMap<>();
    scopes.put("shop/nps", scope(4, 3));
    scopes.put("*/*", scope(2, 0));
    String table = EvaluateRootCausesCommand.kindTable(kinds, scopes);
    List<String> lines = table.lines().toList();
    assertEquals(
        "kind | scope    | seeds | planted | found | recall | kept segments | precision",
        lines.get(0).stripTrailing());
    assertEquals(
        "S3   | shop/nps | 2     | 2       | 2     | 1.00   | 4             | 3/4 = 0.75",
        lines.get(2).stripTrailing());
    assertEquals(
        "S5   | shop/nps | 2     | 2       | 1     | 0.50   | 4             | 3/4 = 0.75",
        lines.get(3).stripTrailing());
    assertEquals(
        "*    | */*      | 2     | 0       | -     | -      | 2             | 0/2 = 0.00",
        lines.get(4).stripTrailing());
    assertEquals(
        "all  |          | 2     | 4       | 3     | 0.75   | 6             | 3/6 = 0.50",
        lines.get(5).stripTrailing());

    assertTrue(
        EvaluateRootCausesCommand.singleRatedChannel(
            new ObjectMapper().readTree("{\"generator\": {\"rated_channels\": [\"shop\"]}}")));
    assertFalse(
        EvaluateRootCausesCommand.singleRatedChannel(
            new ObjectMapper().readTree("{\"generator\": {\"seed\": 1}}")));
  }

  private static EvaluateRootCausesCommand.ScopeCount scope(int kept, int matching) {
    EvaluateRootCausesCommand.ScopeCount s = new EvaluateRootCausesCommand.ScopeCount();
    s.kept = kept;
    s.matching = matching;
    return s;
  }
}
