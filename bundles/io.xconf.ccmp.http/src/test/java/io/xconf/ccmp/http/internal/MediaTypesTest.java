package io.xconf.ccmp.http.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class MediaTypesTest {

  @Test
  public void acceptsTheCcmpContentTypeInUtf8Only() {
    assertTrue(MediaTypes.isCcmpContentType("application/ccmp+xml"));
    assertTrue(MediaTypes.isCcmpContentType("Application/CCMP+XML; charset=UTF-8"));
    assertTrue(MediaTypes.isCcmpContentType("application/ccmp+xml;charset=\"utf-8\""));
    assertFalse(MediaTypes.isCcmpContentType(null));
    assertFalse(MediaTypes.isCcmpContentType("application/xml"));
    assertFalse(MediaTypes.isCcmpContentType("text/plain"));
    assertFalse(MediaTypes.isCcmpContentType("application/ccmp+xml; charset=iso-8859-1"));
  }

  @Test
  public void acceptHeaderMustAdmitCcmp() {
    assertTrue(MediaTypes.acceptsCcmp(null));
    assertTrue(MediaTypes.acceptsCcmp("*/*"));
    assertTrue(MediaTypes.acceptsCcmp("application/*"));
    assertTrue(MediaTypes.acceptsCcmp("text/html, application/ccmp+xml;q=0.5"));
    assertFalse(MediaTypes.acceptsCcmp("text/html"));
    assertFalse(MediaTypes.acceptsCcmp("application/json, */*;q=0"));
  }
}
