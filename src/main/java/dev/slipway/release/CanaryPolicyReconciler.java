package dev.slipway.release;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicyStatus;
import dev.slipway.aws.SlipwayException;
import dev.slipway.canary.ReleasePolicy;
import dev.slipway.config.Shard;
import dev.slipway.config.SlipwayConfig;
import dev.slipway.metrics.OperatorMetrics;
import dev.slipway.reconciler.KubernetesEvents;
import dev.slipway.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler;
import java.time.Clock;
import java.util.Objects;

/**
 * Checks a CanaryPolicy the way a release will read it (presets expanded, steps and durations
 * parsed) and reports the result as the Valid condition and the step summary, so a bad policy shows
 * up when it is applied rather than when a release needs it.
 */
@ControllerConfiguration(name = "canarypolicy")
// Reconciler named as well: plain JOSDK (a hand-built operator) reads the resource type from it.
public class CanaryPolicyReconciler implements Reconciler<CanaryPolicy>, ConfigurableReconciler<CanaryPolicy> {

  static final String VALID = "Valid";

  private final KubernetesClient client;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final Shard shard;

  public CanaryPolicyReconciler(KubernetesClient client, Clock clock, OperatorMetrics metrics, SlipwayConfig config) {
    this.client = client;
    this.clock = clock;
    this.metrics = metrics;
    this.shard = Shard.of(config);
  }

  /**
   * Only the shard's policies are validated here. A release reads its policy whatever the policy's
   * label, so one policy can serve the releases of every shard; its label only says which shard reports on it.
   */
  @Override
  public void updateConfigurationFrom(ControllerConfigurationOverrider<CanaryPolicy> configuration) {
    shard.narrow(configuration);
  }

  @Override
  public UpdateControl<CanaryPolicy> reconcile(CanaryPolicy policy, Context<CanaryPolicy> context) {
    return metrics.timed("CanaryPolicy", () -> validate(policy));
  }

  private UpdateControl<CanaryPolicy> validate(CanaryPolicy policy) {
    CanaryPolicyStatus old = policy.getStatus() == null ? new CanaryPolicyStatus() : policy.getStatus();
    CanaryPolicyStatus status = new CanaryPolicyStatus();
    status.conditions.addAll(old.conditions);
    long generation = policy.getMetadata().getGeneration();
    status.observedGeneration = generation;
    try {
      ReleasePolicy resolved = ReleasePolicy.of(policy.getSpec());
      status.summary = resolved.plan().summary();
      String checks = resolved.hasMetrics() ? resolved.metrics().size() + " checks every " + dev.slipway.api.v1alpha1.Durations.format(resolved.interval()) : "no analysis";
      Conditions.set(status.conditions, VALID, true, "Valid", status.summary + "; " + checks, generation, clock);
      Conditions.remove(status.conditions, Conditions.STALLED);
      metrics.reconciled("CanaryPolicy", "Valid");
    } catch (SlipwayException e) {
      Conditions.set(status.conditions, VALID, false, e.reason(), e.getMessage(), generation, clock);
      // Nothing the operator retries can make it valid: kstatus tools should see Failed, not Current.
      Conditions.set(status.conditions, Conditions.STALLED, true, e.reason(), e.getMessage(), generation, clock);
      // Once per spec generation, not at every resync.
      if (!Objects.equals(old.observedGeneration, generation)) {
        new KubernetesEvents(client, policy, clock).warning(e.reason(), e.getMessage());
      }
      metrics.reconciled("CanaryPolicy", e.reason());
    }
    if (Objects.equals(client.getKubernetesSerialization().asJson(old), client.getKubernetesSerialization().asJson(status))) {
      return UpdateControl.noUpdate();
    }
    CanaryPolicy patch = new CanaryPolicy();
    patch.setMetadata(new ObjectMetaBuilder().withName(policy.getMetadata().getName()).withNamespace(policy.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }
}
