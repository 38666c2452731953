package dev.slipway.canary;

import dev.slipway.api.v1alpha1.AnalysisResult;

/**
 * A transition worth announcing (Kubernetes Event, SNS, Slack, webhook). {@code failing} is the check
 * that decided a rollback or failure (or failed first, for CheckFailed), when one did; {@code commit}
 * and {@code deployer} say what was released and by whom, when the release's annotations say so.
 */
public record ReleaseEvent(
    Kind kind,
    String release,
    String function,
    String alias,
    String stableVersion,
    String canaryVersion,
    int weight,
    String step,
    String reason,
    String message,
    AnalysisResult failing,
    String commit,
    String deployer) {

  /** An event of the release machine, which knows no annotations. */
  public ReleaseEvent(
      Kind kind, String release, String function, String alias, String stableVersion, String canaryVersion, int weight, String step,
      String reason, String message, AnalysisResult failing) {
    this(kind, release, function, alias, stableVersion, canaryVersion, weight, step, reason, message, failing, null, null);
  }

  /** This event, saying what was released ({@code commit}) and by whom ({@code deployer}); either may be null. */
  public ReleaseEvent withOrigin(String commit, String deployer) {
    return new ReleaseEvent(kind, release, function, alias, stableVersion, canaryVersion, weight, step, reason, message, failing, commit, deployer);
  }

  public enum Kind {
    Started,
    StepCompleted,
    Paused,
    Resumed,
    AwaitingApproval,
    /** The first failed run of a check in a row: a warning before its failure limit rolls the release back. */
    CheckFailed,
    Approved,
    Promoted,
    /** A rollback decided: the alias is being moved back to the stable version. */
    RollbackStarted,
    /** A rollback finished: AWS confirmed the alias on the stable version. */
    RolledBack,
    Failed,
    Superseded,
    Retried,
    RetryRefused,
    RetryIgnored
  }
}
