package dev.slipway.aws;

import java.util.Optional;

/** Where a resource's AWS calls go: a region and, optionally, a role to assume there. */
public record AwsTarget(String region, Optional<String> roleArn) {

  public AwsTarget {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region is required");
    }
    roleArn = roleArn == null ? Optional.empty() : roleArn.filter(r -> !r.isBlank());
  }

  public static AwsTarget of(String region, String roleArn) {
    return new AwsTarget(region, Optional.ofNullable(roleArn));
  }
}
