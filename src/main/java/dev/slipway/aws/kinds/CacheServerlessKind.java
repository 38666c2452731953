package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheUsageLimits;
import software.amazon.awssdk.services.elasticache.model.DataStorageUnit;
import software.amazon.awssdk.services.elasticache.model.ModifyServerlessCacheRequest;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;

/**
 * A cache of {@code spec.caches} with {@code serverless}: an ElastiCache Serverless cache in the
 * network's private subnets and the cache's own security group (the one a replication group would
 * have, admitting only the functions group), scaling within the declared limits. The limits, the
 * snapshot retention and the security group are changed in place by ModifyServerlessCache; engine
 * and subnets are refused when they differ, never met by replacing the cache and its data.
 */
public final class CacheServerlessKind implements AwsResourceKind<CacheServerlessKind.Desired, CacheServerlessKind.Observed> {

  public static final String KIND = "ElastiCacheServerlessCache";
  /** Where a serverless cache serves reads from replicas, besides 6379 for everything. */
  static final int READER_PORT = 6380;
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SubnetKind.KIND, ExistingSubnetKind.KIND, SecurityGroupKind.KIND));

  public record Desired(String name, String physicalName, CacheSpec spec, List<String> subnetIds, String securityGroupId) implements DesiredResource {}

  public record Observed(ServerlessCache cache, Map<String, String> tags) {
    /** ElastiCache shows the status in lowercase, its documentation in uppercase. */
    String status() {
      return cache.status() == null ? "" : cache.status().toLowerCase(Locale.ROOT);
    }

    Integer maxDataStorageGb() {
      CacheUsageLimits l = cache.cacheUsageLimits();
      return l == null || l.dataStorage() == null ? null : l.dataStorage().maximum();
    }

    Integer maxEcpuPerSecond() {
      CacheUsageLimits l = cache.cacheUsageLimits();
      return l == null || l.ecpuPerSecond() == null ? null : l.ecpuPerSecond().maximum();
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
    List<String> subnets = SubnetKind.privateKeys(ctx.spec().network);
    return ctx.spec().caches.stream().filter(c -> !c.nodeBased()).map(c -> {
      String physical = ElastiCacheResources.name(ctx.physicalName(c.name));
      List<String> deps = new ArrayList<>(subnets);
      deps.add(ElastiCacheResources.securityGroupKey(c.name));
      return new Planned<>(this, c.name, physical, deps, x -> new Desired(c.name, ElastiCacheResources.checkedName(x, c, physical, "serverless cache name"),
          c, SubnetKind.privateIds(x), ElastiCacheResources.securityGroupId(x, c.name)));
    }).toList();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return describe(ctx, d.physicalName());
  }

  /** ServerlessCacheNotFoundFault is absence, for the runtime. */
  private static Optional<Observed> describe(StackContext ctx, String name) {
    return ElastiCacheResources.elastiCache(ctx.aws()).describeServerlessCaches(r -> r.serverlessCacheName(name)).serverlessCaches().stream()
        .findFirst().map(c -> new Observed(c, ElastiCacheResources.tags(ctx.aws(), c.arn())));
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    return ElastiCacheResources.readiness("serverless cache " + o.cache().serverlessCacheName(), o.status());
  }

  /** Everything is set at creation; the response already shows the cache (creating), with the tags given. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    CacheSpec c = d.spec();
    ServerlessCache created = ElastiCacheResources.elastiCache(ctx.aws()).createServerlessCache(r -> r.serverlessCacheName(d.physicalName())
        .description("Slipway cache " + d.name() + " of " + ctx.owner())
        .engine(c.engine.name()).majorEngineVersion(c.engineVersion == null ? null : c.engineVersion.split("\\.")[0])
        .cacheUsageLimits(limits(c.serverless))
        .subnetIds(d.subnetIds()).securityGroupIds(d.securityGroupId())
        .snapshotRetentionLimit(c.snapshotRetentionDays)
        .tags(ElastiCacheResources.toTags(ctx.tags()))).serverlessCache();
    return new Observed(created, ctx.tags());
  }

  private static CacheUsageLimits limits(CacheSpec.Serverless s) {
    return CacheUsageLimits.builder()
        .dataStorage(b -> b.maximum(s.maxDataStorageGb).unit(DataStorageUnit.GB))
        .ecpuPerSecond(b -> b.maximum(s.maxEcpuPerSecond))
        .build();
  }

  /** What ModifyServerlessCache can change goes in one call; engine and subnets that differ are refused before it. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    CacheSpec c = d.spec();
    ServerlessCache s = o.cache();
    // An engine ElastiCache does not show is not taken for a difference.
    Delta fixed = Delta.builder()
        .compare("engine", c.engine.name(), s.engine() == null ? c.engine.name() : s.engine())
        .compare("subnets", d.subnetIds(), s.subnetIds().stream().sorted().toList())
        .build();
    if (!fixed.isEmpty()) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, "cache " + d.name() + ": " + fixed.describe() + " cannot change on the existing"
          + " serverless cache " + s.serverlessCacheName() + ElastiCacheResources.NOT_REPLACED);
    }
    Delta change = Delta.builder()
        .compare("serverless.maxDataStorageGb", c.serverless.maxDataStorageGb, o.maxDataStorageGb())
        .compare("serverless.maxEcpuPerSecond", c.serverless.maxEcpuPerSecond, o.maxEcpuPerSecond())
        .compare("snapshotRetentionDays", c.snapshotRetentionDays, s.snapshotRetentionLimit() == null ? 0 : s.snapshotRetentionLimit())
        .compare("securityGroups", List.of(d.securityGroupId()), s.securityGroupIds())
        .build();
    if (change.isEmpty()) {
      return List.of();
    }
    ModifyServerlessCacheRequest.Builder modify = ModifyServerlessCacheRequest.builder().serverlessCacheName(s.serverlessCacheName());
    // Both limits go together: the usage limits a call sets are the cache's whole limits.
    if (change.differsAt("serverless.maxDataStorageGb") || change.differsAt("serverless.maxEcpuPerSecond")) {
      modify.cacheUsageLimits(limits(c.serverless));
    }
    if (change.differsAt("snapshotRetentionDays")) {
      modify.snapshotRetentionLimit(c.snapshotRetentionDays);
    }
    if (change.differsAt("securityGroups")) {
      modify.securityGroupIds(d.securityGroupId());
    }
    ElastiCacheClient elastiCache = ElastiCacheResources.elastiCache(ctx.aws());
    return List.of(Step.of(change, () -> elastiCache.modifyServerlessCache(modify.build())));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    ElastiCacheResources.retag(ctx.aws(), o.cache().arn(), set, remove);
  }

  /** The same outputs as a replication group's: functions' environmentFrom does not tell the kinds apart. */
  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    ServerlessCache s = o.cache();
    return ElastiCacheResources.publish(s.arn(), d.name(), ElastiCacheResources.address(s.endpoint()),
        ElastiCacheResources.address(s.readerEndpoint()), s.endpoint() == null ? null : s.endpoint().port());
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return describe(ctx, resource.physicalName).map(Observed::tags);
  }

  /** Deletes the cache, after a final snapshot when it keeps snapshots, and waits until it is gone. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Optional<Observed> found = describe(ctx, resource.physicalName);
    if (found.isEmpty()) {
      return;
    }
    ServerlessCache s = found.get().cache();
    ElastiCacheResources.delete("serverless cache", s.serverlessCacheName(), found.get().status(), s.snapshotRetentionLimit(),
        snapshot -> ElastiCacheResources.elastiCache(ctx.aws()).deleteServerlessCache(r -> r.serverlessCacheName(s.serverlessCacheName()).finalSnapshotName(snapshot)),
        () -> describe(ctx, resource.physicalName));
  }
}
