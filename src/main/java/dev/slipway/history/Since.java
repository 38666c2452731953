package dev.slipway.history;

import dev.slipway.api.v1alpha1.Durations;
import java.time.Duration;

/** History windows as users write them: durations as the manifests do (90s, 10m, 1h30m), and whole days (30d). */
public final class Since {

  private Since() {}

  /** The duration {@code text} names; an IllegalArgumentException if it names none. */
  public static Duration parse(String text) {
    try {
      if (text.matches("[0-9]+d")) {
        return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      return Durations.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 10m, 1h30m or 30d", e);
    }
  }

  /** As a user writes it: whole days as 30d, anything else as the manifests do. */
  public static String format(Duration d) {
    return !d.isZero() && d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : Durations.format(d);
  }
}
