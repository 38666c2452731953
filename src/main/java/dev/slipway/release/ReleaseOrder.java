package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import java.time.Instant;
import java.util.Comparator;

/**
 * The order of the releases of one alias, oldest first: by creation time, then namespace, name and
 * uid. Total and stable: it looks only at what a release is given when it is created, never at its
 * status, so every replica and every reconcile sees the same newest release whichever has started.
 * Creation timestamps have whole seconds; within one second the name decides.
 */
public final class ReleaseOrder {

  /** Oldest first. */
  public static final Comparator<LambdaRelease> OLDEST_FIRST =
      Comparator.comparing((LambdaRelease r) -> created(r))
          .thenComparing(r -> nullToEmpty(r.getMetadata().getNamespace()))
          .thenComparing(r -> nullToEmpty(r.getMetadata().getName()))
          .thenComparing(r -> nullToEmpty(r.getMetadata().getUid()));

  private ReleaseOrder() {}

  /** A release not yet stored has no timestamp: it is the newest. */
  private static Instant created(LambdaRelease r) {
    String t = r.getMetadata().getCreationTimestamp();
    return t == null ? Instant.MAX : Instant.parse(t);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
