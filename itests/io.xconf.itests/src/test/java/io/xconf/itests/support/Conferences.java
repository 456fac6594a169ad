package io.xconf.itests.support;

import static io.xconf.itests.support.CcmpHttp.PUBLISHED;
import static org.junit.Assert.assertEquals;

/** A user's CCMP requests about conferences, as the SIP tests make them (RFC 6503 namespace). */
public final class Conferences {

  private final CcmpHttp client;
  private final String userId;
  private final String domain;

  /**
   * @param client authenticated as the user
   * @param userId the user's XCON-USERID, the confUserID of every request
   */
  public Conferences(CcmpHttp client, String userId, String domain) {
    this.client = client;
    this.userId = userId;
    this.domain = domain;
  }

  /** A request of this type with these fields; the answer, checked against the CCMP schema. */
  public String ccmp(String type, String fields) throws Exception {
    String response =
        client
            .post(
                CcmpHttp.request(
                    PUBLISHED, "ccmp-" + type + "-request-message-type", fields, userId))
            .body();
    CcmpHttp.assertValidCcmp(response);
    return response;
  }

  /** Creates a conference from a document with these children; the answer, whatever its code. */
  public String createWith(String confInfoChildren) throws Exception {
    return ccmp(
        "conf",
        "<operation>create</operation><ccmp:confRequest><confInfo entity=\"xcon:AUTO_GENERATE_1@"
            + domain
            + "\">"
            + confInfoChildren
            + "</confInfo></ccmp:confRequest>");
  }

  /** The XCON-URI of a conference created from a document with these children. */
  public String created(String confInfoChildren) throws Exception {
    String answer = createWith(confInfoChildren);
    assertEquals(answer, 200, CcmpHttp.responseCode(answer));
    return CcmpHttp.field(answer, "confObjID");
  }

  /** The XCON-URI of a conference cloned from the default blueprint. */
  public String create() throws Exception {
    String answer = ccmp("conf", "<operation>create</operation><ccmp:confRequest/>");
    assertEquals(answer, 200, CcmpHttp.responseCode(answer));
    return CcmpHttp.field(answer, "confObjID");
  }

  public String retrieve(String conference) throws Exception {
    return operation(conference, "retrieve");
  }

  /** A retrieve with the conference's password (RFC 6503 section 5.1). */
  public String retrieve(String conference, String password) throws Exception {
    return ccmp(
        "conf",
        "<confObjID>"
            + conference
            + "</confObjID><operation>retrieve</operation><conference-password>"
            + password
            + "</conference-password><ccmp:confRequest/>");
  }

  public String delete(String conference) throws Exception {
    return operation(conference, "delete");
  }

  private String operation(String conference, String operation) throws Exception {
    return ccmp(
        "conf",
        "<confObjID>"
            + conference
            + "</confObjID><operation>"
            + operation
            + "</operation><ccmp:confRequest/>");
  }

  /** Gives the conference a password (RFC 6501: its conf-uris entry's conference-password). */
  public void protect(String conference, String password) throws Exception {
    String updated =
        ccmp(
            "conf",
            "<confObjID>"
                + conference
                + "</confObjID><operation>update</operation><ccmp:confRequest><confInfo entity=\""
                + conference
                + "\"><info:conference-description><info:conf-uris><info:entry><info:uri>sip:"
                + idOf(conference)
                + "@"
                + domain
                + "</info:uri><xcon:conference-password>"
                + password
                + "</xcon:conference-password></info:entry></info:conf-uris>"
                + "</info:conference-description></confInfo></ccmp:confRequest>");
    assertEquals(updated, 200, CcmpHttp.responseCode(updated));
  }

  /** The id part of an XCON-URI: the user part of the conference's SIP URI. */
  public static String idOf(String conference) {
    return conference.substring("xcon:".length(), conference.indexOf('@'));
  }
}
