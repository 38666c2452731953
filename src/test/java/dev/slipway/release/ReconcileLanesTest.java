package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.AliasState;
import dev.slipway.reconciler.ReconcileCapacity;
import dev.slipway.reconciler.ReconcileCapacity.Lane;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler lanes in the real operator (issue 9): with every place of the service lane and of
 * the ordinary release lane taken — as when every service resyncs after a restart and many canaries
 * run — an aborted release still rolls back, and ordinary release work waits for a place.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ReconcileLanesTest {

  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(60);

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final List<ReconcileCapacity.Slot> taken = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService taker = Executors.newSingleThreadScheduledExecutor();
  private String ns;
  @Inject ReconcileCapacity capacity;

  @AfterEach
  void stop() {
    giveBack();
    aws.close();
    if (ns != null) {
      Tenancies.revoke(client, ns);
    }
  }

  @Test
  void withTheServiceAndReleaseLanesFullAnAbortStillRollsBackAndOrdinaryWorkWaits() {
    ns = kube.newNamespace("lanes");
    Tenancies.grant(client, ns, t -> {
      t.functionNames = List.of("*");
      t.regions = List.of(ReleaseFixture.REGION);
    });
    String fn = unique("lanes");
    String waiting = unique("lanes-waiting");
    aws.function(fn, fn + "/v1.zip");
    aws.function(waiting, waiting + "/v1.zip");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    client.resource(release(ns, "running", fn, aws.code(fn + "/v2.zip", "v2"), "slow")).create();
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10)));

    // A reconcile under way when the places are taken gives its own back when it ends: the taker
    // takes that one too, and the test goes on once such reconciles have had time to end.
    taker.scheduleWithFixedDelay(() -> {
      takeEveryPlace(Lane.SERVICE);
      takeEveryPlace(Lane.RELEASE);
    }, 0, 10, TimeUnit.MILLISECONDS);
    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
    ReleaseFixture.edit(client, ns, "running", r -> r.getSpec().abort = true);
    client.resource(release(ns, "queued", waiting, aws.code(waiting + "/v2.zip", "v2"), "slow")).create();

    LambdaReleaseStatus aborted = await().atMost(RELEASE_TIMEOUT).until(() -> status("running"), s -> s != null && s.finishTime != null);
    assertThat(aborted.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
    // Deferred, not started: no status, no version published, the alias untouched.
    assertThat(status("queued").phase).isNull();
    assertThat(aws.alias(waiting)).isEqualTo(AliasState.single("1"));

    giveBack();
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(aws.alias(waiting)).isEqualTo(AliasState.weighted("1", "2", 10)));
  }

  private void takeEveryPlace(Lane lane) {
    for (Optional<ReconcileCapacity.Slot> s = capacity.tryEnter(lane); s.isPresent(); s = capacity.tryEnter(lane)) {
      taken.add(s.get());
    }
  }

  private void giveBack() {
    taker.shutdownNow();
    try {
      taker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    taken.forEach(ReconcileCapacity.Slot::close);
    taken.clear();
  }

  private LambdaReleaseStatus status(String name) {
    LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    return r == null ? null : r.getStatus();
  }
}
