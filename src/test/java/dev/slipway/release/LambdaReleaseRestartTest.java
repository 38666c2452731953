package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.canary.AliasState;
import dev.slipway.metrics.OperatorMetrics;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.Tenancies;
import dev.slipway.testing.TestConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Scenario 6 of issue 3: the release reconciler in a plain JOSDK {@link Operator} built here (not
 * the Quarkus application), stopped and started between transitions, and killed at the two points
 * where status and alias disagree: after the status of the next step is stored and before
 * UpdateAlias, and after the promotion is stored and before the alias moves.
 *
 * <p>A kill is a thread that dies in the middle of a reconcile: the operator's Kubernetes client
 * throws an {@link Error} from the request that records the transition's Event (which the reconciler
 * sends after storing the status and before acting), and every later request of that client throws
 * too, so the dead operator can neither write status nor reach the point of acting again. JOSDK
 * does not catch Errors: the resource stays "in processing" in the dead operator for good, as if the
 * process had gone.
 *
 * <p>The operator here handles only releases labelled {@value #LABEL}; the test profile tells the
 * Quarkus application (which may be running in the same JVM) to leave them alone.
 */
class LambdaReleaseRestartTest {

  static final String LABEL = "slipway.dev/test-operator";

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient admin = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final List<Running> operators = new ArrayList<>();
  private final List<AutoCloseable> pumps = new ArrayList<>();
  private String tenancyOf;

  @AfterEach
  void stop() throws Exception {
    for (Running r : operators) {
      r.stop();
    }
    for (AutoCloseable p : pumps) {
      p.close();
    }
    aws.close();
    if (tenancyOf != null) {
      Tenancies.revoke(admin, tenancyOf);
    }
  }

  @Test
  void anOperatorStoppedOrKilledAtEveryStateResumesWithoutRepeatingOrSkippingAStep() throws Exception {
    String ns = kube.newNamespace("rel-restart");
    tenancyOf = ns;
    Tenancies.allowFunctionReleases(admin, ns, ReleaseFixture.REGION);
    String fn = unique("restart");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    admin.resource(policy(ns, "steps", "10s", 2, 10, "15s", 50, "12s")).create();
    var aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));
    admin.resource(labelled(release(ns, "resumed", fn, v2, "steps"))).create();

    // 1. Stopped once step 1 is set: the next operator carries on at step 1.
    Running first = start(ns, null);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(status(ns).step).isEqualTo(1);
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
    });
    first.stop();

    // 2. Stopped during the analysis of step 1.
    Running second = start(ns, null);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(status(ns).analysis).isNotEmpty());
    assertThat(status(ns).step).isEqualTo(1);
    second.stop();

    // 3. Killed after storing step 2 and before moving the alias to 50 %.
    Running third = start(ns, "StepCompleted");
    assertThat(third.kill.killed.await(30, TimeUnit.SECONDS)).as("killed at StepCompleted").isTrue();
    LambdaReleaseStatus ahead = status(ns);
    assertThat(ahead.step).isEqualTo(2);
    assertThat(ahead.weight).isEqualTo(50);
    assertThat(ahead.phase).isEqualTo(ReleasePhase.Progressing);
    assertThat(aws.alias(fn)).as("the status is one transition ahead of the alias").isEqualTo(AliasState.weighted("1", "2", 10));
    third.stop();

    // 4. Killed after storing the promotion and before the alias moves.
    Running fourth = start(ns, "Completed");
    assertThat(fourth.kill.killed.await(40, TimeUnit.SECONDS)).as("killed at the promotion").isTrue();
    LambdaReleaseStatus promoting = status(ns);
    assertThat(promoting.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(promoting.finishTime).isNull();
    assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 50));
    fourth.stop();

    // 5. The last operator confirms the promotion.
    start(ns, null);
    LambdaReleaseStatus done = await().atMost(Duration.ofSeconds(30)).until(() -> status(ns), s -> s.finishTime != null);
    assertThat(done.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(done.reason).isEqualTo("Completed");
    assertThat(done.step).isEqualTo(2);
    assertThat(done.weight).isEqualTo(100);
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
    assertThat(done.analysis).allSatisfy(a -> assertThat(a.verdict).isEqualTo(Verdict.Pass));
    assertThat(done.analysis).extracting(a -> a.step).containsOnly("10% (1/2)", "50% (2/2)").contains("50% (2/2)");
    // Each transition announced at most once (a kill may lose one, never repeat it).
    List<String> messages = admin.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "resumed".equals(e.getInvolvedObject().getName()))
        .map(Event::getMessage).toList();
    assertThat(messages).doesNotHaveDuplicates();
    assertThat(messages.stream().filter(m -> m.startsWith("release of version 2"))).hasSize(1);
  }

  /**
   * Issue 8: the operator is killed after storing an abort's RolledBack and before the UpdateAlias
   * that removes the canary's weight; then a newer release of the same alias arrives. The next
   * operator must still finish the rollback (the older release supersedes nothing while its final
   * alias action is pending), and the newer release must not wait for it forever.
   */
  @Test
  void aRollbackStoredButNotAppliedIsFinishedBeforeTheNewerReleaseStarts() throws Exception {
    String ns = kube.newNamespace("rel-unconfirmed");
    tenancyOf = ns;
    Tenancies.allowFunctionReleases(admin, ns, ReleaseFixture.REGION);
    String fn = unique("unconfirmed");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CodeSource v3 = aws.code(fn + "/v3.zip", "v3");
    admin.resource(policy(ns, "slow", null, null, 10, "120s")).create();
    admin.resource(policy(ns, "fast", null, null, 10, "2s")).create();
    var aliases = aws.record(fn);
    admin.resource(labelled(release(ns, "first", fn, v2, "slow"))).create();

    Running killed = start(ns, "Aborted");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10)));
    ReleaseFixture.edit(admin, ns, "first", r -> r.getSpec().abort = true);
    assertThat(killed.kill.killed.await(30, TimeUnit.SECONDS)).as("killed at the abort").isTrue();
    LambdaReleaseStatus stored = status(ns, "first");
    assertThat(stored.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(stored.finishTime).isNull();
    assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
    killed.stop();

    admin.resource(labelled(release(ns, "second", fn, v3, "fast"))).create();
    start(ns, null);

    LambdaReleaseStatus first = await().atMost(Duration.ofSeconds(30)).until(() -> status(ns, "first"), s -> s.finishTime != null);
    assertThat(first.phase).isEqualTo(ReleasePhase.RolledBack);
    LambdaReleaseStatus second = await().atMost(Duration.ofSeconds(40)).until(() -> status(ns, "second"), s -> s.finishTime != null);
    assertThat(second.phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(second.stableVersion).isEqualTo("1");
    assertThat(Instant.parse(second.startTime)).isAfterOrEqualTo(Instant.parse(first.finishTime).truncatedTo(ChronoUnit.SECONDS));
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"),
        AliasState.weighted("1", "3", 10), AliasState.single("3"));
  }

  private static LambdaRelease labelled(LambdaRelease r) {
    r.getMetadata().setLabels(java.util.Map.of(LABEL, "true"));
    return r;
  }

  private LambdaReleaseStatus status(String ns) {
    return status(ns, "resumed");
  }

  private LambdaReleaseStatus status(String ns, String name) {
    LambdaRelease r = admin.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    assertThat(r.getStatus()).isNotNull();
    return r.getStatus();
  }

  /** A fresh operator process, as far as a test can make one: own client, reconciler, metrics. */
  private Running start(String ns, String killAtEventReason) {
    KillSwitch kill = new KillSwitch(killAtEventReason);
    // As the packaged operator runs: its ServiceAccount, with the shipped RBAC.
    Config config = kube.operatorConfig();
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("kill-switch", kill))
        .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AwsClientFactory factory = new AwsClientFactory(
        Optional.of(MotoServer.shared().endpoint()),
        new AwsCallRecorder(registry),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    var reconciler = new LambdaReleaseReconciler(client, factory, TestConfig.slipway(MotoServer.shared().endpoint(), Optional.empty()), Clock.systemUTC(), new OperatorMetrics(registry), registry);
    Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(true)
        .withReconciliationTerminationTimeout(Duration.ofSeconds(2)));
    operator.register(reconciler, c -> c.settingNamespaces(ns).withLabelSelector(LABEL));
    operator.start();
    Running running = new Running(operator, factory, kill);
    operators.add(running);
    return running;
  }

  /** An operator instance and what it holds. */
  private static final class Running {
    final Operator operator;
    final AwsClientFactory factory;
    final KillSwitch kill;
    boolean stopped;

    Running(Operator operator, AwsClientFactory factory, KillSwitch kill) {
      this.operator = operator;
      this.factory = factory;
      this.kill = kill;
    }

    void stop() {
      if (!stopped) {
        stopped = true;
        operator.stop();
        factory.close();
      }
    }
  }

  /** Thrown into a reconciler thread to end it as a killed process would. */
  static final class OperatorKilled extends Error {
    OperatorKilled() {
      super("operator killed by the test", null, false, false);
    }
  }

  /**
   * Kills the operator when it records an Event with the given reason, i.e. right after storing the
   * status of that transition and before acting on it; afterwards the client refuses everything.
   */
  static final class KillSwitch implements Interceptor {
    private final String reason;
    final CountDownLatch killed = new CountDownLatch(1);
    private volatile boolean dead;

    KillSwitch(String reason) {
      this.reason = reason;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if (dead) {
        throw new OperatorKilled();
      }
      if (reason != null && "POST".equals(request.method()) && request.uri().getPath().endsWith("/events")) {
        String body = request.bodyString();
        if (body != null && body.contains("\"reason\":\"" + reason + "\"")) {
          dead = true;
          killed.countDown();
          throw new OperatorKilled();
        }
      }
    }
  }
}
