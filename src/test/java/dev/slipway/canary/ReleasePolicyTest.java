package dev.slipway.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.aws.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The runtime refuses what the CRD refuses at apply (the corpus under src/test/resources/invalid
 * has the same mistakes as manifests), so a policy that was stored before a CRD upgrade fails its
 * release with InvalidPolicy instead of running against the documented bounds.
 */
class ReleasePolicyTest {

  @Test
  void anIntervalBelowTheMinimumIsRefused() {
    assertThatThrownBy(() -> ReleasePolicy.of(analysis("9s", metrics(1))))
        .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.reason()).isEqualTo("InvalidPolicy"))
        .hasMessageContaining("at least 10s");
    assertThat(ReleasePolicy.of(analysis("10s", metrics(1))).interval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void moreThanTwentyMetricsAreRefused() {
    assertThatThrownBy(() -> ReleasePolicy.of(analysis("1m", metrics(21)))).hasMessageContaining("at most 20 metrics");
    assertThat(ReleasePolicy.of(analysis("1m", metrics(20))).metrics()).hasSize(20);
  }

  @Test
  void duplicateMetricNamesAreRefused() {
    List<CanaryPolicySpec.Metric> twins = List.of(metric("error-rate"), metric("error-rate"));
    assertThatThrownBy(() -> ReleasePolicy.of(analysis("1m", twins))).hasMessageContaining("metric names must be unique");
  }

  @Test
  void aChecksOwnFailureLimitBelowOneIsRefusedAndAbsentFallsBackToTheRunLevelOne() {
    CanaryPolicySpec.Metric strict = metric("error-rate");
    strict.failureLimit = 0;
    assertThatThrownBy(() -> ReleasePolicy.of(analysis("1m", List.of(strict)))).hasMessageContaining("failureLimit must be at least 1");

    strict.failureLimit = 1;
    ReleasePolicy policy = ReleasePolicy.of(analysis("1m", List.of(strict, metric("health"))));
    assertThat(policy.ownFailureLimit("error-rate")).hasValue(1);
    assertThat(policy.ownFailureLimit("health")).isEmpty();
  }

  private static CanaryPolicySpec analysis(String interval, List<CanaryPolicySpec.Metric> metrics) {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(new CanaryPolicySpec.Step(10, "5m"));
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.interval = interval;
    spec.analysis.metrics = metrics;
    return spec;
  }

  private static List<CanaryPolicySpec.Metric> metrics(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> metric("error-rate-" + i)).toList();
  }

  private static CanaryPolicySpec.Metric metric(String name) {
    CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
    m.name = name;
    m.lambdaErrorRate = new CanaryPolicySpec.RateThreshold();
    m.lambdaErrorRate.max = 0.05;
    return m;
  }
}
