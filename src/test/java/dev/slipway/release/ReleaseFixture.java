package dev.slipway.release;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsTarget;
import dev.slipway.canary.AliasState;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.MotoServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

/**
 * What the release tests set up in moto and Kubernetes: functions with a live alias (created
 * behind Slipway's back, as a user's function would be), code artifacts, policies, releases, the
 * Slack webhook Secret, a poller that records every routing GetAlias returns, and a pump that
 * publishes the canary's Lambda metrics as Lambda would.
 */
final class ReleaseFixture implements AutoCloseable {

  static final String REGION = "us-east-1";
  static final String BUCKET = "slipway-release-tests";
  static final String ALIAS = "live";

  final AwsClientFactory factory = new AwsClientFactory(
      Optional.of(MotoServer.shared().endpoint()),
      new AwsCallRecorder(new SimpleMeterRegistry()),
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
  final AwsClients aws = factory.forTarget(AwsTarget.of(REGION, null));
  private final ScheduledExecutorService background = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "release-fixture");
    t.setDaemon(true);
    return t;
  });

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Puts a zip whose handler answers {@code body} at {@code key}; returns its code source. */
  CodeSource code(String key, String body) {
    Artifacts.upload(aws.s3(), BUCKET, key, body);
    return CodeSource.s3(BUCKET, key);
  }

  /** A function with version 1 published from {@code key} and alias {@link #ALIAS} on it. */
  void function(String name, String key) {
    code(key, "v1-" + name);
    String role = role();
    aws.lambda().createFunction(r -> r.functionName(name).runtime("python3.12").role(role).handler("handler.handler")
        .code(c -> c.s3Bucket(BUCKET).s3Key(key)));
    String version = aws.lambda().publishVersion(r -> r.functionName(name)).version();
    aws.lambda().createAlias(r -> r.functionName(name).name(ALIAS).functionVersion(version));
  }

  private String role() {
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    try {
      return aws.iam().createRole(r -> r.roleName("slipway-release-tests").assumeRolePolicyDocument(trust)).role().arn();
    } catch (EntityAlreadyExistsException e) {
      return aws.iam().getRole(r -> r.roleName("slipway-release-tests")).role().arn();
    }
  }

  /** The alias as moto shows it now, in the machine's terms (weight in percent). */
  AliasState alias(String function) {
    return alias(function, ALIAS);
  }

  AliasState alias(String function, String alias) {
    var a = aws.lambda().getAlias(r -> r.functionName(function).name(alias));
    Map<String, Double> w = a.routingConfig() == null ? Map.of() : a.routingConfig().additionalVersionWeights();
    return w.isEmpty()
        ? AliasState.single(a.functionVersion())
        : w.entrySet().stream().findFirst().map(e -> new AliasState(a.functionVersion(), e.getKey(), (int) Math.round(e.getValue() * 100))).orElseThrow();
  }

  /** Records the distinct successive routings of an alias, polling GetAlias every 100 ms. */
  AliasRecorder record(String function) {
    AliasRecorder r = new AliasRecorder(function);
    r.poll();
    background.scheduleWithFixedDelay(r::poll, 100, 100, TimeUnit.MILLISECONDS);
    return r;
  }

  final class AliasRecorder {
    private final String function;
    private final List<AliasState> seen = new CopyOnWriteArrayList<>();

    AliasRecorder(String function) {
      this.function = function;
    }

    synchronized void poll() {
      try {
        AliasState now = alias(function);
        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
          seen.add(now);
        }
      } catch (RuntimeException e) {
        // moto busy: the next poll will see it
      }
    }

    List<AliasState> sequence() {
      poll();
      return new ArrayList<>(seen);
    }
  }

  /**
   * Publishes, every 300 ms until closed, what Lambda would for the alias traffic that runs
   * {@code version}: {@code invocations} Invocations and {@code errors} Errors under FunctionName,
   * Resource = function:alias and ExecutedVersion.
   */
  AutoCloseable pumpMetrics(String function, String version, int invocations, int errors) {
    var future = background.scheduleWithFixedDelay(() -> {
      try {
        putLambdaMetrics(function, version, invocations, errors, Instant.now());
      } catch (RuntimeException e) {
        // moto busy: the next round publishes again
      }
    }, 0, 300, TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }

  void putLambdaMetrics(String function, String version, int invocations, int errors, Instant at) {
    List<Dimension> dims = List.of(
        Dimension.builder().name("FunctionName").value(function).build(),
        Dimension.builder().name("Resource").value(function + ":" + ALIAS).build(),
        Dimension.builder().name("ExecutedVersion").value(version).build());
    aws.cloudWatch().putMetricData(p -> p.namespace("AWS/Lambda").metricData(
        MetricDatum.builder().metricName("Invocations").dimensions(dims).value((double) invocations).timestamp(at).build(),
        MetricDatum.builder().metricName("Errors").dimensions(dims).value((double) errors).timestamp(at).build()));
  }

  /** A policy of explicit steps ({weight, pause} pairs), an error-rate check every {@code interval}. */
  static CanaryPolicy policy(String ns, String name, String interval, Integer failureLimit, Object... steps) {
    CanaryPolicy p = new CanaryPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    CanaryPolicySpec spec = new CanaryPolicySpec();
    for (int i = 0; i < steps.length; i += 2) {
      spec.steps.add(new CanaryPolicySpec.Step((Integer) steps[i], (String) steps[i + 1]));
    }
    if (interval != null) {
      spec.analysis = new CanaryPolicySpec.Analysis();
      spec.analysis.interval = interval;
      spec.analysis.failureLimit = failureLimit;
      CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
      m.name = "error-rate";
      m.lambdaErrorRate = new CanaryPolicySpec.RateThreshold();
      m.lambdaErrorRate.max = 0.05;
      spec.analysis.metrics.add(m);
    }
    p.setSpec(spec);
    return p;
  }

  /** Sends announcements of {@code policy} to the Slack webhook at {@code url} (kept in a Secret). */
  static void slack(KubernetesClient client, CanaryPolicy policy, String url) {
    String ns = policy.getMetadata().getNamespace();
    client.resource(new SecretBuilder().withNewMetadata().withName("slack-webhook").withNamespace(ns).endMetadata()
        .addToStringData("url", url).build()).create();
    policy.getSpec().notifications = new CanaryPolicySpec.Notifications();
    policy.getSpec().notifications.slack = new CanaryPolicySpec.Slack();
    policy.getSpec().notifications.slack.webhookSecretRef = new SecretKeyRef();
    policy.getSpec().notifications.slack.webhookSecretRef.name = "slack-webhook";
    policy.getSpec().notifications.slack.webhookSecretRef.key = "url";
  }

  /** How long a release of the e2e tests may take to reach what a test waits for. */
  static final java.time.Duration RELEASE_TIMEOUT = java.time.Duration.ofSeconds(60);

  /** The release's status: the release and its status must exist. */
  static dev.slipway.api.v1alpha1.LambdaReleaseStatus status(KubernetesClient client, String ns, String name) {
    LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    org.assertj.core.api.Assertions.assertThat(r).isNotNull();
    org.assertj.core.api.Assertions.assertThat(r.getStatus()).isNotNull();
    return r.getStatus();
  }

  /** The status once the release finished (a final phase AWS confirmed). */
  static dev.slipway.api.v1alpha1.LambdaReleaseStatus awaitFinished(KubernetesClient client, String ns, String name) {
    return org.awaitility.Awaitility.await().atMost(RELEASE_TIMEOUT).until(() -> {
      LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
      return r == null ? null : r.getStatus();
    }, s -> s != null && s.finishTime != null);
  }

  /** Waits until the release stands at {@code step} and the alias, read back from moto, carries the weights it shows. */
  void awaitStep(KubernetesClient client, String ns, String name, int step) {
    org.awaitility.Awaitility.await().atMost(RELEASE_TIMEOUT).untilAsserted(() -> {
      var s = status(client, ns, name);
      org.assertj.core.api.Assertions.assertThat(s.step).isEqualTo(step);
      org.assertj.core.api.Assertions.assertThat(alias(s.function)).isEqualTo(AliasState.weighted(s.stableVersion, s.canaryVersion, s.weight));
    });
  }

  /** Changes a release's spec as a user would: again on a conflict with the operator's own writes (status, finalizer). */
  static void edit(io.fabric8.kubernetes.client.KubernetesClient client, String ns, String name, java.util.function.Consumer<LambdaRelease> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.resources(LambdaRelease.class).inNamespace(ns).withName(name).edit(r -> {
          change.accept(r);
          return r;
        });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** A python function of a ServerlessService, its code at {@code key} of {@link #BUCKET}. */
  static FunctionSpec functionSpec(String name, String key, String policy) {
    FunctionSpec f = new FunctionSpec();
    f.name = name;
    f.runtime = FunctionSpec.Runtime.PYTHON_3_12;
    f.handler = "handler.handler";
    f.code = CodeSource.s3(BUCKET, key);
    f.releasePolicy = policy;
    return f;
  }

  /**
   * A new namespace whose SlipwayTenancy lets it release to functions by name in {@link #REGION};
   * added to {@code granted}, for the test to revoke ({@link dev.slipway.testing.Tenancies#revoke}).
   */
  static String releaseNamespace(dev.slipway.testing.KubeApiServer kube, String prefix, List<String> granted) {
    String ns = kube.newNamespace(prefix);
    dev.slipway.testing.Tenancies.grant(kube.client(), ns, t -> {
      t.functionNames = List.of("*");
      t.regions = List.of(REGION);
    });
    granted.add(ns);
    return ns;
  }

  /** A release of {@code code} to {@code function}'s live alias (a function Slipway does not own). */
  static LambdaRelease release(String ns, String name, String function, CodeSource code, String policy) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.functionName = function;
    spec.alias = ALIAS;
    spec.region = REGION;
    spec.code = code;
    spec.policy = policy;
    r.setSpec(spec);
    return r;
  }

  /** A release of {@code function}'s live alias back to the version the release {@code to} shipped. */
  static LambdaRelease rollbackTo(String ns, String name, String function, String to) {
    LambdaRelease r = release(ns, name, function, null, null);
    r.getSpec().rollbackTo = to;
    return r;
  }

  @Override
  public void close() {
    background.shutdownNow();
    factory.close();
  }
}
