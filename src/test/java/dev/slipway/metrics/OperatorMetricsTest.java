package dev.slipway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Bounded memory: a finished release's own series leave the registry; the totals stay. */
class OperatorMetricsTest {

  @Test
  void aFinishedReleaseTakesItsWeightAndAnalysisSeriesWithItAndOnlyThose() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorMetrics metrics = new OperatorMetrics(registry);
    metrics.canaryWeight("chat/ship-1", "fn", 10);
    metrics.analysisValue("chat/ship-1", "error-rate", 0.01);
    metrics.canaryWeight("chat/ship-2", "fn2", 50);
    metrics.analysisValue("chat/ship-2", "error-rate", 0.02);

    metrics.releaseFinished("chat/ship-1", "Succeeded");

    assertThat(registry.getMeters()).map(Meter::getId).noneMatch(id -> "chat/ship-1".equals(id.getTag("release")));
    assertThat(registry.find("slipway.canary.weight").tag("release", "chat/ship-2").gauge().value()).isEqualTo(50);
    assertThat(registry.find("slipway.analysis.value").tag("release", "chat/ship-2").summary().count()).isEqualTo(1);
    assertThat(registry.find("slipway.releases").tag("outcome", "Succeeded").counter().count()).isEqualTo(1);
    // A release that runs again under the same name (re-created) gets a fresh gauge.
    metrics.canaryWeight("chat/ship-1", "fn", 20);
    assertThat(registry.find("slipway.canary.weight").tag("release", "chat/ship-1").gauge().value()).isEqualTo(20);
  }
}
