package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.elasticache.model.CacheSubnetGroup;
import software.amazon.awssdk.services.elasticache.model.Subnet;

/**
 * The one cache subnet group of a service with caches of nodes (replication groups): {@code <prefix>-caches}, over the network's
 * private subnets, where every cache's nodes are placed. Its subnets follow
 * network.availabilityZones only at creation: a cache's nodes stand in them, so a different set is
 * refused rather than applied under the caches.
 */
public final class CacheSubnetGroupKind implements AwsResourceKind<CacheSubnetGroupKind.Desired, CacheSubnetGroupKind.Observed> {

  public static final String KIND = "ElastiCacheSubnetGroup";
  static final String NAME = "caches";
  /** The internal output of the group's name, which makes a cache wait for it. */
  static final String NAME_OUTPUT = "caches.subnetGroup.name";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SubnetKind.KIND, ExistingSubnetKind.KIND));

  public record Desired(String name, String physicalName, List<String> subnetIds) implements DesiredResource {}

  public record Observed(CacheSubnetGroup group, Map<String, String> tags) {
    List<String> subnetIds() {
      return group.subnets().stream().map(Subnet::subnetIdentifier).sorted().toList();
    }
  }

  static String key() {
    return Planned.key(KIND, NAME);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    // Serverless caches take the subnets themselves; only replication groups stand in a subnet group.
    if (ctx.spec().caches.stream().noneMatch(CacheSpec::nodeBased) || ctx.spec().network == null) {
      return List.of();
    }
    String physical = ElastiCacheResources.name(ctx.physicalName(NAME));
    return List.of(new Planned<>(this, NAME, physical, SubnetKind.privateKeys(ctx.spec().network), c -> new Desired(NAME, physical, SubnetKind.privateIds(c))));
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return describe(ctx, d.physicalName());
  }

  /** CacheSubnetGroupNotFoundFault is absence, for the runtime. */
  private static Optional<Observed> describe(StackContext ctx, String name) {
    return ElastiCacheResources.elastiCache(ctx.aws()).describeCacheSubnetGroups(r -> r.cacheSubnetGroupName(name)).cacheSubnetGroups().stream()
        .findFirst().map(g -> new Observed(g, ElastiCacheResources.tags(ctx.aws(), g.arn())));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    ElastiCacheResources.elastiCache(ctx.aws()).createCacheSubnetGroup(r -> r.cacheSubnetGroupName(d.physicalName())
        .cacheSubnetGroupDescription("Slipway caches of " + ctx.owner()).subnetIds(d.subnetIds()).tags(ElastiCacheResources.toTags(ctx.tags())));
    return null;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    if (!d.subnetIds().equals(o.subnetIds())) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, "cache subnet group " + d.physicalName() + " spans subnets " + o.subnetIds()
          + ", the network's private subnets are " + d.subnetIds() + "; the caches' nodes stand in those subnets, so Slipway does not move them");
    }
    return List.of();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    ElastiCacheResources.retag(ctx.aws(), o.group().arn(), set, remove);
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.group().arn()).internal(NAME_OUTPUT, o.group().cacheSubnetGroupName()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return describe(ctx, resource.physicalName).map(Observed::tags);
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ElastiCacheResources.elastiCache(ctx.aws()).deleteCacheSubnetGroup(r -> r.cacheSubnetGroupName(resource.physicalName));
  }
}
