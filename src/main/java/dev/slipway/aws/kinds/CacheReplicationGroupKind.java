package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.ModifyReplicationGroupRequest;
import software.amazon.awssdk.services.elasticache.model.NodeGroup;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;

/**
 * A cache of {@code spec.caches}: an ElastiCache replication group with one shard (cluster mode
 * disabled), a primary and the declared replicas, in the service's cache subnet group and its own
 * security group, which admits only the functions group on the cache's port. What
 * ModifyReplicationGroup changes in place is changed so (node type, snapshot retention, automatic
 * failover, multi-AZ); engine, port, encryption and the replica count are refused when they differ,
 * never met by replacing the cache and its data.
 */
public final class CacheReplicationGroupKind implements AwsResourceKind<CacheReplicationGroupKind.Desired, CacheReplicationGroupKind.Observed> {

  public static final String KIND = "ElastiCacheReplicationGroup";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(CacheSubnetGroupKind.KIND, SecurityGroupKind.KIND));

  public record Desired(String name, String physicalName, CacheSpec spec, String subnetGroup, String securityGroupId) implements DesiredResource {}

  public record Observed(ReplicationGroup group, Map<String, String> tags) {
    /** The shard of a cluster-mode-disabled group; null while ElastiCache shows none. */
    NodeGroup shard() {
      return group.nodeGroups().isEmpty() ? null : group.nodeGroups().get(0);
    }

    int replicas() {
      return Math.max(group.memberClusters().size() - 1, 0);
    }

    Integer port() {
      return shard() == null || shard().primaryEndpoint() == null ? null : shard().primaryEndpoint().port();
    }
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null) {
      return List.of();
    }
    return ctx.spec().caches.stream().filter(CacheSpec::nodeBased).map(c -> {
      String physical = ElastiCacheResources.name(ctx.physicalName(c.name));
      return new Planned<>(this, c.name, physical, List.of(CacheSubnetGroupKind.key(), ElastiCacheResources.securityGroupKey(c.name)),
          x -> new Desired(c.name, ElastiCacheResources.checkedName(x, c, physical, "replication group id"), c,
              x.output(CacheSubnetGroupKind.NAME_OUTPUT), ElastiCacheResources.securityGroupId(x, c.name)));
    }).toList();
  }

  /**
   * Caches need the network; a function naming caches must be in the functions group, the only one
   * they admit. For every cache of spec.caches, serverless ones too: this kind says it once.
   */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.caches.isEmpty()) {
      return problems;
    }
    if (spec.network == null) {
      problems.add("spec.caches needs spec.network: a cache lives in the network's private subnets");
    }
    for (FunctionSpec f : spec.functions) {
      if (!f.caches.isEmpty() && (f.vpc == null || !f.vpc.byNetwork())) {
        problems.add("function " + f.name + " names caches but is not placed by the network (vpc.network: true): only the functions group reaches a cache");
      }
    }
    return problems;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return describe(ctx, d.physicalName());
  }

  /** ReplicationGroupNotFoundFault is absence, for the runtime. */
  private static Optional<Observed> describe(StackContext ctx, String id) {
    return ElastiCacheResources.elastiCache(ctx.aws()).describeReplicationGroups(r -> r.replicationGroupId(id)).replicationGroups().stream()
        .findFirst().map(g -> new Observed(g, ElastiCacheResources.tags(ctx.aws(), g.arn())));
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    return ElastiCacheResources.readiness("replication group " + o.group().replicationGroupId(), o.group().status());
  }

  /** Everything is set at creation; the response already shows the group (creating), with the tags given. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    CacheSpec c = d.spec();
    ReplicationGroup g = ElastiCacheResources.elastiCache(ctx.aws()).createReplicationGroup(r -> r.replicationGroupId(d.physicalName())
        .replicationGroupDescription("Slipway cache " + d.name() + " of " + ctx.owner())
        .engine(c.engine.name()).engineVersion(c.engineVersion).cacheNodeType(c.nodeType)
        .numNodeGroups(1).replicasPerNodeGroup(c.replicas)
        .automaticFailoverEnabled(c.automaticFailover).multiAZEnabled(c.multiAz)
        .cacheSubnetGroupName(d.subnetGroup()).securityGroupIds(d.securityGroupId()).port(c.port)
        .transitEncryptionEnabled(c.transitEncryption).atRestEncryptionEnabled(c.atRestEncryption)
        .snapshotRetentionLimit(c.snapshotRetentionDays)
        .tags(ElastiCacheResources.toTags(ctx.tags()))).replicationGroup();
    return new Observed(g, ctx.tags());
  }

  /** What ModifyReplicationGroup can change goes in one call; anything else that differs is refused before it. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    CacheSpec c = d.spec();
    ReplicationGroup g = o.group();
    // An engine or port ElastiCache does not show (older API answers, no endpoint yet) is not taken for a difference.
    Delta fixed = Delta.builder()
        .compare("engine", c.engine.name(), g.engine() == null ? c.engine.name() : g.engine())
        .compare("port", c.port, o.port() == null ? c.port : o.port())
        .compare("transitEncryption", c.transitEncryption, Boolean.TRUE.equals(g.transitEncryptionEnabled()))
        .compare("atRestEncryption", c.atRestEncryption, Boolean.TRUE.equals(g.atRestEncryptionEnabled()))
        .compare("replicas", c.replicas, o.replicas())
        .build();
    if (!fixed.isEmpty()) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, "cache " + d.name() + ": " + fixed.describe() + " cannot change on the existing"
          + " replication group " + g.replicationGroupId() + ElastiCacheResources.NOT_REPLACED);
    }
    Delta change = Delta.builder()
        .compare("nodeType", c.nodeType, g.cacheNodeType())
        .compare("snapshotRetentionDays", c.snapshotRetentionDays, g.snapshotRetentionLimit() == null ? 0 : g.snapshotRetentionLimit())
        .compare("automaticFailover", c.automaticFailover, enabled(g.automaticFailoverAsString()))
        .compare("multiAz", c.multiAz, enabled(g.multiAZAsString()))
        .build();
    if (change.isEmpty()) {
      return List.of();
    }
    ModifyReplicationGroupRequest.Builder modify = ModifyReplicationGroupRequest.builder().replicationGroupId(g.replicationGroupId()).applyImmediately(true);
    if (change.differsAt("nodeType")) {
      modify.cacheNodeType(c.nodeType);
    }
    if (change.differsAt("snapshotRetentionDays")) {
      modify.snapshotRetentionLimit(c.snapshotRetentionDays);
    }
    if (change.differsAt("automaticFailover")) {
      modify.automaticFailoverEnabled(c.automaticFailover);
    }
    if (change.differsAt("multiAz")) {
      modify.multiAZEnabled(c.multiAz);
    }
    ElastiCacheClient elastiCache = ElastiCacheResources.elastiCache(ctx.aws());
    return List.of(Step.of(change, () -> elastiCache.modifyReplicationGroup(modify.build())));
  }

  /** "enabling" counts as enabled: the change is under way. */
  private static boolean enabled(String status) {
    return status != null && status.startsWith("enabl");
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
    NodeGroup shard = o.shard();
    return ElastiCacheResources.publish(o.group().arn(), d.name(), ElastiCacheResources.address(shard == null ? null : shard.primaryEndpoint()),
        ElastiCacheResources.address(shard == null ? null : shard.readerEndpoint()), o.port());
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return describe(ctx, resource.physicalName).map(Observed::tags);
  }

  /** Deletes the group, after a final snapshot when it keeps snapshots, and waits until it is gone. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Optional<Observed> found = describe(ctx, resource.physicalName);
    if (found.isEmpty()) {
      return;
    }
    ReplicationGroup g = found.get().group();
    ElastiCacheResources.delete("replication group", g.replicationGroupId(), g.status(), g.snapshotRetentionLimit(),
        snapshot -> ElastiCacheResources.elastiCache(ctx.aws()).deleteReplicationGroup(r -> r.replicationGroupId(g.replicationGroupId()).finalSnapshotIdentifier(snapshot)),
        () -> describe(ctx, resource.physicalName));
  }
}
