package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.NotificationEvent;

/**
 * One announcement in the words every channel shares: what happened ({@code event}, what channels
 * are routed by and subscribers filter on), an SNS subject (plain ASCII, under 100 characters), a
 * headline, the facts one per line, Slack's colour for the outcome, and the generic webhook's JSON
 * document (without its {@code text}, which is the headline).
 */
public record Announcement(NotificationEvent event, String subject, String headline, String details, String colour, ObjectNode document) {

  /** Slack's attachment colours: green for a success, red for a rollback or failure, amber for a warning, grey-blue otherwise. */
  static final String GREEN = "#2eb886";
  static final String RED = "#a30200";
  static final String AMBER = "#daa038";
  static final String BLUE = "#439fe0";

  /** {@code s} as an SNS subject: under 100 characters. */
  static String subject(String s) {
    return s.length() < 100 ? s : s.substring(0, 96) + "...";
  }

  static String orDash(String s) {
    return s == null ? "-" : s;
  }

  static void putIf(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
