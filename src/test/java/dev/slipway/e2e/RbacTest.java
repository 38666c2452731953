package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.testing.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's RBAC as shipped in deploy/manifests/rbac.yaml, asked of the real API server as the
 * operator's ServiceAccount (SelfSubjectAccessReview with its token): what the operator does is
 * allowed, and what it never does is not. The e2e suite, which runs the operator as the same
 * ServiceAccount, finds a missing permission; this finds the excess ones.
 */
class RbacTest {

  private static final String TENANT = "team-a";
  private static final String OPERATOR_NS = KubeApiServer.OPERATOR_NAMESPACE;
  private static final String LEASE = "slipway-operator";

  private static final KubeApiServer kube = KubeApiServer.shared();
  private static KubernetesClient operator;

  @BeforeAll
  static void asTheOperator() {
    operator = kube.operatorClient();
  }

  @AfterAll
  static void close() {
    operator.close();
  }

  /** One question: may the ServiceAccount do {@code verb} on {@code group/resource[/sub]} in {@code namespace} ("" is all), named {@code name}? */
  record Access(String verb, String group, String resource, String subresource, String namespace, String name) {
    static Access of(String verb, String group, String resource, String namespace) {
      String[] parts = resource.split("/", 2);
      return new Access(verb, group, parts[0], parts.length > 1 ? parts[1] : null, namespace, null);
    }

