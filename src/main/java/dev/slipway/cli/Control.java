package dev.slipway.cli;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The release controls, written exactly as deploy/argocd's LambdaRelease resource actions write them
 * (one spec field each, see deploy/argocd/README.md), and offered in exactly the phases its
 * discovery.lua offers them, so a control from the terminal and one from Argo CD are one thing to
 * the operator. A test holds both to the same cases.
 */
public enum Control {
  PROMOTE_STEP("promote-step"),
  PROMOTE_FULL("promote-full"),
  ABORT("abort"),
  PAUSE("pause"),
  RESUME("resume"),
  RETRY("retry");

  /** The name of the Argo CD action that writes the same. */
  public final String action;

  Control(String action) {
    this.action = action;
  }

  /** Whether the operator acts on this control in the release's present state (discovery.lua's rule). */
  public boolean offered(LambdaRelease release) {
    LambdaReleaseSpec spec = release.getSpec();
    LambdaReleaseStatus status = release.getStatus() == null ? new LambdaReleaseStatus() : release.getStatus();
    // No phase yet: the operator's first pass starts the release in Pending.
    ReleasePhase phase = status.phase == null ? ReleasePhase.Pending : status.phase;
    boolean deleting = release.getMetadata().getDeletionTimestamp() != null;
    boolean running = !phase.isFinal() && !deleting && !is(spec.abort);
    // Verifying ignores the stepping controls, and once spec.promote is set the steps are skipped anyway.
    boolean steering = running && phase != ReleasePhase.Verifying && !is(spec.promote);
    return switch (this) {
      case PROMOTE_STEP -> steering && phase == ReleasePhase.AwaitingApproval && !is(spec.paused) && !approved(spec, status)
          && approval(status) <= CanaryPolicySpec.MAX_STEPS;
      case PROMOTE_FULL -> steering;
      case ABORT -> running;
      case PAUSE -> steering && !is(spec.paused);
      case RESUME -> steering && is(spec.paused);
      case RETRY -> !deleting && orZero(spec.retry) <= orZero(status.observedRetry)
          && (phase == ReleasePhase.RolledBack || phase == ReleasePhase.Failed);
    };
  }

  /**
   * The JSON merge patch this control sends: {@code {"spec": {...}}} with the fields it changes, or an
   * empty map when it has nothing to write (promote-step away from a gate, retry on a release that did
   * not roll back or fail, or a value already set).
   */
  public Map<String, Object> patch(LambdaRelease release) {
    LambdaReleaseSpec spec = release.getSpec();
    LambdaReleaseStatus status = release.getStatus() == null ? new LambdaReleaseStatus() : release.getStatus();
    Map<String, Object> fields = new LinkedHashMap<>();
    switch (this) {
      case PROMOTE_STEP -> {
        if (status.phase == ReleasePhase.AwaitingApproval && status.step != null) {
          put(fields, "approvedStep", spec.approvedStep, approval(status));
        }
      }
      case PROMOTE_FULL -> put(fields, "promote", spec.promote, true);
      case ABORT -> put(fields, "abort", spec.abort, true);
      case PAUSE -> put(fields, "paused", spec.paused, true);
      case RESUME -> put(fields, "paused", spec.paused, false);
      case RETRY -> {
        if (status.phase == ReleasePhase.RolledBack || status.phase == ReleasePhase.Failed) {
          // A counter one above both itself and the last one handled, so a value lowered by hand still asks.
          put(fields, "retry", spec.retry, Math.max(orZero(spec.retry), orZero(status.observedRetry)) + 1);
          // Left set, spec.abort makes the operator refuse the retry: the retry is the user's word that it should run.
          if (is(spec.abort)) {
            fields.put("abort", false);
          }
        }
      }
    }
    return fields.isEmpty() ? Map.of() : Map.of("spec", fields);
  }

  /** The approvedStep that approves the gate at status.step: after a retry, the value the retry saw approves nothing. */
  private static int approval(LambdaReleaseStatus status) {
    int step = orZero(status.step);
    return Objects.equals(step, status.approvedStepAtRetry) ? step + 1 : step;
  }

  private static boolean approved(LambdaReleaseSpec spec, LambdaReleaseStatus status) {
    int approvedStep = orZero(spec.approvedStep);
    return approvedStep >= orZero(status.step)
        && (status.approvedStepAtRetry == null || approvedStep != status.approvedStepAtRetry);
  }

  private static void put(Map<String, Object> fields, String field, Object now, Object wanted) {
    if (!wanted.equals(now)) {
      fields.put(field, wanted);
    }
  }

  private static boolean is(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  private static int orZero(Integer i) {
    return i == null ? 0 : i;
  }
}
