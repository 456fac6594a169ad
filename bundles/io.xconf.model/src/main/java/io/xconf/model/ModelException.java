package io.xconf.model;

import java.util.Objects;

/** An operation the model refused; nothing was changed. */
public final class ModelException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ModelFailure failure;

  public ModelException(ModelFailure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public ModelException(ModelFailure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public ModelFailure failure() {
    return failure;
  }
}
