package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.ElastiCacheDouble;
import dev.slipway.testing.MotoServer;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;

/**
 * The serverless cache kind through the fault proxy to {@link ElastiCacheDouble}, a TEST DOUBLE:
 * moto 5.2.1 has no ElastiCache Serverless at all (CreateServerlessCache answers HTTP 500
 * NotImplementedError), so the double plays every serverless cache call and the tags of their ARNs,
 * and forwards the rest (nothing else here) to moto. The proxy stays in front, so its journal and
 * faults see the kind's calls as they see every other kind's.
 */
class CacheServerlessKindTest extends KindContractTest {

  private ElastiCacheDouble elastiCacheDouble;
  private AutoCloseable route;
  private ElastiCacheClient elastiCache;

  @Override
  protected KindHarness harness() {
    elastiCacheDouble = new ElastiCacheDouble(MotoServer.shared().endpoint());
    route = AwsFaults.shared().route(AwsFaults.service("elasticache"), elastiCacheDouble.endpoint());
    elastiCache = CacheFixture.client(elastiCacheDouble.endpoint());
    // The replication group kinds plan nothing for a serverless cache; they are here for the change of kind below.
    return new KindHarness(CacheFixture.serverlessSpec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(), new CacheSubnetGroupKind(),
        new CacheReplicationGroupKind(), new CacheServerlessKind());
  }

  @AfterEach
  void doubleDown() throws Exception {
    route.close();
    elastiCache.close();
    elastiCacheDouble.close();
  }

