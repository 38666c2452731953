package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import java.time.Instant;
import java.util.Comparator;

/**
 * The order of the releases of one alias, oldest first: by creation time, then, within one second
 * (creation timestamps have whole seconds), a finished release before an unfinished one, then
 * namespace, name and uid. Total and stable: whether a release has started never counts, so every
 * replica and every reconcile sees the same newest release; only finishing moves a release, and
 * only before those of its second that have not finished — so a release created the second
 * another ended (a rollbackTo right after a release) is newer than it, whatever their names.
 */
public final class ReleaseOrder {

  /** Oldest first. */
  public static final Comparator<LambdaRelease> OLDEST_FIRST =
      Comparator.comparing((LambdaRelease r) -> created(r))
          .thenComparing(r -> r.getStatus() != null && r.getStatus().finishTime != null ? 0 : 1)
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
