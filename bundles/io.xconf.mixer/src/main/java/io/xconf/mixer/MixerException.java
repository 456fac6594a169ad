package io.xconf.mixer;

/** The mixer cannot serve a request now (no free ports, shutting down); SIP answers 503. */
public class MixerException extends Exception {
  private static final long serialVersionUID = 1L;

  public MixerException(String message) {
    super(message);
  }

  public MixerException(String message, Throwable cause) {
    super(message, cause);
  }
}