  @Override
  protected void assertDeclaredShape() {
    ServerlessCache c = cache();
    assertThat(c.serverlessCacheName()).isEqualTo("nexus-prod-sessions");
    assertThat(c.engine()).isEqualTo("valkey");
    assertThat(c.cacheUsageLimits().dataStorage().maximum()).isEqualTo(10);
    assertThat(c.cacheUsageLimits().dataStorage().unitAsString()).isEqualTo("GB");
    assertThat(c.cacheUsageLimits().ecpuPerSecond().maximum()).isEqualTo(5000);
    assertThat(c.snapshotRetentionLimit()).isEqualTo(1);
    assertThat(c.subnetIds()).containsExactlyInAnyOrder(output("network.subnet.private-1.id"), output("network.subnet.private-2.id"));
    assertThat(c.securityGroupIds()).containsExactly(output("network.securityGroup.cache-sessions.id"));
    assertThat(ElastiCacheResources.tags(stack.readingContext().aws(), c.arn())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    // The outputs a replication group publishes, under the same names: environmentFrom does not tell the kinds apart.
    assertThat(stack.context().outputs()).containsEntry("caches.sessions.endpoint", c.endpoint().address())
        .containsEntry("caches.sessions.readerEndpoint", c.readerEndpoint().address()).containsEntry("caches.sessions.port", "6379");
  }

  /** The cache's own group admits the functions group on 6379 and 6380 (reads from replicas) and nothing else. */
  @Test
  void onlyTheFunctionsGroupReachesTheCacheOnItsPorts() {
    stack.settle();

    String cacheGroup = output("network.securityGroup.cache-sessions.id");
    SecurityGroup g = Ec2Resources.ec2(stack.raw()).describeSecurityGroups(r -> r.groupIds(cacheGroup)).securityGroups().get(0);
    assertThat(g.groupName()).isEqualTo("nexus-prod-cache-sessions");
    assertThat(g.ipPermissions()).extracting(IpPermission::fromPort).containsExactlyInAnyOrder(6379, 6380);
    assertThat(g.ipPermissions()).allSatisfy(p -> {
      assertThat(p.ipProtocol()).isEqualTo("tcp");
      assertThat(p.toPort()).isEqualTo(p.fromPort());
      assertThat(p.ipRanges()).isEmpty();
      assertThat(p.userIdGroupPairs()).singleElement().satisfies(pair -> assertThat(pair.groupId()).isEqualTo(output("network.securityGroup.functions.id")));
    });
  }

  /** A serverless cache takes the subnets itself: no cache subnet group, and no replication group of the same cache. */
  @Test
  void aServiceWithOnlyServerlessCachesHasNoSubnetGroupOrReplicationGroup() {
    StackContext ctx = new StackContext(null, KindHarness.NAMESPACE, KindHarness.SERVICE, stack.spec(), List.of(), List.of());

    assertThat(new CacheSubnetGroupKind().plan(ctx)).isEmpty();
    assertThat(new CacheReplicationGroupKind().plan(ctx)).isEmpty();
    assertThat(new CacheServerlessKind().plan(ctx)).extracting(p -> p.key()).containsExactly("ElastiCacheServerlessCache/sessions");
  }

  /** A serverless cache declared with nodes instead is refused, not replaced: the run is incomplete, so the serverless one is not deleted. */
  @Test
  void aServerlessCacheDoesNotBecomeAReplicationGroup() {
    stack.settle();
    CacheSpec nodes = new CacheSpec();
    nodes.name = CacheFixture.CACHE;
    stack.spec().caches.set(0, nodes);

    Result result = stack.converge();

    Outcome refused = result.outcomes().stream().filter(o -> o.resource().kind.equals(CacheReplicationGroupKind.KIND)).findFirst().orElseThrow();
    assertThat(refused.action()).isEqualTo(Action.Failed);
    assertThat(refused.resource().message).startsWith(Reasons.IMMUTABLE_FIELD + ": ")
        .contains("cache sessions is a serverless cache and cannot become a replication group");
    assertThat(result.complete()).isFalse();
    assertThat(stack.mutatingCalls()).as("mutating calls").filteredOn(c -> c.contains("ReplicationGroup")).isEmpty();
    assertThat(cache().serverlessCacheName()).isEqualTo("nexus-prod-sessions");
  }

  @Test
  void aCacheStillBeingChangedIsNotReadyNamingItsStatus() {
    stack.settle();
    Result result = CacheFixture.convergeShowing(stack, "DescribeServerlessCaches", "modifying");

    Outcome cache = own(result).get(0);
    assertThat(cache.action()).isEqualTo(Action.NotReady);
    assertThat(cache.resource().message).isEqualTo("waiting: serverless cache nexus-prod-sessions is modifying");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void deletionTakesAFinalSnapshotOnlyOfACacheThatKeepsSnapshots() {
    stack.spec().caches.add(CacheFixture.serverless("scratch", 0));
    stack.settle();
    AwsFaults faults = AwsFaults.shared();
    int from = faults.journal().size();

    assertThat(stack.delete()).as("delete failures").isEmpty();

    List<AwsFaults.Request> deletes = faults.journal().stream().skip(from).filter(AwsFaults.operation("DeleteServerlessCache")).toList();
    assertThat(deletes).filteredOn(r -> r.body().contains("ServerlessCacheName=nexus-prod-sessions")).singleElement()
        .satisfies(r -> assertThat(r.body()).containsPattern("FinalSnapshotName=nexus-prod-sessions-final-[0-9]{14}"));
    assertThat(deletes).filteredOn(r -> r.body().contains("ServerlessCacheName=nexus-prod-scratch")).singleElement()
        .satisfies(r -> assertThat(r.body()).doesNotContain("FinalSnapshotName"));
    assertThat(elastiCacheDouble.serverlessSnapshots()).hasSize(1).containsValue("nexus-prod-sessions")
        .allSatisfy((snapshot, cache) -> assertThat(snapshot).startsWith("nexus-prod-sessions-final-"));
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit(CacheFixture.CACHE, List.of("serverless.maxDataStorageGb"), s -> s.caches.get(0).serverless.maxDataStorageGb = 50,
            List.of("ModifyServerlessCache"), () -> {
              assertThat(cache().cacheUsageLimits().dataStorage().maximum()).isEqualTo(50);
              assertThat(cache().cacheUsageLimits().ecpuPerSecond().maximum()).isEqualTo(5000);
            }),
        new Edit(CacheFixture.CACHE, List.of("serverless.maxEcpuPerSecond"), s -> s.caches.get(0).serverless.maxEcpuPerSecond = 20000,
            List.of("ModifyServerlessCache"), () -> assertThat(cache().cacheUsageLimits().ecpuPerSecond().maximum()).isEqualTo(20000)),
        new Edit(CacheFixture.CACHE, List.of("snapshotRetentionDays"), s -> s.caches.get(0).snapshotRetentionDays = 7, List.of("ModifyServerlessCache"),
            () -> assertThat(cache().snapshotRetentionLimit()).isEqualTo(7)));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone raises the compute limit in the console.
        new Drift(CacheFixture.CACHE, List.of("serverless.maxEcpuPerSecond"),
            () -> elastiCache.modifyServerlessCache(r -> r.serverlessCacheName("nexus-prod-sessions").cacheUsageLimits(l -> l
                .dataStorage(d -> d.maximum(10).unit("GB")).ecpuPerSecond(e -> e.maximum(90000)))),
            List.of("ModifyServerlessCache"), () -> assertThat(cache().cacheUsageLimits().ecpuPerSecond().maximum()).isEqualTo(5000)),
        // Someone puts the cache in another security group, which other clients may reach it through.
        new Drift(CacheFixture.CACHE, List.of("securityGroups"),
            () -> elastiCache.modifyServerlessCache(r -> r.serverlessCacheName("nexus-prod-sessions").securityGroupIds("sg-0a1b2c3d4e5f60718")),
            List.of("ModifyServerlessCache"), () -> assertThat(cache().securityGroupIds()).containsExactly(output("network.securityGroup.cache-sessions.id"))));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atConverge(CacheFixture.CACHE, s -> s.caches.get(0).engine = CacheSpec.Engine.redis, Reasons.IMMUTABLE_FIELD, "engine: valkey -> redis"),
        Invalid.atConverge(CacheFixture.CACHE, s -> s.namePrefix = "nexus-production-europe-west-1ab", Reasons.INVALID_SPEC,
            "serverless cache name nexus-production-europe-west-1ab-sessions is longer than 40 characters"));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateServerlessCache");
  }

  private ServerlessCache cache() {
    return elastiCache.describeServerlessCaches(r -> r.serverlessCacheName("nexus-prod-sessions")).serverlessCaches().get(0);
  }

  private String output(String key) {
    return stack.context().outputs().get(key);
  }
}
