package dev.slipway.canary;

import static dev.slipway.api.v1alpha1.ReleasePhase.AwaitingApproval;
import static dev.slipway.api.v1alpha1.ReleasePhase.Failed;
import static dev.slipway.api.v1alpha1.ReleasePhase.Paused;
import static dev.slipway.api.v1alpha1.ReleasePhase.Pending;
import static dev.slipway.api.v1alpha1.ReleasePhase.Progressing;
import static dev.slipway.api.v1alpha1.ReleasePhase.RolledBack;
import static dev.slipway.api.v1alpha1.ReleasePhase.Succeeded;
import static dev.slipway.api.v1alpha1.ReleasePhase.Superseded;
import static dev.slipway.api.v1alpha1.ReleasePhase.Verifying;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.ReleaseEvent.Kind;
import dev.slipway.status.Conditions;
import dev.slipway.status.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The LambdaRelease state machine: pure (no AWS, no Kubernetes) and driven by an injected clock.
 *
 * <p>Each {@link #decide} reads the persisted status and the alias as AWS shows it now and returns
 * the next status and one {@link Action}. The status always names the alias state the release wants
 * (phase, step, weight); the reconciler persists it <em>before</em> calling AWS, so after a crash
 * the status is at most one transition ahead of the alias, and the next decision sees the mismatch
 * and re-applies the same target: a step is never repeated or skipped, and the alias never carries
 * a weight the status does not show. A final phase is applied the same way and counts as finished
 * only once AWS confirms the alias ({@code finishTime} set).
 *
 * <p>Timing: each step holds for its pause; analysis runs every interval (the first run at
 * {@code min(interval, pause)} after the step starts, so every step is judged at least once). A step
 * advances only on a passing latest run. When the pause is over and the latest run is not a pass,
 * the release waits for data for a grace period of {@code max(pause, interval)}, then fails
 * ({@code AnalysisInconclusive}) or rolls back ({@code AnalysisFailed}). {@code failureLimit}
 * consecutive failed runs roll back at once; inconclusive runs neither reset nor (unless
 * {@code inconclusiveIsFailure}) add to that count. AllAtOnce (no steps) promotes at once without
 * analysis: with no canary traffic there is nothing to measure before the shift.
 *
 * <p>Approval gates: a step with {@code approval} that would advance holds instead
 * ({@code AwaitingApproval}, no timer) until {@code spec.approvedStep} reaches its index. Analysis
 * keeps running meanwhile and its failure limits still roll back; once approved, the step's pause
 * counts as over from then on, so a passing run is needed (within the usual grace) to advance.
 * {@code spec.promote} skips gates and steps alike.
 *
 * <p>Hooks: the policy's preTraffic hooks run in Pending once the new version is published, before
 * any weight is set; its postTraffic hooks run in Verifying, with the alias on the new version
 * alone, before Succeeded. One hook at a time, in order; each attempt is recorded in
 * {@code status.hooks} (Running) before it runs, so a restart re-runs an interrupted attempt and
 * never a hook that passed. An attempt that does not pass is tried again {@code retries} times,
 * {@link CanaryPolicySpec.Hook#RETRY_DELAY} apart; a terminal outcome (refused by the tenancy or the
 * outbound policy) fails at once. A failed preTraffic hook fails the release with the alias still
 * on the stable version; a failed postTraffic hook rolls back. spec.paused and spec.promote do not
 * skip hooks; spec.abort rolls back.
 *
 * <p>Retry: {@code spec.retry} above {@code status.observedRetry} runs a RolledBack or Failed release
 * again from Pending, once its final alias is confirmed (never while that move is owed), with
 * everything of the attempt reset. A newer release of the same alias refuses it (checked first, as
 * the newer release owns the alias now); a Succeeded release ignores it. Either way the request is
 * recorded as handled, so it is answered once.
 */
public final class ReleaseMachine {

  public static final int DEFAULT_HISTORY_LIMIT = 20;
  /** UpdateAlias calls of a final phase that AWS may refuse (AccessDenied, alias gone) before the release gives up. */
  public static final int ALIAS_ATTEMPTS = 6;
  private static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(5);
  private static final Duration DEFAULT_RETRY_MAX = Duration.ofMinutes(5);
  private static final Duration HOOK_RETRY_DELAY = Durations.parse(CanaryPolicySpec.Hook.RETRY_DELAY);

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Condition type: the final phase's alias could not be set; the release finished without it. */
  private static final String ROLLBACK_FAILED = Reasons.ROLLBACK_FAILED;
  /** Condition type: a spec.retry that was not carried out. */
  private static final String RETRY_REFUSED = Reasons.RETRY_REFUSED;

  private final Clock clock;
  private final int historyLimit;
  private final Duration retryInitial;
  private final Duration retryMax;

  public ReleaseMachine(Clock clock) {
    this(clock, DEFAULT_HISTORY_LIMIT);
  }

  /** {@code historyLimit}: how many analysis results status keeps, newest last. */
  public ReleaseMachine(Clock clock, int historyLimit) {
    this(clock, historyLimit, DEFAULT_RETRY_INITIAL, DEFAULT_RETRY_MAX);
  }

  /**
   * {@code retryInitial}, {@code retryMax}: the backoff between refused UpdateAlias calls of a final
   * phase, doubling from the first to the second.
   */
  public ReleaseMachine(Clock clock, int historyLimit, Duration retryInitial, Duration retryMax) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be at least 1");
    }
    this.clock = clock;
    this.historyLimit = historyLimit;
    this.retryInitial = retryInitial;
    this.retryMax = retryMax;
  }

  /** spec.retry asks for an attempt that status does not record as handled yet. */
  public static boolean retryAsked(ReleaseInput.Controls controls, LambdaReleaseStatus status) {
    int handled = status == null || status.observedRetry == null ? 0 : status.observedRetry;
    return controls.retry() > handled;
  }

  /** The next status and action of a release. */
  public Decision decide(ReleaseInput in) {
    Run run = new Run(in);
    Action action = run.next();
    return run.decision(action);
  }

  /**
   * A newer release for the same alias takes over: stop without touching the alias. A release that
   * already stored a final phase is not superseded: it finishes its own alias action first (a
   * rollback not yet applied still rolls back), as {@link #decide} would.
   */
  public Decision supersede(ReleaseInput in, String by) {
    Run run = new Run(in);
    if (run.st.phase.isFinal()) {
      return run.decision(run.finish());
    }
    run.st.supersededBy = by;
    run.end(Superseded, "Superseded", "superseded by release " + by, null);
    return run.decision(run.finish());
  }

  /**
   * The release is being deleted ({@code kubectl delete}, a GitOps prune, garbage collection): a
   * running release rolls back first, as Flagger's {@code revertOnDeletion}; a final one finishes
   * its own alias action; a finished one changes nothing.
   */
  public Decision delete(ReleaseInput in) {
    Run run = new Run(in);
    if (!run.st.phase.isFinal()) {
      run.stableFromObserved();
      run.end(RolledBack, Reasons.DELETED, "deleted mid-release: all traffic back on the stable version " + run.st.stableVersion, null);
    }
    return run.decision(run.finish());
  }

  /**
   * AWS refused this release's UpdateAlias with a terminal error (AccessDenied, the alias or
   * function gone). A running release fails and tries to put the alias back on the stable version
   * at once; a final phase retries its alias with exponential backoff and, after
   * {@link #ALIAS_ATTEMPTS} refusals, finishes with the condition RollbackFailed saying what AWS
   * shows and what a person must do, so nothing spins and no newer release waits on it forever.
   */
  public Decision aliasRefused(ReleaseInput in, String reason, String message) {
    Run run = new Run(in);
    if (!run.st.phase.isFinal()) {
      run.stableFromObserved();
      run.end(Failed, reason, "AWS refused UpdateAlias: " + message, null);
      return run.decision(run.finish());
    }
    return run.decision(run.refused(reason, message));
  }

  /**
   * The release cannot go on (function or policy missing, code unreadable, invalid policy): Failed
   * with {@code reason}; traffic goes back to the stable version if a canary version was published.
   */
  public Decision fail(ReleaseInput in, String reason, String message) {
    Run run = new Run(in);
    if (run.st.phase.isFinal()) {
      if (run.retryAsked()) {
        // What would fail a fresh attempt refuses it, said once rather than tried at every reconcile.
        run.refuseRetry(reason, message);
      }
      return run.decision(run.finish());
    }
    run.stableFromObserved();
    run.end(Failed, reason, message, null);
    return run.decision(run.finish());
  }

  /** One decision's working state. */
  private final class Run {
    final ReleaseInput in;
    final LambdaReleaseStatus before;
    LambdaReleaseStatus st;
    final Instant now;
    final List<ReleaseEvent> events = new ArrayList<>();
    /** The fed-back hook attempt, until the hook it belongs to has recorded it. */
    HookOutcome hookOutcome;

    Run(ReleaseInput in) {
      this.hookOutcome = in.hook();
      this.in = in;
      this.before = in.status();
      this.st = before == null ? new LambdaReleaseStatus() : JSON.convertValue(before, LambdaReleaseStatus.class);
      this.now = clock.instant();
      if (st.phase == null) {
        init();
      }
      st.observedGeneration = in.generation();
      // A finished release no longer watches its alias: status keeps the alias as it left it.
      if (in.observed() != null && st.finishTime == null) {
        st.observedAlias = in.observed().toString();
      }
    }

    /**
     * A release that ends before it recorded a stable version (failed or deleted while pending)
     * still leaves the alias stable without weights, also when a superseded predecessor set them.
     */
    void stableFromObserved() {
      if (st.stableVersion == null && in.observed() != null) {
        st.stableVersion = in.observed().version();
      }
    }

    Decision decision(Action action) {
      boolean changed = before == null || !JSON.valueToTree(before).equals(JSON.valueToTree(st));
      return new Decision(st, changed, action, List.copyOf(events));
    }

    private void init() {
      st.phase = Pending;
      st.function = in.function();
      st.alias = in.alias();
      st.startTime = now.toString();
      st.step = 0;
      st.weight = 0;
      st.totalSteps = plan().size();
      st.stepLabel = label();
      st.consecutiveFailures = 0;
      // Only a raise after the start asks for a retry: a release created with spec.retry set (copied,
      // or re-created from Git) does not run twice on its first rollback.
      st.observedRetry = in.controls().retry();
      transition("Publishing", "publishing a version with the new code");
    }

    Action next() {
      if (st.phase.isFinal()) {
        return retryAsked() ? retry() : finish();
      }
      if (in.controls().abort()) {
        end(RolledBack, "Aborted", "aborted by spec.abort: all traffic on the stable version", null);
        return finish();
      }
      if (st.phase == Pending) {
        return pending();
      }
      if (st.phase == Verifying) {
        return verifying();
      }
      if (in.controls().promote()) {
        return promote("PromotedByUser", "promoted by spec.promote, remaining steps skipped");
      }
      AliasState desired = stepAlias();
      if (!desired.equals(in.observed())) {
        // Resuming after a crash between persisting a transition and applying it, or drift.
        return new Action.SetAlias(desired);
      }
      if (in.controls().paused()) {
        return pause();
      }
      boolean resumed = st.phase == Paused;
      if (resumed) {
        Optional<Action> started = resume();
        if (started.isPresent()) {
          return started.get();
        }
      }
      // A run that straddled the pause does not count.
      if (in.analysis() != null && !resumed) {
        Optional<Action> rolledBack = record(in.analysis());
        if (rolledBack.isPresent()) {
          return rolledBack.get();
        }
      }
      return timing();
    }

    boolean retryAsked() {
      return ReleaseMachine.retryAsked(in.controls(), st);
    }

    private Action retry() {
      int asked = in.controls().retry();
      String newer = st.phase == Superseded ? st.supersededBy : in.newerRelease();
      if (newer != null) {
        refuseRetry(Reasons.SUPERSEDED, "release " + newer + " of the same alias is newer and owns the alias: retry that one,"
            + " or create a new release");
        return finish();
      }
      if (st.phase == Succeeded) {
        st.observedRetry = asked;
        announce(Kind.RetryIgnored, Reasons.RETRY_IGNORED, "retry " + asked + " ignored: the release Succeeded, version "
            + st.canaryVersion + " is live", null);
        return finish();
      }
      if (in.controls().abort()) {
        // A fresh attempt under spec.abort would shift traffic to the aborted code before rolling back again.
        refuseRetry(Reasons.ABORTED, "spec.abort is still true: set it to false together with the next raise of spec.retry");
        return finish();
      }
      Action owed = finish();
      if (!(owed instanceof Action.Done)) {
        // The rollback's alias first: a fresh attempt must start from an alias AWS confirmed.
        return owed;
      }
      if (in.observed() == null) {
        refuseRetry(Reasons.ALIAS_UNREACHABLE, "the alias could not be read (function, alias or service gone)");
        return new Action.Done();
      }
      AliasState left = finalAlias();
      if (hasCondition(ROLLBACK_FAILED) && !in.observed().equals(left)) {
        refuseRetry(Reasons.ALIAS_NOT_CONFIRMED, "the alias was never confirmed on " + left + " (AWS shows "
            + in.observed() + "): set it as the RollbackFailed condition says, then raise spec.retry again");
        return new Action.Done();
      }
      String after = st.phase + " (" + st.reason + ")";
      LambdaReleaseStatus fresh = new LambdaReleaseStatus();
      fresh.observedGeneration = st.observedGeneration;
      fresh.lastHandledReconcileAt = st.lastHandledReconcileAt;
      fresh.observedAlias = in.observed().toString();
      // The version this release shipped is published already; the stable one is read from the alias again.
      fresh.canaryVersion = st.canaryVersion;
      fresh.conditions = st.conditions;
      fresh.conditions.removeIf(c -> ROLLBACK_FAILED.equals(c.getType()) || RETRY_REFUSED.equals(c.getType()));
      fresh.approvedStepAtRetry = in.controls().approvedStep();
      st = fresh;
      init();
      st.stableVersion = in.observed().version();
      announce(Kind.Retried, Reasons.RETRY, "Retry " + asked + " of release " + in.release() + " after it " + after
          + ": a fresh attempt from the live version " + in.observed().version(), null);
      return pending();
    }

    /** Records a retry as handled without carrying it out, and says why once. */
    void refuseRetry(String reason, String why) {
      int asked = in.controls().retry();
      st.observedRetry = asked;
      String message = "retry " + asked + " refused: " + why;
      setCondition(RETRY_REFUSED, true, reason, message);
      announce(Kind.RetryRefused, Reasons.RETRY_REFUSED, message, null);
    }

    private boolean hasCondition(String type) {
      return st.conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Action pending() {
      if (st.stableVersion == null) {
        st.stableVersion = in.observed().version();
      }
      if (st.canaryVersion == null) {
        if (in.published() == null) {
          return new Action.Publish();
        }
        st.canaryVersion = in.published();
      }
      if (st.canaryVersion.equals(st.stableVersion)) {
        return promote("NoChange", "the code equals live version " + st.stableVersion + ": nothing to shift");
      }
      Optional<Action> preTraffic = hooks(HookResult.Stage.PreTraffic);
      if (preTraffic.isPresent()) {
        return preTraffic.get();
      }
      if (plan().isEmpty()) {
        return promote("AllAtOnce", "all traffic to version " + st.canaryVersion + " at once");
      }
      if (in.controls().promote()) {
        return promote("PromotedByUser", "promoted by spec.promote before the first step");
      }
      announce(Kind.Started, "Started", "release of version " + st.canaryVersion + " over " + plan().summary(), null);
      if (in.controls().paused()) {
        return pause();
      }
      return enterStep(1);
    }

    private Action enterStep(int index) {
      StepPlan.Step step = plan().step(index);
      st.phase = Progressing;
      st.step = index;
      st.weight = step.weight();
      st.stepLabel = label();
      st.stepStartTime = now.toString();
      st.nextTransitionTime = now.plus(step.pause()).toString();
      st.nextAnalysisTime = policy().hasMetrics() ? now.plus(min(policy().interval(), step.pause())).toString() : null;
      st.stepVerdict = null;
      st.consecutiveFailures = 0;
      st.checkFailures = null;
      transition("StepStarted", step.weight() + "% of traffic on version " + st.canaryVersion + " for " + Durations.format(step.pause()));
      AliasState desired = stepAlias();
      return desired.equals(in.observed()) ? timing() : new Action.SetAlias(desired);
    }

    private Action pause() {
      if (st.phase != Paused) {
        st.phase = Paused;
        st.pauseRemaining = st.nextTransitionTime == null ? null : Durations.format(positive(Duration.between(now, Instant.parse(st.nextTransitionTime))));
        st.nextTransitionTime = null;
        st.nextAnalysisTime = null;
        transition("PausedBySpec", "paused by spec.paused at " + st.weight + "%");
        announce(Kind.Paused, "PausedBySpec", st.message, null);
      }
      // Results of an analysis that was already running do not count while paused.
      AliasState desired = stepAlias();
      return desired.equals(in.observed()) ? new Action.Hold() : new Action.SetAlias(desired);
    }

    /** Continues a paused release; starts it if it was paused before the first step. */
    private Optional<Action> resume() {
      st.phase = Progressing;
      announce(Kind.Resumed, "Resumed", "resumed at " + st.weight + "%", null);
      if (st.step == 0) {
        return Optional.of(enterStep(1));
      }
      Duration remaining = st.pauseRemaining == null ? Duration.ZERO : Durations.parse(st.pauseRemaining);
      st.pauseRemaining = null;
      st.nextTransitionTime = now.plus(remaining).toString();
      // Traffic seen before the pause says little about now: the step needs a fresh run.
      st.stepVerdict = null;
      st.nextAnalysisTime = policy().hasMetrics() ? now.plus(min(policy().interval(), remaining)).toString() : null;
      transition("Resumed", "resumed at " + st.weight + "%, " + Durations.format(remaining) + " of the step left");
      return Optional.empty();
    }

    /**
     * Records one analysis run; rolls back when a check exhausts its own failureLimit or the checks
     * without one reach the run-level limit.
     */
    private Optional<Action> record(List<AnalysisResult> results) {
      String step = st.weight + "% (" + st.stepLabel + ")";
      List<AnalysisResult> stamped = results.stream().map(r -> {
        AnalysisResult c = JSON.convertValue(r, AnalysisResult.class);
        c.step = step;
        c.time = now.toString();
        return c;
      }).toList();
      st.analysis.addAll(stamped);
      if (st.analysis.size() > historyLimit) {
        st.analysis = new ArrayList<>(st.analysis.subList(st.analysis.size() - historyLimit, st.analysis.size()));
      }
      st.stepVerdict = overall(stamped);
      st.nextAnalysisTime = now.plus(policy().interval()).toString();
      Optional<AnalysisResult> exhausted = countOwnLimits(stamped);
      if (exhausted.isPresent()) {
        AnalysisResult failing = exhausted.get();
        int limit = policy().ownFailureLimit(failing.metric).orElseThrow();
        end(RolledBack, "AnalysisFailed", failing.metric + " reached its own failureLimit of " + limit + " consecutive failed runs: " + describe(failing), failing);
        return Optional.of(finish());
      }
      List<AnalysisResult> shared = stamped.stream().filter(r -> policy().ownFailureLimit(r.metric).isEmpty()).toList();
      if (!shared.isEmpty()) {
        st.consecutiveFailures = counted(st.consecutiveFailures, overall(shared));
      }
      if (st.consecutiveFailures >= policy().failureLimit()) {
        AnalysisResult failing = firstWith(shared, Verdict.Fail).orElseGet(() -> firstWith(shared, Verdict.Inconclusive).orElse(null));
        end(RolledBack, "AnalysisFailed", st.consecutiveFailures + " consecutive failed analysis runs: " + describe(failing), failing);
        return Optional.of(finish());
      }
      // The first failure of a streak warns before the limit rolls back: one announcement per streak, not per run.
      stamped.stream().filter(r -> r.verdict == Verdict.Fail && failuresOf(r) == 1).findFirst().ifPresent(f ->
          announce(Kind.CheckFailed, Reasons.CHECK_FAILED, "check failed at " + st.weight + "% (" + st.stepLabel + "), "
              + failuresOf(f) + " of " + policy().ownFailureLimit(f.metric).orElse(policy().failureLimit()) + " allowed in a row: " + describe(f), f));
      return Optional.empty();
    }

    /** The failed runs in a row that count against {@code r}'s limit: its own, or the shared one. */
    private int failuresOf(AnalysisResult r) {
      return policy().ownFailureLimit(r.metric).isPresent() ? st.checkFailures.getOrDefault(r.metric, 0) : st.consecutiveFailures;
    }

    /** Counts the checks that have their own failureLimit; returns the first that exhausted it. */
    private Optional<AnalysisResult> countOwnLimits(List<AnalysisResult> results) {
      AnalysisResult exhausted = null;
      for (AnalysisResult r : results) {
        var limit = policy().ownFailureLimit(r.metric);
        if (limit.isEmpty() || !judged(r)) {
          continue;
        }
        if (st.checkFailures == null) {
          st.checkFailures = new TreeMap<>();
        }
        int failures = counted(st.checkFailures.getOrDefault(r.metric, 0), r.verdict);
        st.checkFailures.put(r.metric, failures);
        if (exhausted == null && failures >= limit.getAsInt()) {
          exhausted = r;
        }
      }
      return Optional.ofNullable(exhausted);
    }

    /** A consecutive-failure count after one more verdict: a pass resets it, inconclusive counts only if the policy says so. */
    private int counted(int failures, Verdict verdict) {
      if (verdict == Verdict.Pass) {
        return 0;
      }
      boolean counts = verdict == Verdict.Fail || policy().inconclusiveIsFailure();
      return counts ? failures + 1 : failures;
    }

    private Action timing() {
      if (st.phase == AwaitingApproval) {
        if (!approved()) {
          return awaitApproval();
        }
        st.phase = Progressing;
        st.nextTransitionTime = now.toString();
        transition("Approved", "step " + st.stepLabel + " approved by spec.approvedStep " + in.controls().approvedStep());
        announce(Kind.Approved, "Approved", st.message, null);
      }
      Instant transition = Instant.parse(st.nextTransitionTime);
      if (!policy().hasMetrics()) {
        return now.isBefore(transition) ? waitUntil(transition) : advance();
      }
      Instant analysis = nextAnalysis();
      if (!now.isBefore(analysis)) {
        return new Action.RunAnalysis(policy().interval());
      }
      if (now.isBefore(transition)) {
        return waitUntil(earliest(analysis, transition));
      }
      if (st.stepVerdict == Verdict.Pass) {
        return advance();
      }
      Instant deadline = transition.plus(max(currentPause(), policy().interval()));
      if (now.isBefore(deadline)) {
        if (!"AwaitingAnalysis".equals(st.reason)) {
          transition("AwaitingAnalysis", "pause over; waiting for a passing analysis until " + deadline);
        }
        return waitUntil(earliest(analysis, deadline));
      }
      if (st.stepVerdict == Verdict.Fail) {
        AnalysisResult failing = latestWith(Verdict.Fail).orElse(null);
        end(RolledBack, "AnalysisFailed", "analysis still failing after the step's grace period: " + describe(failing), failing);
      } else {
        AnalysisResult failing = latestWith(Verdict.Inconclusive).orElse(null);
        end(Failed, "AnalysisInconclusive", "no conclusive analysis by " + deadline + ": " + describe(failing), failing);
      }
      return finish();
    }

    private Action advance() {
      if (gated() && !approved()) {
        st.phase = AwaitingApproval;
        st.nextTransitionTime = null;
        transition("AwaitingApproval", "step " + st.stepLabel + " at " + st.weight + "% passed; awaiting approval: set spec.approvedStep to "
            + st.step + " to go on, or spec.promote to promote now");
        announce(Kind.AwaitingApproval, "AwaitingApproval", st.message, null);
        return awaitApproval();
      }
      announce(Kind.StepCompleted, "StepCompleted", "step " + st.stepLabel + " at " + st.weight + "% completed", null);
      if (st.step < plan().size()) {
        return enterStep(st.step + 1);
      }
      return promote("Completed", "all " + plan().size() + " steps passed");
    }

    /** Held at a gate: analysis goes on every interval; without metrics nothing is due until the spec changes. */
    private Action awaitApproval() {
      if (!policy().hasMetrics()) {
        return new Action.Hold();
      }
      Instant analysis = nextAnalysis();
      return now.isBefore(analysis) ? waitUntil(analysis) : new Action.RunAnalysis(policy().interval());
    }

    /** When the next run is due; a policy that gained metrics mid-release has none scheduled yet: now. */
    private Instant nextAnalysis() {
      return st.nextAnalysisTime == null ? now : Instant.parse(st.nextAnalysisTime);
    }

    /** The current step has an approval gate; false when an edited policy no longer has this step. */
    private boolean gated() {
      return st.step >= 1 && st.step <= plan().size() && plan().step(st.step).approval();
    }

    private boolean approved() {
      int approved = in.controls().approvedStep();
      // After a retry the gates are asked again: the value that approved the earlier attempt does not.
      return approved >= st.step && (st.approvedStepAtRetry == null || approved != st.approvedStepAtRetry);
    }

    private Action promote(String reason, String message) {
      if (!policy().postTraffic().isEmpty() && !st.canaryVersion.equals(st.stableVersion)) {
        st.phase = Verifying;
        st.weight = 100;
        st.nextTransitionTime = null;
        st.nextAnalysisTime = null;
        st.pauseRemaining = null;
        transition("RunningPostTrafficHooks", message + "; all traffic on version " + st.canaryVersion + ", post-traffic hooks next");
        return verifying();
      }
      end(Succeeded, reason, message + "; all traffic on version " + st.canaryVersion, null);
      return finish();
    }

    /** All traffic on the canary, then its post-traffic hooks; Succeeded once they all passed. */
    private Action verifying() {
      AliasState all = AliasState.single(st.canaryVersion);
      if (!all.equals(in.observed())) {
        return new Action.SetAlias(all);
      }
      Optional<Action> postTraffic = hooks(HookResult.Stage.PostTraffic);
      if (postTraffic.isPresent()) {
        return postTraffic.get();
      }
      end(Succeeded, "PostTrafficHooksPassed", "all " + policy().postTraffic().size() + " post-traffic hooks passed; all traffic on version "
          + st.canaryVersion, null);
      return finish();
    }

    /**
     * The next step of {@code stage}'s hooks: record the attempt fed back, run the first hook that
     * has not passed (recorded as Running first), wait for its retry, or end the release on one that
     * failed. Empty once every hook of the stage has passed.
     */
    private Optional<Action> hooks(HookResult.Stage stage) {
      for (CanaryPolicySpec.Hook hook : policy().hooks(stage)) {
        HookResult r = hookResult(stage, hook.name);
        boolean underWay = r.phase == HookResult.Phase.Running && r.attempts > 0 && r.nextAttemptTime == null;
        if (underWay && hookOutcome != null) {
          HookOutcome o = hookOutcome;
          hookOutcome = null;
          r.time = now.toString();
          r.reason = o.reason();
          r.message = o.message();
          int retries = hook.retries == null ? 0 : hook.retries;
          if (o.passed()) {
            r.phase = HookResult.Phase.Passed;
          } else if (o.terminal() || r.attempts > retries) {
            r.phase = HookResult.Phase.Failed;
          } else {
            r.nextAttemptTime = now.plus(HOOK_RETRY_DELAY).toString();
          }
        }
        if (r.phase == HookResult.Phase.Passed) {
          continue;
        }
        if (r.phase == HookResult.Phase.Failed) {
          return Optional.of(hookFailed(stage, r));
        }
        if (r.nextAttemptTime != null && now.isBefore(Instant.parse(r.nextAttemptTime))) {
          return Optional.of(waitUntil(Instant.parse(r.nextAttemptTime)));
        }
        if (!underWay) {
          // Recorded before the call: a restart re-runs this attempt, never one that passed.
          r.phase = HookResult.Phase.Running;
          r.attempts++;
          r.nextAttemptTime = null;
          transition(stage == HookResult.Stage.PreTraffic ? "RunningPreTrafficHooks" : "RunningPostTrafficHooks",
              stageName(stage) + " hook " + hook.name + ": attempt " + r.attempts + " of " + (1 + (hook.retries == null ? 0 : hook.retries)));
        }
        return Optional.of(new Action.RunHook(stage, hook.name));
      }
      return Optional.empty();
    }

    /** The status entry of a hook, added (not yet attempted) when it has none. */
    private HookResult hookResult(HookResult.Stage stage, String name) {
      if (st.hooks == null) {
        st.hooks = new ArrayList<>();
      }
      return st.hooks.stream().filter(h -> h.stage == stage && name.equals(h.name)).findFirst().orElseGet(() -> {
        HookResult r = new HookResult();
        r.name = name;
        r.stage = stage;
        r.attempts = 0;
        st.hooks.add(r);
        return r;
      });
    }

    /** A failed pre-traffic hook fails the release before any weight; a failed post-traffic hook rolls back. */
    private Action hookFailed(HookResult.Stage stage, HookResult r) {
      String what = stageName(stage) + " hook " + r.name + " failed after " + r.attempts + (r.attempts == 1 ? " attempt" : " attempts")
          + " (" + r.reason + "): " + r.message;
      String reason = Reasons.NOT_PERMITTED.equals(r.reason) ? Reasons.HOOK_NOT_PERMITTED
          : stage == HookResult.Stage.PreTraffic ? Reasons.PRE_TRAFFIC_HOOK_FAILED : Reasons.POST_TRAFFIC_HOOK_FAILED;
      if (stage == HookResult.Stage.PreTraffic) {
        end(Failed, reason, what + "; no traffic moved, all on version " + st.stableVersion, null);
      } else {
        end(RolledBack, reason, what + "; all traffic back on version " + st.stableVersion, null);
      }
      return finish();
    }

    /** Enters a final phase; {@link #finish} applies and confirms its alias. */
    void end(ReleasePhase phase, String reason, String message, AnalysisResult failing) {
      st.phase = phase;
      st.weight = phase == Succeeded ? 100 : 0;
      st.stepLabel = label();
      st.nextTransitionTime = null;
      st.nextAnalysisTime = null;
      st.pauseRemaining = null;
      st.finishTime = null;
      transition(reason, message);
      // A rollback is announced twice: now, as it starts, and once AWS confirms the alias (confirm).
      Kind kind = switch (phase) {
        case Succeeded -> Kind.Promoted;
        case RolledBack -> Kind.RollbackStarted;
        case Superseded -> Kind.Superseded;
        default -> Kind.Failed;
      };
      announce(kind, reason, message, failing);
    }

    /**
     * Applies the final phase's alias and confirms it. With no observed alias (the function, alias
     * or service is gone) there is nothing left to set: the release finishes and says so, so that no
     * newer release waits on one that cannot progress.
     */
    Action finish() {
      if (st.finishTime != null) {
        return new Action.Done();
      }
      AliasState target = finalAlias();
      if (target != null && in.observed() == null) {
        return giveUp(Reasons.ALIAS_UNREACHABLE, "the alias could not be reached (function, alias or service gone), so it was not set to " + target);
      }
      if (target != null && !target.equals(in.observed())) {
        if (st.nextAliasAttemptTime != null && now.isBefore(Instant.parse(st.nextAliasAttemptTime))) {
          return waitUntil(Instant.parse(st.nextAliasAttemptTime));
        }
        return new Action.SetAlias(target);
      }
      st.nextAliasAttemptTime = null;
      confirm(st.message);
      return new Action.Done();
    }

    private void confirm(String message) {
      st.finishTime = now.toString();
      st.duration = Durations.format(positive(Duration.between(Instant.parse(st.startTime), now)));
      transition(st.reason, message);
      if (st.phase == RolledBack && !hasCondition(ROLLBACK_FAILED)) {
        AnalysisResult failing = Reasons.ANALYSIS_FAILED.equals(st.reason) ? latestWith(Verdict.Fail).orElse(null) : null;
        announce(Kind.RolledBack, st.reason, message + "; alias " + st.alias + " back on version " + st.stableVersion + " after " + st.duration, failing);
      }
    }

    /** One more refused UpdateAlias of the final phase: wait out the backoff, or give up. */
    Action refused(String reason, String message) {
      int attempts = (st.aliasAttempts == null ? 0 : st.aliasAttempts) + 1;
      st.aliasAttempts = attempts;
      if (attempts < ALIAS_ATTEMPTS) {
        Duration delay = backoff(attempts);
        st.nextAliasAttemptTime = now.plus(delay).toString();
        return new Action.Wait(delay);
      }
      st.nextAliasAttemptTime = null;
      return giveUp(reason, "AWS refused UpdateAlias to " + finalAlias() + " " + attempts + " times: " + message);
    }

    /**
     * Finishes without the final alias: the condition RollbackFailed says what AWS shows and what a
     * person must do; Degraded, never Ready.
     */
    private Action giveUp(String reason, String what) {
      AliasState target = finalAlias();
      String shown = st.observedAlias == null ? "no alias" : "the alias at " + st.observedAlias;
      String message = what + ". AWS last showed " + shown + ". A person must set it: aws lambda update-alias --function-name "
          + st.function + " --name " + st.alias + " --function-version " + target.version()
          + " --routing-config AdditionalVersionWeights={}"
          + (Reasons.ACCESS_DENIED.equals(reason) ? " (and grant the operator's role lambda:UpdateAlias on it)" : "");
      setCondition(ROLLBACK_FAILED, true, reason, message);
      confirm(st.message + "; alias not set: " + what);
      announce(Kind.Failed, ROLLBACK_FAILED, message, null);
      return new Action.Done();
    }

    private Duration backoff(int attempts) {
      Duration d = retryInitial.multipliedBy(1L << Math.min(attempts - 1, 20));
      return d.compareTo(retryMax) > 0 ? retryMax : d;
    }

    /**
     * Where a final phase leaves the alias: Succeeded on the canary; RolledBack and Failed on the
     * stable version with no weights, whoever set them (a failed successor clears what its
     * superseded predecessor shifted); Superseded leaves it to the newer release. Null when there is
     * nothing to set: superseded, or no version known.
     */
    private AliasState finalAlias() {
      if (st.phase == Superseded) {
        return null;
      }
      String version = st.phase == Succeeded ? st.canaryVersion : st.stableVersion;
      return version == null ? null : AliasState.single(version);
    }

    /** The current step's pause; zero when an edited policy no longer has this step. */
    private Duration currentPause() {
      return st.step <= plan().size() ? plan().step(st.step).pause() : Duration.ZERO;
    }

    private AliasState stepAlias() {
      return st.step == 0 ? AliasState.single(st.stableVersion) : AliasState.weighted(st.stableVersion, st.canaryVersion, st.weight);
    }

    private Action waitUntil(Instant t) {
      return new Action.Wait(positive(Duration.between(now, t)));
    }

    private void transition(String reason, String message) {
      st.reason = reason;
      st.message = message;
      boolean finished = st.phase.isFinal() && st.finishTime != null;
      boolean aliasFailed = hasCondition(ROLLBACK_FAILED);
      setCondition("Ready", st.phase == Succeeded && finished && !aliasFailed, reason, message);
      setCondition("Progressing", !finished, reason, message);
      setCondition("Paused", st.phase == Paused || st.phase == AwaitingApproval, reason, message);
      setCondition("Degraded", st.phase == RolledBack || st.phase == Failed || aliasFailed, reason, message);
      // kstatus: Reconciling while the alias may still move; Stalled once it ended in a way only a
      // person (a retry, a fix, the alias set by hand) changes, with what needs doing.
      setCondition(Conditions.RECONCILING, !finished, reason, message);
      if (finished && aliasFailed) {
        Condition rollbackFailed = Conditions.find(st.conditions, ROLLBACK_FAILED).orElseThrow();
        setCondition(Conditions.STALLED, true, rollbackFailed.getReason(), rollbackFailed.getMessage());
      } else if (finished && (st.phase == RolledBack || st.phase == Failed)) {
        setCondition(Conditions.STALLED, true, reason, message);
      } else {
        Conditions.remove(st.conditions, Conditions.STALLED);
      }
    }

    /** Sets a condition, keeping its lastTransitionTime when its status did not change. */
    private void setCondition(String type, boolean value, String reason, String message) {
      String status = value ? "True" : "False";
      Condition old = st.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
      String since = old != null && status.equals(old.getStatus()) ? old.getLastTransitionTime() : now.toString();
      Condition c = new ConditionBuilder()
          .withType(type)
          .withStatus(status)
          .withReason(reason)
          .withMessage(message)
          .withObservedGeneration(in.generation())
          .withLastTransitionTime(since)
          .build();
      st.conditions.removeIf(x -> type.equals(x.getType()));
      st.conditions.add(c);
      st.conditions.sort(Comparator.comparing(Condition::getType));
    }

    private void announce(Kind kind, String reason, String message, AnalysisResult failing) {
      events.add(new ReleaseEvent(
          kind, in.release(), st.function, st.alias, st.stableVersion, st.canaryVersion, st.weight, st.stepLabel, reason, message, failing));
    }

    private String label() {
      return st.step + "/" + plan().size();
    }

    private ReleasePolicy policy() {
      return in.policy();
    }

    private StepPlan plan() {
      return in.policy().plan();
    }

    private Optional<AnalysisResult> latestWith(Verdict v) {
      for (int i = st.analysis.size() - 1; i >= 0; i--) {
        if (st.analysis.get(i).verdict == v && judged(st.analysis.get(i))) {
          return Optional.of(st.analysis.get(i));
        }
      }
      return Optional.empty();
    }
  }

  /**
   * A run fails when any check fails; it passes only when every check passes. Dry-run checks do not
   * count: a run of dry-run checks only passes, as a policy without metrics advances on time.
   */
  static Verdict overall(List<AnalysisResult> results) {
    List<AnalysisResult> judged = results.stream().filter(ReleaseMachine::judged).toList();
    if (judged.stream().anyMatch(r -> r.verdict == Verdict.Fail)) {
      return Verdict.Fail;
    }
    if (!results.isEmpty() && judged.isEmpty()) {
      return Verdict.Pass;
    }
    if (judged.isEmpty() || judged.stream().anyMatch(r -> r.verdict != Verdict.Pass)) {
      return Verdict.Inconclusive;
    }
    return Verdict.Pass;
  }

  private static boolean judged(AnalysisResult r) {
    return !Boolean.TRUE.equals(r.dryRun);
  }

  private static Optional<AnalysisResult> firstWith(List<AnalysisResult> results, Verdict v) {
    return results.stream().filter(ReleaseMachine::judged).filter(r -> r.verdict == v).findFirst();
  }

  private static String describe(AnalysisResult r) {
    if (r == null) {
      return "no result";
    }
    String value = r.value == null ? "no data" : String.valueOf(r.value);
    return r.metric + " = " + value + " (threshold " + Objects.toString(r.threshold, "-") + ")"
        + (r.message == null ? "" : ": " + r.message);
  }

  private static String stageName(HookResult.Stage stage) {
    return stage == HookResult.Stage.PreTraffic ? "pre-traffic" : "post-traffic";
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
