package dev.slipway.canary.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one analysis run measures: the canary version behind {@code function:alias} over
 * {@code [now - window, now]}. {@code restApiName}/{@code restApiStage} are the service's REST API
 * and {@code serviceAlarms} the AWS names of the alarms its spec declares, by logical name; all null
 * for a bare function.
 */
public record AnalysisContext(
    String function,
    String alias,
    String canaryVersion,
    String stableVersion,
    String restApiName,
    String restApiStage,
    Map<String, String> serviceAlarms,
    Instant now,
    Duration window) {

  public Instant start() {
    return now.minus(window);
  }

  /** Lambda's per-version dimensions for alias traffic: the canary version only. */
  Map<String, String> canaryDimensions() {
    return Map.of("FunctionName", function, "Resource", function + ":" + alias, "ExecutedVersion", canaryVersion);
  }

  /** Fills the placeholders users may write in a cloudWatch metric's dimensions. */
  String fill(String template) {
    return template
        .replace("{function}", function)
        .replace("{alias}", alias)
        .replace("{version}", canaryVersion)
        .replace("{stableVersion}", stableVersion == null ? "" : stableVersion);
  }
}
