package dev.slipway.bench;

import dev.slipway.canary.MutableClock;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.canary.Action;
import dev.slipway.canary.AliasState;
import dev.slipway.canary.Decision;
import dev.slipway.canary.ReleaseInput;
import dev.slipway.canary.ReleaseMachine;
import dev.slipway.canary.ReleasePolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ReleaseMachine#decide} on a typical mid-release input: Linear10PercentEvery10Minutes with one
 * error-rate metric analysed every minute, at step 4 of 9 (40% on the canary), with a full analysis
 * history (20 results). The input is made by driving the machine itself from the start as the
 * reconciler does (status persisted through JSON between decisions), so it is a status the machine
 * really produces.
 *
 * <ul>
 *   <li>{@code waitMidStep}: a wake-up in the middle of a step with nothing new: the decision is Wait.
 *   <li>{@code recordAnalysis}: the result of a RunAnalysis comes back: recorded, history trimmed.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReleaseMachineBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

  ReleaseMachine machine;
  ReleaseInput waiting;
  ReleaseInput withAnalysis;

  @Setup
  public void setUp() {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.preset = CanaryPolicySpec.Preset.Linear10PercentEvery10Minutes;
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.interval = "1m";
    CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
    m.name = "error-rate";
    m.lambdaErrorRate = new CanaryPolicySpec.RateThreshold();
    m.lambdaErrorRate.max = 0.05;
    spec.analysis.metrics = List.of(m);
    ReleasePolicy policy = ReleasePolicy.of(spec);

    // Drive a release from its start to the middle of step 4 (35 minutes in), as the reconciler would.
    MutableClock clock = new MutableClock(T0);
    AliasState alias = AliasState.single("1");
    LambdaReleaseStatus status = null;
    Instant until = T0.plus(Duration.ofMinutes(35));
    while (true) {
      ReleaseMachine m1 = new ReleaseMachine(clock);
      ReleaseInput in = input(policy, status, alias);
      Action a = null;
      for (int i = 0; i < 30; i++) {
        Decision d = m1.decide(in);
        status = JSON.convertValue(JSON.valueToTree(d.status()), LambdaReleaseStatus.class);
        a = d.action();
        if (a instanceof Action.Publish) {
          in = in.withStatus(status).withPublished("2");
        } else if (a instanceof Action.SetAlias set) {
          alias = set.target();
          in = in.withStatus(status).withObserved(alias);
        } else if (a instanceof Action.RunAnalysis) {
          in = in.withStatus(status).withAnalysis(List.of(pass()));
        } else {
          break;
        }
      }
      if (!(a instanceof Action.Wait w) || clock.instant().plus(w.delay()).isAfter(until)) {
        break;
      }
      clock.advance(w.delay());
    }
    if (status.step == null || status.step != 4 || status.analysis.size() < 20) {
      throw new IllegalStateException("set-up did not reach the middle of step 4 with a full history: step " + status.step
          + ", " + status.analysis.size() + " results, phase " + status.phase);
    }
    machine = new ReleaseMachine(Clock.fixed(clock.instant().plusSeconds(20), ZoneOffset.UTC));
    waiting = input(policy, status, alias);
    withAnalysis = waiting.withAnalysis(List.of(pass()));
  }

  private static ReleaseInput input(ReleasePolicy policy, LambdaReleaseStatus status, AliasState alias) {
    return ReleaseInput.of("conversation-api-1-5-0", 1, "nexus-prod-conversation-api", "prod", ReleaseInput.Controls.NONE, policy, status, alias);
  }

  private static AnalysisResult pass() {
    AnalysisResult r = new AnalysisResult();
    r.metric = "error-rate";
    r.verdict = Verdict.Pass;
    r.value = 0.01;
    r.threshold = "<= 0.05";
    return r;
  }

  @Benchmark
  public Decision waitMidStep() {
    return machine.decide(waiting);
  }

  @Benchmark
  public Decision recordAnalysis() {
    return machine.decide(withAnalysis);
  }
}
