package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceStatus;
import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which updates of a ServerlessService start a reconcile. */
class ReconcileTriggersTest {

  private final ReconcileTriggers triggers = new ReconcileTriggers();

  @Test
  void aChangeOfTheAdoptAnnotationStartsOneThoughTheGenerationStays() {
    ServerlessService before = service(1, Map.of());

    assertThat(triggers.accept(service(1, Map.of(Slipway.ADOPT_ANNOTATION, "true")), before)).isTrue();
    assertThat(triggers.accept(service(1, Map.of()), service(1, Map.of(Slipway.ADOPT_ANNOTATION, "IAMRole")))).isTrue();
  }

  @Test
  void aNewReconcileRequestStartsOneThoughTheGenerationStays() {
    ServerlessService asked = service(1, Map.of(Slipway.RECONCILE_REQUESTED_AT, "2026-12-04T20:00:00Z"));

    assertThat(triggers.accept(asked, service(1, Map.of()))).isTrue();
    assertThat(triggers.accept(service(1, Map.of(Slipway.RECONCILE_REQUESTED_AT, "2026-12-04T20:05:00Z")), asked)).isTrue();
    assertThat(triggers.accept(service(1, Map.of(Slipway.RECONCILE_REQUESTED_AT, "2026-12-04T20:00:00Z")), asked)).isFalse();
  }

  @Test
  void aStatusPatchOrAnotherAnnotationStartsNone() {
    ServerlessService before = service(1, Map.of(Slipway.ADOPT_ANNOTATION, "true"));
    ServerlessService patched = service(1, Map.of(Slipway.ADOPT_ANNOTATION, "true", "note", "x"));
    patched.setStatus(new ServerlessServiceStatus());

    assertThat(triggers.accept(patched, before)).isFalse();
  }

  @Test
  void aSpecChangeTheFinalizerAndTheDeletionStartOneAsGenerationAwareProcessingWould() {
    ServerlessService before = service(1, Map.of());
    assertThat(triggers.accept(service(2, Map.of()), before)).isTrue();

    ServerlessService noFinalizer = service(1, Map.of());
    noFinalizer.getMetadata().setFinalizers(List.of());
    assertThat(triggers.accept(before, noFinalizer)).isTrue();

    ServerlessService deleting = service(1, Map.of());
    deleting.getMetadata().setDeletionTimestamp("2026-12-02T20:00:00Z");
    assertThat(triggers.accept(deleting, before)).isTrue();
  }

  private static ServerlessService service(long generation, Map<String, String> annotations) {
    ServerlessService s = new ServerlessService();
    s.setMetadata(new ObjectMetaBuilder().withName("nexus").withNamespace("chat").withGeneration(generation)
        .withAnnotations(annotations).withFinalizers(Slipway.FINALIZER).build());
    return s;
  }
}
