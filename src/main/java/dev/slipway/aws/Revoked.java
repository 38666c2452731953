package dev.slipway.aws;

import java.util.List;

/**
 * What the namespace's tenancy no longer grants, for the resources of a service it refuses to give
 * back ({@link AwsResourceKind#revoke}).
 */
public interface Revoked {

  /** Whether the namespace may no longer name the SQS queue {@code arn}. */
  boolean queue(String arn);

  /**
   * The tenancy fields a role statement of {@code actions} on {@code resources} falls outside
   * ({@code policyResources}, {@code policyActions}); empty while it is granted.
   */
  List<String> statement(List<String> actions, List<String> resources);
}
