package dev.slipway.aws;

import java.time.Duration;

/**
 * A resource is still becoming ready (a table or index backfilling, a function update in progress, a
 * role not yet visible, a distribution deploying): not an error, and nothing to wait for on a
 * worker thread. The runtime records the resource as Pending with {@link #awaited()}, blocks what
 * depends on it, and the reconcile comes back after {@link #retryAfter()}.
 *
 * <p>A kind that changed something before it had to stop (code uploaded to a function whose update
 * is still running) says what it wrote with {@link #recording}: the runtime keeps those facts like a
 * converged resource's, so the next reconcile resumes from them instead of doing the change again.
 */
public final class NotReady extends RuntimeException {

  private final Duration retryAfter;
  private final transient Object facts;

  private NotReady(String awaited, Duration retryAfter, Object facts) {
    super(awaited, null, false, false);
    this.retryAfter = retryAfter;
    this.facts = facts;
  }

  /** {@code awaited} says what is awaited, for example "index user-index CREATING". */
  public static NotReady awaiting(String awaited, Duration retryAfter) {
    return new NotReady(awaited, retryAfter, null);
  }

  /** The same wait, carrying the kind facts of what was already done (see {@link Published#facts()}). */
  public NotReady recording(Object facts) {
    return new NotReady(awaited(), retryAfter, facts);
  }

  /** What the kind recorded before stopping; null when it recorded nothing. */
  public Object facts() {
    return facts;
  }

  public String awaited() {
    return getMessage();
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
