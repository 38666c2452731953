package dev.slipway.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.api.v1alpha1.ReleasePhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The machine's pre- and post-traffic hooks: when they run, what a failure does, and a restart mid-hook. */
class ReleaseMachineHooksTest {

  private static final AliasState STABLE = AliasState.single("1");
  private static final AliasState AT_10 = AliasState.weighted("1", "2", 10);
  private static final AliasState PROMOTED = AliasState.single("2");
  private static final HookOutcome FAILED = new HookOutcome(false, false, "NotSucceeded", "fn answered status Failed");

  /** 10% for 10s without analysis, then all traffic; the hooks named, each with {@code retries}. */
  private static ReleaseHarness harness(List<String> pre, List<String> post, int retries) {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(new CanaryPolicySpec.Step(10, "10s"));
    spec.hooks = new CanaryPolicySpec.Hooks();
    spec.hooks.preTraffic = hooks(pre, retries);
    spec.hooks.postTraffic = hooks(post, retries);
    return new ReleaseHarness(ReleasePolicy.of(spec));
  }

  private static List<CanaryPolicySpec.Hook> hooks(List<String> names, int retries) {
    List<CanaryPolicySpec.Hook> out = new ArrayList<>();
    for (String n : names) {
      CanaryPolicySpec.Hook h = new CanaryPolicySpec.Hook();
      h.name = n;
      h.http = new CanaryPolicySpec.HttpHook();
      h.http.url = "https://hooks.example.com/" + n;
      h.retries = retries;
      out.add(h);
    }
    return out;
  }

