package dev.slipway.api.v1alpha1;

/**
 * What a notification channel may be routed ({@code events}): the transitions of a release (the
 * names of {@link dev.slipway.canary.ReleaseEvent.Kind}) and of a ServerlessService's Ready
 * condition. A CanaryPolicy's channels only ever see release events; a service's see both.
 */
public enum NotificationEvent {
  Started,
  StepCompleted,
  Paused,
  Resumed,
  AwaitingApproval,
  CheckFailed,
  Approved,
  Promoted,
  RollbackStarted,
  RolledBack,
  Failed,
  Superseded,
  Retried,
  RetryRefused,
  RetryIgnored,
  /** The service converged a generation: every AWS resource in sync (Ready became True, or True for a new generation). */
  ServiceReady,
  /** The service became Degraded: a failure, a refusal or a conflict holds it from converging. */
  ServiceDegraded,
  /** The service's object is gone: its AWS resources deleted, or retained under deletionPolicy Retain. */
  ServiceDeleted
}
