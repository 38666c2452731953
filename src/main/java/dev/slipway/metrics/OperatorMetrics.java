package dev.slipway.metrics;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.ReleasePhase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Slipway's own Prometheus metrics (AWS calls are counted by the AWS call recorder, notifications
 * by Notifications), shaped as Flagger's and Argo Rollouts' are so their users' queries carry over.
 *
 * <p>Each running release has its own series: its phase (one series per phase, 1 for the current,
 * as Argo Rollouts' {@code rollout_phase}), its canary weight, and per check the last value, verdict
 * and threshold. They are removed when the release finishes or goes: kept, they would grow with every
 * release ever made. What outlives a release is labelled by namespace and function only: outcome
 * counters and the duration histogram. The README's metrics table lists every name.
 */
@ApplicationScoped
public class OperatorMetrics {

  static final String RECONCILES = "slipway.reconciles";
  static final String RECONCILES_DEFERRED = "slipway.reconciles.deferred";
  static final String RECONCILE_DURATION = "slipway.reconcile.duration";
  static final String RELEASE_PHASE = "slipway.release.phase";
  static final String CANARY_WEIGHT = "slipway.canary.weight";
  static final String ANALYSIS_VALUE = "slipway.analysis.value";
  static final String ANALYSIS_VERDICT = "slipway.analysis.verdict";
  static final String ANALYSIS_THRESHOLD = "slipway.analysis.threshold";
  static final String RELEASE_DURATION = "slipway.release.duration";
  static final String RELEASE_SUCCESSES = "slipway.release.successes";
  static final String RELEASE_FAILURES = "slipway.release.failures";

  /** The series a running release owns, all labelled namespace and release. */
  private static final List<String> RELEASE_SERIES = List.of(RELEASE_PHASE, CANARY_WEIGHT, ANALYSIS_VALUE, ANALYSIS_VERDICT, ANALYSIS_THRESHOLD);

  /** Reconciles take milliseconds to a minute (a service's whole stack). */
  private static final Duration[] RECONCILE_BUCKETS = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120);
  /** Releases take seconds (all at once) to hours (long bakes, approval gates). */
  private static final Duration[] RELEASE_BUCKETS = seconds(10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400);

  private final MeterRegistry registry;
  private final Map<ReleaseKey, Running> running = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    // At zero from the start, so rate() over them starts before the first deferral.
    for (String kind : List.of("ServerlessService", "LambdaRelease")) {
      registry.counter(RECONCILES_DEFERRED, "kind", kind);
    }
  }

  /** A release by namespace and name, as its series label it. */
  public record ReleaseKey(String namespace, String release) {
    Tags tags() {
      return Tags.of("namespace", namespace, "release", release);
    }
  }

  /** What one running release has registered; gauges read these holders. */
  private final class Running {
    final ReleaseKey key;
    final AtomicReference<ReleasePhase> phase = new AtomicReference<>();
    final AtomicInteger weight = new AtomicInteger();
    volatile boolean weightRegistered;
    final Map<String, Check> checks = new ConcurrentHashMap<>();

    Running(ReleaseKey key) {
      this.key = key;
      for (ReleasePhase p : ReleasePhase.values()) {
        Gauge.builder(RELEASE_PHASE, phase, ref -> ref.get() == p ? 1 : 0).tags(key.tags()).tag("phase", p.name()).strongReference(true).register(registry);
      }
    }
  }

  /** The last run of one check of a running release. */
  private final class Check {
    final AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
    final AtomicReference<AnalysisResult.Verdict> verdict = new AtomicReference<>();
    final Map<String, AtomicReference<Double>> bounds = new ConcurrentHashMap<>();
    final Tags tags;

    Check(ReleaseKey key, String metric) {
      tags = key.tags().and("metric", metric);
      Gauge.builder(ANALYSIS_VALUE, value, AtomicReference::get).tags(tags).strongReference(true).register(registry);
      for (AnalysisResult.Verdict v : AnalysisResult.Verdict.values()) {
        Gauge.builder(ANALYSIS_VERDICT, verdict, ref -> ref.get() == v ? 1 : 0).tags(tags).tag("verdict", v.name()).strongReference(true).register(registry);
      }
    }

    void bound(String bound, double limit) {
      bounds.computeIfAbsent(bound, b -> {
        var holder = new AtomicReference<>(limit);
        Gauge.builder(ANALYSIS_THRESHOLD, holder, AtomicReference::get).tags(tags).tag("bound", b).strongReference(true).register(registry);
        return holder;
      }).set(limit);
    }
  }

  public void reconciled(String kind, String outcome) {
    registry.counter(RECONCILES, "kind", kind, "outcome", outcome).increment();
  }

  /** Runs one reconcile (or cleanup) of {@code kind}, timed whether it returns or throws. */
  public <T> T timed(String kind, Supplier<T> reconcile) {
    return Timer.builder(RECONCILE_DURATION).tag("kind", kind).serviceLevelObjectives(RECONCILE_BUCKETS).register(registry).record(reconcile);
  }

  /** A reconcile deferred because its lane of the reconciler threads was full (see ReconcileCapacity). */
  public void deferred(String kind) {
    registry.counter(RECONCILES_DEFERRED, "kind", kind).increment();
  }

  /** The phase a running release stands in now (stored in its status). */
  public void phase(ReleaseKey release, ReleasePhase phase) {
    running(release).phase.set(phase);
  }

  /** The canary weight of a running release, as its status reports it (100 once promoted). */
  public void canaryWeight(ReleaseKey release, String function, int weight) {
    Running r = running(release);
    r.weight.set(weight);
    if (!r.weightRegistered) {
      Gauge.builder(CANARY_WEIGHT, r.weight, AtomicInteger::get).tags(release.tags()).tag("function", function).strongReference(true).register(registry);
      r.weightRegistered = true;
    }
  }

  /** Whether the release has a weight series yet (after a restart it has none until it is set). */
  public boolean hasWeight(ReleaseKey release) {
    return Optional.ofNullable(running.get(release)).map(r -> r.weightRegistered).orElse(false);
  }

  /** One check's last run: its value (NaN without data), its verdict, and its bounds. */
  public void analysis(ReleaseKey release, AnalysisResult result) {
    Check check = running(release).checks.computeIfAbsent(result.metric, m -> new Check(release, m));
    // Bounds first: a scrape that sees this run's verdict sees its thresholds too.
    if (result.min != null) {
      check.bound("min", result.min);
    }
    if (result.max != null) {
      check.bound("max", result.max);
    }
    check.value.set(result.value == null ? Double.NaN : result.value);
    check.verdict.set(result.verdict);
  }

  /**
   * Counts a finished release by its function and outcome (its final phase), records how long it
   * ran (when it started), and removes its own series.
   */
  public void releaseFinished(ReleaseKey release, String function, ReleasePhase outcome, Duration took) {
    Tags byFunction = Tags.of("namespace", release.namespace(), "function", function);
    if (outcome == ReleasePhase.Succeeded) {
      registry.counter(RELEASE_SUCCESSES, byFunction).increment();
    } else if (outcome == ReleasePhase.RolledBack || outcome == ReleasePhase.Failed) {
      registry.counter(RELEASE_FAILURES, byFunction.and("outcome", outcome.name())).increment();
    }
    if (took != null) {
      Timer.builder(RELEASE_DURATION).tags(byFunction).tag("outcome", outcome.name()).serviceLevelObjectives(RELEASE_BUCKETS).register(registry).record(took);
    }
    forget(release);
  }

  /** Removes a release's own series (it finished, or went without finishing). */
  public void forget(ReleaseKey release) {
    running.remove(release);
    for (String name : RELEASE_SERIES) {
      registry.find(name).tags(release.tags()).meters().forEach(registry::remove);
    }
  }

  private Running running(ReleaseKey release) {
    return running.computeIfAbsent(release, Running::new);
  }

  private static Duration[] seconds(double... s) {
    Duration[] d = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = Duration.ofMillis(Math.round(s[i] * 1000));
    }
    return d;
  }
}
