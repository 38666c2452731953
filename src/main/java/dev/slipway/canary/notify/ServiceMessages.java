package dev.slipway.canary.notify;

import static dev.slipway.canary.notify.Announcement.orDash;
import static dev.slipway.canary.notify.Announcement.putIf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.NotificationEvent;

/** The words of a service's announcement, shared by every channel. */
final class ServiceMessages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ServiceMessages() {}

  static Announcement of(ServiceEvent e) {
    String name = e.namespace() + "/" + e.service();
    String headline = icon(e) + " ServerlessService " + name + " " + verb(e) + " (stage " + e.stage() + ", " + e.region() + ")";
    StringBuilder details = new StringBuilder()
        .append("Service: ").append(name).append(", stage ").append(e.stage()).append(" in ").append(e.region()).append('\n')
        .append("Generation: ").append(e.generation()).append('\n')
        .append("Reason: ").append(e.reason()).append(" - ").append(e.message());
    if (e.commit() != null || e.deployer() != null) {
      details.append('\n').append("Commit: ").append(orDash(e.commit())).append(", deployed by ").append(orDash(e.deployer()));
    }
    return new Announcement(NotificationEvent.valueOf(e.kind().name()), Announcement.subject("Slipway: service " + name + " " + verb(e)), headline, details.toString(),
        colour(e), document(e));
  }

  /**
   * The generic webhook's document, version 1: {@code {"apiVersion":"slipway.dev/v1","kind":"ServiceEvent",
   * "event":"ServiceReady","namespace":...,"service":...,"stage":...,"region":...,"generation":3,
   * "reason":...,"message":...,"commit":...,"deployer":...}}; fields without a value are left out.
   */
  private static ObjectNode document(ServiceEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "slipway.dev/v1");
    root.put("kind", "ServiceEvent");
    root.put("event", e.kind().name());
    root.put("namespace", e.namespace());
    root.put("service", e.service());
    putIf(root, "stage", e.stage());
    putIf(root, "region", e.region());
    root.put("generation", e.generation());
    putIf(root, "reason", e.reason());
    putIf(root, "message", e.message());
    putIf(root, "commit", e.commit());
    putIf(root, "deployer", e.deployer());
    return root;
  }

  private static String verb(ServiceEvent e) {
    return switch (e.kind()) {
      case ServiceReady -> "ready";
      case ServiceDegraded -> "degraded";
      case ServiceDeleted -> "deleted";
    };
  }

  private static String icon(ServiceEvent e) {
    return switch (e.kind()) {
      case ServiceReady -> ":white_check_mark:";
      case ServiceDegraded -> ":x:";
      case ServiceDeleted -> ":wastebasket:";
    };
  }

  private static String colour(ServiceEvent e) {
    return switch (e.kind()) {
      case ServiceReady -> Announcement.GREEN;
      case ServiceDegraded -> Announcement.RED;
      case ServiceDeleted -> Announcement.BLUE;
    };
  }
}
