package dev.slipway.canary;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.canary.ReleaseInput.Controls;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Drives the machine as the reconciler must: decide, persist the status (through JSON, as the API
 * server would), only then perform the action against a fake alias, feed results back, and stop at
 * Wait/Hold/Done. Every reconcile builds a fresh machine from the persisted status alone, so each
 * one is also a restart. {@link #crashBeforeNextAliasCall} simulates an operator killed between
 * persisting a transition and calling UpdateAlias.
 */
final class ReleaseHarness {

  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock(T0);
  ReleasePolicy policy;
  int historyLimit = ReleaseMachine.DEFAULT_HISTORY_LIMIT;
  Controls controls = Controls.NONE;
  AliasState alias = AliasState.single("1");
  String publishes = "2";
  /** A newer release of the same alias, as the reconciler finds it; null when there is none. */
  String newerRelease;
  Supplier<List<AnalysisResult>> analysis = () -> List.of(result("error-rate", Verdict.Pass, 0.01));

  LambdaReleaseStatus status;
  final List<AliasState> aliasCalls = new ArrayList<>();
  final List<ReleaseEvent> events = new ArrayList<>();
  final List<Instant> analysisRuns = new ArrayList<>();
  /** What each hook attempt finds, by hook name; a pass unless told otherwise. */
  java.util.function.Function<String, HookOutcome> hookAnswers = name -> new HookOutcome(true, false, "Succeeded", name + " passed");
  /** Hook attempts in the order they ran, as "stage/name" with the alias they saw. */
  final List<String> hookCalls = new ArrayList<>();
  boolean crashBeforeNextHookCall;
  int publishCalls;
  int statusWrites;
  boolean crashBeforeNextAliasCall;

  ReleaseHarness(ReleasePolicy policy) {
    this.policy = policy;
  }

  /** One reconcile; returns the action it ended on. */
  Action reconcile() {
    ReleaseMachine machine = new ReleaseMachine(clock, historyLimit);
    ReleaseInput in = ReleaseInput.of("conversation-api-1-5-0", 1, "nexus-prod-conversation-api", "prod", controls, policy, status, alias)
        .withNewerRelease(newerRelease);
    for (int i = 0; i < 30; i++) {
      Decision d = machine.decide(in);
      if (d.statusChanged()) {
        status = JSON.convertValue(JSON.valueToTree(d.status()), LambdaReleaseStatus.class);
        statusWrites++;
      }
      events.addAll(d.events());
      Action a = d.action();
      if (a instanceof Action.Publish) {
        publishCalls++;
        in = in.withStatus(status).withPublished(publishes);
      } else if (a instanceof Action.SetAlias set) {
        if (crashBeforeNextAliasCall) {
          crashBeforeNextAliasCall = false;
          return a;
        }
        alias = set.target();
        aliasCalls.add(alias);
        in = in.withStatus(status).withObserved(alias);
      } else if (a instanceof Action.RunHook hook) {
        if (crashBeforeNextHookCall) {
          crashBeforeNextHookCall = false;
          return a;
        }
        hookCalls.add(hook.stage() + "/" + hook.name() + " @ " + alias);
        in = in.withStatus(status).withHook(hookAnswers.apply(hook.name()));
      } else if (a instanceof Action.RunAnalysis) {
        analysisRuns.add(clock.instant());
        in = in.withStatus(status).withAnalysis(analysis.get());
      } else {
        return a;
      }
    }
    throw new AssertionError("no Wait/Hold/Done after 30 decisions; status " + status.phase);
  }

  /** Reconciles at every requested wake-up within {@code span}, then lets the rest of it pass. */
  Action runFor(Duration span) {
    Instant until = clock.instant().plus(span);
    Action a = reconcile();
    while (a instanceof Action.Wait w && !clock.instant().plus(w.delay()).isAfter(until)) {
      clock.advance(w.delay());
      a = reconcile();
    }
    if (!(a instanceof Action.Done)) {
      clock.advance(Duration.between(clock.instant(), until));
    }
    return a;
  }

  Action runToEnd() {
    return runFor(Duration.ofDays(1));
  }

  List<ReleaseEvent.Kind> eventKinds() {
    return events.stream().map(ReleaseEvent::kind).toList();
  }

  Duration elapsed() {
    return Duration.between(T0, clock.instant());
  }

  static AnalysisResult result(String metric, Verdict verdict, Double value) {
    AnalysisResult r = new AnalysisResult();
    r.metric = metric;
    r.verdict = verdict;
    r.value = value;
    r.threshold = "<= 0.05";
    return r;
  }
}
