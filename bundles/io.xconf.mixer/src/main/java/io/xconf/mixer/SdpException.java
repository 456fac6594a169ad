package io.xconf.mixer;

/** An SDP offer or answer with nothing acceptable in it; SIP answers such an offer 488. */
public class SdpException extends Exception {
  private static final long serialVersionUID = 1L;

  public SdpException(String message) {
    super(message);
  }
}
