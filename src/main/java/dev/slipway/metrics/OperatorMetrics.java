package dev.slipway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slipway's own Prometheus metrics (AWS calls are counted by the AWS call recorder): reconciles by
 * kind and outcome, releases by outcome, each running release's canary weight, and analysis values.
 */
@ApplicationScoped
public class OperatorMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> weights = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void reconciled(String kind, String outcome) {
    registry.counter("slipway.reconciles", "kind", kind, "outcome", outcome).increment();
  }

  public void releaseFinished(String phase) {
    registry.counter("slipway.releases", "outcome", phase).increment();
  }

  /** The canary weight of a release, as a gauge labelled by namespace/name and function. */
  public void canaryWeight(String release, String function, int weight) {
    weights
        .computeIfAbsent(release, r -> registry.gauge("slipway.canary.weight", io.micrometer.core.instrument.Tags.of("release", r, "function", function), new AtomicInteger()))
        .set(weight);
  }

  public void analysisValue(String release, String metric, double value) {
    registry.summary("slipway.analysis.value", "release", release, "metric", metric).record(value);
  }
}
