package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.KubeApiServer.Result;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart (deploy/helm/slipway) with the pinned, real helm: it lints, renders what the
 * kustomize install renders (the same CRDs, RBAC and pod), and installs, upgrades and uninstalls
 * against a real API server of its own — the shared one already holds the CRDs and RBAC the other
 * tests rely on, which an uninstall must not take away.
 */
class HelmChartTest {

  private static final String CHART = "deploy/helm/slipway";
  private static final String NS = "slipway-system";

  private static KubeApiServer kube;
  private static List<HasMetadata> kustomized;

  @BeforeAll
  static void start() {
    kube = KubeApiServer.isolated("helm");
    Result rendered = kube.kubectl(null, "kustomize", "deploy");
    assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
    kustomized = load(rendered.stdout());
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void theChartLintsAndRendersWhatTheKustomizeInstallRenders() throws Exception {
    Result lint = kube.helm("lint", CHART, "--strict");
    assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();

    List<HasMetadata> chart = template();
    // The same objects, but the namespace: Helm installs into one (--create-namespace).
    assertThat(chart).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(kustomized.stream().filter(o -> !o.getKind().equals("Namespace"))
            .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());

    for (HasMetadata o : chart) {
      HasMetadata twin = one(kustomized, o.getKind(), o.getMetadata().getName());
      if (o instanceof CustomResourceDefinition crd) {
        assertThat(crd.getSpec()).isEqualTo(((CustomResourceDefinition) twin).getSpec());
        assertThat(crd.getMetadata().getAnnotations()).as("uninstalling the chart keeps the CRDs, and so every stack")
            .containsEntry("helm.sh/resource-policy", "keep");
      } else if (o instanceof ClusterRole role) {
        assertThat(role.getRules()).isEqualTo(((ClusterRole) twin).getRules());
      } else if (o instanceof Role role) {
        assertThat(role.getRules()).isEqualTo(((Role) twin).getRules());
      } else if (o instanceof Deployment d) {
        var pod = d.getSpec().getTemplate().getSpec();
        var kustomizedPod = ((Deployment) twin).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext()).isEqualTo(kustomizedPod.getSecurityContext());
        assertThat(pod.getVolumes()).isEqualTo(kustomizedPod.getVolumes());
        var container = pod.getContainers().get(0);
        var kustomizedContainer = kustomizedPod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(kustomizedContainer.getImage());
        assertThat(container.getSecurityContext()).isEqualTo(kustomizedContainer.getSecurityContext());
        assertThat(container.getLivenessProbe()).isEqualTo(kustomizedContainer.getLivenessProbe());
        assertThat(container.getReadinessProbe()).isEqualTo(kustomizedContainer.getReadinessProbe());
        assertThat(container.getResources()).isEqualTo(kustomizedContainer.getResources());
        assertThat(container.getEnv()).containsAll(kustomizedContainer.getEnv());
        assertThat(d.getSpec().getReplicas()).isEqualTo(((Deployment) twin).getSpec().getReplicas());
      }
    }
    // No IRSA annotation until a role is given; then exactly that role.
    assertThat(((ServiceAccount) one(chart, "ServiceAccount", "slipway-operator")).getMetadata().getAnnotations()).isNullOrEmpty();
    ServiceAccount irsa = (ServiceAccount) one(template("--set", "serviceAccount.awsRoleArn=arn:aws:iam::123456789012:role/slipway"),
        "ServiceAccount", "slipway-operator");
    assertThat(irsa.getMetadata().getAnnotations()).containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/slipway");

    // Optional parts: the ServiceMonitor only when asked for, and never without the Service it scrapes.
    assertThat(template()).extracting(HasMetadata::getKind).doesNotContain("ServiceMonitor");
    assertThat(template("--set", "metrics.serviceMonitor.enabled=true")).extracting(HasMetadata::getKind).contains("ServiceMonitor");
    Result refused = kube.helm("template", "slipway", CHART, "-n", NS, "--set", "metrics.serviceMonitor.enabled=true", "--set", "metrics.service=false");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("metrics.serviceMonitor.enabled needs metrics.service");
    assertThat(template("--set", "crds.install=false")).extracting(HasMetadata::getKind).doesNotContain("CustomResourceDefinition");
    // The chart's CRDs are deploy/crds, not a copy of them.
    assertThat(Files.isSymbolicLink(Path.of(CHART, "files/crds"))).isTrue();
  }

