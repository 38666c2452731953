package dev.slipway.cli;

import dev.slipway.api.v1alpha1.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as the manifests write them (90s, 10m, 1h30m), and whole days for history windows (30d). */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String text) {
    try {
      if (text.matches("[0-9]+d")) {
        return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
      }
      return Durations.parse(text);
    } catch (RuntimeException e) {
      throw new TypeConversionException("'" + text + "' is not a duration such as 90s, 10m, 1h30m or 30d");
    }
  }

  /** As a user writes it: whole days as 30d, anything else as the manifests do. */
  static String format(Duration d) {
    return !d.isZero() && d.toSeconds() % 86_400 == 0 ? d.toDays() + "d" : Durations.format(d);
  }
}
