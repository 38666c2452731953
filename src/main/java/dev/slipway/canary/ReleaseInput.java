package dev.slipway.canary;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import java.util.List;

/**
 * Everything one decision looks at. {@code observed} is the alias as GetAlias returned it in this
 * reconcile; {@code published} and {@code analysis} are the results of the previous action, when
 * that action was {@link Action.Publish} or {@link Action.RunAnalysis}; {@code hook}, of an {@link Action.RunHook}. {@code newerRelease} names a
 * release of the same alias created after this one, if there is any: it refuses a retry of this one.
 */
public record ReleaseInput(
    String release,
    long generation,
    String function,
    String alias,
    Controls controls,
    ReleasePolicy policy,
    LambdaReleaseStatus status,
    AliasState observed,
    String published,
    List<AnalysisResult> analysis,
    String newerRelease,
    HookOutcome hook) {

  /**
   * The user's spec controls; {@code approvedStep}: the approval gates of steps up to this index are
   * approved; {@code retry}: the attempts asked for (spec.retry).
   */
  public record Controls(boolean paused, boolean promote, boolean abort, int approvedStep, int retry) {
    public static final Controls NONE = new Controls(false, false, false);

    public Controls(boolean paused, boolean promote, boolean abort) {
      this(paused, promote, abort, 0);
    }

    public Controls(boolean paused, boolean promote, boolean abort, int approvedStep) {
      this(paused, promote, abort, approvedStep, 0);
    }

    public static Controls of(LambdaReleaseSpec spec) {
      return new Controls(
          Boolean.TRUE.equals(spec.paused), Boolean.TRUE.equals(spec.promote), Boolean.TRUE.equals(spec.abort),
          spec.approvedStep == null ? 0 : spec.approvedStep, spec.retry == null ? 0 : spec.retry);
    }
  }

  public static ReleaseInput of(
      String release, long generation, String function, String alias, Controls controls, ReleasePolicy policy,
      LambdaReleaseStatus status, AliasState observed) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, observed, null, null, null, null);
  }

  public ReleaseInput withStatus(LambdaReleaseStatus s) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, s, observed, null, null, newerRelease, null);
  }

  public ReleaseInput withPolicy(ReleasePolicy p) {
    return new ReleaseInput(release, generation, function, alias, controls, p, status, observed, null, null, newerRelease, null);
  }

  public ReleaseInput withObserved(AliasState a) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, a, published, analysis, newerRelease, null);
  }

  public ReleaseInput withPublished(String version) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, observed, version, null, newerRelease, null);
  }

  public ReleaseInput withAnalysis(List<AnalysisResult> results) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, observed, null, List.copyOf(results), newerRelease, null);
  }

  public ReleaseInput withHook(HookOutcome outcome) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, observed, null, null, newerRelease, outcome);
  }

  public ReleaseInput withNewerRelease(String name) {
    return new ReleaseInput(release, generation, function, alias, controls, policy, status, observed, published, analysis, name, hook);
  }
}
