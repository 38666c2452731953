package dev.slipway.canary.analysis;

/**
 * The values a check passes with, as numbers (a floor, a ceiling, or both) and as status prints
 * them. Metrics and dashboards read the numbers, so a change of wording cannot drop a series.
 */
record Bounds(Double min, Double max, String text) {

  static Bounds atMost(double max) {
    return new Bounds(null, max, "<= " + max);
  }

  /** A floor, a ceiling or both; at least one is set. */
  static Bounds between(Double min, Double max) {
    if (min != null && max != null) {
      return new Bounds(min, max, ">= " + min + ", <= " + max);
    }
    return max != null ? atMost(max) : new Bounds(min, null, ">= " + min);
  }

  static Bounds exactly(int value) {
    return new Bounds((double) value, (double) value, "== " + value);
  }
}
