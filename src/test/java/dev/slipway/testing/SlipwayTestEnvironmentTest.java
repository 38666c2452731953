package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.StsClient;

/** The application under test really talks to the real API server and to moto. */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class SlipwayTestEnvironmentTest {

  /** The operator's client, as the ServiceAccount: only to show what it may and may not do. */
  @Inject KubernetesClient client;

  @ConfigProperty(name = "slipway.aws.endpoint-url")
  URI awsEndpoint;

  @Test
  void theApplicationsKubernetesClientUsesTheRealApiServerAsTheOperatorsServiceAccount() {
    KubeApiServer kube = KubeApiServer.shared();
    assertThat(client.getMasterUrl().toString()).isEqualTo(kube.url());

    // Written through the harness' admin client, read back through the application's.
    String ns = kube.newNamespace("env");
    CanaryPolicy policy = new CanaryPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("steady").withNamespace(ns).build());
    policy.setSpec(new CanaryPolicySpec());
    policy.getSpec().steps = List.of(new CanaryPolicySpec.Step(20, "1m"));
    kube.client().resource(policy).serverSideApply();

    CanaryPolicy stored = client.resources(CanaryPolicy.class).inNamespace(ns).withName("steady").get();
    assertThat(stored.getSpec().steps).singleElement().satisfies(s -> assertThat(s.weight).isEqualTo(20));

    // The operator never writes a policy's spec, so its ServiceAccount may not.
    policy.getSpec().steps = List.of(new CanaryPolicySpec.Step(50, "1m"));
    assertThatThrownBy(() -> client.resource(policy).fieldManager("env-test").serverSideApply())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining(KubeApiServer.OPERATOR_USER);
  }

  @Test
  void awsCallsReachMotoThroughTheFaultProxyWithTheDummyCredentials() {
    assertThat(awsEndpoint).isEqualTo(AwsFaults.shared().endpoint());
    // Region and credentials come from the system properties the environment set.
    try (StsClient sts = StsClient.builder().endpointOverride(awsEndpoint).build()) {
      assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
    }
  }
}
