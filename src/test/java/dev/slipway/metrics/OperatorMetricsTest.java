package dev.slipway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.metrics.OperatorMetrics.ReleaseKey;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bounded memory: a finished release's own series leave the registry; the totals by function stay. */
class OperatorMetricsTest {

  private static final ReleaseKey SHIP_1 = new ReleaseKey("chat", "ship-1");
  private static final ReleaseKey SHIP_2 = new ReleaseKey("chat", "ship-2");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void aFinishedReleaseTakesItsPhaseWeightAndCheckSeriesWithItAndOnlyThose() {
    running(SHIP_1, "fn", 10, 0.01);
    running(SHIP_2, "fn2", 50, 0.02);

    metrics.releaseFinished(SHIP_1, "fn", ReleasePhase.Succeeded, Duration.ofSeconds(90));

    assertThat(registry.getMeters()).map(Meter::getId).noneMatch(id -> "ship-1".equals(id.getTag("release")));
    assertThat(registry.find(OperatorMetrics.CANARY_WEIGHT).tag("release", "ship-2").gauge().value()).isEqualTo(50);
    assertThat(registry.find(OperatorMetrics.ANALYSIS_VALUE).tag("release", "ship-2").gauge().value()).isEqualTo(0.02);
    assertThat(registry.find(OperatorMetrics.RELEASE_PHASE).tag("release", "ship-2").gauges()).hasSize(ReleasePhase.values().length);
    assertThat(registry.find(OperatorMetrics.RELEASE_SUCCESSES).tags("namespace", "chat", "function", "fn").counter().count()).isEqualTo(1);
    var took = registry.find(OperatorMetrics.RELEASE_DURATION).tags("function", "fn", "outcome", "Succeeded").timer();
    assertThat(took.count()).isEqualTo(1);
    assertThat(took.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(90);
    // A release that runs again under the same name (re-created) gets fresh series.
    metrics.canaryWeight(SHIP_1, "fn", 20);
    assertThat(registry.find(OperatorMetrics.CANARY_WEIGHT).tag("release", "ship-1").gauge().value()).isEqualTo(20);
  }

  @Test
  void thePhaseIsOneSeriesPerPhaseWithOneForTheCurrentAndAFailureCountsByOutcome() {
    metrics.phase(SHIP_1, ReleasePhase.Progressing);
    metrics.phase(SHIP_1, ReleasePhase.Paused);

    assertThat(registry.find(OperatorMetrics.RELEASE_PHASE).tag("release", "ship-1").gauges())
        .allSatisfy(g -> assertThat(g.value()).isEqualTo(g.getId().getTag("phase").equals("Paused") ? 1 : 0));

    metrics.releaseFinished(SHIP_1, "fn", ReleasePhase.RolledBack, null);
    assertThat(registry.find(OperatorMetrics.RELEASE_FAILURES).tags("function", "fn", "outcome", "RolledBack").counter().count()).isEqualTo(1);
    assertThat(registry.find(OperatorMetrics.RELEASE_SUCCESSES).counters()).isEmpty();
    assertThat(registry.find(OperatorMetrics.RELEASE_DURATION).timers()).as("no start, no duration").isEmpty();
  }

  @Test
  void aChecksVerdictIsOneSeriesPerVerdictAndItsThresholdIsItsNumericBounds() {
    metrics.analysis(SHIP_1, result("latency", null, 1.0, 2.5, Verdict.Inconclusive));
    metrics.analysis(SHIP_1, result("smoke", 200.0, 200.0, 200.0, Verdict.Pass));
    metrics.analysis(SHIP_1, result("alarms", 0.0, null, 0.0, Verdict.Pass));

    assertThat(registry.find(OperatorMetrics.ANALYSIS_VALUE).tag("metric", "latency").gauge().value()).isNaN();
    assertThat(registry.find(OperatorMetrics.ANALYSIS_VERDICT).tags("metric", "latency", "verdict", "Inconclusive").gauge().value()).isEqualTo(1);
    assertThat(registry.find(OperatorMetrics.ANALYSIS_VERDICT).tags("metric", "latency", "verdict", "Pass").gauge().value()).isZero();
    assertThat(registry.find(OperatorMetrics.ANALYSIS_THRESHOLD).tags("metric", "latency", "bound", "min").gauge().value()).isEqualTo(1.0);
    assertThat(registry.find(OperatorMetrics.ANALYSIS_THRESHOLD).tags("metric", "latency", "bound", "max").gauge().value()).isEqualTo(2.5);
    assertThat(registry.find(OperatorMetrics.ANALYSIS_THRESHOLD).tags("metric", "smoke").gauges()).extracting(g -> g.value()).containsOnly(200.0);
    // The alarm check prints "0 in ALARM": with bounds parsed from that text it had no series.
    assertThat(registry.find(OperatorMetrics.ANALYSIS_THRESHOLD).tags("metric", "alarms", "bound", "max").gauge().value()).isZero();
    assertThat(registry.find(OperatorMetrics.ANALYSIS_THRESHOLD).tags("metric", "alarms", "bound", "min").gauges()).isEmpty();
  }

  private void running(ReleaseKey key, String function, int weight, double errorRate) {
    metrics.phase(key, ReleasePhase.Progressing);
    metrics.canaryWeight(key, function, weight);
    metrics.analysis(key, result("error-rate", errorRate, null, 0.05, Verdict.Pass));
  }

  private static AnalysisResult result(String metric, Double value, Double min, Double max, Verdict verdict) {
    AnalysisResult r = new AnalysisResult();
    r.metric = metric;
    r.value = value;
    r.min = min;
    r.max = max;
    r.verdict = verdict;
    return r;
  }
}
