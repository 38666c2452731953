package dev.slipway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slipway's own Prometheus metrics (AWS calls are counted by the AWS call recorder): reconciles by
 * kind and outcome, releases by outcome, each running release's canary weight, and analysis values
 * (the last two removed when the release finishes).
 */
@ApplicationScoped
public class OperatorMetrics {

  private static final String CANARY_WEIGHT = "slipway.canary.weight";
  private static final String ANALYSIS_VALUE = "slipway.analysis.value";

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> weights = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void reconciled(String kind, String outcome) {
    registry.counter("slipway.reconciles", "kind", kind, "outcome", outcome).increment();
  }

  /** A reconcile deferred because its lane of the reconciler threads was full (see ReconcileCapacity). */
  public void deferred(String kind) {
    registry.counter("slipway.reconciles.deferred", "kind", kind).increment();
  }

  /**
   * Counts a finished release and removes its own series (canary weight, analysis values): they
   * describe a running release, and kept forever they would grow with every release ever made.
   */
  public void releaseFinished(String release, String phase) {
    registry.counter("slipway.releases", "outcome", phase).increment();
    weights.remove(release);
    for (String name : List.of(CANARY_WEIGHT, ANALYSIS_VALUE)) {
      registry.find(name).tag("release", release).meters().forEach(registry::remove);
    }
  }

  /** The canary weight of a release, as a gauge labelled by namespace/name and function. */
  public void canaryWeight(String release, String function, int weight) {
    weights
        .computeIfAbsent(release, r -> registry.gauge(CANARY_WEIGHT, io.micrometer.core.instrument.Tags.of("release", r, "function", function), new AtomicInteger()))
        .set(weight);
  }

  public void analysisValue(String release, String metric, double value) {
    registry.summary(ANALYSIS_VALUE, "release", release, "metric", metric).record(value);
  }
}
