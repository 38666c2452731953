package dev.slipway.canary;

import java.time.Duration;

/** What the reconciler must do after persisting a {@link Decision}'s status. */
public sealed interface Action {

  /**
   * Update the function's code, wait for the update to finish, publish a version and feed it back
   * with {@link ReleaseInput#withPublished(String)}. Safe to repeat: publishing unchanged code
   * returns the existing version. A release naming {@code rollbackTo} publishes nothing: it feeds
   * back the version the named release shipped.
   */
  record Publish() implements Action {}

  /** Point the alias at {@code target} in one UpdateAlias call, then decide again. */
  record SetAlias(AliasState target) implements Action {}

  /** Run the policy's checks over the last interval and feed them back with {@link ReleaseInput#withAnalysis}. */
  record RunAnalysis(Duration window) implements Action {}

  /** Run one attempt of the policy's hook {@code name} of {@code stage}; feed it back with {@link ReleaseInput#withHook}. */
  record RunHook(dev.slipway.api.v1alpha1.HookResult.Stage stage, String name) implements Action {}

  /** Nothing to do until then: {@code rescheduleAfter(delay)}. */
  record Wait(Duration delay) implements Action {}

  /** Nothing is due until the spec changes (paused): no timer needed beyond the resync period. */
  record Hold() implements Action {}

  /** The release is final and the alias confirmed; it will never touch AWS again. */
  record Done() implements Action {}
}
