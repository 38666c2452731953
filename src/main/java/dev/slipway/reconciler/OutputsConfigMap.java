package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ConfigMap {@code <service>-outputs}: the stack's outputs for applications and frontends to
 * mount, owned by the service so Kubernetes garbage-collects it with the service. Written only when
 * its data changes, and never over a ConfigMap of that name the service does not own: server-side
 * apply with forced conflicts would take the user's ConfigMap over, so that is reported instead.
 */
final class OutputsConfigMap {

  private final KubernetesClient client;

  OutputsConfigMap(KubernetesClient client) {
    this.client = client;
  }

  static String name(ServerlessService service) {
    return service.getMetadata().getName() + "-outputs";
  }

  /**
   * Writes the outputs, unless the ConfigMap exists and carries no owner reference to this service
   * (by uid): then nothing is written, and the returned message says which ConfigMap is in the way.
   */
  Optional<String> apply(ServerlessService service, Map<String, String> outputs) {
    var meta = service.getMetadata();
    Map<String, String> data = new TreeMap<>(outputs);
    ConfigMap existing = client.configMaps().inNamespace(meta.getNamespace()).withName(name(service)).get();
    if (existing != null && !ownedBy(existing, service)) {
      return Optional.of("ConfigMap " + meta.getNamespace() + "/" + name(service) + " exists and is not this service's, so its outputs"
          + " are not written there: rename or delete that ConfigMap");
    }
    if (existing != null && Objects.equals(new TreeMap<>(existing.getData() == null ? Map.of() : existing.getData()), data)) {
      return Optional.empty();
    }
    ConfigMap desired =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name(service))
            .withNamespace(meta.getNamespace())
            .addToLabels(Slipway.SERVICE_LABEL, meta.getName())
            .addToLabels("app.kubernetes.io/managed-by", "slipway")
            .withOwnerReferences(Owners.controller(service))
            .endMetadata()
            .withData(data)
            .build();
    client.configMaps().inNamespace(meta.getNamespace()).resource(desired).fieldManager("slipway-operator").forceConflicts().serverSideApply();
    return Optional.empty();
  }

  private static boolean ownedBy(ConfigMap configMap, ServerlessService service) {
    return configMap.getMetadata().getOwnerReferences().stream().anyMatch(o -> service.getMetadata().getUid().equals(o.getUid()));
  }
}
