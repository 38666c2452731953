package dev.slipway.canary;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.aws.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the state machine needs from a CanaryPolicy: the steps, how analysis judges them, and the
 * hooks before and after traffic moves. A release without a policy is AllAtOnce without analysis
 * or hooks.
 */
public record ReleasePolicy(
    StepPlan plan, Duration interval, int failureLimit, boolean inconclusiveIsFailure, List<CanaryPolicySpec.Metric> metrics,
    List<CanaryPolicySpec.Hook> preTraffic, List<CanaryPolicySpec.Hook> postTraffic) {

  public ReleasePolicy {
    metrics = List.copyOf(metrics);
    preTraffic = List.copyOf(preTraffic);
    postTraffic = List.copyOf(postTraffic);
    for (List<CanaryPolicySpec.Hook> hooks : List.of(preTraffic, postTraffic)) {
      if (hooks.stream().map(h -> h.name).distinct().count() < hooks.size()) {
        throw SlipwayException.terminal("InvalidPolicy", "hook names must be unique");
      }
    }
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw SlipwayException.terminal("InvalidPolicy", "analysis interval must be at least " + CanaryPolicySpec.Analysis.MIN_INTERVAL);
    }
    if (metrics.size() > CanaryPolicySpec.Analysis.MAX_METRICS) {
      throw SlipwayException.terminal("InvalidPolicy", "at most " + CanaryPolicySpec.Analysis.MAX_METRICS + " metrics, not " + metrics.size());
    }
    if (metrics.stream().map(m -> m.name).distinct().count() < metrics.size()) {
      throw SlipwayException.terminal("InvalidPolicy", "metric names must be unique");
    }
    if (failureLimit < 1 || metrics.stream().anyMatch(m -> m.failureLimit != null && m.failureLimit < 1)) {
      throw SlipwayException.terminal("InvalidPolicy", "failureLimit must be at least 1");
    }
  }

  /** The same bound as the CRD's, so a policy the API server accepts is one a release can run. */
  private static final Duration MIN_INTERVAL = Durations.parse(CanaryPolicySpec.Analysis.MIN_INTERVAL);

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
        a.metrics == null ? List.of() : a.metrics,
        spec == null || spec.hooks == null || spec.hooks.preTraffic == null ? List.of() : spec.hooks.preTraffic,
        spec == null || spec.hooks == null || spec.hooks.postTraffic == null ? List.of() : spec.hooks.postTraffic);
  }

  /** The hooks of {@code stage}, in the order they run. */
  public List<CanaryPolicySpec.Hook> hooks(HookResult.Stage stage) {
    return stage == HookResult.Stage.PreTraffic ? preTraffic : postTraffic;
  }

  public boolean hasMetrics() {
    return !metrics.isEmpty();
  }

  /** The check's own failureLimit; empty when the check counts toward the run-level one. */
  public OptionalInt ownFailureLimit(String metric) {
    return metrics.stream().filter(m -> m.name.equals(metric) && m.failureLimit != null).mapToInt(m -> m.failureLimit).findFirst();
  }
}
