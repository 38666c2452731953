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
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsTarget;
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
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
  /** Lambda as another writer reaches it: through the fault proxy, whose RevisionId double then sees the write. */
  private final AwsClientFactory proxiedFactory = new AwsClientFactory(
      Optional.of(AwsFaults.shared().endpoint()),
      new AwsCallRecorder(new SimpleMeterRegistry()),
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
  private final AwsClients proxied = proxiedFactory.forTarget(AwsTarget.of(ReleaseFixture.REGION, null));

  @AfterEach
  void stop() throws Exception {
    AwsFaults.shared().clearFaults();
    for (AutoCloseable p : pumps) {
      p.close();
    }
    aws.close();
    proxiedFactory.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  private String releaseNamespace(String prefix) {
    return ReleaseFixture.releaseNamespace(kube, prefix, namespaces);
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

  @Test
  void aDeposedLeadersLateUpdateAliasFailsInsteadOfOverwritingTheNewLeadersRollback() {
    String ns = releaseNamespace("fence-leader");
    String fn = unique("deposed");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "two-steps", null, null, 10, "3s", 50, "60s")).create();
    AwsFaults.shared().fenceAliasRevisions(fn::equals);
    var aliases = aws.record(fn);

    client.resource(release(ns, "contested", fn, v2, "two-steps")).create();
    awaitStep(ns, "contested", 1);
    // Step 2 is stored; before its UpdateAlias lands (the provisioned-concurrency read just before
    // it), a replica that took the lease over aborts the release: it puts the alias back on the
    // stable version and stores RolledBack. The operator under test is now the deposed leader.
    Predicate<AwsFaults.Request> beforeShift = AwsFaults.rest("GET", "/2019-09-30/functions/" + fn + "/provisioned-concurrency");
    AwsFaults.Rewrite takeover = AwsFaults.shared().rewrite(beforeShift, body -> {
      new dev.slipway.aws.kinds.LambdaVersions(proxied.lambda()).pointAt(fn, ReleaseFixture.ALIAS, "1");
      client.resources(LambdaRelease.class).inNamespace(ns).withName("contested").editStatus(r -> {
        LambdaReleaseStatus s = r.getStatus();
        s.phase = ReleasePhase.RolledBack;
        s.reason = "Aborted";
        s.message = "aborted by the new leader";
        s.weight = 0;
        s.nextTransitionTime = null;
        s.finishTime = java.time.Instant.now().toString();
        return r;
      });
      return body;
    }, 1);

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(takeover.served()).isEqualTo(1));
    Predicate<AwsFaults.Request> updateAlias = AwsFaults.rest("PUT", "/2015-03-31/functions/" + fn + "/aliases/" + ReleaseFixture.ALIAS);
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
      LambdaReleaseStatus s = status(ns, "contested");
      assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
      assertThat(s.finishTime).isNotNull();
    });
    // The deposed leader's UpdateAlias was refused, once (no retry loop), and its 50 % never reached the alias.
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"));
    assertThat(AwsFaults.shared().requests(updateAlias.and(r -> r.status() == 412))).hasSize(1);
  }

  @Test
  void releasesOfOneFunctionInTwoNamespacesCompeteAndOneTheTenancyRefusesDoesNot() {
    String a = releaseNamespace("order-a");
    String b = releaseNamespace("order-b");
    String refused = kube.newNamespace("order-c"); // no tenancy: it may not release by functionName
    String fn = unique("shared");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CodeSource v3 = aws.code(fn + "/v3.zip", "v3");
    CodeSource v4 = aws.code(fn + "/v4.zip", "v4");
    client.resource(policy(a, "slow", null, null, 10, "120s")).create();
    client.resource(policy(b, "fast", null, null, 10, "2s", 50, "2s")).create();
    client.resource(policy(refused, "slow", null, null, 10, "120s")).create();
    var aliases = aws.record(fn);

    client.resource(release(a, "first", fn, v2, "slow")).create();
    awaitStep(a, "first", 1);
    // A release the tenancy refuses makes no AWS call, so it neither supersedes nor waits for "first".
    client.resource(release(refused, "intruder", fn, v4, "slow")).create();
    LambdaReleaseStatus intruder = awaitFinished(refused, "intruder");
    assertThat(intruder.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(intruder.reason).isEqualTo("NotPermitted");
    assertThat(status(a, "first").phase).isEqualTo(ReleasePhase.Progressing);

    // The same function released from another namespace the tenancy allows: the newer release wins.
    client.resource(release(b, "second", fn, v3, "fast")).create();
    LambdaReleaseStatus first = awaitFinished(a, "first");
    assertThat(first.phase).isEqualTo(ReleasePhase.Superseded);
    assertThat(first.supersededBy).isEqualTo(b + "/second");
    LambdaReleaseStatus second = awaitFinished(b, "second");
    assertThat(second.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(second.stableVersion).isEqualTo("1");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "3", 10),
        AliasState.weighted("1", "3", 50), AliasState.single("3"));
  }

  private LambdaReleaseStatus awaitFinished(String ns, String name) {
    return ReleaseFixture.awaitFinished(client, ns, name);
  }

  private void awaitStep(String ns, String name, int step) {
    aws.awaitStep(client, ns, name, step);
  }

  private LambdaReleaseStatus status(String ns, String name) {
    return ReleaseFixture.status(client, ns, name);
  }
}
