package dev.slipway.aws;

import java.time.Duration;

/**
 * A resource is still becoming ready (a table or index backfilling, a function update in progress, a
 * role not yet visible, a distribution deploying): not an error, and nothing to wait for on a
 * worker thread. The runtime records the resource as Pending with {@link #awaited()}, blocks what
 * depends on it, and the reconcile comes back after {@link #retryAfter()}.
 */
public final class NotReady extends RuntimeException {

  private final Duration retryAfter;

  private NotReady(String awaited, Duration retryAfter) {
    super(awaited, null, false, false);
    this.retryAfter = retryAfter;
  }

  /** {@code awaited} says what is awaited, for example "index user-index CREATING". */
  public static NotReady awaiting(String awaited, Duration retryAfter) {
    return new NotReady(awaited, retryAfter);
  }

  public String awaited() {
    return getMessage();
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
