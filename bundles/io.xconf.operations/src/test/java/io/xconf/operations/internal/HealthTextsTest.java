package io.xconf.operations.internal;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class HealthTextsTest {

  @Test
  public void theBodyNamesEachPartAndTheWhole() {
    Map<String, Boolean> parts = new LinkedHashMap<>();
    parts.put("ccmp", true);
    parts.put("sip", false);
    assertEquals(
        "{\"status\":\"down\",\"ccmp\":\"up\",\"sip\":\"down\"}\n", HealthEndpoint.json(parts));
    parts.put("sip", true);
    assertEquals(
        "{\"status\":\"up\",\"ccmp\":\"up\",\"sip\":\"up\"}\n", HealthEndpoint.json(parts));
  }

  @Test
  public void baseUrlsFollowPaxWebsListeners() {
    assertEquals(
        List.of("http://127.0.0.1:8080", "https://127.0.0.1:8443"),
        HttpListeners.baseUrls("127.0.0.1", true, "8080", true, "8443"));
    assertEquals(
        List.of("https://[::1]:9443", "https://10.0.0.2:9443"),
        HttpListeners.baseUrls(" ::1, 10.0.0.2 ,", false, "8080", true, "9443"));
  }
}
