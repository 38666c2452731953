package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When a published version needs a release: decided from the function's status and its newest
 * release alone (the end-to-end paths are in LambdaReleaseReconcilerTest).
 */
class ReleaseTriggerTest {

  private static final String NAME = "shop-api-0123456789";

  /** README, Sharding: the service's shard runs the releases it makes. */
  @Test
  void aReleaseCarriesTheShardLabelOfItsService() {
    FunctionSpec fn = new FunctionSpec();
    fn.name = "api";
    assertThat(ReleaseTrigger.release(service(Map.of(Slipway.SHARD_LABEL, "b")), fn, NAME).getMetadata().getLabels())
        .containsEntry(Slipway.SHARD_LABEL, "b").containsEntry(Slipway.SERVICE_LABEL, "shop");
    assertThat(ReleaseTrigger.release(service(Map.of()), fn, NAME).getMetadata().getLabels()).doesNotContainKey(Slipway.SHARD_LABEL);
  }

  private static ServerlessService service(Map<String, String> labels) {
    ServerlessService s = new ServerlessService();
    s.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace("team").withUid("u-1").withLabels(labels).build());
    s.setSpec(new ServerlessServiceSpec());
    return s;
  }

  @Test
  void aFunctionNeverReleasedNeedsOneOnlyWhenItsAliasIsNotOnThePublishedVersion() {
    assertThat(ReleaseTrigger.due(function("3", "3"), Optional.empty(), NAME)).isFalse();
    assertThat(ReleaseTrigger.due(function("3", "2"), Optional.empty(), NAME)).isTrue();
  }

  @Test
  void aReleaseOfThisVersionCountsByItsStatusOrBeforeItStartedByItsName() {
    FunctionStatus moved = function("3", "2");
    assertThat(ReleaseTrigger.due(moved, Optional.of(release("shop-api-older", "3", ReleasePhase.RolledBack)), NAME)).isFalse();
    assertThat(ReleaseTrigger.due(moved, Optional.of(release(NAME, null, null)), NAME)).isFalse();
    assertThat(ReleaseTrigger.due(moved, Optional.of(release(NAME + "-2", null, null)), NAME)).isFalse();
  }

  @Test
  void aNewestReleaseOfAnotherVersionMakesThisOneDueUnlessItEndedWithTheAliasHereAlready() {
    // A Git revert: B was released last; the service declares A again.
    assertThat(ReleaseTrigger.due(function("1", "2"), Optional.of(release("shop-api-b", "2", ReleasePhase.Succeeded)), NAME)).isTrue();
    // B is still shifting, most traffic still on A: the newest declared state must win.
    assertThat(ReleaseTrigger.due(function("1", "1"), Optional.of(release("shop-api-b", "2", ReleasePhase.Progressing)), NAME)).isTrue();
    // B rolled back to A and the spec went back to A: nothing left to move.
    assertThat(ReleaseTrigger.due(function("1", "1"), Optional.of(release("shop-api-b", "2", ReleasePhase.RolledBack)), NAME)).isFalse();
  }

  @Test
  void aRollbackToANamedReleaseIsNotUndoneByTheNextResyncButANewVersionIsReleased() {
    LambdaRelease b = release("shop-api-b", "2", ReleasePhase.Succeeded);
    LambdaRelease rollback = release("back-to-a", "1", ReleasePhase.Succeeded);
    rollback.getSpec().rollbackTo = "shop-api-a";
    rollback.getMetadata().setCreationTimestamp("2026-12-02T10:00:01Z");
    Optional<LambdaRelease> newest = ReleaseTrigger.newestShipping(java.util.List.of(b, rollback));

    assertThat(newest).containsSame(b);
    // The rolled-back B is still the published version: nothing to release.
    assertThat(ReleaseTrigger.due(function("2", "1"), newest, NAME)).isFalse();
    // The spec moved on to C: released.
    assertThat(ReleaseTrigger.due(function("3", "1"), newest, NAME)).isTrue();
  }

  @Test
  void theVersionHashIsTheCodeAndTheFrozenConfiguration() {
    FunctionStatus a = function("3", "3");
    FunctionStatus sameVersionElsewhere = function("7", "1");
    assertThat(ReleaseTrigger.versionHash(a)).isEqualTo(ReleaseTrigger.versionHash(sameVersionElsewhere));
    sameVersionElsewhere.configHash = "other";
    assertThat(ReleaseTrigger.versionHash(a)).isNotEqualTo(ReleaseTrigger.versionHash(sameVersionElsewhere));
  }

  private static FunctionStatus function(String published, String alias) {
    FunctionStatus f = new FunctionStatus();
    f.name = "api";
    f.publishedVersion = published;
    f.aliasVersion = alias;
    f.codeSha256 = "sha";
    f.configHash = "config";
    return f;
  }

  private static LambdaRelease release(String name, String canaryVersion, ReleasePhase phase) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp("2026-12-02T10:00:00Z").build());
    r.setSpec(new dev.slipway.api.v1alpha1.LambdaReleaseSpec());
    if (canaryVersion != null || phase != null) {
      LambdaReleaseStatus s = new LambdaReleaseStatus();
      s.canaryVersion = canaryVersion;
      s.phase = phase;
      r.setStatus(s);
    }
    return r;
  }
}
