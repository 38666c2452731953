package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.ElastiCacheDouble;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheSubnetGroup;
import software.amazon.awssdk.services.elasticache.model.Subnet;

/** The caches' subnet group against moto, through {@link ElastiCacheDouble}: a test double for DeleteCacheSubnetGroup, which moto 5.2.1 lacks. */
class CacheSubnetGroupKindTest extends KindContractTest {

  private ElastiCacheDouble elastiCacheDouble;
  private ElastiCacheClient elastiCache;

  @Override
  protected KindHarness harness() {
    elastiCacheDouble = new ElastiCacheDouble();
    elastiCache = CacheFixture.client(elastiCacheDouble.endpoint());
    return new KindHarness(elastiCacheDouble.endpoint(), CacheFixture.spec(), new VpcKind(), new SubnetKind(), new CacheSubnetGroupKind());
  }

  @AfterEach
  void doubleDown() throws Exception {
    elastiCache.close();
    elastiCacheDouble.close();
  }

  @Override
  protected void assertDeclaredShape() {
    CacheSubnetGroup g = group();
    assertThat(g.vpcId()).isEqualTo(output("network.vpcId"));
    assertThat(g.subnets()).extracting(Subnet::subnetIdentifier)
        .containsExactlyInAnyOrder(output("network.subnet.private-1.id"), output("network.subnet.private-2.id"));
    assertThat(ElastiCacheResources.tags(stack.raw(), g.arn())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: the group's subnets are the network's private ones, and a different set is refused (invalidInputs).
  }

  @Override
  protected List<Drift> drifts() {
    // ElastiCache's console lets anyone retag the group; moto has no ModifyCacheSubnetGroup to move its subnets.
    return List.of(new Drift("caches", List.of("tags"),
        () -> ElastiCacheResources.retag(stack.raw(), group().arn(), java.util.Map.of(), List.of("team")),
        List.of("AddTagsToResource"), () -> assertThat(ElastiCacheResources.tags(stack.raw(), group().arn())).containsEntry("team", "chat")));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atConverge("caches", s -> s.network.availabilityZones = 1, Reasons.IMMUTABLE_FIELD, "Slipway does not move them"));
  }

  @Test
  void aServiceWithoutCachesHasNoSubnetGroup() {
    stack.spec().caches.clear();

    assertThat(stack.settle().outcomes()).noneMatch(o -> o.resource().kind.equals(CacheSubnetGroupKind.KIND));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateCacheSubnetGroup");
  }

  private CacheSubnetGroup group() {
    return elastiCache.describeCacheSubnetGroups(r -> r.cacheSubnetGroupName("nexus-prod-caches")).cacheSubnetGroups().get(0);
  }

  private String output(String key) {
    return stack.context().outputs().get(key);
  }
}
