package dev.slipway.aws;

import java.util.List;

/**
 * One Allow statement of a generated IAM policy. Actions and resources are kept sorted, so a
 * generated policy compares exactly with what IAM stores.
 *
 * @param resources null for {@code "*"}, for actions AWS cannot scope to a resource
 */
public record PolicyStatement(String sid, List<String> actions, List<String> resources) {

  public PolicyStatement {
    actions = actions.stream().distinct().sorted().toList();
    resources = resources == null ? null : resources.stream().distinct().sorted().toList();
  }

  /**
   * The grant on {@code resources} and, when they are encrypted with customer managed keys, the KMS
   * grant on those keys (Sid {@code <sid>Kms}); nothing when there are no resources.
   */
  public static List<PolicyStatement> withKeys(String sid, List<String> actions, List<String> resources, List<String> keyActions, List<String> keys) {
    if (resources.isEmpty()) {
      return List.of();
    }
    return keys.isEmpty()
        ? List.of(new PolicyStatement(sid, actions, resources))
        : List.of(new PolicyStatement(sid, actions, resources), new PolicyStatement(sid + "Kms", keyActions, keys));
  }

  /** Where ARNs point: the partition, region and account of the service. */
  public record Scope(String region, String account) {
    public String partition() {
      if (region.startsWith("cn-")) {
        return "aws-cn";
      }
      return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>}. */
    public String arn(String service, String resource) {
      return "arn:" + partition() + ":" + service + ":" + region + ":" + account + ":" + resource;
    }
  }
}
