package dev.slipway.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Status copies and comparisons, through JSON so every field is covered without hand-written equals. */
final class Statuses {

  private Statuses() {}

  static <T> T copy(T status, Class<T> type) {
    return Serialization.jsonMapper().convertValue(status, type);
  }

  /**
   * Whether two statuses say the same, ignoring condition transition times:
   * a reconcile that changes nothing else must not patch status (no write, no event storm).
   */
  static boolean sameIgnoringTimes(Object a, Object b) {
    return normalized(a).equals(normalized(b));
  }

  private static JsonNode normalized(Object status) {
    JsonNode node = Serialization.jsonMapper().valueToTree(status);
    if (node instanceof ObjectNode o) {
      JsonNode conditions = o.get("conditions");
      if (conditions != null) {
        conditions.forEach(c -> ((ObjectNode) c).remove("lastTransitionTime"));
      }
    }
    return node;
  }
}
