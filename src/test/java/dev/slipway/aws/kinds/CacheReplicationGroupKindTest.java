package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.ElastiCacheDouble;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroup;

/**
 * The cache kind against moto, through {@link ElastiCacheDouble}, a test double for what moto 5.2.1
 * lacks: ModifyReplicationGroup (the edits and drifts below), the end of a deletion, and the final
 * snapshot of DeleteReplicationGroup.
 */
class CacheReplicationGroupKindTest extends KindContractTest {

  private ElastiCacheDouble elastiCacheDouble;
  private ElastiCacheClient elastiCache;

  @Override
  protected KindHarness harness() {
    elastiCacheDouble = new ElastiCacheDouble();
    elastiCache = CacheFixture.client(elastiCacheDouble.endpoint());
    return new KindHarness(elastiCacheDouble.endpoint(), CacheFixture.spec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(),
        new CacheSubnetGroupKind(), new CacheReplicationGroupKind());
  }

  @AfterEach
  void doubleDown() throws Exception {
    elastiCache.close();
    elastiCacheDouble.close();
  }

  @Override
  protected void assertDeclaredShape() {
    ReplicationGroup g = group();
    assertThat(g.replicationGroupId()).isEqualTo("nexus-prod-sessions");
    assertThat(g.engine()).isEqualTo("valkey");
    assertThat(g.cacheNodeType()).isEqualTo("cache.t4g.micro");
    assertThat(g.memberClusters()).hasSize(2);
    assertThat(g.automaticFailoverAsString()).isEqualTo("enabled");
    assertThat(g.multiAZAsString()).isEqualTo("disabled");
    assertThat(g.transitEncryptionEnabled()).isTrue();
    assertThat(g.atRestEncryptionEnabled()).isTrue();
    assertThat(g.snapshotRetentionLimit()).isEqualTo(1);
    assertThat(g.clusterEnabled()).isFalse();
    assertThat(ElastiCacheResources.tags(stack.raw(), g.arn())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    String primary = g.nodeGroups().get(0).primaryEndpoint().address();
    assertThat(stack.context().outputs()).containsEntry("caches.sessions.endpoint", primary).containsEntry("caches.sessions.port", "6379");
    // moto shows no reader endpoint (ElastiCache does, for a group with replicas): the output is left out rather than made up.
    assertThat(stack.context().outputs()).doesNotContainKey("caches.sessions.readerEndpoint");
  }

  /** The cache's own group admits the functions group on the cache port and nothing else, and the cache is created in it. */
  @Test
  void onlyTheFunctionsGroupReachesTheCacheOnItsPort() {
    AwsFaults faults = AwsFaults.shared();
    int from = faults.journal().size();

    stack.settle();

    String cacheGroup = output("network.securityGroup.cache-sessions.id");
    SecurityGroup g = Ec2Resources.ec2(stack.raw()).describeSecurityGroups(r -> r.groupIds(cacheGroup)).securityGroups().get(0);
    assertThat(g.groupName()).isEqualTo("nexus-prod-cache-sessions");
    assertThat(g.ipPermissions()).singleElement().satisfies(p -> {
      assertThat(p.ipProtocol()).isEqualTo("tcp");
      assertThat(p.fromPort()).isEqualTo(6379);
      assertThat(p.toPort()).isEqualTo(6379);
      assertThat(p.ipRanges()).isEmpty();
      assertThat(p.userIdGroupPairs()).singleElement().satisfies(pair -> assertThat(pair.groupId()).isEqualTo(output("network.securityGroup.functions.id")));
    });
    assertThat(g.ipPermissionsEgress()).extracting(IpPermission::ipProtocol).containsExactly("-1");
    // ElastiCache does not show a replication group's security groups; the create request says which it was given.
    assertThat(faults.journal().stream().skip(from).filter(AwsFaults.operation("CreateReplicationGroup")))
        .singleElement().satisfies(r -> assertThat(r.body()).contains("SecurityGroupIds.SecurityGroupId.1=" + cacheGroup)
            .contains("CacheSubnetGroupName=nexus-prod-caches").doesNotContain("SecurityGroupIds.SecurityGroupId.2"));
  }

  @Test
  void aDeclaredGroupMayNotTakeTheNameOfACachesGroup() {
    stack.spec().network.securityGroups.add(group("cache-sessions"));

    assertThat(new SecurityGroupKind().validate(stack.spec())).contains("network.securityGroups cache-sessions is the name of a group Slipway generates (for the interface endpoints, a database or a cache); rename it");
  }

  @Test
  void aCacheStillBeingChangedIsNotReadyNamingItsStatus() {
    stack.settle();
    Result result = CacheFixture.convergeShowing(stack, "DescribeReplicationGroups", "modifying");

    Outcome cache = own(result).get(0);
    assertThat(cache.action()).isEqualTo(Action.NotReady);
    assertThat(cache.resource().message).isEqualTo("waiting: replication group nexus-prod-sessions is modifying");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void deletionTakesAFinalSnapshotOnlyOfACacheThatKeepsSnapshots() {
    stack.spec().caches.add(cache("scratch", c -> c.snapshotRetentionDays = 0));
    stack.settle();
    AwsFaults faults = AwsFaults.shared();
    int from = faults.journal().size();

    assertThat(stack.delete()).as("delete failures").isEmpty();

    List<AwsFaults.Request> deletes = faults.journal().stream().skip(from).filter(AwsFaults.operation("DeleteReplicationGroup")).toList();
    assertThat(deletes).filteredOn(r -> r.body().contains("ReplicationGroupId=nexus-prod-sessions")).singleElement()
        .satisfies(r -> assertThat(r.body()).containsPattern("FinalSnapshotIdentifier=nexus-prod-sessions-final-[0-9]{14}"));
    assertThat(deletes).filteredOn(r -> r.body().contains("ReplicationGroupId=nexus-prod-scratch")).singleElement()
        .satisfies(r -> assertThat(r.body()).doesNotContain("FinalSnapshotIdentifier"));
    assertThat(stack.raw().client(ElastiCacheClient.class, ElastiCacheClient::builder).describeSnapshots(r -> r.replicationGroupId("nexus-prod-sessions"))
        .snapshots()).singleElement().satisfies(s -> assertThat(s.snapshotName()).startsWith("nexus-prod-sessions-final-"));
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit(CacheFixture.CACHE, List.of("nodeType"), s -> s.caches.get(0).nodeType = "cache.r7g.large", List.of("ModifyReplicationGroup"),
            () -> assertThat(group().cacheNodeType()).isEqualTo("cache.r7g.large")),
        new Edit(CacheFixture.CACHE, List.of("snapshotRetentionDays"), s -> s.caches.get(0).snapshotRetentionDays = 7, List.of("ModifyReplicationGroup"),
            () -> assertThat(group().snapshotRetentionLimit()).isEqualTo(7)),
        new Edit(CacheFixture.CACHE, List.of("multiAz"), s -> s.caches.get(0).multiAz = true, List.of("ModifyReplicationGroup"),
            () -> assertThat(group().multiAZAsString()).isEqualTo("enabled")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone turns failover off in the console.
    return List.of(new Drift(CacheFixture.CACHE, List.of("automaticFailover"),
        () -> elastiCache.modifyReplicationGroup(r -> r.replicationGroupId("nexus-prod-sessions").automaticFailoverEnabled(false).applyImmediately(true)),
        List.of("ModifyReplicationGroup"), () -> assertThat(group().automaticFailoverAsString()).isEqualTo("enabled")));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> s.network = null, "spec.caches needs spec.network"),
        Invalid.atValidation(s -> s.functions.add(KindHarness.function("name: api\ncode: { imageUri: x }\ncaches: [{ name: sessions }]")),
            "function api names caches but is not placed by the network"),
        Invalid.atConverge(CacheFixture.CACHE, s -> s.caches.get(0).replicas = 2, Reasons.IMMUTABLE_FIELD, "replicas: 1 -> 2"),
        Invalid.atConverge(CacheFixture.CACHE, s -> s.caches.get(0).engine = CacheSpec.Engine.redis, Reasons.IMMUTABLE_FIELD, "does not replace a cache"),
        Invalid.atConverge(CacheFixture.CACHE, s -> s.caches.get(0).port = 6380, Reasons.IMMUTABLE_FIELD, "port: 6379 -> 6380"),
        Invalid.atConverge(CacheFixture.CACHE, s -> s.namePrefix = "nexus-production-europe-west-1ab", Reasons.INVALID_SPEC,
            "replication group id nexus-production-europe-west-1ab-sessions is longer than 40 characters"));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateReplicationGroup");
  }

  private ReplicationGroup group() {
    return elastiCache.describeReplicationGroups(r -> r.replicationGroupId("nexus-prod-sessions")).replicationGroups().get(0);
  }

  private String output(String key) {
    return stack.context().outputs().get(key);
  }

  private static CacheSpec cache(String name, java.util.function.Consumer<CacheSpec> edit) {
    CacheSpec c = new CacheSpec();
    c.name = name;
    edit.accept(c);
    return c;
  }

  private static NetworkSpec.SecurityGroup group(String name) {
    NetworkSpec.SecurityGroup g = new NetworkSpec.SecurityGroup();
    g.name = name;
    return g;
  }
}