  /** README, Sharding: one Deployment per shard, each with its shard, its own Lease and pods of its own. */
  @Test
  void shardsRenderOneDeploymentEachWithItsOwnLease() {
    List<HasMetadata> chart = template("--set", "shards={a,b}", "--set", "unlabelledShard=true");
    assertThat(chart).filteredOn(o -> o instanceof Deployment).extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("slipway-operator-a", "slipway-operator-b", "slipway-operator-unlabelled");
    for (var expected : List.of(List.of("a", "SLIPWAY_SHARD=a", "slipway-operator-a"), List.of("b", "SLIPWAY_SHARD=b", "slipway-operator-b"),
        List.of("unlabelled", "SLIPWAY_SHARD_UNLABELLED=true", "slipway-operator-unlabelled"))) {
      Deployment d = (Deployment) one(chart, "Deployment", "slipway-operator-" + expected.get(0));
      assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry("slipway.dev/operator-shard", expected.get(0));
      assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
      assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
          .contains(expected.get(1), "SLIPWAY_LEADER_ELECTION_LEASE_NAME=" + expected.get(2));
    }
    Role election = (Role) one(chart, "Role", "slipway-operator-leader-election");
    assertThat(election.getRules()).anySatisfy(r -> assertThat(r.getResourceNames())
        .containsExactly("slipway-operator-a", "slipway-operator-b", "slipway-operator-unlabelled"));

    Result refused = kube.helm("template", "slipway", CHART, "-n", NS, "--set", "shards={Payments_EU}");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("shards: Payments_EU is no DNS label");
  }

  @Test
  void theChartInstallsUpgradesAndUninstallsKeepingTheCrds() {
    Result install = kube.helm("install", "slipway", CHART, "-n", NS, "--create-namespace", "--wait=false");
    assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
    var client = kube.client();
    for (HasMetadata crd : kustomized.stream().filter(o -> o instanceof CustomResourceDefinition).toList()) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")), 30, TimeUnit.SECONDS);
    }
    assertThat(client.apps().deployments().inNamespace(NS).withName("slipway-operator").get().getSpec().getReplicas()).isEqualTo(2);
    assertThat(client.rbac().clusterRoles().withName("slipway-operator").get()).isNotNull();

    Result upgrade = kube.helm("upgrade", "slipway", CHART, "-n", NS, "--set", "replicas=1", "--set", "resyncPeriod=5m");
    assertThat(upgrade.exitCode()).as(upgrade.stdout() + upgrade.stderr()).isZero();
    Deployment upgraded = client.apps().deployments().inNamespace(NS).withName("slipway-operator").get();
    assertThat(upgraded.getSpec().getReplicas()).isEqualTo(1);
    assertThat(upgraded.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("SLIPWAY_RESYNC_PERIOD=5m"));

    Result uninstall = kube.helm("uninstall", "slipway", "-n", NS, "--wait");
    assertThat(uninstall.exitCode()).as(uninstall.stdout() + uninstall.stderr()).isZero();
    assertThat(uninstall.stdout()).contains("kept due to the resource policy", "[CustomResourceDefinition] serverlessservices.slipway.dev");
    assertThat(client.apps().deployments().inNamespace(NS).withName("slipway-operator").get()).isNull();
    assertThat(client.rbac().clusterRoles().withName("slipway-operator").get()).isNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("serverlessservices.slipway.dev").get())
        .as("kept: deleting it would delete every ServerlessService, and their finalizers the stacks").isNotNull();
  }

  private static List<HasMetadata> template(String... set) {
    List<String> args = new java.util.ArrayList<>(List.of("template", "slipway", CHART, "-n", NS));
    args.addAll(List.of(set));
    Result rendered = kube.helm(args.toArray(String[]::new));
    assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
    return load(rendered.stdout());
  }

  private static List<HasMetadata> load(String yaml) {
    return kube.client().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  private static HasMetadata one(List<HasMetadata> objects, String kind, String name) {
    return objects.stream().filter(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }
}
