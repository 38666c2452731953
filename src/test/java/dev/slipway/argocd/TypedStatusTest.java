package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicyStatus;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scripts read field names the Java status types must keep: these objects are built from the
 * types and serialized as the operator writes them, so a rename on either side fails here.
 */
class TypedStatusTest {

  @Test
  void serverlessServiceStatusFieldsReachTheScript() {
    var service = named(new ServerlessService(), 2L);
    var status = new ServerlessServiceStatus();
    status.observedGeneration = 2L;
    status.conditions.add(condition("Ready", "False", "Reconciling", "Waiting for AWS resources", 2L));
    status.conditions.add(condition("Reconciling", "True", "WaitingForResources", "1 of 2 AWS resources not ready yet", 2L));
    status.conditions.add(condition("Degraded", "False", "Reconciling", "", 2L));
    status.resources.add(new ManagedResource("DynamoDBTable", "conversations", "nexus-prod-conversations", null,
        ManagedResource.State.Pending, "index user-index is CREATING"));
    service.setStatus(status);

    assertThat(ArgoCdHealth.health(service)).isEqualTo(new ArgoCdHealth.Result("Progressing",
        "WaitingForResources: 1 of 2 AWS resources not ready yet (DynamoDBTable/conversations: index user-index is CREATING)"));
  }

  @Test
  void lambdaReleaseStatusFieldsReachTheScript() {
    var release = named(new LambdaRelease(), 1L);
    release.setSpec(new LambdaReleaseSpec());
    var status = new LambdaReleaseStatus();
    status.observedGeneration = 1L;
    status.phase = ReleasePhase.Progressing;
    status.stepLabel = "1/2";
    status.weight = 10;
    status.canaryVersion = "5";
    status.stableVersion = "4";
    status.message = "Analysis passed";
    release.setStatus(status);

    assertThat(ArgoCdHealth.health(release))
        .isEqualTo(new ArgoCdHealth.Result("Progressing", "Progressing; step 1/2, 10% on version 5, stable 4; Analysis passed"));

    release.getSpec().paused = true;
    assertThat(ArgoCdHealth.health(release).status()).isEqualTo("Suspended");
  }

  @Test
  void lambdaReleaseControlAndStatusFieldsReachTheActions() {
    var release = named(new LambdaRelease(), 3L);
    release.setSpec(new LambdaReleaseSpec());
    release.getSpec().approvedStep = 1;
    var status = new LambdaReleaseStatus();
    status.observedGeneration = 3L;
    status.phase = ReleasePhase.AwaitingApproval;
    status.step = 1;
    status.approvedStepAtRetry = 1;
    release.setStatus(status);

    assertThat(ArgoCdActions.enabled("LambdaRelease", map(release))).contains("promote-step");
    assertThat(ArgoCdActions.patch("LambdaRelease", "promote-step", map(release))).isEqualTo(Map.of("spec", Map.of("approvedStep", 2)));

    status.phase = ReleasePhase.RolledBack;
    status.observedRetry = 2;
    release.getSpec().retry = 0;
    release.getSpec().abort = true;
    assertThat(ArgoCdActions.enabled("LambdaRelease", map(release))).containsExactly("retry");
    assertThat(ArgoCdActions.patch("LambdaRelease", "retry", map(release))).isEqualTo(Map.of("spec", Map.of("retry", 3, "abort", false)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(HasMetadata resource) {
    return new KubernetesSerialization().convertValue(resource, Map.class);
  }

  @Test
  void canaryPolicyStatusFieldsReachTheScript() {
    var policy = named(new CanaryPolicy(), 1L);
    var status = new CanaryPolicyStatus();
    status.observedGeneration = 1L;
    status.conditions.add(condition("Valid", "False", "StepsNotIncreasing", "step 2 weight 5 is not above step 1 weight 10", 1L));
    policy.setStatus(status);

    assertThat(ArgoCdHealth.health(policy))
        .isEqualTo(new ArgoCdHealth.Result("Degraded", "Invalid: step 2 weight 5 is not above step 1 weight 10"));
  }

  private static <T extends HasMetadata> T named(T resource, long generation) {
    resource.setMetadata(new ObjectMetaBuilder().withName("nexus").withNamespace("chat").withGeneration(generation).build());
    return resource;
  }

  private static Condition condition(String type, String status, String reason, String message, long generation) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime("2026-11-20T10:00:00Z").build();
  }
}
