package dev.slipway.aws;

import dev.slipway.aws.Delta.Difference;
import java.time.Duration;
import java.util.List;

/**
 * One change a kind plans: the differences it puts right and the calls that do it. A kind builds its
 * steps from desired and observed in {@link AwsResourceKind#compare}; the runtime reports them and
 * runs them, so what is reported and what is done cannot drift apart.
 *
 * @param changes what the step changes: usually one field, several when one call sets them together
 */
public record Step(List<Difference> changes, Runnable action) {

  public Step {
    changes = List.copyOf(changes);
  }

  /** A step changing one field. */
  public Step(String path, Object desired, Object observed, Runnable action) {
    this(List.of(new Difference(path, desired, observed)), action);
  }

  /** A step changing {@code changes} with one call. */
  public static Step of(Delta changes, Runnable action) {
    return new Step(changes.differences(), action);
  }

  /**
   * What the step would change, without running it: {@code memorySize: 128 -> 256, timeout: 3 -> 30}
   * (a redacted difference names its field only). Events, status and {@code kubectl slipway diff}
   * show steps this way.
   */
  public String describe() {
    return new Delta(changes).describe();
  }

  /** The field the step changes first, for messages. */
  public String path() {
    return changes.get(0).path();
  }

  /**
   * This step, after which the resource must settle before anything else changes (DynamoDB takes one
   * index change at a time): the resource is NotReady once it has run, and the next reconcile, after
   * {@code retryAfter}, plans the rest.
   */
  public Step thenAwait(String awaited, Duration retryAfter) {
    return new Step(changes, () -> {
      action.run();
      throw NotReady.awaiting(awaited, retryAfter);
    });
  }

  public static Delta delta(List<Step> steps) {
    return new Delta(steps.stream().flatMap(s -> s.changes().stream()).toList());
  }
}