  @Test
  void preTrafficHooksRunInOrderOnThePublishedVersionBeforeAnyWeight() {
    ReleaseHarness h = harness(List.of("smoke", "contract"), List.of(), 0);

    h.runToEnd();

    assertThat(h.hookCalls).containsExactly("PreTraffic/smoke @ 1", "PreTraffic/contract @ 1");
    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.reason).isEqualTo("Completed");
    assertThat(h.status.hooks).extracting(r -> r.name + " " + r.phase + " " + r.attempts).containsExactly("smoke Passed 1", "contract Passed 1");
  }

  @Test
  void aFailedPreTrafficHookFailsTheReleaseWithTheAliasUntouched() {
    ReleaseHarness h = harness(List.of("smoke", "contract"), List.of(), 0);
    h.hookAnswers = name -> name.equals("smoke") ? FAILED : new HookOutcome(true, false, "Succeeded", "ok");

    Action last = h.runToEnd();

    assertThat(last).isInstanceOf(Action.Done.class);
    assertThat(h.hookCalls).containsExactly("PreTraffic/smoke @ 1");
    assertThat(h.aliasCalls).isEmpty();
    assertThat(h.alias).isEqualTo(STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(h.status.reason).isEqualTo("PreTrafficHookFailed");
    assertThat(h.status.message).contains("pre-traffic hook smoke failed after 1 attempt (NotSucceeded): fn answered status Failed");
    assertThat(h.status.hooks).extracting(r -> r.name + " " + r.phase).containsExactly("smoke Failed");
    assertThat(h.eventKinds()).containsExactly(ReleaseEvent.Kind.Failed);
  }

  @Test
  void aFailedAttemptIsRetriedAfterTheRetryDelayUpToRetriesTimes() {
    ReleaseHarness h = harness(List.of("smoke"), List.of(), 2);
    List<Duration> at = new ArrayList<>();
    int[] calls = {0};
    h.hookAnswers = name -> {
      at.add(h.elapsed());
      return ++calls[0] < 3 ? FAILED : new HookOutcome(true, false, "Succeeded", "ok");
    };

    h.runToEnd();

    assertThat(at).containsExactly(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(h.status.hooks.get(0).attempts).isEqualTo(3);
    assertThat(h.status.hooks.get(0).phase).isEqualTo(HookResult.Phase.Passed);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
  }

  @Test
  void aTerminalOutcomeIsNotRetriedAndARefusedHookSaysSo() {
    ReleaseHarness h = harness(List.of("smoke"), List.of(), 3);
    h.hookAnswers = name -> new HookOutcome(false, true, "NotPermitted", "function x is not allowed: not invoked");

    h.runToEnd();

    assertThat(h.hookCalls).hasSize(1);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(h.status.reason).isEqualTo("HookNotPermitted");
    assertThat(h.aliasCalls).isEmpty();
  }

  @Test
  void postTrafficHooksRunWithAllTrafficOnTheNewVersionBeforeSucceeded() {
    ReleaseHarness h = harness(List.of(), List.of("e2e"), 0);
    List<ReleasePhase> phases = new ArrayList<>();
    h.hookAnswers = name -> {
      phases.add(h.status.phase);
      return new HookOutcome(true, false, "Succeeded", "ok");
    };

    h.runToEnd();

    assertThat(phases).containsExactly(ReleasePhase.Verifying);
    assertThat(h.hookCalls).containsExactly("PostTraffic/e2e @ 2");
    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(h.status.reason).isEqualTo("PostTrafficHooksPassed");
    assertThat(h.status.finishTime).isNotNull();
  }

  @Test
  void aFailedPostTrafficHookRollsBack() {
    ReleaseHarness h = harness(List.of(), List.of("e2e"), 0);
    h.hookAnswers = name -> FAILED;

    h.runToEnd();

    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED, STABLE);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(h.status.reason).isEqualTo("PostTrafficHookFailed");
    assertThat(h.status.message).contains("post-traffic hook e2e failed").contains("all traffic back on version 1");
    assertThat(h.eventKinds()).doesNotContain(ReleaseEvent.Kind.Promoted).contains(ReleaseEvent.Kind.RolledBack);
  }

  @Test
  void aRestartMidHookRunsThatAttemptAgainAndNeverAHookThatPassed() {
    ReleaseHarness h = harness(List.of("smoke", "contract"), List.of(), 0);
    h.crashBeforeNextHookCall = true;
    h.reconcile();
    // Stopped after storing smoke's first attempt as Running, before calling it.
    assertThat(h.hookCalls).isEmpty();
    assertThat(h.status.hooks).extracting(r -> r.name + " " + r.phase + " " + r.attempts).containsExactly("smoke Running 1");

    // Restarted: smoke runs; the operator stops again once contract's attempt is stored.
    h.hookAnswers = name -> {
      h.crashBeforeNextHookCall = name.equals("smoke");
      return new HookOutcome(true, false, "Succeeded", "ok");
    };
    h.reconcile();
    assertThat(h.status.hooks).extracting(r -> r.name + " " + r.phase + " " + r.attempts)
        .containsExactly("smoke Passed 1", "contract Running 1");

    h.runToEnd();

    assertThat(h.hookCalls).containsExactly("PreTraffic/smoke @ 1", "PreTraffic/contract @ 1");
    assertThat(h.status.hooks).extracting(r -> r.name + " " + r.phase + " " + r.attempts)
        .containsExactly("smoke Passed 1", "contract Passed 1");
    assertThat(h.aliasCalls).containsExactly(AT_10, PROMOTED);
  }

  @Test
  void allAtOnceRunsPreHooksOnTheStableAliasAndPostHooksOnTheNewOne() {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.preset = CanaryPolicySpec.Preset.AllAtOnce;
    spec.steps = List.of();
    spec.hooks = new CanaryPolicySpec.Hooks();
    spec.hooks.preTraffic = hooks(List.of("smoke"), 0);
    spec.hooks.postTraffic = hooks(List.of("e2e"), 0);
    ReleaseHarness h = new ReleaseHarness(ReleasePolicy.of(spec));

    h.runToEnd();

    assertThat(h.hookCalls).containsExactly("PreTraffic/smoke @ 1", "PostTraffic/e2e @ 2");
    assertThat(h.aliasCalls).containsExactly(PROMOTED);
    assertThat(h.status.phase).isEqualTo(ReleasePhase.Succeeded);
  }
}
