package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.reconciler.UpdateTriggers;
import io.javaoperatorsdk.operator.ReconcilerUtils;

/**
 * The updates of a LambdaRelease that start a reconcile ({@link UpdateTriggers}): spec changes,
 * its finalizer and deletion as before, and {@link Slipway#RECONCILE_REQUESTED_AT}, which wakes a
 * release that waits for nothing in particular (paused, held) or re-reads a finished one.
 */
public class ReleaseTriggers extends UpdateTriggers<LambdaRelease> {

  public ReleaseTriggers() {
    // JOSDK's default finalizer name: the one every LambdaRelease carries since it has had a Cleaner.
    super(ReconcilerUtils.getDefaultFinalizerName(LambdaRelease.class), Slipway.RECONCILE_REQUESTED_AT);
  }
}
