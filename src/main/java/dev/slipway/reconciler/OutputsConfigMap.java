package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The ConfigMap {@code <service>-outputs}: the stack's outputs for applications and frontends to
 * mount, owned by the service so Kubernetes garbage-collects it with the service. Written only when
 * its data changes.
 */
final class OutputsConfigMap {

  private final KubernetesClient client;

  OutputsConfigMap(KubernetesClient client) {
    this.client = client;
  }

  static String name(ServerlessService service) {
    return service.getMetadata().getName() + "-outputs";
  }

  void apply(ServerlessService service, Map<String, String> outputs) {
    var meta = service.getMetadata();
    Map<String, String> data = new TreeMap<>(outputs);
    ConfigMap existing = client.configMaps().inNamespace(meta.getNamespace()).withName(name(service)).get();
    if (existing != null && Objects.equals(new TreeMap<>(existing.getData() == null ? Map.of() : existing.getData()), data)) {
      return;
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
  }
}
