package io.xconf.ccmp.http.internal;

import static org.junit.Assert.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xconf.ccmp.CcmpOutcome;
import io.xconf.schema.CcmpNamespace;
import org.junit.Test;

public class CcmpMetricsTest {

  @Test
  public void messagesAreNamedAsInTheRfc() {
    assertEquals("confRequest", CcmpMetrics.message("ccmp-conf-request-message-type"));
    assertEquals(
        "sidebarByValRequest", CcmpMetrics.message("ccmp-sidebar-by-val-request-message-type"));
    assertEquals("unreadable", CcmpMetrics.message(null));
    assertEquals("unreadable", CcmpMetrics.message("evil-type"));
  }

  @Test
  public void eachAnswerIsCountedByMessageOperationAndCode() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CcmpMetrics metrics = new CcmpMetrics(registry);
    CcmpOutcome retrieved =
        new CcmpOutcome(
            200,
            "ccmp-conf-request-message-type",
            CcmpNamespace.PUBLISHED,
            false,
            false,
            "retrieve");
    metrics.answered(retrieved, System.nanoTime());
    metrics.answered(retrieved, System.nanoTime());
    metrics.answered(new CcmpOutcome(400, null, CcmpNamespace.PUBLISHED), System.nanoTime());
    assertEquals(
        2.0,
        registry
            .get("xconf.ccmp.requests")
            .tags("message", "confRequest", "operation", "retrieve", "code", "200")
            .counter()
            .count(),
        0);
    assertEquals(
        1.0,
        registry
            .get("xconf.ccmp.requests")
            .tags("message", "unreadable", "operation", "none", "code", "400")
            .counter()
            .count(),
        0);
    assertEquals(
        2, registry.get("xconf.ccmp.latency").tag("message", "confRequest").timer().count());
  }
}
