package dev.slipway.status;

/**
 * The CamelCase reasons of conditions and events, named once so that the reconcilers, the tests and
 * the Argo CD health scripts cannot drift apart on spelling. Reasons made from AWS error codes
 * ({@code AccessDenied}, {@code AwsUnavailable}...) come from {@link dev.slipway.aws.AwsErrors}.
 */
public final class Reasons {

  // ServerlessService
  public static final String CONVERGED = "Converged";
  public static final String PROGRESSING = "Progressing";
  public static final String RETRYING_AFTER_ERROR = "RetryingAfterError";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String INTERNAL_ERROR = "InternalError";
  public static final String BLOCKED = "Blocked";
  public static final String OWNED_BY_ANOTHER_SERVICE = "OwnedByAnotherService";
  /** A resource a status entry names is not tagged for this service: it is neither adopted nor deleted. */
  public static final String NOT_OWNED = "NotOwned";
  /** The spec changes what AWS cannot change in place (a table key, a FIFO topic). */
  public static final String IMMUTABLE_FIELD = "ImmutableField";
  /**
   * The outputs ConfigMap's name is taken by a ConfigMap this service does not own (a user's own):
   * it is left as it is, and the service is not Ready until it is renamed or deleted.
   */
  public static final String OUTPUTS_CONFLICT = "OutputsConflict";
  /** A notification channel did not take an announcement (a Warning event only: it fails nothing). */
  public static final String NOTIFICATION_FAILED = "NotificationFailed";
  /** A resource takes a value from a Secret key that does not exist (yet). */
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String POLICY_UNREADABLE = "PolicyUnreadable";
  /** A declared IAM statement with wildcards the user allowed explicitly. */
  public static final String WIDE_GRANT = "WideGrant";

  /**
   * The object asks for an AWS identity, region or function that no SlipwayTenancy allows its
   * namespace: terminal, and no AWS call is made for it until a tenancy (or the spec) changes.
   */
  public static final String NOT_PERMITTED = "NotPermitted";
  /** A tenancy grant was revoked (a queue, a role statement's reach): what it gave the service was taken back, until the grant returns. */
  public static final String GRANT_REVOKED = "GrantRevoked";
  /** A lifecycle hook the tenancy does not let the release invoke: it was not called. */
  public static final String HOOK_NOT_PERMITTED = "HookNotPermitted";
  /** A pre-traffic hook failed: the release failed before any weight was set. */
  public static final String PRE_TRAFFIC_HOOK_FAILED = "PreTrafficHookFailed";
  /** A post-traffic hook failed with all traffic on the new version: the release rolled back. */
  public static final String POST_TRAFFIC_HOOK_FAILED = "PostTrafficHookFailed";

  // CanaryPolicy
  public static final String VALID = "Valid";
  public static final String INVALID_POLICY = "InvalidPolicy";

  // LambdaRelease
  public static final String PUBLISHING = "Publishing";
  public static final String STARTED = "Started";
  public static final String STEP_STARTED = "StepStarted";
  public static final String STEP_COMPLETED = "StepCompleted";
  public static final String PAUSED_BY_SPEC = "PausedBySpec";
  public static final String RESUMED = "Resumed";
  public static final String AWAITING_ANALYSIS = "AwaitingAnalysis";
  public static final String ANALYSIS_FAILED = "AnalysisFailed";
  /** Event reason: a check's first failed run in a row, before its failure limit rolls the release back. */
  public static final String CHECK_FAILED = "CheckFailed";
  public static final String ANALYSIS_INCONCLUSIVE = "AnalysisInconclusive";
  public static final String ABORTED = "Aborted";
  public static final String PROMOTED_BY_USER = "PromotedByUser";
  public static final String NO_CHANGE = "NoChange";
  public static final String ALL_AT_ONCE = "AllAtOnce";
  public static final String COMPLETED = "Completed";
  public static final String SUPERSEDED = "Superseded";
  public static final String SERVICE_NOT_FOUND = "ServiceNotFound";
  public static final String FUNCTION_NOT_FOUND = "FunctionNotFound";
  public static final String ALIAS_NOT_FOUND = "AliasNotFound";
  public static final String POLICY_NOT_FOUND = "PolicyNotFound";
  public static final String CODE_NOT_FOUND = "CodeNotFound";
  public static final String CODE_UNREADABLE = "CodeUnreadable";
  /**
   * Condition type and reason: the final phase's UpdateAlias was refused until the release gave up,
   * or its alias could not be reached; the condition's message says what a person must do.
   */
  public static final String ROLLBACK_FAILED = "RollbackFailed";
  /** The alias of a final phase could not be reached: function, alias or service gone. */
  public static final String ALIAS_UNREACHABLE = "AliasUnreachable";
  /** AWS refused a call for lack of permission (as {@link dev.slipway.aws.AwsErrors#reason} names it). */
  public static final String ACCESS_DENIED = "AccessDenied";
  /** The release was deleted mid-release: its alias went back to the stable version first. */
  public static final String DELETED = "Deleted";
  /** Deleting, and AWS is still carrying a deletion out (a CloudFront distribution disabling). */
  public static final String DELETING = "Deleting";
  /** The release was deleted without its alias restored (unreachable, refused, or the bound passed). */
  public static final String ALIAS_NOT_RESTORED = "AliasNotRestored";
  /** A started release's service now resolves to another function, alias, region or role: the release keeps its pinned target. */
  public static final String TARGET_CHANGED = "TargetChanged";
  /** A release whose service is in another shard was relabelled for it. */
  public static final String HANDED_OVER = "HandedOver";
  /** Event reason: spec.retry started a fresh attempt of a RolledBack or Failed release. */
  public static final String RETRY = "Retry";
  /** Condition type and event reason: a spec.retry the release did not carry out; the reason says why. */
  public static final String RETRY_REFUSED = "RetryRefused";
  /** Event reason: a Succeeded release has nothing to retry. */
  public static final String RETRY_IGNORED = "RetryIgnored";
  /** A retry of a release whose rollback AWS never confirmed (RollbackFailed) while the alias is not yet on the stable version. */
  public static final String ALIAS_NOT_CONFIRMED = "AliasNotConfirmed";
  /** spec.rollbackTo names no LambdaRelease of the namespace. */
  public static final String ROLLBACK_TARGET_NOT_FOUND = "RollbackTargetNotFound";
  /** spec.rollbackTo names a release that has not Succeeded, so it shipped no version to return to. */
  public static final String ROLLBACK_TARGET_NOT_SUCCEEDED = "RollbackTargetNotSucceeded";
  /** spec.rollbackTo names a release of another function or alias. */
  public static final String ROLLBACK_TARGET_OTHER_ALIAS = "RollbackTargetOtherAlias";

  private Reasons() {}
}
