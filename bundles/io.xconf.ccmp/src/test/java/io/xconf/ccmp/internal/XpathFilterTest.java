package io.xconf.ccmp.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.xconf.model.ModelException;
import io.xconf.model.ModelFailure;
import io.xconf.model.Namespaces;
import io.xconf.model.XmlElement;
import java.util.ArrayList;
import java.util.List;
import javax.xml.namespace.QName;
import org.junit.Test;

public class XpathFilterTest {

  private static QName info(String name) {
    return new QName(Namespaces.CONFERENCE_INFO, name);
  }

  private static XmlElement conference(int users) {
    List<XmlElement> list = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      list.add(
          XmlElement.of(info("user"))
              .withAttribute("entity", "xcon-userid:u" + i + "@example.com")
              .withChildren(List.of(XmlElement.leaf(info("display-text"), "User " + i))));
    }
    return XmlElement.of(info("conference-info"))
        .withChildren(
            List.of(
                XmlElement.of(info("conference-description"))
                    .withChildren(
                        List.of(
                            XmlElement.leaf(info("display-text"), "Board"),
                            XmlElement.leaf(new QName(Namespaces.XCON, "allow-sidebars"), "true"))),
                XmlElement.of(info("users")).withChildren(list)));
  }

  @Test
  public void theRfcSubsetSelects() throws Exception {
    XmlElement board = conference(3);
    assertTrue(
        XpathFilter.of("/conference-info[conference-description/display-text='Board']")
            .selects(board));
    assertTrue(
        XpathFilter.of("//info:user[starts-with(@entity, 'xcon-userid:u2')]").selects(board));
    assertTrue(XpathFilter.of("count(//user) = 3").selects(board));
    assertTrue(XpathFilter.of("//xcon:allow-sidebars[normalize-space(.)='true']").selects(board));
    assertFalse(XpathFilter.of("not(//user[contains(display-text, 'User 1')])").selects(board));
    assertFalse(
        XpathFilter.of("/conference-info[conference-description/display-text='Other']")
            .selects(board));
  }

  @Test
  public void functionsOutsideTheSubsetAreRefused() {
    for (String filter :
        List.of(
            "document('/etc/passwd')",
            "//user[lang('en')]",
            "string(//user)",
            "$x",
            "/conference-info[")) {
      try {
        XpathFilter filtered = XpathFilter.of(filter);
        filtered.selects(conference(1));
        fail(filter + " was accepted");
      } catch (ModelException e) {
        assertEquals(filter, ModelFailure.BAD_REQUEST, e.failure());
      }
    }
  }

  @Test
  public void aFilterThatWouldWorkWithoutEndIsStoppedWithResourcesNotAvailable() throws Exception {
    // 200 users make about 400 elements: each predicate walks the whole document again, 400^3.
    XpathFilter filter = XpathFilter.of("//*[//*[//*[contains(., 'nothing')]]]");
    try {
      filter.selects(conference(200));
      fail("a filter of about 6 * 10^7 node visits ran to its end");
    } catch (ModelException e) {
      assertEquals(ModelFailure.RESOURCES_NOT_AVAILABLE, e.failure());
    }
  }

  @Test
  public void theBudgetIsOneRequestsOverAllItsDocuments() throws Exception {
    XpathFilter filter = XpathFilter.of("//user[display-text='nobody']");
    XmlElement board = conference(100);
    try {
      for (int i = 0; i < 100_000; i++) {
        assertFalse(filter.selects(board));
      }
      fail("a filter over 100,000 documents of 300 nodes each stayed within its budget");
    } catch (ModelException e) {
      assertEquals(ModelFailure.RESOURCES_NOT_AVAILABLE, e.failure());
    }
  }
}
