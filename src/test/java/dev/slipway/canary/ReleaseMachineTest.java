package dev.slipway.canary;

import static dev.slipway.canary.ReleaseEvent.Kind.Approved;
import static dev.slipway.canary.ReleaseEvent.Kind.AwaitingApproval;
import static dev.slipway.canary.ReleaseEvent.Kind.Failed;
import static dev.slipway.canary.ReleaseEvent.Kind.Paused;
import static dev.slipway.canary.ReleaseEvent.Kind.Promoted;
import static dev.slipway.canary.ReleaseEvent.Kind.Resumed;
import static dev.slipway.canary.ReleaseEvent.Kind.Retried;
import static dev.slipway.canary.ReleaseEvent.Kind.RetryIgnored;
import static dev.slipway.canary.ReleaseEvent.Kind.RetryRefused;
import static dev.slipway.canary.ReleaseEvent.Kind.RolledBack;
import static dev.slipway.canary.ReleaseEvent.Kind.Started;
import static dev.slipway.canary.ReleaseEvent.Kind.StepCompleted;
import static dev.slipway.canary.ReleaseHarness.T0;
import static dev.slipway.canary.ReleaseHarness.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.ReleaseInput.Controls;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseMachineTest {

  private static final AliasState STABLE = AliasState.single("1");
  private static final AliasState AT_10 = AliasState.weighted("1", "2", 10);
  private static final AliasState AT_50 = AliasState.weighted("1", "2", 50);
  private static final AliasState PROMOTED = AliasState.single("2");

  /** 10% for 30s, 50% for 20s, analysis every 10s, two failures roll back. */
  private static ReleasePolicy canary(boolean withMetrics) {
    return ReleasePolicy.of(canarySpec(withMetrics));
  }

  /** {@link #canary} with an approval gate after step 1 (10 %). */
  private static ReleasePolicy gatedAfterStepOne(boolean withMetrics) {
    CanaryPolicySpec spec = canarySpec(withMetrics);
    spec.steps.get(0).approval = true;
    return ReleasePolicy.of(spec);
  }

  private static CanaryPolicySpec canarySpec(boolean withMetrics) {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(new CanaryPolicySpec.Step(10, "30s"), new CanaryPolicySpec.Step(50, "20s"));
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.interval = "10s";
    spec.analysis.failureLimit = 2;
    if (withMetrics) {
      CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
      m.name = "error-rate";
      m.lambdaErrorRate = new CanaryPolicySpec.RateThreshold();
      m.lambdaErrorRate.max = 0.05;
      spec.analysis.metrics = List.of(m);
    }
    return spec;
  }

  private static ReleaseHarness harness() {
    return new ReleaseHarness(canary(true));
  }

  @Test
  void healthyCanaryGoesTenFiftyHundredAndSucceeds() {
    ReleaseHarness h = harness();

    Action last = h.runToEnd();

    assertThat(last).isInstanceOf(Action.Done.class);
    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(50));
    assertThat(h.analysisRuns).extracting(t -> Duration.between(T0, t).toSeconds()).containsExactly(10L, 20L, 30L, 40L, 50L);
    assertThat(h.eventKinds()).containsExactly(Started, StepCompleted, StepCompleted, Promoted);
    LambdaReleaseStatus s = h.status;
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("Completed");
    assertThat(s.weight).isEqualTo(100);
    assertThat(s.stepLabel).isEqualTo("2/2");
    assertThat(s.stableVersion).isEqualTo("1");
    assertThat(s.canaryVersion).isEqualTo("2");
    assertThat(s.startTime).isEqualTo(T0.toString());
    assertThat(s.finishTime).isEqualTo(T0.plusSeconds(50).toString());
    assertThat(s.duration).isEqualTo("50s");
    assertThat(s.analysis).hasSize(5).allMatch(r -> r.verdict == Verdict.Pass);
    assertThat(s.analysis.get(0).step).isEqualTo("10% (1/2)");
    assertThat(s.analysis.get(4).step).isEqualTo("50% (2/2)");
    assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
    assertThat(s.conditions).extracting(Condition::getType).doesNotContain("Stalled");
    assertThat(h.publishCalls).isEqualTo(1);
  }

  /**
   * What the reconciler decides again after a status-write conflict (issue 8): the analysis that
   * ended step 1 fed back together with the fresh spec, which sets paused. The pause wins: no weight
   * increase, and the straddling run is not recorded.
   */
  @Test
  void anAnalysisResultDecidedAgainWithAFreshPauseHoldsTheStepInsteadOfAdvancing() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(29));
    assertThat(h.alias).isEqualTo(AT_10);
    h.clock.advance(Duration.ofSeconds(1));
    LambdaReleaseStatus read = h.status;
    ReleaseMachine machine = new ReleaseMachine(h.clock);
    ReleaseInput stale = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, h.policy, read, AT_10);
    assertThat(machine.decide(stale).action()).isInstanceOf(Action.RunAnalysis.class);
    var passed = List.of(result("error-rate", Verdict.Pass, 0.0));
    // On the stale read the pass would advance to 50 %...
    assertThat(machine.decide(stale.withAnalysis(passed)).action()).isEqualTo(new Action.SetAlias(AT_50));

    // ...decided again from the fresh object, it pauses at 10 %.
    ReleaseInput fresh = ReleaseInput.of("r", 2, "fn", "prod", new Controls(true, false, false), h.policy, read, AT_10).withAnalysis(passed);
    Decision d = machine.decide(fresh);

    assertThat(d.action()).isInstanceOf(Action.Hold.class);
    assertThat(d.status().phase).isEqualTo(ReleasePhase.Paused);
    assertThat(d.status().step).isEqualTo(1);
    assertThat(d.status().weight).isEqualTo(10);
    assertThat(d.status().analysis).hasSameSizeAs(read.analysis);
  }

  @Test
  void statusRecordsTheScheduleWhileAStepHolds() {
    ReleaseHarness h = harness();

    Action a = h.reconcile();

    assertThat(a).isEqualTo(new Action.Wait(Duration.ofSeconds(10)));
    assertThat(h.alias).isEqualTo(AT_10);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Progressing);
    assertThat(h.status.stepLabel).isEqualTo("1/2");
    assertThat(h.status.totalSteps).isEqualTo(2);
    assertThat(h.status.stepStartTime).isEqualTo(T0.toString());
    assertThat(h.status.nextTransitionTime).isEqualTo(T0.plusSeconds(30).toString());
    assertThat(h.status.nextAnalysisTime).isEqualTo(T0.plusSeconds(10).toString());
  }

  @Test
  void errorRateBreachRollsBackAtTheFailureLimit() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.2));

    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(20));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("AnalysisFailed");
    assertThat(h.status.weight).isZero();
    assertThat(h.status.consecutiveFailures).isEqualTo(2);
    assertThat(condition(h.status, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(h.status, "Ready").getStatus()).isEqualTo("False");
    // kstatus: Failed (Stalled), not InProgress: only a person's retry or a new release changes it.
    assertThat(condition(h.status, "Reconciling").getStatus()).isEqualTo("False");
    Condition stalled = condition(h.status, "Stalled");
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("AnalysisFailed");
    assertThat(stalled.getMessage()).isEqualTo(h.status.message);
    // Two announcements: the rollback starting, and finished once AWS confirmed the alias.
    assertThat(h.eventKinds()).endsWith(ReleaseEvent.Kind.RollbackStarted, RolledBack);
    ReleaseEvent rolledBack = h.events.get(h.events.size() - 1);
    assertThat(rolledBack.kind()).isEqualTo(RolledBack);
    assertThat(rolledBack.failing().metric).isEqualTo("error-rate");
    assertThat(rolledBack.failing().value).isEqualTo(0.2);
    assertThat(rolledBack.message()).contains("error-rate = 0.2");
    // The first failed run warned, once, before the second reached the limit.
    assertThat(h.events).filteredOn(e -> e.kind() == ReleaseEvent.Kind.CheckFailed).singleElement().satisfies(w -> {
      assertThat(w.reason()).isEqualTo("CheckFailed");
      assertThat(w.failing().metric).isEqualTo("error-rate");
      assertThat(w.message()).contains("1 of 2 allowed in a row").contains("error-rate = 0.2");
    });
    assertThat(h.events.indexOf(h.events.stream().filter(e -> e.kind() == ReleaseEvent.Kind.CheckFailed).findFirst().orElseThrow()))
        .isLessThan(h.events.indexOf(rolledBack));
  }

  @Test
  void aPassBetweenFailuresResetsTheCount() {
    ReleaseHarness h = harness();
    List<Verdict> script = new ArrayList<>(List.of(Verdict.Fail, Verdict.Pass, Verdict.Fail, Verdict.Pass, Verdict.Pass));
    h.analysis = () -> List.of(result("error-rate", script.isEmpty() ? Verdict.Pass : script.remove(0), 0.0));

    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    // Each streak of failures starts with one warning.
    assertThat(h.events).filteredOn(e -> e.kind() == ReleaseEvent.Kind.CheckFailed).hasSize(2);
  }

  @Test
  void inconclusiveNeitherPassesNorResetsFailures() {
    ReleaseHarness h = harness();
    List<Verdict> script = new ArrayList<>(List.of(Verdict.Fail, Verdict.Inconclusive, Verdict.Fail));
    h.analysis = () -> List.of(result("error-rate", script.remove(0), null));

    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void inconclusiveDataDoesNotPromoteAndWaitsForData() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Inconclusive, null));

    h.runFor(Duration.ofSeconds(40));

    assertThat(h.alias).isEqualTo(AT_10);
    assertThat(h.status.step).isEqualTo(1);
    assertThat(h.status.reason).isEqualTo("AwaitingAnalysis");
    assertThat(h.status.consecutiveFailures).isZero();
    assertThat(h.status.stepVerdict).isEqualTo(Verdict.Inconclusive);

    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0));
    h.clock.advance(Duration.ofSeconds(10));
    h.reconcile();

    assertThat(h.alias).isEqualTo(AT_50);
    assertThat(h.status.stepLabel).isEqualTo("2/2");
  }

  /** Issue 8: a dryRun check is recorded in status but never fails a run or holds a step back. */
  @Test
  void aFailingDryRunCheckIsRecordedButNeverFailsTheRelease() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0), dryRun(result("p99-latency", Verdict.Fail, 9000.0)));

    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.status.analysis).filteredOn(r -> r.metric.equals("p99-latency")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.dryRun).isTrue()).allSatisfy(r -> assertThat(r.verdict).isEqualTo(Verdict.Fail));
  }

  @Test
  void aPolicyOfDryRunChecksOnlyAdvancesOnTime() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(dryRun(result("error-rate", Verdict.Inconclusive, null)));

    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(50));
  }

  private static dev.slipway.api.v1alpha1.AnalysisResult dryRun(dev.slipway.api.v1alpha1.AnalysisResult r) {
    r.dryRun = true;
    return r;
  }

  @Test
  void dataThatNeverArrivesFailsTheReleaseAfterTheGracePeriod() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Inconclusive, null));

    h.runToEnd();

    // The 30s pause, then a grace of max(pause, interval) = 30s.
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(60));
    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(h.status.reason).isEqualTo("AnalysisInconclusive");
    assertThat(h.eventKinds()).endsWith(Failed);
  }

  @Test
  void inconclusiveCountsAsFailureWhenThePolicySaysSo() {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(new CanaryPolicySpec.Step(10, "5m"));
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.interval = "10s";
    spec.analysis.failureLimit = 3;
    spec.analysis.inconclusiveIsFailure = true;
    spec.analysis.metrics = canary(true).metrics();
    ReleaseHarness h = new ReleaseHarness(ReleasePolicy.of(spec));
    h.analysis = () -> List.of(result("error-rate", Verdict.Inconclusive, null));

    h.runToEnd();

    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("AnalysisFailed");
  }

  /**
   * Seed 003's rules: an error rate above 5 % rolls back at once (its own failureLimit 1), the
   * health check after two consecutive failures (the run-level failureLimit 2).
   */
  private static ReleasePolicy seed003(int errorRateLimit) {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(new CanaryPolicySpec.Step(10, "30s"), new CanaryPolicySpec.Step(50, "20s"));
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.interval = "10s";
    spec.analysis.failureLimit = 2;
    CanaryPolicySpec.Metric errorRate = canary(true).metrics().get(0);
    errorRate.failureLimit = errorRateLimit;
    CanaryPolicySpec.Metric health = new CanaryPolicySpec.Metric();
    health.name = "health";
    health.http = new CanaryPolicySpec.HttpCheck();
    health.http.url = "http://127.0.0.1:8089/health";
    spec.analysis.metrics = List.of(errorRate, health);
    return ReleasePolicy.of(spec);
  }

  @Test
  void aCheckWithItsOwnFailureLimitOfOneRollsBackAtItsFirstFailure() {
    ReleaseHarness h = new ReleaseHarness(seed003(1));
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.2), result("health", Verdict.Pass, 200.0));

    h.runToEnd();

    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(10));
    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("AnalysisFailed");
    assertThat(h.status.message).startsWith("error-rate reached its own failureLimit of 1").contains("error-rate = 0.2");
    assertThat(h.status.checkFailures).containsExactly(java.util.Map.entry("error-rate", 1));
    assertThat(h.status.consecutiveFailures).isZero();
    ReleaseEvent rolledBack = h.events.get(h.events.size() - 1);
    assertThat(rolledBack.kind()).isEqualTo(RolledBack);
    assertThat(rolledBack.failing().metric).isEqualTo("error-rate");
  }

  @Test
  void checksWithoutTheirOwnLimitStillRollBackAtTheRunLevelLimit() {
    ReleaseHarness h = new ReleaseHarness(seed003(1));
    List<Verdict> health = new ArrayList<>(List.of(Verdict.Fail, Verdict.Pass, Verdict.Fail, Verdict.Fail));
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0), result("health", health.remove(0), null));

    h.runToEnd();

    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(40));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.consecutiveFailures).isEqualTo(2);
    assertThat(h.status.message).startsWith("2 consecutive failed analysis runs: health");
    assertThat(h.events.get(h.events.size() - 1).failing().metric).isEqualTo("health");
  }

  /** A check with a limit above the run-level one is not rolled back by the run-level count. */
  @Test
  void aCheckWithAHigherOwnLimitIsJudgedByItAlone() {
    ReleaseHarness h = new ReleaseHarness(seed003(3));
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.2), result("health", Verdict.Pass, 200.0));

    h.runToEnd();

    // Not at the second run (the run-level limit) but at the third.
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(h.status.checkFailures).containsExactly(java.util.Map.entry("error-rate", 3));
    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.message).startsWith("error-rate reached its own failureLimit of 3");
    assertThat(h.status.consecutiveFailures).isZero();
  }

  @Test
  void pauseHoldsTheWeightStopsTheTimerAndIgnoresAnalysis() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(12));
    assertThat(h.analysisRuns).hasSize(1);

    h.controls = new Controls(true, false, false);
    h.clock.advance(Duration.ofSeconds(3));
    Action a = h.reconcile();

    assertThat(a).isInstanceOf(Action.Hold.class);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Paused);
    assertThat(h.status.pauseRemaining).isEqualTo("15s");
    assertThat(h.status.nextTransitionTime).isNull();
    assertThat(condition(h.status, "Paused").getStatus()).isEqualTo("True");

    h.clock.advance(Duration.ofHours(1));
    assertThat(h.reconcile()).isInstanceOf(Action.Hold.class);
    assertThat(h.alias).isEqualTo(AT_10);
    assertThat(h.analysisRuns).hasSize(1);

    h.controls = Controls.NONE;
    Duration resumedAt = h.elapsed();
    h.runFor(Duration.ofSeconds(14));
    assertThat(h.alias).isEqualTo(AT_10);
    h.clock.advance(Duration.ofSeconds(1));
    h.reconcile();

    assertThat(h.alias).isEqualTo(AT_50);
    assertThat(h.elapsed().minus(resumedAt)).isEqualTo(Duration.ofSeconds(15));
    assertThat(h.eventKinds()).containsExactly(Started, Paused, Resumed, StepCompleted);
  }

  @Test
  void aReleaseCreatedPausedPublishesButShiftsNothingUntilResumed() {
    ReleaseHarness h = harness();
    h.controls = new Controls(true, false, false);

    assertThat(h.reconcile()).isInstanceOf(Action.Hold.class);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Paused);
    assertThat(h.status.canaryVersion).isEqualTo("2");
    assertThat(h.status.stepLabel).isEqualTo("0/2");
    assertThat(h.aliasCalls).isEmpty();

    h.controls = Controls.NONE;
    h.reconcile();

    assertThat(h.alias).isEqualTo(AT_10);
  }

  @Test
  void promoteSkipsTheRemainingSteps() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(15));

    h.controls = new Controls(false, true, false);
    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.reason).isEqualTo("PromotedByUser");
  }

  @Test
  void anApprovalGateHoldsAfterItsStepWithAnalysisRunningUntilApprovedStepReachesIt() {
    ReleaseHarness h = new ReleaseHarness(gatedAfterStepOne(true));

    h.runFor(Duration.ofSeconds(70));

    assertThat(h.aliasCalls).containsExactly(AT_10);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.AwaitingApproval);
    assertThat(h.status.reason).isEqualTo("AwaitingApproval");
    assertThat(h.status.message).contains("set spec.approvedStep to 1");
    assertThat(h.status.nextTransitionTime).isNull();
    assertThat(condition(h.status, "Paused").getReason()).isEqualTo("AwaitingApproval");
    assertThat(condition(h.status, "Paused").getStatus()).isEqualTo("True");
    // Analysis goes on every interval while the gate holds.
    assertThat(h.analysisRuns).extracting(t -> Duration.between(T0, t).toSeconds()).containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 70L);
    assertThat(h.eventKinds()).containsExactly(Started, AwaitingApproval);

    h.controls = new Controls(false, false, false, 1);
    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.eventKinds()).containsExactly(Started, AwaitingApproval, Approved, StepCompleted, StepCompleted, Promoted);
  }

  @Test
  void aFailureWhileAwaitingApprovalStillRollsBack() {
    ReleaseHarness h = new ReleaseHarness(gatedAfterStepOne(true));
    h.runFor(Duration.ofSeconds(35));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.AwaitingApproval);

    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.3));
    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("AnalysisFailed");
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(50));
  }

  /** Approval is by step index: a value set ahead passes the gate, a lower one does not. */
  @Test
  void approvedStepSetAheadPassesTheGateAndALowerOneDoesNot() {
    ReleaseHarness ahead = new ReleaseHarness(gatedAfterStepOne(true));
    ahead.controls = new Controls(false, false, false, 2);
    ahead.runToEnd();
    assertThat(ahead.elapsed()).isEqualTo(Duration.ofSeconds(50));
    assertThat(ahead.eventKinds()).doesNotContain(AwaitingApproval);

    CanaryPolicySpec spec = canarySpec(true);
    spec.steps.forEach(step -> step.approval = true);
    ReleasePolicy gatedTwice = ReleasePolicy.of(spec);
    assertThat(gatedTwice.plan().summary()).isEqualTo("10%/30s+approval → 50%/20s+approval → 100%");
    ReleaseHarness behind = new ReleaseHarness(gatedTwice);
    behind.controls = new Controls(false, false, false, 1);
    behind.runToEnd();
    assertThat(behind.alias).isEqualTo(AT_50);
    assertThat(behind.status.phase).isEqualTo(ReleasePhase.AwaitingApproval);
    assertThat(behind.status.stepLabel).isEqualTo("2/2");
  }

  /**
   * Without metrics a gate holds with no timer (Hold), and deciding again from the persisted status
   * (a restarted operator) writes nothing and still holds; promote skips the gate and the rest.
   */
  @Test
  void aGateWithoutMetricsHoldsAcrossRestartsUntilPromoted() {
    ReleaseHarness h = new ReleaseHarness(gatedAfterStepOne(false));
    h.runFor(Duration.ofSeconds(30));
    assertThat(h.reconcile()).isInstanceOf(Action.Hold.class);
    int writes = h.statusWrites;

    h.clock.advance(Duration.ofHours(2));
    assertThat(h.reconcile()).isInstanceOf(Action.Hold.class);
    assertThat(h.statusWrites).isEqualTo(writes);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.AwaitingApproval);

    h.controls = new Controls(false, true, false);
    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);
    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED);
    assertThat(h.status.reason).isEqualTo("PromotedByUser");
  }

  @Test
  void abortRollsBackNow() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(35));
    assertThat(h.alias).isEqualTo(AT_50);

    h.controls = new Controls(false, false, true);
    h.reconcile();

    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("Aborted");
    assertThat(h.status.finishTime).isEqualTo(T0.plusSeconds(35).toString());
  }

  @Test
  void abortWinsOverPromote() {
    ReleaseHarness h = harness();
    h.reconcile();
    h.controls = new Controls(false, true, true);

    h.reconcile();

    assertThat(h.alias).isEqualTo(STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
  }

  @Test
  void allAtOncePromotesImmediatelyWithoutAnalysis() {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.preset = CanaryPolicySpec.Preset.AllAtOnce;
    spec.analysis = new CanaryPolicySpec.Analysis();
    spec.analysis.metrics = canary(true).metrics();
    ReleaseHarness h = new ReleaseHarness(ReleasePolicy.of(spec));

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.aliasCalls).containsExactly(PROMOTED);
    assertThat(h.analysisRuns).isEmpty();
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.reason).isEqualTo("AllAtOnce");
    assertThat(h.eventKinds()).containsExactly(Promoted);
  }

  @Test
  void noPolicyMeansAllAtOnce() {
    ReleaseHarness h = new ReleaseHarness(ReleasePolicy.of(null));

    h.reconcile();

    assertThat(h.aliasCalls).containsExactly(PROMOTED);
    assertThat(h.status.totalSteps).isZero();
  }

  @Test
  void stepsWithoutMetricsAdvanceOnTimeAlone() {
    ReleaseHarness h = new ReleaseHarness(canary(false));

    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.analysisRuns).isEmpty();
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void codeEqualToTheLiveVersionCompletesAtOnce() {
    ReleaseHarness h = harness();
    h.publishes = "1";

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.aliasCalls).isEmpty();
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.reason).isEqualTo("NoChange");
    assertThat(h.status.finishTime).isEqualTo(T0.toString());
  }

  @Test
  void aliasChangedBehindTheReleasesBackIsPutBackWithoutMovingTheStep() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(15));
    h.alias = AliasState.weighted("1", "2", 70);

    h.reconcile();

    assertThat(h.alias).isEqualTo(AT_10);
    assertThat(h.status.stepLabel).isEqualTo("1/2");
  }

  /**
   * The operator dies after persisting each transition and before its UpdateAlias call, at every
   * transition of the release; the restarted operator (a fresh machine fed the persisted status)
   * still sets each weight once, in order, on the same schedule, with the same announcements.
   */
  @Test
  void crashBetweenPersistingAndEveryAliasCallResumesWithoutRepeatingOrSkipping() {
    ReleaseHarness clean = harness();
    clean.runToEnd();

    ReleaseHarness crashing = harness();
    Action a = null;
    boolean crashed = false;
    int crashes = 0;
    for (int i = 0; i < 100 && !(a instanceof Action.Done); i++) {
      crashing.crashBeforeNextAliasCall = !crashed;
      a = crashing.reconcile();
      crashed = a instanceof Action.SetAlias;
      if (a instanceof Action.SetAlias set) {
        crashes++;
        // Status already names the next alias state; AWS still shows the previous one.
        assertThat(set.target()).isNotEqualTo(crashing.alias);
        assertThat(set.target().weight() == 0 ? crashing.status.weight % 100 : crashing.status.weight).isEqualTo(set.target().weight());
        continue;
      }
      if (a instanceof Action.Wait w) {
        crashing.clock.advance(w.delay());
      }
    }

    assertThat(crashes).isEqualTo(3);
    assertThat(crashing.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(crashing.aliasCalls).isEqualTo(clean.aliasCalls);
    assertThat(crashing.analysisRuns).isEqualTo(clean.analysisRuns);
    assertThat(crashing.eventKinds()).isEqualTo(clean.eventKinds());
    assertThat(crashing.publishCalls).isEqualTo(1);
  }

  @Test
  void crashBeforeTheRollbackCallStillRollsBackAndFinishesOnlyThen() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.3));
    h.runFor(Duration.ofSeconds(15));
    h.clock.advance(Duration.ofSeconds(5));
    h.crashBeforeNextAliasCall = true;

    assertThat(h.reconcile()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.finishTime).isNull();
    assertThat(h.alias).isEqualTo(AT_10);

    h.clock.advance(Duration.ofSeconds(7));
    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.alias).isEqualTo(STABLE);
    assertThat(h.status.finishTime).isEqualTo(T0.plusSeconds(27).toString());
    assertThat(h.eventKinds()).containsOnlyOnce(RolledBack);
  }

  /** A reconcile with nothing due writes no status and calls nothing (skip the patch when nothing changed). */
  @Test
  void decidingAgainFromThePersistedStatusChangesNothing() {
    ReleaseHarness h = harness();
    h.reconcile();
    int writes = h.statusWrites;

    Action again = h.reconcile();

    assertThat(again).isEqualTo(new Action.Wait(Duration.ofSeconds(10)));
    assertThat(h.statusWrites).isEqualTo(writes);
    assertThat(h.aliasCalls).containsExactly(AT_10);
  }

  @Test
  void finishedReleaseNeverTouchesTheAliasAgain() {
    ReleaseHarness h = harness();
    h.runToEnd();
    h.alias = AliasState.weighted("2", "3", 10);
    h.controls = new Controls(false, false, true);

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.alias).isEqualTo(AliasState.weighted("2", "3", 10));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
  }

  @Test
  void supersededReleaseStopsWithoutTouchingTheAlias() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(15));
    ReleaseInput in = ReleaseInput.of("old", 1, "fn", "prod", Controls.NONE, h.policy, h.status, h.alias);

    Decision d = new ReleaseMachine(h.clock).supersede(in, "conversation-api-1-6-0");

    assertThat(d.action()).isInstanceOf(Action.Done.class);
    assertThat(d.status().phase).isEqualTo(ReleasePhase.Superseded);
    assertThat(d.status().supersededBy).isEqualTo("conversation-api-1-6-0");
    assertThat(d.status().finishTime).isEqualTo(T0.plusSeconds(15).toString());
    assertThat(d.events()).extracting(ReleaseEvent::kind).containsExactly(ReleaseEvent.Kind.Superseded);
    Decision after = new ReleaseMachine(h.clock).decide(in.withStatus(d.status()));
    assertThat(after.action()).isInstanceOf(Action.Done.class);
    assertThat(after.statusChanged()).isFalse();
  }

  /**
   * Issue 8: a release that stored RolledBack but whose UpdateAlias never happened (operator
   * stopped, throttled) is superseded: it still rolls back first, and finishes only once AWS shows
   * the stable version, so the newer release, which waits for that finishTime, can start.
   */
  @Test
  void supersedingAnUnconfirmedRollbackFinishesTheRollbackFirst() {
    ReleaseHarness h = unconfirmedRollback();
    ReleaseMachine machine = new ReleaseMachine(h.clock);
    ReleaseInput in = ReleaseInput.of("old", 1, "fn", "prod", Controls.NONE, h.policy, h.status, AT_10);

    Decision d = machine.supersede(in, "conversation-api-1-6-0");

    assertThat(d.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(d.status().finishTime).isNull();
    h.clock.advance(Duration.ofSeconds(2));
    Decision confirmed = machine.supersede(in.withStatus(d.status()).withObserved(STABLE), "conversation-api-1-6-0");
    assertThat(confirmed.action()).isInstanceOf(Action.Done.class);
    assertThat(confirmed.status().phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(confirmed.status().finishTime).isEqualTo(T0.plusSeconds(22).toString());
    // The rollback started before the crash; its end is announced once AWS confirms the alias.
    assertThat(confirmed.events()).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(RolledBack);
      assertThat(e.message()).endsWith("alias prod back on version 1 after 22s");
      assertThat(e.failing().metric).isEqualTo("error-rate");
    });
  }

  /**
   * A final phase whose alias cannot be reached any more (function or alias deleted, service gone:
   * no observed alias) has nothing left to set: it finishes, so no newer release waits on it.
   */
  @Test
  void anUnconfirmedFinalPhaseWithNoReachableAliasFinishes() {
    ReleaseHarness h = harness();
    h.reconcile();
    h.controls = new Controls(false, false, true);
    h.crashBeforeNextAliasCall = true;
    h.reconcile();
    assertThat(h.status.finishTime).isNull();
    ReleaseInput in = ReleaseInput.of("old", 1, "fn", "prod", Controls.NONE, h.policy, h.status, null);

    Decision d = new ReleaseMachine(h.clock).fail(in, "FunctionNotFound", "function fn does not exist");

    assertThat(d.action()).isInstanceOf(Action.Done.class);
    assertThat(d.status().phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(d.status().finishTime).isEqualTo(T0.toString());
    assertThat(d.status().message).contains("alias could not be reached");
  }

  /** Issue 8: a release deleted mid-canary restores the stable version first, as Flagger's revertOnDeletion. */
  @Test
  void aReleaseDeletedMidCanaryRollsBackBeforeItGoes() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(35));
    assertThat(h.alias).isEqualTo(AT_50);
    ReleaseMachine machine = new ReleaseMachine(h.clock);
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, h.policy, h.status, AT_50);

    Decision d = machine.delete(in);

    assertThat(d.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(d.status().phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(d.status().reason).isEqualTo("Deleted");
    assertThat(d.status().finishTime).isNull();
    assertThat(d.events()).extracting(ReleaseEvent::kind).containsExactly(ReleaseEvent.Kind.RollbackStarted);
    Decision done = machine.delete(in.withStatus(d.status()).withObserved(STABLE));
    assertThat(done.action()).isInstanceOf(Action.Done.class);
    assertThat(done.events()).extracting(ReleaseEvent::kind).containsExactly(RolledBack);
    assertThat(done.status().finishTime).isNotNull();
  }

  @Test
  void aReleaseDeletedAfterItFinishedChangesNothing() {
    ReleaseHarness h = harness();
    h.runToEnd();
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, h.policy, h.status, AliasState.weighted("2", "3", 10));

    Decision d = new ReleaseMachine(h.clock).delete(in);

    assertThat(d.action()).isInstanceOf(Action.Done.class);
    assertThat(d.statusChanged()).isFalse();
  }

  /**
   * Issue 8: AccessDenied on the rollback's UpdateAlias. The release backs off exponentially (no
   * call before each wait is over), then finishes with RollbackFailed saying what AWS shows and
   * what a person must do.
   */
  @Test
  void aRefusedRollbackBacksOffExponentiallyThenReportsRollbackFailed() {
    ReleaseHarness h = harness();
    h.reconcile();
    ReleaseMachine machine = new ReleaseMachine(h.clock, 20, Duration.ofSeconds(5), Duration.ofSeconds(30));
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", new Controls(false, false, true), h.policy, h.status, AT_10);
    Decision d = machine.decide(in);
    assertThat(d.action()).isEqualTo(new Action.SetAlias(STABLE));
    LambdaReleaseStatus st = d.status();
    List<Duration> waits = new ArrayList<>();

    for (int i = 0; i < ReleaseMachine.ALIAS_ATTEMPTS; i++) {
      Decision refused = machine.aliasRefused(in.withStatus(st), "AccessDenied", "AccessDeniedException: not authorized");
      st = refused.status();
      if (refused.action() instanceof Action.Wait w) {
        waits.add(w.delay());
        h.clock.advance(w.delay().minusSeconds(1));
        assertThat(machine.decide(in.withStatus(st)).action()).isEqualTo(new Action.Wait(Duration.ofSeconds(1)));
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(machine.decide(in.withStatus(st)).action()).isEqualTo(new Action.SetAlias(STABLE));
      } else {
        assertThat(refused.action()).isInstanceOf(Action.Done.class);
        assertThat(refused.events()).extracting(ReleaseEvent::reason).containsExactly("RollbackFailed");
      }
    }

    assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(30));
    assertThat(st.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(st.finishTime).isEqualTo(T0.plusSeconds(95).toString());
    assertThat(st.observedAlias).isEqualTo("1 + 2@10%");
    Condition failed = condition(st, "RollbackFailed");
    assertThat(failed.getStatus()).isEqualTo("True");
    assertThat(failed.getReason()).isEqualTo("AccessDenied");
    assertThat(failed.getMessage()).contains("refused UpdateAlias to 1 6 times: AccessDeniedException").contains("the alias at 1 + 2@10%")
        .contains("aws lambda update-alias --function-name nexus-prod-conversation-api --name prod --function-version 1")
        .contains("lambda:UpdateAlias");
    assertThat(condition(st, "Degraded").getStatus()).isEqualTo("True");
    // Stalled says what a person must do: the RollbackFailed reason and message, not the analysis's.
    assertThat(condition(st, "Stalled").getReason()).isEqualTo("AccessDenied");
    assertThat(condition(st, "Stalled").getMessage()).isEqualTo(failed.getMessage());
    assertThat(new ReleaseMachine(h.clock).decide(in.withStatus(st)).action()).isInstanceOf(Action.Done.class);
  }

  @Test
  void aRefusedStepFailsTheReleaseAndTriesTheStableVersionAtOnce() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(35));
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, h.policy, h.status, AT_10);

    Decision d = new ReleaseMachine(h.clock).aliasRefused(in, "AccessDenied", "AccessDeniedException: not authorized");

    assertThat(d.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(d.status().phase).isEqualTo(ReleasePhase.Failed);
    assertThat(d.status().reason).isEqualTo("AccessDenied");
    assertThat(d.status().message).contains("AWS refused UpdateAlias");
  }

  @Test
  void newerReleaseStartsFromTheAliasesPrimaryVersion() {
    ReleaseHarness h = harness();
    h.alias = AliasState.weighted("1", "7", 30);

    h.reconcile();

    assertThat(h.status.stableVersion).isEqualTo("1");
    assertThat(h.alias).isEqualTo(AT_10);
  }

  @Test
  void failBeforePublishingLeavesTheAliasAlone() {
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, canary(true), null, null);

    Decision d = new ReleaseMachine(new MutableClock(T0)).fail(in, "FunctionNotFound", "function fn does not exist");

    assertThat(d.action()).isInstanceOf(Action.Done.class);
    assertThat(d.status().phase).isEqualTo(ReleasePhase.Failed);
    assertThat(d.status().reason).isEqualTo("FunctionNotFound");
    assertThat(condition(d.status(), "Degraded").getReason()).isEqualTo("FunctionNotFound");
  }

  /**
   * Issue 8: the predecessor left the alias at 1 + 2@50% (it was superseded, which leaves the alias
   * to its successor) and the successor fails before it has a canary version of its own (its policy
   * or its artifact is missing). Failed means "stable, no weights" whoever set the weights.
   */
  @Test
  void aSuccessorThatFailsBeforePublishingRemovesThePredecessorsWeights() {
    MutableClock clock = new MutableClock(T0);
    ReleaseMachine machine = new ReleaseMachine(clock);
    ReleaseInput fresh = ReleaseInput.of("r2", 1, "fn", "prod", Controls.NONE, canary(true), null, AT_50);

    Decision noPolicy = machine.fail(fresh, "PolicyNotFound", "CanaryPolicy ns/gone does not exist");
    assertThat(noPolicy.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(noPolicy.status().stableVersion).isEqualTo("1");

    Decision publishing = machine.decide(fresh);
    assertThat(publishing.action()).isInstanceOf(Action.Publish.class);
    Decision noCode = machine.fail(fresh.withStatus(publishing.status()), "CodeNotFound", "code s3://b/k does not exist");
    assertThat(noCode.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(noCode.status().finishTime).isNull();

    Decision done = machine.fail(fresh.withStatus(noCode.status()).withObserved(STABLE), "CodeNotFound", "code s3://b/k does not exist");
    assertThat(done.action()).isInstanceOf(Action.Done.class);
    assertThat(done.status().phase).isEqualTo(ReleasePhase.Failed);
    assertThat(done.status().canaryVersion).isNull();
    assertThat(done.status().finishTime).isEqualTo(T0.toString());
  }

  @Test
  void failAfterShiftingReturnsTrafficToStable() {
    ReleaseHarness h = harness();
    h.reconcile();
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", Controls.NONE, h.policy, h.status, h.alias);

    Decision d = new ReleaseMachine(h.clock).fail(in, "PolicyNotFound", "policy gone");

    assertThat(d.action()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(d.status().finishTime).isNull();
  }

  @Test
  void aPolicyEditedMidReleaseAppliesFromTheCurrentStepOn() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(35));
    assertThat(h.status.stepLabel).isEqualTo("2/2");
    CanaryPolicySpec shorter = new CanaryPolicySpec();
    shorter.steps = List.of(new CanaryPolicySpec.Step(10, "30s"));
    shorter.analysis = new CanaryPolicySpec.Analysis();
    shorter.analysis.interval = "10s";
    shorter.analysis.metrics = h.policy.metrics();
    h.policy = ReleasePolicy.of(shorter);

    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.elapsed()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void aPolicyThatGainsMetricsMidReleaseAnalysesBeforeAdvancing() {
    ReleaseHarness h = new ReleaseHarness(canary(false));
    h.runFor(Duration.ofSeconds(15));
    h.policy = canary(true);
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.5));

    h.runToEnd();

    assertThat(h.analysisRuns).extracting(t -> java.time.Duration.between(T0, t).toSeconds()).containsExactly(15L, 25L);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
  }

  @Test
  void analysisHistoryKeepsTheNewestResults() {
    ReleaseHarness h = harness();
    h.historyLimit = 3;
    int[] n = {0};
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, (double) ++n[0]));

    h.runToEnd();

    assertThat(h.status.analysis).extracting(r -> r.value).containsExactly(3.0, 4.0, 5.0);
  }

  @Test
  void conditionsKeepTheirTransitionTimeWhileTheirStatusHolds() {
    ReleaseHarness h = harness();
    h.reconcile();
    String since = condition(h.status, "Progressing").getLastTransitionTime();

    h.runFor(Duration.ofSeconds(35));

    Condition progressing = condition(h.status, "Progressing");
    assertThat(progressing.getStatus()).isEqualTo("True");
    assertThat(progressing.getReason()).isEqualTo("StepStarted");
    assertThat(progressing.getLastTransitionTime()).isEqualTo(since);
    assertThat(h.status.conditions).extracting(Condition::getType).containsExactly("Degraded", "Paused", "Progressing", "Ready", "Reconciling");
    assertThat(condition(h.status, "Reconciling").getStatus()).isEqualTo("True");
  }

  @Test
  void eventsCarryVersionsWeightAndStep() {
    ReleaseHarness h = harness();
    h.runFor(Duration.ofSeconds(35));

    ReleaseEvent step = h.events.get(1);

    assertThat(step.kind()).isEqualTo(StepCompleted);
    assertThat(step.function()).isEqualTo("nexus-prod-conversation-api");
    assertThat(step.alias()).isEqualTo("prod");
    assertThat(step.stableVersion()).isEqualTo("1");
    assertThat(step.canaryVersion()).isEqualTo("2");
    assertThat(step.weight()).isEqualTo(10);
    assertThat(step.step()).isEqualTo("1/2");
  }

  /** spec.retry, level-triggered as approvedStep is. */
  private static Controls retry(int n) {
    return new Controls(false, false, false, 0, n);
  }

  @Test
  void aRetryAfterARollbackRunsAFreshAttemptWithEverythingOfTheAttemptReset() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.2));
    h.runToEnd();
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    h.clock.advance(Duration.ofMinutes(5));
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0));
    h.controls = retry(1);

    Action first = h.reconcile();

    assertThat(first).isEqualTo(new Action.Wait(Duration.ofSeconds(10)));
    LambdaReleaseStatus s = h.status;
    assertThat(s.phase).isEqualTo(ReleasePhase.Progressing);
    assertThat(s.observedRetry).isEqualTo(1);
    assertThat(s.stepLabel).isEqualTo("1/2");
    assertThat(s.analysis).isEmpty();
    assertThat(s.consecutiveFailures).isZero();
    assertThat(s.finishTime).isNull();
    assertThat(s.startTime).isEqualTo(T0.plusSeconds(320).toString());
    assertThat(s.nextAnalysisTime).isEqualTo(T0.plusSeconds(330).toString());
    assertThat(condition(s, "Degraded").getStatus()).isEqualTo("False");
    assertThat(s.conditions).extracting(Condition::getType).doesNotContain("Stalled");
    assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
    ReleaseEvent retried = h.events.stream().filter(e -> e.kind() == Retried).findFirst().orElseThrow();
    assertThat(retried.reason()).isEqualTo("Retry");
    assertThat(retried.message()).startsWith("Retry 1 of release conversation-api-1-5-0 after it RolledBack (AnalysisFailed)");

    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE, AT_10, AT_50, PROMOTED);
    assertThat(h.status.analysis).hasSize(5).allMatch(r -> r.verdict == Verdict.Pass);
    assertThat(h.status.duration).isEqualTo("50s");
    // The version of the first attempt is reused: nothing is published twice.
    assertThat(h.publishCalls).isEqualTo(1);
    assertThat(h.eventKinds()).containsExactly(Started, ReleaseEvent.Kind.CheckFailed, ReleaseEvent.Kind.RollbackStarted, RolledBack, Retried, Started, StepCompleted, StepCompleted, Promoted);
  }

  @Test
  void aRetryOfAReleaseANewerOneSupersededIsRefusedOnce() {
    ReleaseHarness h = harness();
    h.controls = new Controls(false, false, true);
    h.runToEnd();
    h.newerRelease = "conversation-api-1-6-0";
    h.controls = new Controls(false, false, true, 0, 1);

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.observedRetry).isEqualTo(1);
    Condition refused = condition(h.status, "RetryRefused");
    assertThat(refused.getStatus()).isEqualTo("True");
    assertThat(refused.getReason()).isEqualTo("Superseded");
    assertThat(refused.getMessage()).contains("retry 1 refused").contains("conversation-api-1-6-0");
    assertThat(h.aliasCalls).isEmpty();
    int writes = h.statusWrites;
    h.reconcile();
    assertThat(h.statusWrites).isEqualTo(writes);
    assertThat(h.eventKinds()).containsOnlyOnce(RetryRefused);
  }

  /**
   * A retry raised while spec.abort still says abort used to start the fresh attempt, move 10 % of
   * traffic onto the code that was aborted, and only then roll back again.
   */
  @Test
  void aRetryOfAnAbortedReleaseWhileSpecAbortIsStillTrueIsRefusedAndMovesNoTraffic() {
    ReleaseHarness h = harness();
    h.controls = new Controls(false, false, true);
    h.runToEnd();
    assertThat(h.status.reason).isEqualTo("Aborted");
    h.controls = new Controls(false, false, true, 0, 1);

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);

    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.observedRetry).isEqualTo(1);
    Condition refused = condition(h.status, "RetryRefused");
    assertThat(refused.getReason()).isEqualTo("Aborted");
    assertThat(refused.getMessage()).contains("retry 1 refused").contains("spec.abort");
    assertThat(h.aliasCalls).isEmpty();

    h.controls = new Controls(false, false, false, 0, 2);
    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.aliasCalls).startsWith(AT_10).doesNotContain(STABLE);
  }

  @Test
  void aRetryWaitsWhileTheRollbacksAliasMoveIsOwedAndStartsOnceItIsConfirmed() {
    ReleaseHarness h = unconfirmedRollback();
    h.controls = retry(1);
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0));

    h.crashBeforeNextAliasCall = true;
    assertThat(h.reconcile()).isEqualTo(new Action.SetAlias(STABLE));
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.observedRetry).isZero();
    assertThat(h.eventKinds()).doesNotContain(Retried);

    h.reconcile();

    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE, AT_10);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Progressing);
    assertThat(h.status.observedRetry).isEqualTo(1);
  }

  @Test
  void aSucceededReleaseIgnoresARetryAndSaysSoOnce() {
    ReleaseHarness h = harness();
    h.runToEnd();
    h.controls = retry(1);

    assertThat(h.reconcile()).isInstanceOf(Action.Done.class);
    h.reconcile();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.observedRetry).isEqualTo(1);
    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, PROMOTED);
    assertThat(h.eventKinds()).containsOnlyOnce(RetryIgnored).doesNotContain(Retried, RetryRefused);
  }

  /** The approvedStep that passed the first attempt's gate does not pass the retry's: it must change. */
  @Test
  void aRetryAsksForTheApprovalsAgain() {
    ReleaseHarness h = new ReleaseHarness(gatedAfterStepOne(true));
    h.controls = new Controls(false, false, false, 1);
    h.analysis = () -> List.of(result("error-rate", h.status.step == 2 ? Verdict.Fail : Verdict.Pass, 0.0));
    h.runToEnd();
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, STABLE);
    h.analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.0));
    h.controls = new Controls(false, false, false, 1, 1);

    h.runFor(Duration.ofSeconds(60));

    assertThat(h.status.phase).isEqualTo(ReleasePhase.AwaitingApproval);
    assertThat(h.status.approvedStepAtRetry).isEqualTo(1);

    h.controls = new Controls(false, false, false, 2, 1);
    h.runToEnd();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.aliasCalls).containsExactly(AT_10, AT_50, STABLE, AT_10, AT_50, PROMOTED);
  }

  /** A release created with spec.retry already set (copied, re-created from Git) rolls back once, as any other. */
  @Test
  void aRetryCountTheReleaseWasCreatedWithAsksForNothing() {
    ReleaseHarness h = harness();
    h.controls = retry(2);
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.2));

    h.runToEnd();
    h.reconcile();

    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.observedRetry).isEqualTo(2);
    assertThat(h.aliasCalls).containsExactly(AT_10, STABLE);
    assertThat(h.eventKinds()).doesNotContain(Retried);
  }

  /** What fails a release (here its policy gone) refuses its retry too, once, with that reason. */
  @Test
  void aRetryThatWouldFailAtOnceIsRefusedWithTheFailuresReason() {
    ReleaseHarness h = harness();
    h.controls = new Controls(false, false, true);
    h.runToEnd();
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", retry(1), h.policy, h.status, STABLE);

    Decision d = new ReleaseMachine(h.clock).fail(in, "PolicyNotFound", "CanaryPolicy ns/gone does not exist");

    assertThat(d.action()).isInstanceOf(Action.Done.class);
    assertThat(d.status().phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(d.status().observedRetry).isEqualTo(1);
    assertThat(condition(d.status(), "RetryRefused").getReason()).isEqualTo("PolicyNotFound");
    assertThat(condition(d.status(), "RetryRefused").getMessage()).contains("CanaryPolicy ns/gone does not exist");
  }

  /**
   * After RollbackFailed the alias is where AWS left it: a retry waits for a person to set it. Refused
   * while AWS shows the weights; raised again once the alias is on the stable version, it starts.
   */
  @Test
  void aRetryAfterRollbackFailedStartsOnlyOnceTheAliasIsOnTheStableVersion() {
    ReleaseHarness h = harness();
    h.reconcile();
    ReleaseMachine machine = new ReleaseMachine(h.clock);
    ReleaseInput in = ReleaseInput.of("r", 1, "fn", "prod", new Controls(false, false, true), h.policy, h.status, AT_10);
    LambdaReleaseStatus st = machine.decide(in).status();
    for (int i = 0; i < ReleaseMachine.ALIAS_ATTEMPTS; i++) {
      st = machine.aliasRefused(in.withStatus(st), "AccessDenied", "not authorized").status();
    }
    assertThat(condition(st, "RollbackFailed").getStatus()).isEqualTo("True");

    Decision refused = machine.decide(ReleaseInput.of("r", 1, "fn", "prod", new Controls(false, false, false, 0, 1), h.policy, st, AT_10));

    assertThat(refused.action()).isInstanceOf(Action.Done.class);
    assertThat(condition(refused.status(), "RetryRefused").getReason()).isEqualTo("AliasNotConfirmed");

    Decision started = machine.decide(ReleaseInput.of("r", 1, "fn", "prod", new Controls(false, false, false, 0, 2), h.policy, refused.status(), STABLE));

    assertThat(started.action()).isEqualTo(new Action.SetAlias(AT_10));
    assertThat(started.status().observedRetry).isEqualTo(2);
    assertThat(started.status().conditions).extracting(Condition::getType).doesNotContain("RollbackFailed", "RetryRefused");
  }

  private static Condition condition(LambdaReleaseStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  /** A release that stored RolledBack on an error-rate breach, its UpdateAlias lost to a crash: the rollback is owed. */
  private ReleaseHarness unconfirmedRollback() {
    ReleaseHarness h = harness();
    h.analysis = () -> List.of(result("error-rate", Verdict.Fail, 0.3));
    h.runFor(Duration.ofSeconds(15));
    h.clock.advance(Duration.ofSeconds(5));
    h.crashBeforeNextAliasCall = true;
    h.reconcile();
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.finishTime).isNull();
    return h;
  }
}
