package dev.slipway.api.v1alpha1;

/** Where a LambdaRelease stands. */
public enum ReleasePhase {
  Pending,
  Progressing,
  Paused,
  AwaitingApproval,
  Succeeded,
  RolledBack,
  Failed,
  Superseded;

  /** A final phase: the release will not touch the alias again. */
  public boolean isFinal() {
    return this == Succeeded || this == RolledBack || this == Failed || this == Superseded;
  }
}
