package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionDefaultsSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.MonitoringSpec;
import dev.slipway.argocd.ArgoCdActions;
import dev.slipway.argocd.ArgoCdHealth;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.canary.AliasState;
import dev.slipway.canary.ReleaseMachine;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.status.Reasons;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import jakarta.inject.Inject;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * LambdaReleases driven by the real operator (Quarkus, JOSDK) against the real kube-apiserver and
 * moto, with steps of seconds. The alias is read back from moto throughout; the Slack webhook is a
 * local server; Lambda's per-version metrics are put into moto by the test while a release runs.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class LambdaReleaseReconcilerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(60);
  private static final String LOOPBACK = "127.0.0.0/8";

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final MockWebServer slack = new MockWebServer();
  private final List<String> slackMessages = new CopyOnWriteArrayList<>();
  private final List<String> webhookMessages = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> pumps = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  @Inject AwsCallRecorder recorder;

  @BeforeEach
  void startSlack() throws IOException {
    slack.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        // One server for both webhooks: the generic one posts under /webhook.
        (request.getPath().startsWith("/webhook") ? webhookMessages : slackMessages).add(request.getBody().readUtf8());
        return new MockResponse().setResponseCode(200);
      }
    });
    slack.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable p : pumps) {
      p.close();
    }
    slack.shutdown();
    aws.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  /**
   * A namespace of this test whose SlipwayTenancy lets it release to functions by name in the
   * fixture's region and reach loopback, where the test's Slack webhook listens (MockWebServer).
   */
  private String releaseNamespace(String prefix) {
    String ns = kube.newNamespace(prefix);
    Tenancies.grant(client, ns, t -> {
      t.functionNames = List.of("*");
      t.regions = List.of(ReleaseFixture.REGION);
      t.internalTargets = List.of(LOOPBACK);
    });
    namespaces.add(ns);
    return ns;
  }

  // 1
  @Test
  void aHealthyCanaryGoesTenFiftyHundredAndSucceeds() throws Exception {
    String ns = releaseNamespace("rel-healthy");
    String fn = unique("healthy");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "fast", "10s", 2, 10, "4s", 50, "4s");
    ReleaseFixture.slack(client, p, slack.url("/services/T0/B0/hook").toString());
    client.resource(p).create();
    var aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));

    Instant created = Instant.now();
    client.resource(release(ns, "ship-v2", fn, v2, "fast")).create();

    // Argo CD, running its health script on the live object, sees the release progress, then finish.
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(argoCdHealth(ns, "ship-v2"))
        .satisfies(h -> assertThat(h.status()).isEqualTo("Progressing"), h -> assertThat(h.message()).contains("10%")));
    LambdaReleaseStatus s = awaitFinished(ns, "ship-v2");
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(argoCdHealth(ns, "ship-v2").status()).isEqualTo("Healthy");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
    assertThat(s.reason).isEqualTo("Completed");
    assertThat(s.function).isEqualTo(fn);
    assertThat(s.alias).isEqualTo(ReleaseFixture.ALIAS);
    assertThat(s.stableVersion).isEqualTo("1");
    assertThat(s.canaryVersion).isEqualTo("2");
    assertThat(s.weight).isEqualTo(100);
    assertThat(s.step).isEqualTo(2);
    assertThat(s.totalSteps).isEqualTo(2);
    assertThat(s.stepLabel).isEqualTo("2/2");
    assertThat(s.consecutiveFailures).isZero();
    assertThat(s.analysis).isNotEmpty().allSatisfy(r -> {
      assertThat(r.metric).isEqualTo("error-rate");
      assertThat(r.verdict).isEqualTo(Verdict.Pass);
      assertThat(r.value).isEqualTo(0.0);
      assertThat(r.threshold).isEqualTo("<= 0.05");
      assertThat(r.time).isNotNull();
    });
    assertThat(s.analysis).extracting(r -> r.step).contains("10% (1/2)", "50% (2/2)");
    Instant start = Instant.parse(s.startTime);
    Instant finish = Instant.parse(s.finishTime);
    assertThat(start).isAfterOrEqualTo(created.minusSeconds(1));
    // Two 4 s steps, each promoted only after its pause.
    assertThat(Duration.between(start, finish)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(30));
    assertThat(s.duration).isNotBlank();
    assertThat(condition(s, "Ready")).isEqualTo("True");
    assertThat(condition(s, "Progressing")).isEqualTo("False");
    assertThat(condition(s, "Degraded")).isEqualTo("False");

    assertThat(eventReasons(ns, "ship-v2")).contains("Started", "StepCompleted", "Completed");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<String> texts = slackTexts();
      assertThat(texts).anyMatch(t -> t.contains("ship-v2 started (" + fn + ":live)") && t.contains("Versions: stable 1, canary 2"));
      assertThat(texts).anyMatch(t -> t.contains("ship-v2 completed step 1/2") && t.contains("Weight: 10% on the canary"));
      assertThat(texts).anyMatch(t -> t.contains("ship-v2 completed step 2/2") && t.contains("Weight: 50% on the canary"));
      assertThat(texts).anyMatch(t -> t.contains("ship-v2 promoted") && t.contains("Function: " + fn + ":live")
          && t.contains("Versions: stable 1, canary 2") && t.contains("Weight: 100% on the canary"));
    });
  }

  // 2
  @Test
  void anErrorRateBreachAtStepOneRollsBackWithinOneIntervalOfTheFailureLimit() throws Exception {
    String ns = releaseNamespace("rel-breach");
    String fn = unique("breach");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "guarded", "10s", 2, 10, "30s", 50, "30s");
    ReleaseFixture.slack(client, p, slack.url("/hook").toString());
    client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("deploy-hook").withNamespace(ns).endMetadata()
        .addToStringData("url", slack.url("/webhook?token=t0k3n").toString()).build()).create();
    p.getSpec().notifications.webhook = new CanaryPolicySpec.Webhook();
    p.getSpec().notifications.webhook.urlSecretRef = new dev.slipway.api.v1alpha1.SecretKeyRef();
    p.getSpec().notifications.webhook.urlSecretRef.name = "deploy-hook";
    p.getSpec().notifications.webhook.urlSecretRef.key = "url";
    client.resource(p).create();
    var aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 50));

    LambdaRelease bad = release(ns, "bad", fn, v2, "guarded");
    bad.getMetadata().setAnnotations(Map.of(Slipway.COMMIT_ANNOTATION, "9f2c1ab", Slipway.DEPLOYER_ANNOTATION, "ci/nexus#812"));
    client.resource(bad).create();

    LambdaReleaseStatus s = awaitFinished(ns, "bad");
    assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(argoCdHealth(ns, "bad").status()).isEqualTo("Degraded");
    assertThat(s.reason).isEqualTo("AnalysisFailed");
    assertThat(s.message).contains("error-rate = 0.5");
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"));
    assertThat(s.weight).isZero();
    assertThat(s.consecutiveFailures).isEqualTo(2);
    List<AnalysisResult> fails = s.analysis.stream().filter(r -> r.verdict == Verdict.Fail).toList();
    assertThat(fails).hasSize(2).allSatisfy(r -> {
      assertThat(r.metric).isEqualTo("error-rate");
      assertThat(r.value).isEqualTo(0.5);
      assertThat(r.step).isEqualTo("10% (1/2)");
    });
    // The second run, two intervals (10 s) into the 30 s step, reaches the limit; the rollback
    // follows it at once.
    Instant limitReached = Instant.parse(fails.get(1).time);
    assertThat(Duration.between(limitReached, Instant.parse(s.finishTime))).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(Duration.between(Instant.parse(s.startTime), limitReached)).isLessThan(Duration.ofSeconds(25));
    assertThat(condition(s, "Degraded")).isEqualTo("True");
    assertThat(condition(s, "Ready")).isEqualTo("False");

    awaitEvent(() -> assertThat(events(ns, "bad")).anyMatch(e -> "Warning".equals(e.getType()) && "AnalysisFailed".equals(e.getReason())
        && e.getMessage().contains("error-rate = 0.5")));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(slackTexts()).anyMatch(t -> t.contains("bad rolled back")
        && t.contains("Failing check: error-rate = 0.5 (threshold <= 0.05)") && t.contains("Versions: stable 1, canary 2")
        && t.contains("Commit: 9f2c1ab, deployed by ci/nexus#812")));
    // The JSON webhook had every announcement, the warning and both halves of the rollback among them, in order.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<JsonNode> docs = new ArrayList<>();
      for (String m : webhookMessages) {
        docs.add(JSON.readTree(m));
      }
      assertThat(docs).extracting(d -> d.get("event").asText()).containsSubsequence("Started", "CheckFailed", "RollbackStarted", "RolledBack");
      assertThat(docs).allSatisfy(d -> {
        assertThat(d.get("release").asText()).isEqualTo("bad");
        assertThat(d.get("commit").asText()).isEqualTo("9f2c1ab");
        assertThat(d.get("deployer").asText()).isEqualTo("ci/nexus#812");
      });
    });
  }

  // 3
  @Test
  void inconclusiveDataDoesNotPromote() {
    String ns = releaseNamespace("rel-nodata");
    String fn = unique("nodata");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "blind", "10s", 2, 10, "3s", 50, "3s")).create();
    var aliases = aws.record(fn);

    client.resource(release(ns, "quiet", fn, v2, "blind")).create();

    // Past the 3 s pause the release waits for a passing run, at step 1.
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "quiet");
      assertThat(s.phase).isEqualTo(ReleasePhase.Progressing);
      assertThat(s.reason).isEqualTo("AwaitingAnalysis");
      assertThat(s.step).isEqualTo(1);
      assertThat(Instant.now()).isAfter(Instant.parse(s.stepStartTime).plusSeconds(3));
    });
    assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));

    LambdaReleaseStatus s = awaitFinished(ns, "quiet");
    assertThat(s.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(s.reason).isEqualTo("AnalysisInconclusive");
    assertThat(s.analysis).isNotEmpty().allSatisfy(r -> {
      assertThat(r.verdict).isEqualTo(Verdict.Inconclusive);
      assertThat(r.value).isNull();
    });
    assertThat(s.consecutiveFailures).isZero();
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"));
  }

  // 4
  @Test
  void pauseHoldsTheWeightResumeContinuesPromoteSkipsAndAbortRollsBack() {
    String ns = releaseNamespace("rel-controls");
    String fn = unique("controls");
    String other = unique("aborted");
    aws.function(fn, fn + "/v1.zip");
    aws.function(other, other + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CodeSource o2 = aws.code(other + "/v2.zip", "o2");
    client.resource(policy(ns, "slow", null, null, 10, "4s", 20, "60s", 50, "60s")).create();
    var aliases = aws.record(fn);

    client.resource(release(ns, "controlled", fn, v2, "slow")).create();
    awaitStep(ns, "controlled", 1);
    edit(ns, "controlled", r -> r.getSpec().paused = true);
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "controlled");
      assertThat(s.phase).isEqualTo(ReleasePhase.Paused);
      assertThat(s.reason).isEqualTo("PausedBySpec");
      assertThat(s.pauseRemaining).isNotNull();
      assertThat(condition(s, "Paused")).isEqualTo("True");
    });
    // Held past the 4 s pause of step 1: the weight stays.
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
      assertThat(status(ns, "controlled").phase).isEqualTo(ReleasePhase.Paused);
    });
    // A held release has nothing due, yet a reconcile request wakes it at once (issue 12); it stays held.
    long generation = client.resources(LambdaRelease.class).inNamespace(ns).withName("controlled").get().getMetadata().getGeneration();
    kube.kubectl(null, "annotate", "lr", "controlled", "-n", ns, Slipway.RECONCILE_REQUESTED_AT + "=2026-12-04T20:00:00Z");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(ns, "controlled").lastHandledReconcileAt).isEqualTo("2026-12-04T20:00:00Z"));
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).withName("controlled").get().getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(status(ns, "controlled").phase).isEqualTo(ReleasePhase.Paused);
    assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));

    edit(ns, "controlled", r -> r.getSpec().paused = false);
    awaitStep(ns, "controlled", 2);
    assertThat(status(ns, "controlled").phase).isEqualTo(ReleasePhase.Progressing);
    edit(ns, "controlled", r -> r.getSpec().promote = true);
    LambdaReleaseStatus promoted = awaitFinished(ns, "controlled");
    assertThat(promoted.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(promoted.reason).isEqualTo("PromotedByUser");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 20), AliasState.single("2"));
    assertThat(eventReasons(ns, "controlled")).contains("PausedBySpec", "Resumed", "PromotedByUser");

    client.resource(release(ns, "aborted", other, o2, "slow")).create();
    awaitStep(ns, "aborted", 1);
    edit(ns, "aborted", r -> r.getSpec().abort = true);
    LambdaReleaseStatus aborted = awaitFinished(ns, "aborted");
    assertThat(aborted.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(aborted.reason).isEqualTo("Aborted");
    assertThat(aws.alias(other)).isEqualTo(AliasState.single("1"));
  }

  // 4 (issue 8)
  @Test
  void anApprovalGateHoldsWithAnalysisRunningUntilApprovedStepReachesIt() {
    String ns = releaseNamespace("rel-approval");
    String fn = unique("approval");
    var aliases = startGatedRelease(ns, fn);


    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "gated-v2");
      assertThat(s.phase).isEqualTo(ReleasePhase.AwaitingApproval);
      assertThat(condition(s, "Paused")).isEqualTo("True");
    });
    int runsAtGate = status(ns, "gated-v2").analysis.size();
    assertThat(argoCdHealth(ns, "gated-v2").status()).isEqualTo("Suspended");
    awaitEvent(() -> assertThat(eventReasons(ns, "gated-v2")).contains("AwaitingApproval"));
    // Held well past the 4 s pause, with analysis still running every 10 s.
    await().pollDelay(Duration.ofSeconds(11)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "gated-v2");
      assertThat(s.phase).isEqualTo(ReleasePhase.AwaitingApproval);
      assertThat(s.analysis.size()).isGreaterThan(runsAtGate);
    });
    assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));

    edit(ns, "gated-v2", r -> r.getSpec().approvedStep = 1);

    assertPromotedThroughTheGate(ns, aliases);
    awaitEvent(() -> assertThat(eventReasons(ns, "gated-v2")).contains("AwaitingApproval", "Approved", "Completed"));
  }

  // 5
  @Test
  void aNewerReleaseSupersedesARunningOneAndStartsFromTheStableVersion() {
    String ns = releaseNamespace("rel-supersede");
    String fn = unique("superseded");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CodeSource v3 = aws.code(fn + "/v3.zip", "v3");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    client.resource(policy(ns, "fast", null, null, 10, "2s", 50, "2s")).create();
    var aliases = aws.record(fn);

    client.resource(release(ns, "release-1", fn, v2, "slow")).create();
    awaitStep(ns, "release-1", 1);
    client.resource(release(ns, "release-2", fn, v3, "fast")).create();

    LambdaReleaseStatus older = awaitFinished(ns, "release-1");
    assertThat(older.phase).isEqualTo(ReleasePhase.Superseded);
    assertThat(older.supersededBy).isEqualTo("release-2");
    LambdaReleaseStatus newer = awaitFinished(ns, "release-2");
    assertThat(newer.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(newer.stableVersion).isEqualTo("1");
    assertThat(newer.canaryVersion).isEqualTo("3");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "3", 10),
        AliasState.weighted("1", "3", 50), AliasState.single("3"));
    assertThat(eventReasons(ns, "release-1")).contains("Superseded");
  }

  // 5 (issue 8)
  @Test
  void aSuccessorThatFailsBeforePublishingLeavesTheAliasOnTheStableVersionWithoutWeights() {
    String ns = releaseNamespace("rel-successor");
    String noCode = unique("successor-code");
    String noPolicy = unique("successor-policy");
    aws.function(noCode, noCode + "/v1.zip");
    aws.function(noPolicy, noPolicy + "/v1.zip");
    client.resource(policy(ns, "to-fifty", null, null, 10, "1s", 50, "120s")).create();
    var codeAliases = aws.record(noCode);
    var policyAliases = aws.record(noPolicy);
    client.resource(release(ns, "code-1", noCode, aws.code(noCode + "/v2.zip", "v2"), "to-fifty")).create();
    client.resource(release(ns, "policy-1", noPolicy, aws.code(noPolicy + "/v2.zip", "v2"), "to-fifty")).create();
    awaitStep(ns, "code-1", 2);
    awaitStep(ns, "policy-1", 2);

    client.resource(release(ns, "code-2", noCode, CodeSource.s3(ReleaseFixture.BUCKET, noCode + "/missing.zip"), "to-fifty")).create();
    client.resource(release(ns, "policy-2", noPolicy, aws.code(noPolicy + "/v3.zip", "v3"), "does-not-exist")).create();

    assertThat(awaitFinished(ns, "code-1").phase).isEqualTo(ReleasePhase.Superseded);
    assertThat(awaitFinished(ns, "policy-1").phase).isEqualTo(ReleasePhase.Superseded);
    LambdaReleaseStatus code = awaitFinished(ns, "code-2");
    assertThat(code.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(code.reason).isEqualTo("CodeNotFound");
    assertThat(code.stableVersion).isEqualTo("1");
    LambdaReleaseStatus pol = awaitFinished(ns, "policy-2");
    assertThat(pol.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(pol.reason).isEqualTo("PolicyNotFound");
    assertThat(codeAliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("1"));
    assertThat(policyAliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("1"));
  }

  // 5 (issue 8): kubectl delete lr, an Argo CD prune, garbage collection of a deleted service's releases
  @Test
  void aReleaseDeletedMidCanaryPutsTheAliasBackOnTheStableVersionBeforeItGoes() {
    String ns = releaseNamespace("rel-deleted");
    String fn = unique("deleted");
    String vanished = unique("vanished");
    aws.function(fn, fn + "/v1.zip");
    aws.function(vanished, vanished + "/v1.zip");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    var aliases = aws.record(fn);
    client.resource(release(ns, "deleted", fn, aws.code(fn + "/v2.zip", "v2"), "slow")).create();
    client.resource(release(ns, "orphan", vanished, aws.code(vanished + "/v2.zip", "v2"), "slow")).create();
    awaitStep(ns, "deleted", 1);
    awaitStep(ns, "orphan", 1);

    client.resources(LambdaRelease.class).inNamespace(ns).withName("deleted").delete();
    // The function of the other one is deleted behind Slipway's back: its release must still go.
    aws.aws.lambda().deleteFunction(r -> r.functionName(vanished));
    client.resources(LambdaRelease.class).inNamespace(ns).withName("orphan").delete();

    await().atMost(RELEASE_TIMEOUT).until(() -> client.resources(LambdaRelease.class).inNamespace(ns).withName("deleted").get() == null);
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"));
    assertThat(eventReasons(ns, "deleted")).contains("Deleted");
    await().atMost(RELEASE_TIMEOUT).until(() -> client.resources(LambdaRelease.class).inNamespace(ns).withName("orphan").get() == null);
  }

  // 6 (issue 8): AWS performs a call whose answer is lost — on the way to every step
  @Test
  void lostAnswersToTheUploadPublishAndAliasCallsRepeatNoStepAndPublishOneVersion() {
    String ns = releaseNamespace("rel-lost");
    String fn = unique("lost");
    aws.function(fn, fn + "/v1.zip");
    client.resource(policy(ns, "two-steps", null, null, 10, "2s", 50, "2s")).create();
    var aliases = aws.record(fn);
    AwsFaults faults = AwsFaults.shared();
    String functionPath = "/functions/" + fn;
    faults.loseResponse(r -> r.method().equals("PUT") && r.path().endsWith(functionPath + "/code"), 1);
    faults.loseResponse(r -> r.method().equals("POST") && r.path().endsWith(functionPath + "/versions"), 1);
    faults.loseResponse(r -> r.method().equals("PUT") && r.path().endsWith(functionPath + "/aliases/" + ReleaseFixture.ALIAS), 2);
    try {
      client.resource(release(ns, "lost", fn, aws.code(fn + "/v2.zip", "v2"), "two-steps")).create();

      LambdaReleaseStatus s = awaitFinished(ns, "lost");

      assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
      assertThat(faults.requests(r -> r.path().contains(functionPath) && r.status() == AwsFaults.LOST)).as("answers lost").hasSize(4);
    } finally {
      faults.clearFaults();
    }
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
    assertThat(aws.aws.lambda().listVersionsByFunction(r -> r.functionName(fn)).versions())
        .extracting(v -> v.version()).containsExactly("$LATEST", "1", "2");
  }

  // 6 (issue 8): a terminal error on the alias call backs off, then says what a person must do
  @Test
  void anUpdateAliasAwsRefusesBacksOffThenReportsRollbackFailed() {
    String ns = releaseNamespace("rel-refused");
    String fn = unique("refused");
    aws.function(fn, fn + "/v1.zip");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    client.resource(release(ns, "refused", fn, aws.code(fn + "/v2.zip", "v2"), "slow")).create();
    awaitStep(ns, "refused", 1);
    Predicate<AwsFaults.Request> updateAlias = r -> r.method().equals("PUT") && r.path().endsWith("/functions/" + fn + "/aliases/" + ReleaseFixture.ALIAS);
    AwsFaults.Fault denied = AwsFaults.shared().accessDenied(updateAlias, 1000);
    try {
      edit(ns, "refused", r -> r.getSpec().abort = true);

      LambdaReleaseStatus s = awaitFinished(ns, "refused");

      assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
      assertThat(condition(s, "RollbackFailed")).isEqualTo("True");
      assertThat(condition(s, "Degraded")).isEqualTo("True");
      String message = s.conditions.stream().filter(c -> c.getType().equals("RollbackFailed")).findFirst().orElseThrow().getMessage();
      assertThat(message).contains("AccessDenied").contains("1 + 2@10%").contains("update-alias --function-name " + fn);
      assertThat(s.observedAlias).isEqualTo("1 + 2@10%");
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
      // Exponential backoff (the test profile: 1 s doubling up to 4 s), a bounded number of attempts.
      List<Instant> attempts = AwsFaults.shared().requests(updateAlias.and(r -> r.status() == 403)).stream().map(AwsFaults.Request::at).toList();
      assertThat(denied.served()).isEqualTo(attempts.size()).isEqualTo(ReleaseMachine.ALIAS_ATTEMPTS);
      for (int i = 2; i < attempts.size(); i++) {
        assertThat(Duration.between(attempts.get(i - 1), attempts.get(i)))
            .isGreaterThanOrEqualTo(Duration.between(attempts.get(i - 2), attempts.get(i - 1)).minusMillis(500));
      }
      assertThat(Duration.between(attempts.get(0), attempts.get(attempts.size() - 1))).isGreaterThanOrEqualTo(Duration.ofSeconds(9));
      awaitEvent(() -> assertThat(events(ns, "refused")).anyMatch(e -> "Warning".equals(e.getType()) && "RollbackFailed".equals(e.getReason())));
    } finally {
      AwsFaults.shared().clearFaults();
    }
  }

  // 14 (issue 8): kubectl patch lr X --type merge -p '{"spec":{"retry":1}}'
  @Test
  void aRetryAfterARollbackRunsANewCanaryToSucceededWhenTheMetricsAreHealthy() throws Exception {
    String ns = releaseNamespace("rel-retry");
    String fn = unique("retry");
    aws.function(fn, fn + "/v1.zip");
    // The first run of step 1 is one interval in: its window holds no data of the failed attempt.
    client.resource(policy(ns, "strict", "10s", 1, 10, "12s", 50, "4s")).create();
    var aliases = aws.record(fn);
    AutoCloseable failing = aws.pumpMetrics(fn, "2", 100, 50);
    pumps.add(failing);
    client.resource(release(ns, "flaky", fn, aws.code(fn + "/v2.zip", "v2"), "strict")).create();
    LambdaReleaseStatus rolledBack = awaitFinished(ns, "flaky");
    assertThat(rolledBack.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(condition(rolledBack, "Stalled")).isEqualTo("True");
    failing.close();
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));

    kube.kubectl(null, "patch", "lr", "flaky", "-n", ns, "--type", "merge", "-p", "{\"spec\":{\"retry\":1}}");

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(status(ns, "flaky").observedRetry).isEqualTo(1));
    LambdaReleaseStatus s = awaitFinished(ns, "flaky");
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("Completed");
    assertThat(condition(s, "Stalled")).isNull();
    assertThat(s.stableVersion).isEqualTo("1");
    assertThat(s.canaryVersion).isEqualTo("2");
    assertThat(s.analysis).isNotEmpty().allSatisfy(r -> assertThat(r.verdict).isEqualTo(Verdict.Pass));
    assertThat(Instant.parse(s.startTime)).isAfter(Instant.parse(rolledBack.finishTime).minusSeconds(1));
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"),
        AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
    awaitEvent(() -> assertThat(events(ns, "flaky"))
        .anyMatch(e -> "Normal".equals(e.getType()) && "Retry".equals(e.getReason()) && e.getMessage().startsWith("Retry 1 of release flaky")));
    // The version of the first attempt is shipped again: nothing is uploaded or published twice.
    assertThat(recorder.callsFor("LambdaRelease/" + ns + "/flaky")).extracting(AwsCallRecorder.Call::operation)
        .containsOnlyOnce("UpdateFunctionCode", "PublishVersion");
  }

  // 14 (issue 8)
  @Test
  void aRetryOfAReleaseANewerReleaseOfTheAliasSupersededIsRefusedWithoutAnAwsCall() {
    String ns = releaseNamespace("rel-retry-superseded");
    String fn = unique("retry-superseded");
    aws.function(fn, fn + "/v1.zip");
    LambdaRelease aborted = release(ns, "aborted", fn, aws.code(fn + "/v2.zip", "v2"), null);
    aborted.getSpec().abort = true;
    client.resource(aborted).create();
    assertThat(awaitFinished(ns, "aborted").phase).isEqualTo(ReleasePhase.RolledBack);
    client.resource(release(ns, "newer", fn, aws.code(fn + "/v3.zip", "v3"), null)).create();
    assertThat(awaitFinished(ns, "newer").phase).isEqualTo(ReleasePhase.Succeeded);
    AliasState live = aws.alias(fn);
    int calls = recorder.callsFor("LambdaRelease/" + ns + "/aborted").size();

    edit(ns, "aborted", r -> {
      r.getSpec().abort = false;
      r.getSpec().retry = 1;
    });

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, "aborted");
      assertThat(s.observedRetry).isEqualTo(1);
      assertThat(condition(s, "RetryRefused")).as("%s / newer: %s", JSON.writeValueAsString(s), JSON.writeValueAsString(status(ns, "newer"))).isEqualTo("True");
    });
    LambdaReleaseStatus s = status(ns, "aborted");
    assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(s.conditions).filteredOn(c -> c.getType().equals("RetryRefused"))
        .singleElement().satisfies(c -> {
          assertThat(c.getReason()).isEqualTo("Superseded");
          assertThat(c.getMessage()).contains("newer");
        });
    awaitEvent(() -> assertThat(events(ns, "aborted")).filteredOn(e -> "RetryRefused".equals(e.getReason()))
        .singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("Warning")));
    assertThat(aws.alias(fn)).isEqualTo(live);
    assertThat(recorder.callsFor("LambdaRelease/" + ns + "/aborted")).hasSize(calls);
  }

  // 14 (issue 8): the rollback's UpdateAlias is throttled; the retry waits for it
  @Test
  void aRetryDoesNothingWhileTheRollbacksAliasMoveIsUnconfirmed() {
    String ns = releaseNamespace("rel-retry-owed");
    String fn = unique("retry-owed");
    aws.function(fn, fn + "/v1.zip");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    var aliases = aws.record(fn);
    client.resource(release(ns, "owed", fn, aws.code(fn + "/v2.zip", "v2"), "slow")).create();
    awaitStep(ns, "owed", 1);
    Predicate<AwsFaults.Request> updateAlias = r -> r.method().equals("PUT") && r.path().endsWith("/functions/" + fn + "/aliases/" + ReleaseFixture.ALIAS);
    AwsFaults.shared().throttle(updateAlias, 100_000);
    try {
      edit(ns, "owed", r -> r.getSpec().abort = true);
      await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(status(ns, "owed").phase).isEqualTo(ReleasePhase.RolledBack));

      edit(ns, "owed", r -> {
        r.getSpec().abort = false;
        r.getSpec().retry = 1;
      });

      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        LambdaReleaseStatus s = status(ns, "owed");
        assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
        assertThat(s.finishTime).isNull();
        assertThat(s.observedRetry).isZero();
      });
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
      assertThat(eventReasons(ns, "owed")).doesNotContain("Retry");
    } finally {
      AwsFaults.shared().clearFaults();
    }

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(status(ns, "owed").observedRetry).isEqualTo(1));
    awaitStep(ns, "owed", 1);
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"), AliasState.weighted("1", "2", 10));
    edit(ns, "owed", r -> r.getSpec().abort = true);
    awaitFinished(ns, "owed");
  }

  // 15 (issue 8): rollback to a named release
  @Test
  void rollbackToMovesTheAliasToTheEarlierReleasesVersionWithoutUploadingOrPublishing() {
    String ns = releaseNamespace("rel-rollback-to");
    String fn = unique("rollback-to");
    aws.function(fn, fn + "/v1.zip");
    var aliases = aws.record(fn);
    client.resource(release(ns, "v2", fn, aws.code(fn + "/v2.zip", "v2"), null)).create();
    assertThat(awaitFinished(ns, "v2").canaryVersion).isEqualTo("2");
    client.resource(release(ns, "v3", fn, aws.code(fn + "/v3.zip", "v3"), null)).create();
    assertThat(awaitFinished(ns, "v3").canaryVersion).isEqualTo("3");

    client.resource(ReleaseFixture.rollbackTo(ns, "back-to-v2", fn, "v2")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "back-to-v2");
    assertThat(s.phase).as("%s %s", s.supersededBy, s.message).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("AllAtOnce");
    assertThat(s.stableVersion).isEqualTo("3");
    assertThat(s.canaryVersion).isEqualTo("2");
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("2"));
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.single("2"), AliasState.single("3"), AliasState.single("2"));
    List<AwsCallRecorder.Call> calls = recorder.callsFor("LambdaRelease/" + ns + "/back-to-v2");
    assertThat(calls).extracting(AwsCallRecorder.Call::operation).doesNotContain("UpdateFunctionCode", "PublishVersion");
    assertThat(calls).filteredOn(AwsCallRecorder.Call::mutating).extracting(AwsCallRecorder.Call::operation).containsExactly("UpdateAlias");
  }

  // 15 (issue 8)
  @Test
  void rollbackToAReleaseThatDidNotSucceedDoesNotExistOrIsOfAnotherAliasFailsWithoutMovingTheAlias() {
    String ns = releaseNamespace("rel-rollback-to-bad");
    String fn = unique("rollback-to-bad");
    String other = unique("rollback-to-none");
    String third = unique("rollback-to-other");
    aws.function(fn, fn + "/v1.zip");
    aws.function(other, other + "/v1.zip");
    aws.function(third, third + "/v1.zip");
    LambdaRelease aborted = release(ns, "aborted", fn, aws.code(fn + "/v2.zip", "v2"), null);
    aborted.getSpec().abort = true;
    client.resource(aborted).create();
    assertThat(awaitFinished(ns, "aborted").phase).isEqualTo(ReleasePhase.RolledBack);

    client.resource(ReleaseFixture.rollbackTo(ns, "to-aborted", fn, "aborted")).create();
    client.resource(ReleaseFixture.rollbackTo(ns, "to-nothing", other, "never-created")).create();
    client.resource(ReleaseFixture.rollbackTo(ns, "to-another-function", third, "aborted")).create();

    Map<String, String> reasons = Map.of(
        "to-aborted", "RollbackTargetNotSucceeded", "to-nothing", "RollbackTargetNotFound", "to-another-function", "RollbackTargetOtherAlias");
    for (var c : reasons.entrySet()) {
      LambdaReleaseStatus s = awaitFinished(ns, c.getKey());
      assertThat(s.phase).as(c.getKey()).isEqualTo(ReleasePhase.Failed);
      assertThat(s.reason).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(condition(s, "Degraded")).as(c.getKey()).isEqualTo("True");
      assertThat(s.canaryVersion).as(c.getKey()).isNull();
      assertThat(recorder.callsFor("LambdaRelease/" + ns + "/" + c.getKey())).as(c.getKey()).noneMatch(AwsCallRecorder.Call::mutating);
      awaitEvent(() -> assertThat(eventReasons(ns, c.getKey())).contains(c.getValue()));
    }
    assertThat(status(ns, "to-aborted").message).contains("aborted").contains("did not succeed (RolledBack (Aborted))");
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
    assertThat(aws.alias(other)).isEqualTo(AliasState.single("1"));
    assertThat(aws.alias(third)).isEqualTo(AliasState.single("1"));
  }

  // 7
  @Test
  void allAtOnceSucceedsAtOnceAndTheLiveCodeIsNoChange() {
    String ns = releaseNamespace("rel-allatonce");
    String fn = unique("allatonce");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    var aliases = aws.record(fn);

    client.resource(release(ns, "at-once", fn, v2, null)).create();
    LambdaReleaseStatus s = awaitFinished(ns, "at-once");
    assertThat(s.phase).as("%s %s", s.supersededBy, s.message).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("AllAtOnce");
    assertThat(s.totalSteps).isZero();
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.single("2"));

    client.resource(release(ns, "again", fn, v2, null)).create();
    LambdaReleaseStatus same = awaitFinished(ns, "again");
    assertThat(same.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(same.reason).isEqualTo("NoChange");
    assertThat(same.stableVersion).isEqualTo("2");
    assertThat(same.canaryVersion).isEqualTo("2");
    assertThat(aliases.sequence()).containsExactly(AliasState.single("1"), AliasState.single("2"));
  }

  // 7 (presets)
  @Test
  void presetsExpandToTheirSteps() {
    String ns = releaseNamespace("rel-presets");
    Map<CanaryPolicySpec.Preset, String> expected = new HashMap<>();
    expected.put(CanaryPolicySpec.Preset.Linear10PercentEvery1Minute,
        "10%/1m → 20%/1m → 30%/1m → 40%/1m → 50%/1m → 60%/1m → 70%/1m → 80%/1m → 90%/1m → 100%");
    expected.put(CanaryPolicySpec.Preset.Linear10PercentEvery10Minutes,
        "10%/10m → 20%/10m → 30%/10m → 40%/10m → 50%/10m → 60%/10m → 70%/10m → 80%/10m → 90%/10m → 100%");
    expected.put(CanaryPolicySpec.Preset.Canary10Percent5Minutes, "10%/5m → 100%");
    expected.put(CanaryPolicySpec.Preset.Canary10Percent30Minutes, "10%/30m → 100%");
    expected.put(CanaryPolicySpec.Preset.AllAtOnce, "100%");
    expected.forEach((preset, summary) -> {
      CanaryPolicy p = new CanaryPolicy();
      p.setMetadata(new ObjectMetaBuilder().withName(preset.name().toLowerCase()).withNamespace(ns).build());
      p.setSpec(new CanaryPolicySpec());
      p.getSpec().preset = preset;
      p.getSpec().steps = null;
      client.resource(p).create();
    });
    expected.forEach((preset, summary) -> await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      CanaryPolicy p = client.resources(CanaryPolicy.class).inNamespace(ns).withName(preset.name().toLowerCase()).get();
      assertThat(p.getStatus()).isNotNull();
      assertThat(p.getStatus().summary).isEqualTo(summary);
      assertThat(p.getStatus().conditions).anyMatch(c -> c.getType().equals("Valid") && c.getStatus().equals("True"));
    }));
    // Ten shifts for the linear presets: nine weighted steps, then all traffic.
    assertThat(expected.get(CanaryPolicySpec.Preset.Linear10PercentEvery1Minute).split(" → ")).hasSize(10);
  }

  // 7 (issue 12): kstatus judges a policy no release can run Failed, until it is fixed
  @Test
  void aPolicyTheSchemaAcceptsButNoReleaseCanRunIsStalledUntilItIsFixed() {
    String ns = kube.newNamespace("rel-stalled-policy");
    namespaces.add(ns);
    // The schema's pattern takes the pause; the number does not fit a duration.
    client.resource(policy(ns, "huge", null, null, 10, "99999999999999999999h")).create();
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      var conditions = client.resources(CanaryPolicy.class).inNamespace(ns).withName("huge").get().getStatus().conditions;
      assertThat(conditions).anyMatch(c -> c.getType().equals("Valid") && c.getStatus().equals("False") && c.getReason().equals("InvalidPolicy"));
      assertThat(conditions).anyMatch(c -> c.getType().equals("Stalled") && c.getStatus().equals("True") && c.getReason().equals("InvalidPolicy")
          && c.getMessage().contains("99999999999999999999"));
    });

    client.resources(CanaryPolicy.class).inNamespace(ns).withName("huge").edit(p -> {
      p.getSpec().steps.get(0).pause = "1m";
      return p;
    });
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      var conditions = client.resources(CanaryPolicy.class).inNamespace(ns).withName("huge").get().getStatus().conditions;
      assertThat(conditions).anyMatch(c -> c.getType().equals("Valid") && c.getStatus().equals("True"));
      assertThat(conditions).extracting(io.fabric8.kubernetes.api.model.Condition::getType).doesNotContain("Stalled");
    });
  }

  // 8
  @Test
  void theServiceReleasesAChangedFunctionWithItsReleasePolicy() {
    String ns = kube.newNamespace("rel-service");
    String svc = unique("shop");
    aws.code(svc + "/1.zip", "one");
    CodeSource two = aws.code(svc + "/2.zip", "two");
    client.resource(policy(ns, "fast", null, null, 10, "2s", 50, "2s")).create();
    createService(ns, svc, ReleaseFixture.functionSpec("api", svc + "/1.zip", "fast"), ReleaseFixture.functionSpec("worker", svc + "/1.zip", null));
    String before = functionStatus(ns, svc, "api").aliasVersion;
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()).isEmpty();

    editCode(ns, svc, two);

    LambdaRelease created = await().atMost(RELEASE_TIMEOUT).until(
        () -> client.resources(LambdaRelease.class).inNamespace(ns).list().getItems().stream().findFirst().orElse(null), r -> r != null);
    assertThat(created.getMetadata().getName()).startsWith(svc + "-api-");
    assertThat(created.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("ServerlessService");
      assertThat(o.getName()).isEqualTo(svc);
    });
    assertThat(created.getSpec().service).isEqualTo(svc);
    assertThat(created.getSpec().function).isEqualTo("api");
    assertThat(created.getSpec().policy).isEqualTo("fast");
    assertThat(created.getSpec().code).isEqualTo(two);

    LambdaReleaseStatus s = awaitFinished(ns, created.getMetadata().getName());
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("Completed");
    assertThat(s.stableVersion).isEqualTo(before);
    assertThat(s.totalSteps).isEqualTo(2);
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.single(s.canaryVersion));
    assertThat(functionStatus(ns, svc, "api").release).isEqualTo(created.getMetadata().getName());
    assertThat(functionStatus(ns, svc, "api").publishedVersion).isEqualTo(s.canaryVersion);
    // The service's next resync reports the alias where the release left it.
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(functionStatus(ns, svc, "api").aliasVersion).isEqualTo(s.canaryVersion));
    // Only the changed function was released.
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()).hasSize(1);
  }

  // 5 (issue 8): a release keeps the policy and target it started with
  @Test
  void aPolicyDeletedMidReleaseDoesNotChangeTheReleaseThatStartedWithIt() {
    String ns = releaseNamespace("rel-pinned-policy");
    String fn = unique("pinned");
    aws.function(fn, fn + "/v1.zip");
    client.resource(policy(ns, "steady", null, null, 10, "6s", 50, "3s")).create();
    client.resource(release(ns, "pinned", fn, aws.code(fn + "/v2.zip", "v2"), "steady")).create();
    awaitStep(ns, "pinned", 1);

    client.resources(CanaryPolicy.class).inNamespace(ns).withName("steady").delete();

    LambdaReleaseStatus s = awaitFinished(ns, "pinned");
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.totalSteps).isEqualTo(2);
    assertThat(s.policy.steps).extracting(step -> step.weight).containsExactly(10, 50);
    assertThat(s.target.function).isEqualTo(fn);
    assertThat(s.target.alias).isEqualTo(ReleaseFixture.ALIAS);
    assertThat(s.target.region).isEqualTo(ReleaseFixture.REGION);
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("2"));
  }

  // 5 (issue 8): a service whose stage changes mid-release does not move the release to the new function
  @Test
  void aServiceEditedMidReleaseIsReportedAndTheReleaseGoesOnWithItsPinnedAlias() {
    String ns = kube.newNamespace("rel-pinned-target");
    String svc = unique("moved");
    String release = serviceMidCanary(ns, svc);

    client.resources(ServerlessService.class).inNamespace(ns).withName(svc).edit(s -> {
      s.getSpec().stage = "next";
      return s;
    });

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = status(ns, release);
      assertThat(condition(s, "TargetChanged")).isEqualTo("True");
      assertThat(s.conditions).filteredOn(c -> c.getType().equals("TargetChanged")).first()
          .satisfies(c -> assertThat(c.getMessage()).contains(svc + "-next-api:next").contains(svc + "-prod-api:prod"));
    });
    assertThat(status(ns, release).step).isEqualTo(1);
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.weighted("1", "2", 10));

    edit(ns, release, r -> r.getSpec().abort = true);
    assertThat(awaitFinished(ns, release).phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.single("1"));
  }

  // 8 (issue 8): kubectl delete serverlessservice — the garbage collector follows the release's owner reference
  @Test
  void theReleasesAndOutputsOfADeletedServiceAreGarbageCollected() {
    String ns = kube.newNamespace("rel-service-gc");
    String svc = unique("gone");
    String release = serviceMidCanary(ns, svc);

    client.resources(ServerlessService.class).inNamespace(ns).withName(svc).delete();

    await().atMost(RELEASE_TIMEOUT).until(() -> client.resources(LambdaRelease.class).inNamespace(ns).withName(release).get() == null);
    // The service (Retain) left its function: the release's finalizer, on its pinned target, put the alias back.
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.single("1"));
    await().atMost(RELEASE_TIMEOUT).until(() -> client.configMaps().inNamespace(ns).withName(svc + "-outputs").get() == null);
  }

  // 8 (issue 8): kubectl delete namespace — every finalizer runs, the namespace goes
  @Test
  void aDeletedNamespaceWithAServiceMidCanaryFinishesTerminating() {
    String ns = kube.newNamespace("rel-namespace-gc");
    String svc = unique("ns-gone");
    serviceMidCanary(ns, svc);

    client.namespaces().withName(ns).delete();

    await().atMost(RELEASE_TIMEOUT).until(() -> client.namespaces().withName(ns).get() == null);
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.single("1"));
  }

  /** A service whose function api is released at step 1 (10 %) of a 2-minute pause; the release's name. */
  private String serviceMidCanary(String ns, String svc) {
    aws.code(svc + "/1.zip", "one");
    CodeSource two = aws.code(svc + "/2.zip", "two");
    client.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    createService(ns, svc, ReleaseFixture.functionSpec("api", svc + "/1.zip", "slow"));
    editCode(ns, svc, two);
    String release = await().atMost(RELEASE_TIMEOUT).until(
        () -> client.resources(LambdaRelease.class).inNamespace(ns).list().getItems().stream().findFirst().map(r -> r.getMetadata().getName()).orElse(null),
        r -> r != null);
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      assertThat(status(ns, release).step).isEqualTo(1);
      assertThat(aws.alias(svc + "-prod-api", "prod").weight()).isEqualTo(10);
    });
    return release;
  }

  // 8 (issue 10): a release gated on its service's own alarm, by logical name
  @Test
  void aReleaseGatedOnAServiceAlarmRollsBackWhenThatAlarmGoesOff() {
    String ns = kube.newNamespace("rel-alarm");
    String svc = unique("gated");
    aws.code(svc + "/1.zip", "one");
    CodeSource two = aws.code(svc + "/2.zip", "two");
    CanaryPolicy p = policy(ns, "alarmed", "10s", 2, 10, "30s", 50, "30s");
    CanaryPolicySpec.Metric alarms = new CanaryPolicySpec.Metric();
    alarms.name = "alarms";
    alarms.cloudWatchAlarms = new CanaryPolicySpec.AlarmCheck();
    alarms.cloudWatchAlarms.serviceAlarms = List.of("api-errors");
    p.getSpec().analysis.metrics.set(0, alarms);
    client.resource(p).create();
    createService(ns, svc, new MonitoringSpec(), ReleaseFixture.functionSpec("api", svc + "/1.zip", "alarmed"));
    String alarm = svc + "-prod-api-errors";
    aws.aws.cloudWatch().setAlarmState(r -> r.alarmName(alarm).stateValue(StateValue.ALARM).stateReason("errors of the new code"));

    editCode(ns, svc, two);

    LambdaRelease created = awaitRelease(ns, svc, two, 1);
    LambdaReleaseStatus s = awaitFinished(ns, created.getMetadata().getName());
    assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(s.reason).isEqualTo("AnalysisFailed");
    assertThat(s.message).contains("alarms = 1");
    assertThat(s.analysis).filteredOn(r -> r.verdict == Verdict.Fail).hasSize(2)
        .allSatisfy(r -> assertThat(r.message).isEqualTo("in ALARM: " + alarm));
    assertThat(aws.alias(svc + "-prod-api", "prod")).isEqualTo(AliasState.single(s.stableVersion));
  }

  // 8 (issue 8): a Git revert of the service's code releases the reverted code again
  @Test
  void revertingTheServicesCodeToAnEarlierReleasedArtifactReleasesItAgain() {
    String ns = kube.newNamespace("rel-revert");
    String svc = unique("revert");
    aws.code(svc + "/0.zip", "zero");
    CodeSource a = aws.code(svc + "/a.zip", "a");
    CodeSource b = aws.code(svc + "/b.zip", "b");
    createService(ns, svc, ReleaseFixture.functionSpec("api", svc + "/0.zip", null));
    String alias = svc + "-prod-api";

    editCode(ns, svc, a);
    LambdaReleaseStatus releasedA = awaitFinished(ns, awaitRelease(ns, svc, a, 1).getMetadata().getName());
    editCode(ns, svc, b);
    LambdaReleaseStatus releasedB = awaitFinished(ns, awaitRelease(ns, svc, b, 2).getMetadata().getName());
    assertThat(aws.alias(alias, "prod")).isEqualTo(AliasState.single(releasedB.canaryVersion));

    editCode(ns, svc, a);

    LambdaRelease revert = awaitRelease(ns, svc, a, 3);
    LambdaReleaseStatus reverted = awaitFinished(ns, revert.getMetadata().getName());
    assertThat(reverted.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(reverted.stableVersion).isEqualTo(releasedB.canaryVersion);
    assertThat(reverted.canaryVersion).isNotEqualTo(releasedB.canaryVersion).isNotEqualTo(releasedA.stableVersion);
    assertThat(aws.alias(alias, "prod")).isEqualTo(AliasState.single(reverted.canaryVersion));
    assertThat(functionStatus(ns, svc, "api").release).isEqualTo(revert.getMetadata().getName());
    // The service's next resyncs create nothing more.
    await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).untilAsserted(
        () -> assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()).hasSize(3));
  }

  // 8 (issue 7): a change of spec.functionDefaults is a change of every function that inherits it
  @Test
  void aChangedFunctionDefaultReleasesTheFunctionsThatInheritItAndNotOneThatOverridesIt() {
    String ns = kube.newNamespace("rel-defaults");
    String svc = unique("defaults");
    aws.code(svc + "/1.zip", "one");
    FunctionSpec pinned = ReleaseFixture.functionSpec("pinned", svc + "/1.zip", null);
    pinned.memoryMB = 128;
    createService(ns, svc, ReleaseFixture.functionSpec("api", svc + "/1.zip", null), ReleaseFixture.functionSpec("worker", svc + "/1.zip", null), pinned);

    client.resources(ServerlessService.class).inNamespace(ns).withName(svc).edit(s -> {
      s.getSpec().functionDefaults = new FunctionDefaultsSpec();
      s.getSpec().functionDefaults.memoryMB = 256;
      return s;
    });

    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems())
        .extracting(r -> r.getSpec().function).containsExactlyInAnyOrder("api", "worker"));
    assertThat(aws.aws.lambda().getFunctionConfiguration(r -> r.functionName(svc + "-prod-worker")).memorySize()).isEqualTo(256);
    // The service's next resyncs release nothing more: the pinned function's configuration did not change.
    await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).untilAsserted(
        () -> assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()).hasSize(2));
  }

  // 9
  @Test
  void aMissingFunctionPolicyOrArtifactFailsWithAClearReason() {
    String ns = releaseNamespace("rel-failures");
    // Two releases of one function would compete for its alias (the newer supersedes): one function each.
    String fn = unique("nopolicy");
    String codeless = unique("nocode");
    aws.function(fn, fn + "/v1.zip");
    aws.function(codeless, codeless + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");

    client.resource(release(ns, "no-function", unique("missing"), v2, null)).create();
    client.resource(release(ns, "no-policy", fn, v2, "does-not-exist")).create();
    client.resource(release(ns, "no-code", codeless, CodeSource.s3(ReleaseFixture.BUCKET, codeless + "/missing.zip"), null)).create();

    LambdaReleaseStatus noFunction = awaitFinished(ns, "no-function");
    assertThat(noFunction.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(noFunction.reason).isEqualTo("FunctionNotFound");
    assertThat(noFunction.message).contains("does not exist");
    assertThat(condition(noFunction, "Degraded")).isEqualTo("True");
    awaitEvent(() -> assertThat(events(ns, "no-function")).anyMatch(e -> "Warning".equals(e.getType()) && "FunctionNotFound".equals(e.getReason())));

    LambdaReleaseStatus noPolicy = awaitFinished(ns, "no-policy");
    assertThat(noPolicy.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(noPolicy.reason).isEqualTo("PolicyNotFound");
    assertThat(noPolicy.message).contains("does-not-exist");
    awaitEvent(() -> assertThat(events(ns, "no-policy")).anyMatch(e -> "Warning".equals(e.getType()) && "PolicyNotFound".equals(e.getReason())));

    LambdaReleaseStatus noCode = awaitFinished(ns, "no-code");
    assertThat(noCode.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(noCode.reason).isEqualTo("CodeNotFound");
    assertThat(noCode.message).contains("s3://" + ReleaseFixture.BUCKET + "/" + codeless + "/missing.zip").contains("does not exist");
    assertThat(noCode.canaryVersion).isNull();
    awaitEvent(() -> assertThat(events(ns, "no-code")).anyMatch(e -> "Warning".equals(e.getType()) && noCode.reason.equals(e.getReason())));

    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
    assertThat(aws.alias(codeless)).isEqualTo(AliasState.single("1"));
  }

  // 11
  @Test
  void aFunctionOrRegionTheTenancyDoesNotAllowFailsNotPermittedWithoutAnAwsCall() {
    String ns = kube.newNamespace("rel-refused");
    namespaces.add(ns);
    String fn = unique("refused");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    String otherFunctions = "not-" + fn + "-*";
    Map<String, Consumer<dev.slipway.api.v1alpha1.SlipwayTenancySpec>> cases = new java.util.LinkedHashMap<>();
    cases.put("no-tenancy", null);
    cases.put("other-functions", t -> t.functionNames = List.of(otherFunctions));
    cases.put("other-region", t -> {
      t.functionNames = List.of(fn);
      t.regions = List.of("eu-west-1");
    });
    cases.put("other-account", t -> {
      t.functionNames = List.of(fn);
      t.accounts = List.of("210987654321");
    });
    Map<String, String> expected = Map.of(
        "no-tenancy", "no SlipwayTenancy selects namespace " + ns,
        "other-functions", "function " + fn + " matches none of [" + otherFunctions + "]",
        "other-region", "region us-east-1 is not one of [eu-west-1]",
        "other-account", "account 123456789012 of function");

    for (var c : cases.entrySet()) {
      String name = c.getKey();
      if (c.getValue() == null) {
        Tenancies.revoke(client, ns);
      } else {
        Tenancies.grant(client, ns, c.getValue());
      }
      LambdaRelease r = release(ns, name, fn, v2, null);
      if (name.equals("other-account")) {
        r.getSpec().functionName = "arn:aws:lambda:us-east-1:123456789012:function:" + fn;
      }
      client.resource(r).create();

      LambdaReleaseStatus s = awaitFinished(ns, name);
      assertThat(s.phase).as(name).isEqualTo(ReleasePhase.Failed);
      assertThat(s.reason).as(name).isEqualTo(Reasons.NOT_PERMITTED);
      assertThat(s.message).as(name).contains("LambdaRelease " + ns + "/" + name).contains(expected.get(name));
      assertThat(condition(s, "Degraded")).as(name).isEqualTo("True");
      assertThat(condition(s, "Stalled")).as(name).isEqualTo("True");
      assertThat(condition(s, "Reconciling")).as(name).isEqualTo("False");
      assertThat(s.canaryVersion).as(name).isNull();
      awaitEvent(() -> assertThat(events(ns, name)).as(name).anyMatch(e -> "Warning".equals(e.getType()) && Reasons.NOT_PERMITTED.equals(e.getReason())));
      assertThat(recorder.callsFor("LambdaRelease/" + ns + "/" + name)).as("AWS calls of %s", name).isEmpty();
    }
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
  }

  // 11 (issue 9): what a policy reads and publishes to is bounded by the tenancy too
  @Test
  void aPolicyReadingOrPublishingBeyondWhatTheTenancyAllowsFailsNotPermittedWithoutAnAwsCall() {
    String ns = releaseNamespace("rel-bounded");
    String fn = unique("bounded");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    String topic = "arn:aws:sns:us-east-1:123456789012:other-team-deploys";
    CanaryPolicy p = policy(ns, "nosy", "10s", 2, 10, "4s");
    CanaryPolicySpec.Metric alarms = new CanaryPolicySpec.Metric();
    alarms.name = "their-alarm";
    alarms.cloudWatchAlarms = new CanaryPolicySpec.AlarmCheck();
    alarms.cloudWatchAlarms.names = List.of("other-team-errors");
    p.getSpec().analysis.metrics.add(alarms);
    p.getSpec().notifications = new CanaryPolicySpec.Notifications();
    p.getSpec().notifications.snsTopicArn = topic;
    client.resource(p).create();

    client.resource(release(ns, "nosy", fn, v2, "nosy")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "nosy");
    assertThat(s.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(s.reason).isEqualTo(Reasons.NOT_PERMITTED);
    assertThat(s.message).contains("reads alarm other-team-errors").contains("publish to " + topic);
    assertThat(recorder.callsFor("LambdaRelease/" + ns + "/nosy")).as("AWS calls").isEmpty();

    // The administrator allows them: the same policy ships.
    Tenancies.grant(client, ns, t -> {
      t.functionNames = List.of("*");
      t.regions = List.of(ReleaseFixture.REGION);
      t.internalTargets = List.of(LOOPBACK);
      t.alarmNames = List.of("other-team-*");
      t.topicArns = List.of(topic);
    });
    client.resource(release(ns, "allowed", fn, v2, "nosy")).create();
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus st = status(ns, "allowed");
      if (st.finishTime != null && Reasons.NOT_PERMITTED.equals(st.reason)) {
        // The operator decided before its tenancy informer saw the new grant: a retry decides again, as a user would ask.
        edit(ns, "allowed", r -> r.getSpec().retry = (r.getSpec().retry == null ? 0 : r.getSpec().retry) + 1);
      }
      assertThat(st.step).isEqualTo(1);
    });
  }

  // 12
  @Test
  void aSlackWebhookOnLoopbackIsRefusedUnlessTheTenancyListsLoopback() {
    String ns = kube.newNamespace("rel-ssrf");
    namespaces.add(ns);
    Tenancies.allowFunctionReleases(client, ns, ReleaseFixture.REGION);
    String fn = unique("ssrf");
    aws.function(fn, fn + "/v1.zip");
    CanaryPolicy p = policy(ns, "quick", null, null, 50, "1s");
    ReleaseFixture.slack(client, p, slack.url("/services/T0/B0/hook").toString());
    client.resource(p).create();

    client.resource(release(ns, "ship", fn, aws.code(fn + "/v2.zip", "v2"), "quick")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "ship");
    assertThat(s.phase).as("a refused webhook is a notification error, not a failed release").isEqualTo(ReleasePhase.Succeeded);
    assertThat(slack.getRequestCount()).as("requests that reached the loopback webhook").isZero();
    assertThat(s.message).doesNotContain(String.valueOf(slack.getPort()));
  }

  // 13
  @Test
  void aReleaseCannotNameAServiceOfAnotherNamespace() {
    String owner = kube.newNamespace("rel-owner");
    String other = releaseNamespace("rel-other");
    String svc = unique("theirs");
    // The owner's service exists (refused itself: it names a role no tenancy allows, so it touches no AWS).
    ServerlessService service = new ServerlessService();
    service.setMetadata(new ObjectMetaBuilder().withName(svc).withNamespace(owner).build());
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.stage = "prod";
    spec.region = ReleaseFixture.REGION;
    spec.roleArn = "arn:aws:iam::123456789012:role/owner-only";
    spec.functions.add(ReleaseFixture.functionSpec("api", svc + "/1.zip", null));
    service.setSpec(spec);
    client.resource(service).create();

    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName("steal").withNamespace(other).build());
    r.setSpec(new dev.slipway.api.v1alpha1.LambdaReleaseSpec());
    r.getSpec().service = svc;
    r.getSpec().function = "api";
    r.getSpec().code = aws.code(svc + "/2.zip", "two");
    client.resource(r).create();

    LambdaReleaseStatus s = awaitFinished(other, "steal");
    assertThat(s.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(s.reason).isEqualTo(Reasons.SERVICE_NOT_FOUND);
    assertThat(s.message).contains("ServerlessService " + other + "/" + svc + " does not exist");
    assertThat(recorder.callsFor("LambdaRelease/" + other + "/steal")).isEmpty();
    client.resource(service).delete();
  }

  // 10
  @Test
  void kubectlGetShowsFunctionVersionsWeightStepAndPhase() {
    String ns = releaseNamespace("rel-kubectl");
    String fn = unique("kubectl");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "slow", null, null, 10, "120s", 50, "120s")).create();
    client.resource(release(ns, "shown", fn, v2, "slow")).create();
    awaitStep(ns, "shown", 1);

    KubeApiServer.Result r = kube.kubectl(null, "get", "lambdareleases", "-n", ns);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, String> row = table(r.stdout()).get(0);
    assertThat(row).containsEntry("NAME", "shown").containsEntry("FUNCTION", fn).containsEntry("STABLE", "1")
        .containsEntry("CANARY", "2").containsEntry("WEIGHT", "10").containsEntry("STEP", "1/2").containsEntry("PHASE", "Progressing")
        .containsKey("AGE");

    edit(ns, "shown", x -> x.getSpec().abort = true);
    awaitFinished(ns, "shown");
    Map<String, String> after = table(kube.kubectl(null, "get", "lr", "-n", ns).stdout()).get(0);
    assertThat(after).containsEntry("PHASE", "RolledBack").containsEntry("WEIGHT", "0");
  }

  /** Release gated-v2 of fn's v2 under a policy whose first step (10 %) waits for approval, with healthy metrics pumped. */
  private ReleaseFixture.AliasRecorder startGatedRelease(String ns, String fn) {
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "gated", "10s", 2, 10, "4s", 50, "4s");
    p.getSpec().steps.get(0).approval = true;
    client.resource(p).create();
    ReleaseFixture.AliasRecorder aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));
    client.resource(release(ns, "gated-v2", fn, v2, "gated")).create();
    return aliases;
  }

  /** gated-v2 went through its gate, 10 % then 50 %, to Succeeded. */
  private void assertPromotedThroughTheGate(String ns, ReleaseFixture.AliasRecorder aliases) {
    LambdaReleaseStatus s = awaitFinished(ns, "gated-v2");
    assertThat(s.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(s.reason).isEqualTo("Completed");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
  }

  // (issue 12)
  @Test
  void argoCdsPromoteStepActionOnTheLiveObjectApprovesTheGateTheReleaseWaitsAt() {
    String ns = releaseNamespace("rel-argo-approve");
    String fn = unique("argo-approve");
    var aliases = startGatedRelease(ns, fn);
    await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> assertThat(status(ns, "gated-v2").phase).isEqualTo(ReleasePhase.AwaitingApproval));

    assertThat(argoCdActionsOffered(ns, "gated-v2")).containsExactlyInAnyOrder("promote-step", "promote-full", "abort", "pause");
    runArgoCdAction(ns, "gated-v2", "promote-step");

    assertPromotedThroughTheGate(ns, aliases);
    assertThat(argoCdActionsOffered(ns, "gated-v2")).isEmpty();
  }

  // (issue 12)
  @Test
  void argoCdsAbortRetryAndPromoteFullActionsOnTheLiveObjectRollBackRunAgainAndPromote() {
    String ns = releaseNamespace("rel-argo-retry");
    String fn = unique("argo-retry");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "slow", null, null, 10, "120s", 50, "120s")).create();
    var aliases = aws.record(fn);
    client.resource(release(ns, "steered", fn, v2, "slow")).create();
    awaitStep(ns, "steered", 1);
    assertThat(argoCdActionsOffered(ns, "steered")).containsExactlyInAnyOrder("promote-full", "abort", "pause");

    runArgoCdAction(ns, "steered", "abort");
    LambdaReleaseStatus aborted = awaitFinished(ns, "steered");
    assertThat(aborted.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(aborted.reason).isEqualTo("Aborted");
    assertThat(argoCdActionsOffered(ns, "steered")).containsExactly("retry");

    // The retry lifts spec.abort as well: left set, it would roll the fresh attempt back on the next pass.
    runArgoCdAction(ns, "steered", "retry");
    org.awaitility.core.ThrowingRunnable atStepOne = () -> {
      LambdaReleaseStatus s = status(ns, "steered");
      assertThat(s.observedRetry).isEqualTo(1);
      assertThat(s.phase).isEqualTo(ReleasePhase.Progressing);
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
    };
    await().atMost(RELEASE_TIMEOUT).untilAsserted(atStepOne);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(atStepOne);
    runArgoCdAction(ns, "steered", "promote-full");

    LambdaReleaseStatus promoted = awaitFinished(ns, "steered");
    assertThat(promoted.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(promoted.reason).isEqualTo("PromotedByUser");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"), AliasState.weighted("1", "2", 10),
        AliasState.single("2"));
  }

  // --- helpers

  /** A ServerlessService (stage prod) of {@code functions}, once Ready. */
  private void createService(String ns, String svc, FunctionSpec... functions) {
    createService(ns, svc, null, functions);
  }

  /** A ServerlessService (stage prod) of {@code functions} with {@code monitoring} (null for none), once Ready. */
  private void createService(String ns, String svc, MonitoringSpec monitoring, FunctionSpec... functions) {
    ServerlessService service = new ServerlessService();
    service.setMetadata(new ObjectMetaBuilder().withName(svc).withNamespace(ns).build());
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.stage = "prod";
    spec.region = ReleaseFixture.REGION;
    spec.functions.addAll(List.of(functions));
    spec.monitoring = monitoring;
    service.setSpec(spec);
    client.resource(service).create();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      ServerlessService s = client.resource(service).get();
      assertThat(s.getStatus()).isNotNull();
      assertThat(s.getStatus().conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
      assertThat(s.getStatus().functions).hasSize(functions.length);
    });
  }

  /** Changes the code of the service's first function. */
  private void editCode(String ns, String svc, CodeSource code) {
    client.resources(ServerlessService.class).inNamespace(ns).withName(svc).edit(s -> {
      s.getSpec().functions.get(0).code = code;
      return s;
    });
  }

  /** Waits until the namespace holds {@code count} releases, the newest of them of {@code code}. */
  private LambdaRelease awaitRelease(String ns, String svc, CodeSource code, int count) {
    return await().atMost(RELEASE_TIMEOUT).until(() -> {
      List<LambdaRelease> all = client.resources(LambdaRelease.class).inNamespace(ns).list().getItems();
      return all.size() != count ? null : all.stream()
          .max(java.util.Comparator.comparing((LambdaRelease r) -> r.getMetadata().getCreationTimestamp()))
          .filter(r -> code.equals(r.getSpec().code))
          .orElse(null);
    }, r -> r != null);
  }

  private dev.slipway.api.v1alpha1.FunctionStatus functionStatus(String ns, String svc, String fn) {
    return client.resources(ServerlessService.class).inNamespace(ns).withName(svc).get().getStatus().functions.stream()
        .filter(f -> fn.equals(f.name)).findFirst().orElseThrow();
  }

  /** kubectl's table as rows of header → value. */
  static List<Map<String, String>> table(String out) {
    String[] lines = out.strip().split("\n");
    List<String> header = Arrays.asList(lines[0].trim().split("\\s+"));
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].trim().split("\\s+");
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < header.size() && c < cells.length; c++) {
        row.put(header.get(c), cells[c]);
      }
      rows.add(row);
    }
    return rows;
  }

  private LambdaReleaseStatus status(String ns, String name) {
    return ReleaseFixture.status(client, ns, name);
  }

  private void awaitStep(String ns, String name, int step) {
    aws.awaitStep(client, ns, name, step);
  }

  private LambdaReleaseStatus awaitFinished(String ns, String name) {
    return ReleaseFixture.awaitFinished(client, ns, name);
  }

  private void edit(String ns, String name, Consumer<LambdaRelease> change) {
    ReleaseFixture.edit(client, ns, name, change);
  }

  static String condition(LambdaReleaseStatus s, String type) {
    return s.conditions.stream().filter(c -> type.equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse(null);
  }

  /** Events are written after the status that announces them: the test waits for them as a user's kubectl would. */
  private static void awaitEvent(org.awaitility.core.ThrowingRunnable assertion) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(assertion);
  }

  private List<Event> events(String ns, String name) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private List<String> eventReasons(String ns, String name) {
    return events(ns, name).stream().map(Event::getReason).toList();
  }

  /** The text of every Slack message received: headline and details. */
  private List<String> slackTexts() {
    return slackMessages.stream().map(body -> {
      try {
        JsonNode n = JSON.readTree(body);
        return n.get("attachments").get(0).get("blocks").get(0).get("text").get("text").asText();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  /** deploy/argocd's discovery.lua on the release exactly as `kubectl get -o json` shows it: the actions offered. */
  private java.util.Set<String> argoCdActionsOffered(String ns, String name) {
    return ArgoCdActions.enabled("LambdaRelease", liveObject(ns, name));
  }

  /** Runs an action as Argo CD does: the script on the live object, then the merge patch to what it returned. */
  private void runArgoCdAction(String ns, String name, String action) {
    Map<String, Object> patch = ArgoCdActions.patch("LambdaRelease", action, liveObject(ns, name));
    assertThat(patch).as(action).isNotEmpty();
    try {
      KubeApiServer.Result r = kube.kubectl(null, "patch", "lr", name, "-n", ns, "--type", "merge", "-p", JSON.writeValueAsString(patch));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> liveObject(String ns, String name) {
    KubeApiServer.Result get = kube.kubectl(null, "get", "lr", name, "-n", ns, "-o", "json");
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    try {
      return JSON.readValue(get.stdout(), Map.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** deploy/argocd's health script run on the release as the API server returns it. */
  private ArgoCdHealth.Result argoCdHealth(String ns, String name) {
    return ArgoCdHealth.health(client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get());
  }

}