    Access named(String n) {
      return new Access(verb, group, resource, subresource, namespace, n);
    }

    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (subresource == null ? "" : "/" + subresource)
          + (name == null ? "" : " " + name) + (namespace.isEmpty() ? " (all namespaces)" : " in " + namespace);
    }
  }

  private static boolean allowed(Access a) {
    SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
        .withNewSpec()
        .withNewResourceAttributes()
        .withVerb(a.verb()).withGroup(a.group()).withResource(a.resource()).withSubresource(a.subresource())
        .withNamespace(a.namespace()).withName(a.name())
        .endResourceAttributes()
        .endSpec()
        .build();
    return operator.authorization().v1().selfSubjectAccessReview().create(review).getStatus().getAllowed();
  }

  private static List<Access> all(String group, String resource, String namespace, String... verbs) {
    List<Access> list = new ArrayList<>();
    for (String verb : verbs) {
      list.add(Access.of(verb, group, resource, namespace));
    }
    return list;
  }

  /** Not a review but the real request: listing the cluster's Secrets is refused, by the ServiceAccount's name. */
  @Test
  void theOperatorCannotListTheClustersSecrets() {
    assertThatThrownBy(() -> operator.secrets().inAnyNamespace().list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("User \"" + KubeApiServer.OPERATOR_USER + "\" cannot list resource \"secrets\"");
  }

  @Test
  void everythingTheOperatorDoesIsAllowed() {
    List<Access> needed = new ArrayList<>();
    // Informers of the controllers and the tenancy: cluster-wide.
    needed.addAll(all("slipway.dev", "serverlessservices", "", "get", "list", "watch"));
    needed.addAll(all("slipway.dev", "lambdareleases", "", "get", "list", "watch"));
    needed.addAll(all("slipway.dev", "canarypolicies", "", "get", "list", "watch"));
    needed.addAll(all("slipway.dev", "slipwaytenancies", "", "get", "list", "watch"));
    needed.addAll(all("", "namespaces", "", "get", "list", "watch"));
    // Finalizers (patch), status, the releases a service makes and prunes.
    needed.add(Access.of("patch", "slipway.dev", "serverlessservices", TENANT));
    needed.add(Access.of("patch", "slipway.dev", "lambdareleases", TENANT));
    needed.addAll(all("slipway.dev", "lambdareleases", TENANT, "create", "delete"));
    needed.add(Access.of("patch", "slipway.dev", "serverlessservices/status", TENANT));
    needed.add(Access.of("patch", "slipway.dev", "lambdareleases/status", TENANT));
    needed.add(Access.of("patch", "slipway.dev", "canarypolicies/status", TENANT));
    // blockOwnerDeletion on what a service owns.
    needed.add(Access.of("update", "slipway.dev", "serverlessservices/finalizers", TENANT));
    // The outputs ConfigMap, parameter / webhook / credential Secrets, events: by name.
    needed.addAll(all("", "configmaps", TENANT, "get", "create", "patch"));
    needed.addAll(all("", "secrets", TENANT, "get", "create", "patch", "delete"));
    needed.add(Access.of("create", "", "events", TENANT));
    // The history API's reviews of its callers.
    needed.add(Access.of("create", "authentication.k8s.io", "tokenreviews", ""));
    needed.add(Access.of("create", "authorization.k8s.io", "subjectaccessreviews", ""));
    // Leader election.
    needed.add(Access.of("create", "coordination.k8s.io", "leases", OPERATOR_NS));
    needed.add(Access.of("get", "coordination.k8s.io", "leases", OPERATOR_NS).named(LEASE));
    needed.add(Access.of("update", "coordination.k8s.io", "leases", OPERATOR_NS).named(LEASE));
    needed.add(Access.of("patch", "coordination.k8s.io", "leases", OPERATOR_NS).named(LEASE));

    assertThat(needed).allSatisfy(a -> assertThat(allowed(a)).as(a.toString()).isTrue());
  }

  @Test
  void whatTheOperatorNeverDoesIsDenied() {
    List<Access> excess = new ArrayList<>();
    // No enumerating Secrets or ConfigMaps, anywhere.
    excess.addAll(all("", "secrets", "", "list", "watch"));
    excess.addAll(all("", "secrets", TENANT, "list", "watch", "update", "deletecollection"));
    excess.addAll(all("", "configmaps", "", "list", "watch"));
    excess.addAll(all("", "configmaps", TENANT, "list", "watch", "update", "delete"));
    // Namespaces are only read.
    excess.addAll(all("", "namespaces", "", "create", "delete", "patch", "update"));
    // The spec of what users own is theirs; policies and tenancies are only read.
    excess.addAll(all("slipway.dev", "serverlessservices", TENANT, "create", "update", "delete"));
    excess.addAll(all("slipway.dev", "canarypolicies", TENANT, "create", "patch", "update", "delete"));
    excess.addAll(all("slipway.dev", "slipwaytenancies", "", "create", "patch", "update", "delete"));
    excess.add(Access.of("update", "slipway.dev", "lambdareleases/finalizers", TENANT));
    excess.add(Access.of("update", "slipway.dev", "serverlessservices/status", TENANT));
    // Events are only created; the leader-election Lease is the operator's own, in its namespace.
    excess.addAll(all("", "events", TENANT, "list", "patch", "delete"));
    excess.add(Access.of("get", "coordination.k8s.io", "leases", OPERATOR_NS).named("kube-controller-manager"));
    excess.add(Access.of("update", "coordination.k8s.io", "leases", OPERATOR_NS).named("other"));
    excess.addAll(all("coordination.k8s.io", "leases", "kube-system", "create", "get", "update"));
    excess.add(Access.of("list", "coordination.k8s.io", "leases", OPERATOR_NS));
    // Nothing else at all.
    excess.add(Access.of("list", "", "pods", ""));
    excess.add(Access.of("create", "", "serviceaccounts/token", OPERATOR_NS));
    excess.add(Access.of("create", "authorization.k8s.io", "localsubjectaccessreviews", TENANT));
    excess.add(Access.of("create", "rbac.authorization.k8s.io", "clusterrolebindings", ""));
    excess.add(Access.of("create", "apiextensions.k8s.io", "customresourcedefinitions", ""));

    assertThat(excess).allSatisfy(a -> assertThat(allowed(a)).as(a.toString()).isFalse());
  }

  /**
   * Leader election as the packaged operator runs it (the test profile has none): fabric8's elector
   * on the Lease the Role names, as the ServiceAccount, acquires it (create), renews it (patch) and
   * gives it back.
   */
  @Test
  void theOperatorCanHoldItsLeaderElectionLease() throws Exception {
    CountDownLatch leading = new CountDownLatch(1);
    String identity = "rbac-test-" + UUID.randomUUID();
    LeaderElector elector = operator.leaderElector()
        .withConfig(new LeaderElectionConfigBuilder()
            .withName("rbac-test")
            .withLock(new LeaseLock(OPERATOR_NS, LEASE, identity))
            .withLeaseDuration(Duration.ofSeconds(15))
            .withRenewDeadline(Duration.ofSeconds(10))
            .withRetryPeriod(Duration.ofSeconds(1))
            .withReleaseOnCancel()
            .withLeaderCallbacks(new LeaderCallbacks(leading::countDown, () -> {}, id -> {}))
            .build())
        .build();
    CompletableFuture<?> running = elector.start();
    try {
      assertThat(leading.await(30, TimeUnit.SECONDS)).as("leading").isTrue();
      var leases = kube.client().leases().inNamespace(OPERATOR_NS).withName(LEASE);
      assertThat(leases.get().getSpec().getHolderIdentity()).isEqualTo(identity);
      var acquired = leases.get().getSpec().getRenewTime();
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(leases.get().getSpec().getRenewTime()).isNotEqualTo(acquired));
    } finally {
      running.cancel(true);
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(kube.client().leases().inNamespace(OPERATOR_NS).withName(LEASE).get().getSpec().getHolderIdentity()).isNullOrEmpty());
  }

  /**
   * The API server enforces owner-reference permissions (OwnerReferencesPermissionEnforcement in
   * hack/sandbox.sh): blockOwnerDeletion on a ServerlessService is allowed through its finalizers
   * rule, on a LambdaRelease (which owns nothing) it is refused.
   */
  @Test
  void blockOwnerDeletionNeedsTheOwnersFinalizers() {
    String ns = kube.newNamespace("rbac");
    var owned = new ConfigMapBuilder().withNewMetadata().withName("owned-outputs").withNamespace(ns)
        .withOwnerReferences(owner("ServerlessService", "owned"))
        .endMetadata().addToData("k", "v").build();
    // Created (the garbage collector removes it soon after: its owner does not exist).
    assertThat(operator.configMaps().inNamespace(ns).resource(owned).create().getMetadata().getOwnerReferences()).hasSize(1);

    var wrong = new ConfigMapBuilder().withNewMetadata().withName("release-owned").withNamespace(ns)
        .withOwnerReferences(owner("LambdaRelease", "r1"))
        .endMetadata().addToData("k", "v").build();
    assertThatThrownBy(() -> operator.configMaps().inNamespace(ns).resource(wrong).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("blockOwnerDeletion");
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference owner(String kind, String name) {
    return new OwnerReferenceBuilder().withApiVersion("slipway.dev/v1alpha1").withKind(kind).withName(name)
        .withUid(UUID.randomUUID().toString()).withController(true).withBlockOwnerDeletion(true).build();
  }
}
