package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.List;
import java.util.Objects;

/**
 * The updates of a primary resource that start a reconcile: those JOSDK's generation-aware
 * processing lets through (a spec change, the finalizer still to add, the deletion) and a change of
 * one of the named annotations, which changes no generation: {@link Slipway#RECONCILE_REQUESTED_AT}
 * for every kind, so that a person or a tool (Flux's {@code requestedAt} convention) can ask for a
 * reconcile at once. Status patches, the operator's own included, start none. JOSDK joins a
 * controller's filter to its generation-aware one with "and", so a controller using this one turns
 * that off and this filter says all of it.
 */
public abstract class UpdateTriggers<R extends HasMetadata> implements OnUpdateFilter<R> {

  private final String finalizer;
  private final List<String> annotations;

  protected UpdateTriggers(String finalizer, String... annotations) {
    this.finalizer = finalizer;
    this.annotations = List.of(annotations);
  }

  @Override
  public boolean accept(R now, R before) {
    ObjectMeta n = now.getMetadata();
    ObjectMeta b = before.getMetadata();
    return generationGrew(n, b)
        || !(now.hasFinalizer(finalizer) && before.hasFinalizer(finalizer))
        || now.isMarkedForDeletion() && !before.isMarkedForDeletion()
        || annotations.stream().anyMatch(a -> !Objects.equals(annotation(n, a), annotation(b, a)));
  }

  private static boolean generationGrew(ObjectMeta now, ObjectMeta before) {
    return now.getGeneration() == null || before.getGeneration() == null || now.getGeneration() > before.getGeneration();
  }

  /** The value of annotation {@code name}, or null. */
  public static String annotation(ObjectMeta meta, String name) {
    return meta.getAnnotations() == null ? null : meta.getAnnotations().get(name);
  }
}
