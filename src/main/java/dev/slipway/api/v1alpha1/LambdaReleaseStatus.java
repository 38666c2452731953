package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The release state machine, persisted: everything needed to resume after an operator restart
 * without repeating or skipping a step.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LambdaReleaseStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("The value of the annotation slipway.dev/reconcile-requested-at that the operator handled last (a reconcile started after it was set): a tool that sets the annotation waits for this to match.")
  public String lastHandledReconcileAt;

  @JsonPropertyDescription("Pending, Progressing, Paused, AwaitingApproval (held at an approval gate), Verifying (all traffic on the new version, postTraffic hooks running), Succeeded, RolledBack, Failed or Superseded.")
  public ReleasePhase phase;

  @JsonPropertyDescription("Physical name of the function being released.")
  public String function;

  @JsonPropertyDescription("Alias whose traffic is shifted.")
  public String alias;

  @JsonPropertyDescription("Where the release shifts traffic, resolved when it started and kept until it ends: a service edited or deleted mid-release changes the next release, not this one.")
  public PinnedTarget target;

  /** Typed here; schema-less in the CRD, so the policy's own rules are not checked again on every status write. */
  @SchemaFrom(type = JsonNode.class)
  @PreserveUnknownFields
  @JsonPropertyDescription("The CanaryPolicy's spec as it was when the release started (steps, analysis, hooks, notifications): an edited or deleted policy changes the next release, not this one.")
  public CanaryPolicySpec policy;

  @JsonPropertyDescription("Version the alias pointed at when the release started; rollback returns to it.")
  public String stableVersion;

  @JsonPropertyDescription("Version published with the new code; for spec.rollbackTo, the version the named release shipped.")
  public String canaryVersion;

  @JsonPropertyDescription("Percentage of the alias's traffic the canary version receives now, as set in AWS.")
  public Integer weight;

  @JsonPropertyDescription("The alias as AWS last reported it, e.g. 1 + 2@10% (version 1, version 2 with 10 % of the traffic).")
  public String observedAlias;

  @JsonPropertyDescription("UpdateAlias calls of the final phase that AWS refused in a row; after a few the release gives up with the condition RollbackFailed.")
  public Integer aliasAttempts;

  @JsonPropertyDescription("When the final phase's refused UpdateAlias is tried again (RFC 3339), backing off exponentially.")
  public String nextAliasAttemptTime;

  @JsonPropertyDescription("Index of the current step, 1-based; 0 before the first shift.")
  public Integer step;

  @JsonPropertyDescription("Number of steps of the policy (the final promotion not counted).")
  public Integer totalSteps;

  @JsonPropertyDescription("step/totalSteps for kubectl get.")
  public String stepLabel;

  @JsonPropertyDescription("When the current step's weight was decided (RFC 3339).")
  public String stepStartTime;

  @JsonPropertyDescription("When the next step or promotion is due (RFC 3339).")
  public String nextTransitionTime;

  @JsonPropertyDescription("When the next analysis is due (RFC 3339).")
  public String nextAnalysisTime;

  @JsonPropertyDescription("Time left of the current step's pause when the release was paused, e.g. 12m30s; the timer resumes from it.")
  public String pauseRemaining;

  @JsonPropertyDescription("Verdict of the latest analysis run in the current step (Pass, Fail, Inconclusive); absent before the step's first run. Only Pass lets the step advance.")
  public AnalysisResult.Verdict stepVerdict;

  @JsonPropertyDescription("Consecutive failed (and, if the policy says so, inconclusive) analysis runs of the checks without a"
      + " failureLimit of their own, in the current step.")
  public Integer consecutiveFailures;

  @JsonPropertyDescription("Consecutive failed runs in the current step of each check that has a failureLimit of its own, by metric name.")
  public Map<String, Integer> checkFailures;

  @JsonPropertyDescription("The most recent analysis results, newest last (bounded).")
  public List<AnalysisResult> analysis = new ArrayList<>();

  @JsonPropertyDescription("The lifecycle hooks of this attempt, in the order they ran: each one's phase, attempts and latest outcome.")
  public List<HookResult> hooks;

  @JsonPropertyDescription("Ready (finished successfully), Progressing and Reconciling (kstatus: until the final phase is confirmed), Stalled (kstatus: only once the release has finished RolledBack or Failed, or its alias could not be restored), Paused (held by spec.paused, reason PausedBySpec, or at an approval gate, reason AwaitingApproval), Degraded, RollbackFailed and RetryRefused (a spec.retry that was not carried out, and why), with reasons.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The spec.retry value last handled (a retry started, refused or ignored), or the one the release started with. A spec.retry above it asks for a new attempt.")
  public Integer observedRetry;

  @JsonPropertyDescription("spec.approvedStep when the current attempt was started by a retry: gates are approved only by a value other than it.")
  public Integer approvedStepAtRetry;

  @JsonPropertyDescription("The release that superseded this one.")
  public String supersededBy;

  @JsonPropertyDescription("CamelCase reason of the latest transition, e.g. Completed, AnalysisFailed, Aborted, NoChange.")
  public String reason;

  @JsonPropertyDescription("Human-readable summary of the latest transition.")
  public String message;

  @JsonPropertyDescription("When the release started (RFC 3339).")
  public String startTime;

  @JsonPropertyDescription("When the release reached a final phase and AWS confirmed its alias (RFC 3339); a final phase without it is still setting the alias.")
  public String finishTime;

  @JsonPropertyDescription("Duration from start to finish, e.g. 40m12s.")
  public String duration;
}
