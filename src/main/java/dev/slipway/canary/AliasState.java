package dev.slipway.canary;

import java.util.Objects;

/**
 * Where a Lambda alias sends traffic: its version, and optionally one additional version with a
 * weight in percent (AWS allows exactly one). The reconciler reads it with GetAlias and converts
 * the SDK's 0..1 weight to percent.
 */
public record AliasState(String version, String additionalVersion, int weight) {

  public AliasState {
    Objects.requireNonNull(version, "version");
    if (additionalVersion == null || weight == 0) {
      additionalVersion = null;
      weight = 0;
    }
    if (weight < 0 || weight > 99) {
      throw new IllegalArgumentException("additional weight " + weight + "% is outside 0..99");
    }
  }

  /** All traffic on one version, no routing configuration. */
  public static AliasState single(String version) {
    return new AliasState(version, null, 0);
  }

  /** {@code weight}% on {@code canary}, the rest on {@code stable}. */
  public static AliasState weighted(String stable, String canary, int weight) {
    return new AliasState(stable, canary, weight);
  }

  @Override
  public String toString() {
    return additionalVersion == null ? version : version + " + " + additionalVersion + "@" + weight + "%";
  }
}
