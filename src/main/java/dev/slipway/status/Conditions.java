package dev.slipway.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes-style conditions: one per type, a CamelCase reason, and a lastTransitionTime that
 * moves only when the status (True/False/Unknown) changes, so watchers see real transitions.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  public static void set(
      List<Condition> conditions, String type, boolean status, String reason, String message, Long generation, Clock clock) {
    String s = status ? "True" : "False";
    Optional<Condition> existing = find(conditions, type);
    String since =
        existing.filter(c -> s.equals(c.getStatus())).map(Condition::getLastTransitionTime)
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    Condition c =
        new ConditionBuilder()
            .withType(type)
            .withStatus(s)
            .withReason(reason)
            .withMessage(message == null ? "" : message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    existing.ifPresentOrElse(old -> conditions.set(conditions.indexOf(old), c), () -> conditions.add(c));
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
