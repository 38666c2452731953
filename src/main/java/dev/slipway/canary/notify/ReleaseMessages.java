package dev.slipway.canary.notify;

import static dev.slipway.canary.notify.Announcement.orDash;
import static dev.slipway.canary.notify.Announcement.putIf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.NotificationEvent;
import dev.slipway.canary.ReleaseEvent;

/** The words of a release's announcement, shared by every channel. */
final class ReleaseMessages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReleaseMessages() {}

  static Announcement of(ReleaseEvent e) {
    return new Announcement(NotificationEvent.valueOf(e.kind().name()), subject(e), headline(e), details(e), colour(e.kind()), document(e));
  }

  /** One line, plain ASCII (SNS subjects allow nothing else), under 100 characters. */
  static String subject(ReleaseEvent e) {
    return Announcement.subject("Slipway: " + e.function() + ":" + e.alias() + " release " + verb(e));
  }

  static String headline(ReleaseEvent e) {
    return icon(e.kind()) + " " + e.release() + " " + verb(e) + " (" + e.function() + ":" + e.alias() + ")";
  }

  /** The facts, one per line: function, versions, weight and step, reason, failing check. */
  static String details(ReleaseEvent e) {
    StringBuilder b = new StringBuilder()
        .append("Function: ").append(e.function()).append(':').append(e.alias()).append('\n')
        .append("Versions: stable ").append(orDash(e.stableVersion())).append(", canary ").append(orDash(e.canaryVersion())).append('\n')
        .append("Weight: ").append(e.weight()).append("% on the canary, step ").append(orDash(e.step())).append('\n')
        .append("Reason: ").append(e.reason()).append(" - ").append(e.message());
    if (e.commit() != null || e.deployer() != null) {
      b.append('\n').append("Commit: ").append(orDash(e.commit())).append(", deployed by ").append(orDash(e.deployer()));
    }
    AnalysisResult f = e.failing();
    if (f != null) {
      b.append('\n').append("Failing check: ").append(f.metric).append(" = ").append(f.value == null ? "no data" : f.value)
          .append(" (threshold ").append(orDash(f.threshold)).append(')');
    }
    return b.toString();
  }

  /**
   * The generic webhook's document, version 1: {@code {"apiVersion":"slipway.dev/v1","kind":"ReleaseEvent",
   * "event":"RolledBack","release":...,"function":...,"alias":...,"stableVersion":...,"canaryVersion":...,
   * "weight":10,"step":"1/2","reason":...,"message":...,"commit":...,"deployer":...,
   * "failingCheck":{"metric","value","threshold"}}}; fields without a value are left out.
   */
  private static ObjectNode document(ReleaseEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "slipway.dev/v1");
    root.put("kind", "ReleaseEvent");
    root.put("event", e.kind().name());
    root.put("release", e.release());
    root.put("function", e.function());
    putIf(root, "alias", e.alias());
    putIf(root, "stableVersion", e.stableVersion());
    putIf(root, "canaryVersion", e.canaryVersion());
    root.put("weight", e.weight());
    putIf(root, "step", e.step());
    putIf(root, "reason", e.reason());
    putIf(root, "message", e.message());
    putIf(root, "commit", e.commit());
    putIf(root, "deployer", e.deployer());
    AnalysisResult f = e.failing();
    if (f != null) {
      ObjectNode check = root.putObject("failingCheck");
      check.put("metric", f.metric);
      if (f.value != null) {
        check.put("value", f.value);
      }
      putIf(check, "threshold", f.threshold);
    }
    return root;
  }

  private static String verb(ReleaseEvent e) {
    return switch (e.kind()) {
      case Started -> "started";
      case StepCompleted -> "completed step " + e.step();
      case Paused -> "paused";
      case Resumed -> "resumed";
      case AwaitingApproval -> "awaiting approval at step " + e.step();
      case CheckFailed -> "check " + (e.failing() == null ? "" : e.failing().metric + " ") + "failed at step " + e.step();
      case Approved -> "approved at step " + e.step();
      case Promoted -> "promoted";
      case RollbackStarted -> "rolling back";
      case RolledBack -> "rolled back";
      case Failed -> "failed";
      case Superseded -> "superseded";
      case Retried -> "retried";
      case RetryRefused -> "retry refused";
      case RetryIgnored -> "retry ignored";
    };
  }

  private static String icon(ReleaseEvent.Kind k) {
    return switch (k) {
      case Started -> ":rocket:";
      case StepCompleted -> ":arrow_forward:";
      case Paused -> ":double_vertical_bar:";
      case Resumed -> ":arrow_forward:";
      case AwaitingApproval -> ":raised_hand:";
      case CheckFailed -> ":warning:";
      case Approved -> ":+1:";
      case Promoted -> ":white_check_mark:";
      case RollbackStarted -> ":leftwards_arrow_with_hook:";
      case RolledBack -> ":rewind:";
      case Failed -> ":x:";
      case Superseded -> ":fast_forward:";
      case Retried -> ":repeat:";
      case RetryRefused -> ":no_entry:";
      case RetryIgnored -> ":information_source:";
    };
  }

  /** Slack's attachment colour: green for a success, red for a rollback or failure, amber for a warning, blue otherwise. */
  static String colour(ReleaseEvent.Kind k) {
    return switch (k) {
      case Promoted -> Announcement.GREEN;
      case RollbackStarted, RolledBack, Failed, RetryRefused -> Announcement.RED;
      case CheckFailed, Paused, AwaitingApproval -> Announcement.AMBER;
      default -> Announcement.BLUE;
    };
  }
}
