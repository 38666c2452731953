package dev.slipway.api.v1alpha1;

/** Where a LambdaRelease stands. */
public enum ReleasePhase {
  Pending,
  Progressing,
  Paused,
  AwaitingApproval,
  /** All traffic on the new version while its post-traffic hooks run; a failure rolls back. */
  Verifying,
  Succeeded,
  RolledBack,
  Failed,
  Superseded;

  /** A final phase: the release will not touch the alias again. */
  public boolean isFinal() {
    return this == Succeeded || this == RolledBack || this == Failed || this == Superseded;
  }
}
