package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * The updates of a ServerlessService that start a reconcile: those JOSDK's generation-aware
 * processing lets through (a spec change, the finalizer still to add, the deletion) and a change of
 * the adopt annotation, which changes no generation, so that annotating a service takes over its
 * resources at once rather than at the next resync. Status patches, the operator's own included,
 * start none. JOSDK joins a controller's filter to its generation-aware one with "and", so the
 * controller turns that off and this filter says all of it.
 */
public class ReconcileTriggers implements OnUpdateFilter<ServerlessService> {

  @Override
  public boolean accept(ServerlessService now, ServerlessService before) {
    return generationGrew(now.getMetadata(), before.getMetadata())
        || !(now.hasFinalizer(Slipway.FINALIZER) && before.hasFinalizer(Slipway.FINALIZER))
        || now.isMarkedForDeletion() && !before.isMarkedForDeletion()
        || !Objects.equals(adopt(now.getMetadata()), adopt(before.getMetadata()));
  }

  private static boolean generationGrew(ObjectMeta now, ObjectMeta before) {
    return now.getGeneration() == null || before.getGeneration() == null || now.getGeneration() > before.getGeneration();
  }

  private static String adopt(ObjectMeta meta) {
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(Slipway.ADOPT_ANNOTATION);
  }
}
