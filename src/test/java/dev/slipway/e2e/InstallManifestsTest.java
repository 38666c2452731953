package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.KubeApiServer;
import org.junit.jupiter.api.Test;

/** `kubectl apply -k deploy`, the install the README gives, is accepted by a real API server. */
class InstallManifestsTest {

  private final KubeApiServer kube = KubeApiServer.shared();

  @Test
  void theInstallKustomizationRendersAndTheApiServerAcceptsEveryObject() {
    KubeApiServer.Result rendered = kube.kubectl(null, "kustomize", "deploy");
    assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
    assertThat(rendered.stdout())
        .contains("kind: CustomResourceDefinition", "name: serverlessservices.slipway.dev", "kind: ClusterRole", "kind: Deployment")
        .contains("image: registry.example.com/slipway/slipway-operator:0.1.0")
        .contains("eks.amazonaws.com/role-arn");

    // The namespace for real (a server-side dry run creates nothing the other objects could live in),
    // then every object validated by the API server without being stored.
    kube.kubectl(null, "create", "namespace", "slipway-system");
    KubeApiServer.Result applied = kube.kubectl(null, "apply", "-k", "deploy", "--dry-run=server");
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout())
        .contains("deployment.apps/slipway-operator", "clusterrole.rbac.authorization.k8s.io/slipway-operator",
            "serviceaccount/slipway-operator", "service/slipway-operator-metrics", "role.rbac.authorization.k8s.io/slipway-operator-leader-election");
  }
}
