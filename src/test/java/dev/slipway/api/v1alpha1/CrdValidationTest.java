package dev.slipway.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.KubeApiServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs (deploy/crds) on a real kube-apiserver: they are accepted and Established, and
 * `kubectl apply` rejects invalid objects with a message that names the field and the rule. Each
 * invalid object is a valid one with a single change, and the valid ones must be accepted, so a
 * rejection can only come from the rule under test.
 */
class CrdValidationTest {

  private static final String SERVICE =
      """
      apiVersion: slipway.dev/v1alpha1
      kind: ServerlessService
      metadata: {name: %s}
      spec:
        stage: dev
        region: us-east-1
        tables:
          - name: items
            partitionKey: {name: id, type: S}
        functions:
          - name: api
            runtime: python3.12
            handler: app.handler
            memoryMB: %d
            code:
              s3: {bucket: artifacts, key: api.zip}
            tables: [{name: items, access: ReadOnly}]
        restApi:
          routes:
            - {path: /items, methods: [GET], function: %s}
      """;

  private static final String POLICY =
      """
      apiVersion: slipway.dev/v1alpha1
      kind: CanaryPolicy
      metadata: {name: %s}
      spec:
        steps:
          - {weight: 10, pause: 5m}
          - {weight: %d, pause: 5m}
        analysis:
          metrics:
            - name: errors
              lambdaErrorRate: {max: 0.05}
      """;

  private static final String RELEASE =
      """
      apiVersion: slipway.dev/v1alpha1
      kind: LambdaRelease
      metadata: {name: %s}
      spec:
        service: shop
        function: api
      %s
      """;

  private static final String CODE = "  code: {s3: {bucket: artifacts, key: api-2.zip}}";

  private static KubeApiServer kube;
  private static String ns;

  @BeforeAll
  static void cluster() {
    kube = KubeApiServer.shared();
    ns = kube.newNamespace("crd-validation");
  }

  @Test
  void committedCrdsAreEstablishedWithTheirShortNames() {
    for (String name :
        new String[] {"serverlessservices.slipway.dev", "lambdareleases.slipway.dev", "canarypolicies.slipway.dev"}) {
      CustomResourceDefinition crd = kube.client().apiextensions().v1().customResourceDefinitions().withName(name).get();
      assertThat(crd).as(name).isNotNull();
      assertThat(crd.getStatus().getConditions())
          .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    }
    KubeApiServer.Result shortNames = kube.kubectl(null, "get", "sls,lr,cp", "-n", ns);
    assertThat(shortNames.exitCode()).as(shortNames.stderr()).isZero();
  }

  @Test
  void validObjectsAreAccepted() {
    assertApplied(SERVICE.formatted("shop", 512, "api"));
    assertApplied(POLICY.formatted("gentle", 50));
    assertApplied(RELEASE.formatted("api-2", CODE));
  }

  @Test
  void aZipFunctionWhoseRuntimeComesFromFunctionDefaultsIsAccepted() {
    String inherits = SERVICE.formatted("inherits", 512, "api")
        .replace("      runtime: python3.12\n", "")
        .replace("  functions:\n", "  functionDefaults: {runtime: python3.12, memoryMB: 256}\n  functions:\n");
    assertThat(inherits).doesNotContain("    runtime:");
    assertApplied(inherits);
  }

  @Test
  void memoryBelowTheMinimumIsRejected() {
    assertRejected(SERVICE.formatted("small", 64, "api"), "spec.functions[0].memoryMB", "greater than or equal to 128");
  }

  @Test
  void aStepWeightOf100IsRejected() {
    assertRejected(POLICY.formatted("all-in", 100), "spec.steps[1].weight", "less than or equal to 99");
  }

  @Test
  void aReleaseWithoutCodeIsRejected() {
    assertRejected(RELEASE.formatted("no-code", ""), "name exactly one of code (new code) and rollbackTo");
  }

  @Test
  void notificationsAreRoutedOnlyByTheNamesOfEvents() {
    String routed = """
          notifications:
            snsTopicArn: arn:aws:sns:us-east-1:123456789012:deploys
            snsEvents: [%s]
            slack:
              webhookSecretRef: {name: hooks, key: slack}
              events: [Started, CheckFailed, RolledBack]
        """;
    assertApplied(POLICY.formatted("routed", 50) + routed.formatted("Promoted, RolledBack, Failed"));
    assertApplied(SERVICE.formatted("announced", 512, "api") + routed.formatted("ServiceReady, ServiceDegraded, ServiceDeleted, Promoted"));
    assertRejected(POLICY.formatted("misrouted", 50) + routed.formatted("Promoted, RolledBak"), "spec.notifications.snsEvents[1]", "Unsupported value: \"RolledBak\"");
  }

