package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.KubeApiServer;
import java.util.List;
import java.util.Map;
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

  /**
   * The optional monitoring kustomization (deploy/monitoring: ServiceMonitor, dashboard) stays out of
   * the install, and its ServiceMonitor finds the operator's metrics Service where the operator serves them.
   */
  @Test
  void theServiceMonitorSelectsTheMetricsServiceByItsLabelsPortNameAndMetricsPath() throws Exception {
    KubeApiServer.Result install = kube.kubectl(null, "kustomize", "deploy");
    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(install.stdout()).doesNotContain("monitoring.coreos.com", "grafana_dashboard");
    KubeApiServer.Result monitoring = kube.kubectl(null, "kustomize", "deploy/monitoring");
    assertThat(monitoring.exitCode()).as(monitoring.stderr()).isZero();

    var objects = kube.client().load(new java.io.ByteArrayInputStream((install.stdout() + "\n---\n" + monitoring.stdout()).getBytes())).items();
    var service = (io.fabric8.kubernetes.api.model.Service) one(objects, "Service", "slipway-operator-metrics");
    var deployment = (io.fabric8.kubernetes.api.model.apps.Deployment) one(objects, "Deployment", "slipway-operator");
    var monitor = (io.fabric8.kubernetes.api.model.GenericKubernetesResource) one(objects, "ServiceMonitor", "slipway-operator");
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");

    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selector);
    assertThat((List<String>) monitor.get("spec", "namespaceSelector", "matchNames")).containsExactly(service.getMetadata().getNamespace());
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(service.getSpec().getPorts()).extracting(p -> p.getName()).contains((String) e.get("port"));
      // Where the pod says it serves them, as Quarkus does.
      assertThat(e.get("path")).isEqualTo("/q/metrics")
          .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path"));
    });

    var dashboard = (io.fabric8.kubernetes.api.model.ConfigMap) one(objects, "ConfigMap", "slipway-grafana-dashboard");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData().get("slipway-dashboard.json"))
        .isEqualTo(java.nio.file.Files.readString(java.nio.file.Path.of("deploy/monitoring/slipway-dashboard.json")));
  }

  private static io.fabric8.kubernetes.api.model.HasMetadata one(List<io.fabric8.kubernetes.api.model.HasMetadata> objects, String kind, String name) {
    return objects.stream().filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }
}
