package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.AliasState;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writers racing a running release, on the real kube-apiserver and moto: a user's patch landing
 * between the reconciler's read of a release and its status write, and another writer changing the
 * alias between the release's read of it and its UpdateAlias. The release must decide again from
 * what is there now, never act on the stale read.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class LambdaReleaseFenceTest {

  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(60);

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final List<AutoCloseable> pumps = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    AwsFaults.shared().clearFaults();
    for (AutoCloseable p : pumps) {
      p.close();
    }
    aws.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  private String releaseNamespace(String prefix) {
    String ns = kube.newNamespace(prefix);
    Tenancies.grant(client, ns, t -> {
      t.functionNames = List.of("*");
      t.regions = List.of(ReleaseFixture.REGION);
    });
    namespaces.add(ns);
    return ns;
  }

  @Test
  void aPauseSetWhileAnAnalysisRunsTakesEffectBeforeTheNextWeight() {
    String ns = releaseNamespace("fence-pause");
    String fn = unique("stale");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "checked", "10s", 2, 10, "4s", 50, "60s")).create();
    var aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));
    // The user pauses while the step's analysis is in flight: after the reconciler read the release
    // (paused unset), before it writes the status that analysis leads to (step 2 at 50 %).
    Predicate<AwsFaults.Request> analysis = AwsFaults.action("GetMetricStatistics").and(r -> r.bodyContains(fn));
    AwsFaults.Rewrite pausedMidAnalysis = AwsFaults.shared().rewrite(analysis, body -> {
      ReleaseFixture.edit(client, ns, "paused-mid-analysis", r -> r.getSpec().paused = true);
      return body;
    }, 1);

    client.resource(release(ns, "paused-mid-analysis", fn, v2, "checked")).create();

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      assertThat(pausedMidAnalysis.served()).isEqualTo(1);
      assertThat(status(ns, "paused-mid-analysis").phase).isEqualTo(ReleasePhase.Paused);
    });
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "paused-mid-analysis");
      assertThat(s.phase).isEqualTo(ReleasePhase.Paused);
      assertThat(s.step).isEqualTo(1);
      assertThat(s.weight).isEqualTo(10);
    });
    // The weight the stale decision would have set never reached the alias.
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.weighted("1", "2", 10));
  }

  private LambdaReleaseStatus status(String ns, String name) {
    LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    assertThat(r).isNotNull();
    assertThat(r.getStatus()).isNotNull();
    return r.getStatus();
  }
}
