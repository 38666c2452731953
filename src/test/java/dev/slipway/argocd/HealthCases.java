package dev.slipway.argocd;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every fixture under src/test/resources/argocd/ with the health Argo CD must show for it: the
 * mapping the README documents, one row per branch of the scripts.
 */
final class HealthCases {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private HealthCases() {}

  /** Arguments: kind, fixture name, expected status, expected message. */
  static Stream<Arguments> all() {
    return Stream.of(
        Arguments.of("ServerlessService", "no-status", "Progressing", "Waiting for the operator to report status"),
        Arguments.of("ServerlessService", "stale-status", "Progressing", "Waiting for the operator to reconcile generation 3"),
        Arguments.of("ServerlessService", "stale-ready-condition", "Progressing", "Waiting for the operator to reconcile generation 3"),
        Arguments.of("ServerlessService", "first-reconcile", "Progressing", "Creating: Creating AWS resources"),
        Arguments.of("ServerlessService", "gsi-building", "Progressing",
            "WaitingForResources: 2 of 17 AWS resources not ready yet (DynamoDBTable/conversations: index user-index is CREATING;"
                + " LambdaFunction/conversation-api: waiting for DynamoDBTable/conversations; RestApi/rest: Pending)"),
        Arguments.of("ServerlessService", "ready", "Healthy", "Converged: All 17 AWS resources are ready"),
        Arguments.of("ServerlessService", "access-denied", "Degraded",
            "AccessDenied: DynamoDBTable/usage: not authorized to perform dynamodb:CreateTable"),
        Arguments.of("ServerlessService", "throttled", "Degraded",
            "Retrying: Throttling: LambdaFunction/prompt-crud: Rate exceeded (retrying in 40s)"),
        Arguments.of("ServerlessService", "not-ready-idle", "Degraded", "DependencyNotReady"),
        Arguments.of("ServerlessService", "ready-unknown", "Progressing", "Condition Ready is Unknown"),

        Arguments.of("LambdaRelease", "no-status", "Progressing", "Waiting for the operator to start the release"),
        Arguments.of("LambdaRelease", "pending", "Progressing", "Pending; Waiting for ServerlessService nexus to be Ready"),
        Arguments.of("LambdaRelease", "progressing", "Progressing",
            "Progressing; step 1/2, 10% on version 5, stable 4; Analysis passed; next step at 2026-11-20T10:30:00Z"),
        Arguments.of("LambdaRelease", "stale-status", "Progressing", "Waiting for the operator to observe generation 2"),
        Arguments.of("LambdaRelease", "paused", "Suspended", "Paused; step 2/2, 50% on version 5, stable 4; Held by spec.paused"),
        Arguments.of("LambdaRelease", "paused-by-spec-not-yet-observed", "Suspended", "Paused; step 1/2, 10% on version 5, stable 4"),
        Arguments.of("LambdaRelease", "awaiting-approval", "Suspended", "AwaitingApproval; step 1/2, 10% on version 5, stable 4;"
            + " step 1/2 at 10% passed; awaiting approval: set spec.approvedStep to 1 to go on, or spec.promote to promote now"),
        Arguments.of("LambdaRelease", "verifying", "Progressing", "Verifying; step 2/2, 100% on version 5, stable 4;"
            + " post-traffic hook e2e: attempt 1 of 1"),
        Arguments.of("LambdaRelease", "succeeded", "Healthy", "Succeeded; version 5 serves all traffic; Promoted after 2 steps"),
        Arguments.of("LambdaRelease", "succeeded-then-edited", "Healthy", "Succeeded"),
        Arguments.of("LambdaRelease", "superseded", "Healthy", "Superseded by conversation-api-1-6-0"),
        Arguments.of("LambdaRelease", "superseded-unnamed", "Healthy", "Superseded by a newer release"),
        Arguments.of("LambdaRelease", "rolled-back", "Degraded",
            "RolledBack; error-rate 0.15 > 0.05 (2 consecutive failures); alias prod back on version 4"),
        Arguments.of("LambdaRelease", "failed", "Degraded", "Failed; CanaryPolicy ten-percent-thirty-minutes not found"),
        Arguments.of("LambdaRelease", "aborted", "Degraded", "RolledBack; aborted by spec.abort: all traffic on the stable version"),
        Arguments.of("LambdaRelease", "retry-asked", "Degraded", "RolledBack; 2 consecutive failed analysis runs: error-rate 0.15 > 0.05"),
        Arguments.of("LambdaRelease", "failed-after-retry", "Degraded",
            "Failed; no conclusive analysis by 2026-11-20T10:40:00Z: error-rate no data"),
        Arguments.of("LambdaRelease", "unknown-phase", "Unknown", "Unrecognised phase Promoting"),

        Arguments.of("CanaryPolicy", "no-status", "Progressing", "Waiting for the operator to validate the policy"),
        Arguments.of("CanaryPolicy", "stale-status", "Progressing", "Waiting for the operator to validate generation 2"),
        Arguments.of("CanaryPolicy", "valid", "Healthy", "10%/30m -> 50%/10m -> 100%"),
        Arguments.of("CanaryPolicy", "valid-without-summary", "Healthy", "Valid"),
        Arguments.of("CanaryPolicy", "invalid", "Degraded", "Invalid: metric alarms: CloudWatch alarm nexus-prod-api-errors not found"),
        Arguments.of("CanaryPolicy", "invalid-reason-only", "Degraded", "Invalid: StepsNotIncreasing"),
        Arguments.of("CanaryPolicy", "validation-pending", "Progressing", "Could not list CloudWatch alarms; retrying"),
        Arguments.of("CanaryPolicy", "validation-pending-silent", "Progressing", "Validation pending"));
  }

  /** A fixture as the map Argo CD would get from the API server. */
  static Map<String, Object> fixture(String kind, String name) {
    String resource = "/argocd/" + kind + "/" + name + ".yaml";
    try (InputStream in = HealthCases.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return YAML.readValue(in, new TypeReference<>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
