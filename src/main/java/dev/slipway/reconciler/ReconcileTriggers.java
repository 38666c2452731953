package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;

/**
 * The updates of a ServerlessService that start a reconcile ({@link UpdateTriggers}): besides
 * {@link Slipway#RECONCILE_REQUESTED_AT}, a change of the adopt annotation, so that annotating a
 * service takes over its resources at once rather than at the next resync.
 */
public class ReconcileTriggers extends UpdateTriggers<ServerlessService> {

  public ReconcileTriggers() {
    super(Slipway.FINALIZER, Slipway.ADOPT_ANNOTATION, Slipway.RECONCILE_REQUESTED_AT);
  }
}
