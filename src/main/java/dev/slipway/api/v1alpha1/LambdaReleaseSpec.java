package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.service) != has(self.functionName)",
    message = "name either service (with function) or functionName (with alias), not both",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.service) || has(self.function)",
    message = "service needs function: the name of one of its functions",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!has(self.functionName) || (has(self.alias) && has(self.region))",
    message = "functionName needs alias and region",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "has(self.code) != has(self.rollbackTo)",
    message = "name exactly one of code (new code) and rollbackTo (an earlier release whose version to return to)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "has(self.code) == has(oldSelf.code) && (!has(self.code) || self.code == oldSelf.code)",
    message = "code is immutable: a new artifact is a new LambdaRelease",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "(has(self.rollbackTo) ? self.rollbackTo : '') == (has(oldSelf.rollbackTo) ? oldSelf.rollbackTo : '')",
    message = "rollbackTo is immutable: create a new LambdaRelease",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "[has(self.service) ? self.service : '', has(self.function) ? self.function : '', has(self.functionName) ? self.functionName : '']"
        + " == [has(oldSelf.service) ? oldSelf.service : '', has(oldSelf.function) ? oldSelf.function : '', has(oldSelf.functionName) ? oldSelf.functionName : '']",
    message = "the target function is immutable: create a new LambdaRelease",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "[has(self.alias) ? self.alias : '', has(self.region) ? self.region : '', has(self.roleArn) ? self.roleArn : '']"
        + " == [has(oldSelf.alias) ? oldSelf.alias : '', has(oldSelf.region) ? oldSelf.region : '', has(oldSelf.roleArn) ? oldSelf.roleArn : '']",
    message = "alias, region and roleArn are immutable: a release keeps the target it started with; create a new LambdaRelease",
    reason = "FieldValueForbidden")
public class LambdaReleaseSpec {

  @Size(max = 253)
  @JsonPropertyDescription("ServerlessService (same namespace) that owns the function.")
  public String service;

  @Size(max = 40)
  @JsonPropertyDescription("Logical name of a function of that service; the alias is the service's stage.")
  public String function;

  @Size(max = 140)
  @JsonPropertyDescription("Name or ARN of a function Slipway does not own (instead of service/function).")
  public String functionName;

  @Size(max = 128)
  @Pattern("^[a-zA-Z0-9_-]+$")
  @JsonPropertyDescription("Alias to shift, for functionName. A service's functions use the service's stage.")
  public String alias;

  @Size(max = 32)
  @Pattern("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
  @JsonPropertyDescription("Region of functionName. A service's functions use the service's region.")
  public String region;

  @Size(max = 2048)
  @Pattern("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")
  @JsonPropertyDescription("Role to assume for functionName. A service's functions use the service's roleArn.")
  public String roleArn;

  @JsonPropertyDescription("The new code. Immutable: a new artifact is a new release. Exactly one of code and rollbackTo.")
  public CodeSource code;

  /**
   * A rollback by name: the alias returns to what an earlier release shipped, without uploading or
   * publishing anything, so it is as fast as the runbook's update-alias and recorded like any release.
   */
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of an earlier LambdaRelease (same namespace, same function and alias) that Succeeded: this"
      + " release ships the version it shipped (its status.canaryVersion) instead of new code, and uploads or publishes"
      + " nothing. Without a policy the alias moves all at once; a named policy shifts it step by step as usual. A release"
      + " that does not exist, did not succeed or targets another alias fails the release with a reason and moves"
      + " nothing. Exactly one of code and rollbackTo. Immutable.")
  public String rollbackTo;

  @Size(max = 253)
  @JsonPropertyDescription("CanaryPolicy (same namespace) that decides steps and analysis. Absent means AllAtOnce.")
  public String policy;

  @Default("false")
  @JsonPropertyDescription("Hold at the current weight: no step advances and no analysis verdict counts until set back to false.")
  public Boolean paused = false;

  @Default("false")
  @JsonPropertyDescription("Skip the remaining steps, approval gates included, and shift all traffic to the new version now"
      + " (as Argo Rollouts' promote --full). To pass one approval gate and go on with the steps, use approvedStep.")
  public Boolean promote = false;

  /**
   * Approval of the policy's manual gates by step index, not a toggle: level-triggered, so it is
   * restart-safe and a value kept in Git approves the same gates however often it is applied.
   */
  @Min(0)
  @Max(CanaryPolicySpec.MAX_STEPS)
  @JsonPropertyDescription("Approves the approval gates of the steps up to this index (1-based, as status.step): a release"
      + " AwaitingApproval at step i goes on to the next step once approvedStep >= i (as Argo Rollouts' promote out of"
      + " pause: {}), with analysis still required to pass. Setting it ahead approves gates before they are reached;"
      + " promote instead skips all remaining steps. Default 0: no gate approved. A retry asks for the approvals again:"
      + " after it, a gate is approved only once approvedStep has changed from its value at the retry.")
  public Integer approvedStep;

  /**
   * A counter, not a toggle, for the same reasons as approvedStep: a value kept in Git or synced
   * again asks for no second attempt, and status.observedRetry says which request was handled.
   */
  @Min(0)
  @Default("0")
  @JsonPropertyDescription("Raise it above status.observedRetry to run a RolledBack or Failed release again, unchanged (as"
      + " Argo Rollouts' retry): once its alias is confirmed on the stable version, it starts over from Pending with"
      + " steps, weights, analysis, failure counts, approvals and timers reset, and the Event Retry. A release superseded"
      + " by a newer release of the same alias refuses (condition RetryRefused), as does one whose spec.abort is still true"
      + " (lift it in the same patch); a Succeeded release ignores it."
      + " kubectl patch lr NAME --type merge -p '{\"spec\":{\"retry\":1,\"abort\":false}}'")
  public Integer retry = 0;

  @Default("false")
  @JsonPropertyDescription("Roll back now: all traffic to the stable version.")
  public Boolean abort = false;
}
