package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.reconciler.ReconcileCapacity.Lane;

/**
 * Which lane of the reconciler threads a release's next reconcile takes, from what the object
 * itself says (no AWS call: the lane is chosen before any). Moving the alias back or to its final
 * place is {@link Lane#URGENT}: a stored final phase whose alias is not confirmed yet (the
 * rollback the operator stored before it stopped), an abort, a release being deleted (it puts the
 * alias back). Everything else is ordinary {@link Lane#RELEASE} work, which may wait its turn.
 */
public final class ReleaseLanes {

  private ReleaseLanes() {}

  /** The lane of {@code release}'s next reconcile or cleanup. */
  public static Lane of(LambdaRelease release) {
    LambdaReleaseStatus status = release.getStatus();
    boolean unconfirmedFinalPhase = status != null && status.phase != null && status.phase.isFinal() && status.finishTime == null;
    boolean aborting = release.getSpec() != null && Boolean.TRUE.equals(release.getSpec().abort);
    return unconfirmedFinalPhase || aborting || release.isMarkedForDeletion() ? Lane.URGENT : Lane.RELEASE;
  }
}
