package dev.slipway.reconciler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential backoff per object: the delay before the n-th consecutive retry is {@code initial}
 * doubled n-1 times, at most {@code max}. Attempts are counted in memory by a key (the object's
 * uid); a restart forgets them, which only resets the delay.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /** Counts one more consecutive failure of {@code key} and returns how long to wait before the next try. */
  public Duration next(String key) {
    return delay(initial, max, attempts.merge(key, 1, Integer::sum));
  }

  /** The object made progress (or is gone): its next failure starts again at the initial delay. */
  public void reset(String key) {
    attempts.remove(key);
  }

  /** The delay before retry number {@code attempt} (1 for the first). */
  public static Duration delay(Duration initial, Duration max, int attempt) {
    // Capped shift: past 2^16 the product would only overflow, and max is long reached.
    Duration d = initial.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 16));
    return d.compareTo(max) > 0 ? max : d;
  }
}
