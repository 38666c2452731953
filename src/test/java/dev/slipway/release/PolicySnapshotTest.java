package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.aws.SlipwayException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy a release pins in status: everything but a URL's credentials, which come back from the live policy. */
class PolicySnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statusKeepsThePolicyWithoutTheCredentialsItsUrlsCarry() throws Exception {
    CanaryPolicySpec live = policy("https://ops:hunter2@checks.example.com/health?token=abc", "https://hooks.example.com/smoke");

    CanaryPolicySpec pinned = PolicySnapshot.of(live);

    assertThat(pinned.analysis.metrics.get(0).http.url).isEqualTo("https://checks.example.com/health?…");
    assertThat(pinned.hooks.preTraffic.get(0).http.url).as("nothing to withhold").isEqualTo("https://hooks.example.com/smoke");
    assertThat(JSON.writeValueAsString(pinned)).doesNotContain("hunter2").doesNotContain("token=abc");
    assertThat(pinned.steps).extracting(s -> s.weight).containsExactly(10, 50);
    assertThat(live.analysis.metrics.get(0).http.url).as("the live policy is not changed").contains("token=abc");
  }

  @Test
  void aWithheldUrlIsRestoredFromTheLivePolicyOnlyIfItStillHasTheSameUrl() {
    CanaryPolicySpec live = policy("https://checks.example.com/health?token=abc", "https://hooks.example.com/smoke");
    CanaryPolicySpec pinned = PolicySnapshot.of(live);
    assertThat(PolicySnapshot.withheldAny(pinned)).isTrue();

    // Edited elsewhere (a step), same URL: the release runs its pinned steps with the real URL.
    CanaryPolicySpec edited = policy("https://checks.example.com/health?token=abc", "https://hooks.example.com/other");
    edited.steps = List.of(new CanaryPolicySpec.Step(50, "1m"));
    CanaryPolicySpec restored = PolicySnapshot.restore(pinned, edited, "gentle");
    assertThat(restored.analysis.metrics.get(0).http.url).isEqualTo("https://checks.example.com/health?token=abc");
    assertThat(restored.hooks.preTraffic.get(0).http.url).isEqualTo("https://hooks.example.com/smoke");
    assertThat(restored.steps).extracting(s -> s.weight).containsExactly(10, 50);

    CanaryPolicySpec moved = policy("https://checks.example.com/healthz?token=abc", "https://hooks.example.com/smoke");
    assertThatThrownBy(() -> PolicySnapshot.restore(pinned, moved, "gentle"))
        .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.reason()).isEqualTo("PolicyChanged"))
        .hasMessageContaining("check health calls https://checks.example.com/health?…")
        .hasMessageContaining("CanaryPolicy gentle no longer has that URL");
    assertThatThrownBy(() -> PolicySnapshot.restore(pinned, null, "gentle")).hasMessageContaining("CanaryPolicy gentle is gone");
  }

  @Test
  void aPolicyWithoutCredentialsIsPinnedWhole() {
    CanaryPolicySpec pinned = PolicySnapshot.of(policy("https://checks.example.com/health", "https://hooks.example.com/smoke"));

    assertThat(PolicySnapshot.withheldAny(pinned)).isFalse();
    assertThat(PolicySnapshot.of(null)).isNull();
  }

  private static CanaryPolicySpec policy(String checkUrl, String hookUrl) {
    CanaryPolicySpec p = new CanaryPolicySpec();
    p.steps.add(new CanaryPolicySpec.Step(10, "1m"));
    p.steps.add(new CanaryPolicySpec.Step(50, "1m"));
    p.analysis = new CanaryPolicySpec.Analysis();
    CanaryPolicySpec.Metric health = new CanaryPolicySpec.Metric();
    health.name = "health";
    health.http = new CanaryPolicySpec.HttpCheck();
    health.http.url = checkUrl;
    p.analysis.metrics.add(health);
    p.hooks = new CanaryPolicySpec.Hooks();
    CanaryPolicySpec.Hook smoke = new CanaryPolicySpec.Hook();
    smoke.name = "smoke";
    smoke.http = new CanaryPolicySpec.HttpHook();
    smoke.http.url = hookUrl;
    p.hooks.preTraffic = List.of(smoke);
    return p;
  }
}
