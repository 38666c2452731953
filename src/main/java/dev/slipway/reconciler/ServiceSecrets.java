package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.SecretValues;
import dev.slipway.aws.SlipwayException;
import dev.slipway.status.Reasons;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Secrets of one ServerlessService's namespace as its kinds see them: parameter sources read by
 * name (the operator may get Secrets but neither list nor watch them, see deploy/manifests/rbac.yaml)
 * and only when labelled as such, and the Secrets the service owns (a Cognito client's secret),
 * written with an owner reference so Kubernetes deletes them with the service.
 */
public final class ServiceSecrets implements SecretValues {

  private final KubernetesClient client;
  private final ServerlessService service;

  public ServiceSecrets(KubernetesClient client, ServerlessService service) {
    this.client = client;
    this.service = service;
  }

  /**
   * A key of a labelled Secret, read from the API server at every reconcile (so a rotated value
   * reaches AWS at the next resync); an existing Secret without the label is named as such, so the
   * fix is obvious.
   */
  @Override
  public Optional<String> read(SecretKeyRef ref) {
    String namespace = namespace();
    Secret direct = client.secrets().inNamespace(namespace).withName(ref.name).get();
    if (direct == null) {
      return Optional.empty();
    }
    if (direct.getMetadata().getLabels() != null && "true".equals(direct.getMetadata().getLabels().get(Slipway.SECRET_SOURCE_LABEL))) {
      return ref.valueIn(direct);
    }
    throw SlipwayException.terminal(Reasons.SECRET_NOT_FOUND,
        "Secret " + namespace + "/" + ref.name + " lacks the label " + Slipway.SECRET_SOURCE_LABEL + "=true that lets Slipway read it");
  }

  @Override
  public Optional<Map<String, String>> owned(String name) {
    return Optional.ofNullable(client.secrets().inNamespace(namespace()).withName(name).get()).filter(this::ours).map(ServiceSecrets::decoded);
  }

  @Override
  public void own(String name, Map<String, String> data) {
    Secret existing = client.secrets().inNamespace(namespace()).withName(name).get();
    if (existing != null && !ours(existing)) {
      throw SlipwayException.terminal(Reasons.NOT_OWNED,
          "Secret " + namespace() + "/" + name + " exists and is not this service's: rename or delete it so Slipway can write the credential there");
    }
    Secret secret = new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace())
        .addToLabels(Slipway.SERVICE_LABEL, service.getMetadata().getName())
        .addToLabels("app.kubernetes.io/managed-by", "slipway")
        .withOwnerReferences(Owners.controller(service))
        .endMetadata()
        .withType("Opaque")
        .withStringData(new TreeMap<>(data))
        .build();
    client.secrets().inNamespace(namespace()).resource(secret).fieldManager("slipway-operator").forceConflicts().serverSideApply();
  }

  @Override
  public void disown(String name) {
    Secret existing = client.secrets().inNamespace(namespace()).withName(name).get();
    if (existing != null && ours(existing)) {
      client.resource(existing).delete();
    }
  }

  private boolean ours(Secret secret) {
    return secret.getMetadata().getOwnerReferences().stream().anyMatch(o -> service.getMetadata().getUid().equals(o.getUid()));
  }

  private String namespace() {
    return service.getMetadata().getNamespace();
  }

  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> data = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return data;
  }
}
