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
  /**
   * kstatus's condition for a terminal error (kstatus tools and Flux judge the object Failed): True
   * with the error's reason and message while it holds, and absent otherwise ("abnormal-true"
   * polarity, as Flux removes it). Never True together with Reconciling: kstatus reads whichever of
   * the two comes first.
   */
  public static final String STALLED = "Stalled";

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

  /** Removes the condition of {@code type}: how an abnormal-true condition such as {@link #STALLED} clears. */
  public static void remove(List<Condition> conditions, String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