  @Test
  void aRouteToAnUnknownFunctionIsRejectedByTheCelRule() {
    assertRejected(
        SERVICE.formatted("dangling", 512, "checkout"), "every restApi route must name a function of this service");
  }

  @Test
  void servicesListWithTheirPrinterColumns() {
    assertApplied(SERVICE.formatted("listed", 512, "api"));
    KubeApiServer.Result get = kube.kubectl(null, "get", "serverlessservices", "-n", ns);
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    // The annotations' order, not the generator's alphabetical one (dev.slipway.crd.PrinterColumnOrder).
    assertThat(get.stdout().lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "STAGE", "REGION", "READY", "REASON", "AGE");
    assertThat(get.stdout().lines().filter(l -> l.startsWith("listed ")).findFirst().orElseThrow()).contains(" dev ", " us-east-1");
  }

  /**
   * Transition rules: the zone a service created cannot turn into one it merely finds (nor the other
   * way), since its records are in it; the zone itself cannot change. Both apply on update only.
   */
  @Test
  void aDomainsZoneAndWhetherSlipwayCreatesItCannotChange() {
    String withDomain = SERVICE.formatted("zone-change", 128, "api") + """
          domain:
            hostedZone: %s
            createHostedZone: %s
            api: api.%s
        """;
    assertApplied(withDomain.formatted("example.com", true, "example.com"));

    assertRejected(withDomain.formatted("example.com", false, "example.com"), "createHostedZone cannot change");
    assertRejected(withDomain.formatted("example.org", true, "example.org"), "hostedZone cannot change");
    assertApplied(withDomain.formatted("example.com", true, "example.com"));
  }

  /**
   * An existing VPC by id is accepted with its subnets; on update it cannot change, nor turn into a
   * VPC Slipway creates (the groups and endpoints in it cannot move).
   */
  @Test
  void anExistingVpcIsAcceptedAndCannotBeSwapped() {
    String withNetwork = SERVICE.formatted("existing-vpc", 128, "api") + """
          network:
        %s
        """;
    String existing = "    vpcId: %s\n    privateSubnetIds: [subnet-0a1b2c3d4e5f60718, subnet-1a1b2c3d4e5f60718]";
    assertApplied(withNetwork.formatted(existing.formatted("vpc-0a1b2c3d4e5f60718")));

    assertRejected(withNetwork.formatted(existing.formatted("vpc-1a1b2c3d4e5f60718")), "network.vpcId is immutable");
    assertRejected(withNetwork.formatted("    cidr: 10.1.0.0/16"), "network.vpcId is immutable", "network.cidr is immutable");
    assertApplied(withNetwork.formatted(existing.formatted("vpc-0a1b2c3d4e5f60718")));
  }

  /**
   * A serverless cache (the base of the sls-cache-serverless-* manifests of the invalid corpus) is
   * accepted, with the fields that mean the same for both kinds of cache; a node type is refused.
   */
  @Test
  void aServerlessCacheIsAcceptedWithoutTheFieldsOfNodes() {
    String withCache = SERVICE.formatted("serverless-cache", 128, "api") + """
          network: {cidr: 10.1.0.0/16, availabilityZones: 1}
          caches:
            - name: sessions
              engine: redis
              serverless: {maxDataStorageGb: 10, maxEcpuPerSecond: 5000}
        %s
        """;
    assertApplied(withCache.formatted("      snapshotRetentionDays: 7\n      port: 6379"));

    assertRejected(withCache.formatted("      multiAz: false"), "a serverless cache has no nodeType, replicas, automaticFailover or multiAz");
    assertRejected(withCache.formatted("      transitEncryption: false"), "always encrypts in transit and at rest");
  }

  /**
   * The objects accepted here name code that does not exist; an operator running in this JVM (for
   * the @QuarkusTest classes) would otherwise keep trying to build them for the rest of the run.
   */
  @AfterEach
  void removeWhatWasApplied() {
    kube.kubectl(null, "delete", "serverlessservices,lambdareleases,canarypolicies", "--all", "-n", ns, "--wait=false");
  }

  private static void assertApplied(String manifest) {
    KubeApiServer.Result r = kube.kubectl(manifest, "apply", "-n", ns, "-f", "-");
    assertThat(r.exitCode()).as("kubectl apply of\n%s\nsaid: %s", manifest, r.stderr()).isZero();
  }

  private static void assertRejected(String manifest, String... expectedInMessage) {
    KubeApiServer.Result r = kube.kubectl(manifest, "apply", "-n", ns, "-f", "-");
    assertThat(r.exitCode()).as("kubectl apply should reject\n%s", manifest).isNotZero();
    assertThat(r.stderr()).contains(expectedInMessage);
  }
}
