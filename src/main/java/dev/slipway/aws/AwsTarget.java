package dev.slipway.aws;

import java.util.Map;
import java.util.Optional;

/**
 * Where a resource's AWS calls go: a region and, optionally, a role to assume there. The role
 * carries the whole STS session (ExternalId, session name, session tags), so two objects that
 * assume the same role get sessions of their own, named after them.
 */
public record AwsTarget(String region, Optional<AssumedRole> role) {

  /** Session name of a role assumed without an object to name (tools, tests). */
  public static final String DEFAULT_SESSION = "slipway-operator";

  /**
   * One {@code sts:AssumeRole} request.
   *
   * @param externalId the ExternalId the role's trust policy requires, if any
   * @param sessionName at most 64 characters of {@code [\w+=,.@-]} (STS's limits)
   * @param sessionTags session tags, which the role's trust policy must allow ({@code sts:TagSession})
   */
  public record AssumedRole(String roleArn, Optional<String> externalId, String sessionName, Map<String, String> sessionTags) {
    public AssumedRole {
      externalId = externalId == null ? Optional.empty() : externalId.filter(e -> !e.isBlank());
      sessionTags = sessionTags == null ? Map.of() : Map.copyOf(sessionTags);
    }

    /** Shows what is not secret: never the ExternalId. */
    @Override
    public String toString() {
      return roleArn + " as " + sessionName;
    }
  }

  public AwsTarget {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region is required");
    }
    role = role == null ? Optional.empty() : role.filter(r -> r.roleArn() != null && !r.roleArn().isBlank());
  }

  /** A target in {@code region}, assuming {@code roleArn} (when not null) in a session named {@link #DEFAULT_SESSION}. */
  public static AwsTarget of(String region, String roleArn) {
    return new AwsTarget(region, Optional.ofNullable(roleArn).map(r -> new AssumedRole(r, Optional.empty(), DEFAULT_SESSION, Map.of())));
  }

  public Optional<String> roleArn() {
    return role.map(AssumedRole::roleArn);
  }

  /** The same identity in another region. */
  public AwsTarget inRegion(String otherRegion) {
    return new AwsTarget(otherRegion, role);
  }
}
