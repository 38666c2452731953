package dev.slipway.canary;

import dev.slipway.api.v1alpha1.AnalysisResult;

/**
 * A transition worth announcing (Kubernetes Event, SNS, Slack). {@code failing} is the check that
 * decided a rollback or failure, when one did.
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
    AnalysisResult failing) {

  public enum Kind {
    Started,
    StepCompleted,
    Paused,
    Resumed,
    AwaitingApproval,
    Approved,
    Promoted,
    RolledBack,
    Failed,
    Superseded,
    Retried,
    RetryRefused,
    RetryIgnored
  }
}
