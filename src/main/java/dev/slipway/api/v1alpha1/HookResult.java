package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where one lifecycle hook of a release stands. Written before each attempt (Running), so an
 * operator stopped mid-hook runs that attempt again and never re-runs a hook that passed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HookResult {

  /** When in the release a hook runs. */
  public enum Stage {
    PreTraffic,
    PostTraffic
  }

  /** An attempt is under way, the hook passed, or it failed for good. */
  public enum Phase {
    Running,
    Passed,
    Failed
  }

  @JsonPropertyDescription("The hook's name in the CanaryPolicy.")
  public String name;

  @JsonPropertyDescription("PreTraffic (before any weight is set) or PostTraffic (all traffic on the new version).")
  public Stage stage;

  @JsonPropertyDescription("Running (an attempt is under way or due), Passed or Failed (no attempt left, or refused).")
  public Phase phase;

  @JsonPropertyDescription("Attempts started so far.")
  public Integer attempts;

  @JsonPropertyDescription("CamelCase outcome of the latest attempt: Succeeded, NotSucceeded, FunctionError, HttpStatus, Unreachable,"
      + " NotPermitted, OutboundRefused, or an AWS error code.")
  public String reason;

  @JsonPropertyDescription("What the latest attempt found, shortened; never a response body or a secret.")
  public String message;

  @JsonPropertyDescription("When the next attempt is due after a failed one (RFC 3339).")
  public String nextAttemptTime;

  @JsonPropertyDescription("When the latest attempt ended (RFC 3339).")
  public String time;
}
