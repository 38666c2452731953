package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.status.Reasons;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * What the RDS kinds (subnet groups, clusters, instances) share: the client, names, and tags, which
 * RDS keeps per ARN (ListTagsForResource, AddTagsToResource, RemoveTagsFromResource).
 */
final class RdsResources {

  private RdsResources() {}

  static RdsClient rds(AwsClients aws) {
    return aws.client(RdsClient.class, RdsClient::builder);
  }

  /** The AWS identifier of a database's cluster, instance and subnet group: RDS keeps identifiers in lower case. */
  static String identifier(StackContext ctx, DatabaseSpec db) {
    return ctx.physicalName(db.name).toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * {@code identifier}, if RDS takes it: 1 to 63 letters, digits and single hyphens, starting with a
   * letter. The name prefix comes from the object's name, which the spec's schema cannot see.
   */
  static String checked(String identifier) {
    if (identifier.length() > 63 || !identifier.matches("[a-z](-?[a-z0-9])*")) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "RDS identifier " + identifier + " is not one RDS takes (at most 63 letters,"
          + " digits and single hyphens, starting with a letter): set a shorter spec.namePrefix or database name");
    }
    return identifier;
  }

  /** The output key of one of a database's outputs. */
  static String output(String database, String what) {
    return "databases." + database + "." + what;
  }

  /** The logical name of a database's own security group. */
  static String securityGroup(DatabaseSpec db) {
    return "database-" + db.name;
  }

  /** Each database's security group: the functions group may reach it on its port, nothing else may. */
  static List<NetworkSpec.SecurityGroup> securityGroups(ServerlessServiceSpec spec) {
    return spec.databases.stream().map(db -> {
      NetworkSpec.SecurityGroup g = new NetworkSpec.SecurityGroup();
      g.name = securityGroup(db);
      g.ingressFrom.add(new NetworkSpec.Ingress(SecurityGroupKind.FUNCTIONS, null, db.effectivePort()));
      return g;
    }).toList();
  }

  static Map<String, String> tags(RdsClient rds, String arn) {
    Map<String, String> tags = new TreeMap<>();
    rds.listTagsForResource(r -> r.resourceName(arn)).tagList().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  static void retag(StackContext ctx, String arn, Map<String, String> set, Collection<String> remove) {
    RdsClient rds = rds(ctx.aws());
    if (!remove.isEmpty()) {
      rds.removeTagsFromResource(r -> r.resourceName(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      rds.addTagsToResource(r -> r.resourceName(arn).tags(toTags(set)));
    }
  }
}
