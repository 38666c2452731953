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

  /**
   * Whether {@code other} comes after {@code release} as the alias's newer release. One that had
   * finished by the time {@code release} was created is history, not newer, even when it sorts
   * after it within their second (by name): otherwise a release created the second a finished one
   * ended (a rollbackTo right after a release) would be superseded by it. Finish times are compared
   * at the creation timestamp's whole seconds.
   */
  public static boolean isNewer(LambdaRelease other, LambdaRelease release) {
    if (OLDEST_FIRST.compare(other, release) <= 0) {
      return false;
    }
    var status = other.getStatus();
    if (status == null || status.finishTime == null) {
      return true;
    }
    return Instant.parse(status.finishTime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(created(release));
  }

  /** A release not yet stored has no timestamp: it is the newest. */
  private static Instant created(LambdaRelease r) {
    String t = r.getMetadata().getCreationTimestamp();
    return t == null ? Instant.MAX : Instant.parse(t);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
