package dev.slipway.canary;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.aws.SlipwayException;
import java.time.Duration;
import java.util.List;

/**
 * What the state machine needs from a CanaryPolicy: the steps and how analysis judges them. A
 * release without a policy is AllAtOnce without analysis.
 */
public record ReleasePolicy(
    StepPlan plan, Duration interval, int failureLimit, boolean inconclusiveIsFailure, List<CanaryPolicySpec.Metric> metrics) {

  public ReleasePolicy {
    metrics = List.copyOf(metrics);
    if (interval.isZero() || interval.isNegative()) {
      throw SlipwayException.terminal("InvalidPolicy", "analysis interval must be positive");
    }
    if (failureLimit < 1) {
      throw SlipwayException.terminal("InvalidPolicy", "failureLimit must be at least 1");
    }
  }

  public static ReleasePolicy of(CanaryPolicySpec spec) {
    StepPlan plan = StepPlan.of(spec);
    CanaryPolicySpec.Analysis a = spec == null || spec.analysis == null ? new CanaryPolicySpec.Analysis() : spec.analysis;
    Duration interval;
    try {
      interval = Durations.parse(a.interval == null ? "1m" : a.interval);
    } catch (IllegalArgumentException e) {
      throw SlipwayException.terminal("InvalidPolicy", e.getMessage());
    }
    return new ReleasePolicy(
        plan,
        interval,
        a.failureLimit == null ? 2 : a.failureLimit,
        Boolean.TRUE.equals(a.inconclusiveIsFailure),
        a.metrics == null ? List.of() : a.metrics);
  }

  public boolean hasMetrics() {
    return !metrics.isEmpty();
  }
}
