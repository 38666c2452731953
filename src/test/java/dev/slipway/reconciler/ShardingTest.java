package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.DynamoDbTableKind;
import dev.slipway.config.SlipwayConfig;
import dev.slipway.metrics.OperatorMetrics;
import dev.slipway.release.LambdaReleaseReconciler;
import dev.slipway.status.Reasons;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.TestConfig;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13, beyond one operator: two operators on the real API server, owning shards {@code a} and
 * {@code b} ({@code slipway.shard}), each a plain JOSDK {@link Operator} with its own client, AWS
 * clients and call recorder, as two processes would have. Every service is reconciled by exactly one
 * of them; a service relabelled to the other shard is reconciled by its new owner and no longer by
 * the old one, which deletes nothing in AWS although the services say {@code deletionPolicy: Delete};
 * a release labelled for the wrong shard is handed to its service's.
 *
 * <p>An object's reconciles by an operator are counted as that operator's DescribeTimeToLive calls
 * for the service: the table kind makes one per reconcile. The objects carry
 * {@code slipway.dev/test-operator}, so the Quarkus application a test JVM may also run leaves them alone.
 */
class ShardingTest {

  private static final String TEST_OPERATOR = "slipway.dev/test-operator";
  private static final int SERVICES = 20;
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String BUCKET = "shard-artifacts";
  private static final String KEY = "api/1.zip";
  private static final String KEY_V2 = "api/2.zip";
  private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient admin = kube.client();
  private final List<Running> operators = new ArrayList<>();
  private String ns;

  @BeforeAll
  static void code() {
    try (S3Client s3 = S3Client.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.of(SlipwayTestEnvironment.AWS_REGION))
        .credentialsProvider(CREDENTIALS).forcePathStyle(true).build()) {
      Artifacts.upload(s3, BUCKET, KEY, "v1");
      Artifacts.upload(s3, BUCKET, KEY_V2, "v2");
    }
  }

  @AfterEach
  void stop() {
    if (ns != null) {
      // Deleted while their owners still run: under Delete each owner removes its tables.
      var services = admin.resources(ServerlessService.class).inNamespace(ns);
      services.delete();
      await().atMost(CONVERGE).untilAsserted(() -> assertThat(services.list().getItems()).isEmpty());
    }
    operators.forEach(Running::stop);
  }

  @Test
  void eachServiceIsReconciledByItsShardAloneAndARelabelledOneByItsNewShardWithoutDeletingAnything() {
    ns = kube.newNamespace("shards");
    List<String> names = IntStream.range(0, SERVICES).mapToObj(i -> "svc" + i).toList();
    Map<String, String> shardOf = new HashMap<>();
    for (int i = 0; i < SERVICES; i++) {
      shardOf.put(names.get(i), i % 2 == 0 ? "a" : "b");
      admin.resource(service(names.get(i), shardOf.get(names.get(i)))).create();
    }
    Running a = start("a");
    Running b = start("b");
    Map<String, Running> byShard = Map.of("a", a, "b", b);

    names.forEach(this::awaitReady);
    // Two reconciles each by the owner (the first converge and a resync), none by the other shard.
    await().atMost(CONVERGE).untilAsserted(() -> names.forEach(n -> assertThat(byShard.get(shardOf.get(n)).reconciles(ns, n)).as(n).isGreaterThanOrEqualTo(2)));
    names.forEach(n -> assertThat(byShard.get(other(shardOf.get(n))).reconciles(ns, n)).as("%s by the other shard", n).isZero());

    // Three services move each way.
    List<String> moved = List.of("svc0", "svc2", "svc4", "svc1", "svc3", "svc5");
    Map<String, Integer> byNewOwnerBefore = new HashMap<>();
    moved.forEach(n -> byNewOwnerBefore.put(n, byShard.get(other(shardOf.get(n))).reconciles(ns, n)));
    assertThat(byNewOwnerBefore.values()).containsOnly(0);
    for (String n : moved) {
      admin.resources(ServerlessService.class).inNamespace(ns).withName(n)
          .edit(s -> { s.getMetadata().getLabels().put(Slipway.SHARD_LABEL, other(shardOf.get(n))); return s; });
    }
    // The new owner takes each over at once (a creation in its informer) and keeps resyncing it. A
    // reconcile the old owner had begun before the relabel may end after it; once the new owner has
    // reconciled a service twice, the old one's count is final.
    await().atMost(CONVERGE).untilAsserted(() -> moved.forEach(n -> assertThat(byShard.get(other(shardOf.get(n))).reconciles(ns, n)).as(n).isGreaterThanOrEqualTo(2)));
    Map<String, Integer> byOldOwner = new HashMap<>();
    Map<String, Integer> byNewOwner = new HashMap<>();
    moved.forEach(n -> {
      byOldOwner.put(n, byShard.get(shardOf.get(n)).reconciles(ns, n));
      byNewOwner.put(n, byShard.get(other(shardOf.get(n))).reconciles(ns, n));
    });
    await().atMost(CONVERGE).untilAsserted(() -> moved.forEach(n -> assertThat(byShard.get(other(shardOf.get(n))).reconciles(ns, n)).as(n).isGreaterThanOrEqualTo(byNewOwner.get(n) + 2)));
    moved.forEach(n -> assertThat(byShard.get(shardOf.get(n)).reconciles(ns, n)).as("%s by its old shard after the move", n).isEqualTo(byOldOwner.get(n)));
    // The services that stayed are still their own shard's alone.
    names.stream().filter(n -> !moved.contains(n))
        .forEach(n -> assertThat(byShard.get(other(shardOf.get(n))).reconciles(ns, n)).as("%s by the other shard", n).isZero());

    // Leaving a shard is no deletion: no Delete call, the finalizer stays, every table is still there.
    for (Running r : operators) {
      assertThat(r.recorder.mutatingCalls()).extracting(AwsCallRecorder.Call::operation).noneMatch(op -> op.startsWith("Delete"));
    }
    try (DynamoDbClient dynamo = dynamo()) {
      for (String n : names) {
        ServerlessService s = awaitReady(n);
        assertThat(s.getMetadata().getFinalizers()).contains(Slipway.FINALIZER);
        String table = s.getStatus().resources.stream().filter(r -> DynamoDbTableKind.KIND.equals(r.kind)).map(r -> r.physicalName).findFirst().orElseThrow();
        assertThat(dynamo.describeTable(r -> r.tableName(table)).table().tableName()).isEqualTo(table);
      }
    }
  }

  @Test
  void aReleaseLabelledForAnotherShardThanItsServiceIsHandedToTheServicesShard() {
    ns = kube.newNamespace("shard-rel");
    admin.resource(service("owner", "b")).create();
    Running a = start("a");
    start("b");
    awaitReady("owner");

    String yaml = """
        apiVersion: slipway.dev/v1alpha1
        kind: LambdaRelease
        metadata:
          name: stray
          namespace: %s
          labels: { %s: shards, %s: a }
        spec:
          service: owner
          function: api
          code:
            s3: { bucket: %s, key: %s }
        """.formatted(ns, TEST_OPERATOR, Slipway.SHARD_LABEL, BUCKET, KEY_V2);
    LambdaRelease release = admin.getKubernetesSerialization().unmarshal(yaml, LambdaRelease.class);
    admin.resource(release).create();

    LambdaRelease done = await().atMost(CONVERGE).until(
        () -> admin.resources(LambdaRelease.class).inNamespace(ns).withName("stray").get(),
        r -> r.getStatus() != null && r.getStatus().phase != null);
    // Shard a wrote no status (it only relabelled): shard b ran the release.
    assertThat(done.getMetadata().getLabels()).containsEntry(Slipway.SHARD_LABEL, "b");
    List<Event> handedOver = admin.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "stray".equals(e.getInvolvedObject().getName()) && Reasons.HANDED_OVER.equals(e.getReason())).toList();
    assertThat(handedOver).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("shard b"));
    // Shard a only relabelled it: it never looked at AWS for it.
    assertThat(a.recorder.callsFor(StackContext.owner(ns, "stray"))).isEmpty();
  }

  private ServerlessService awaitReady(String name) {
    return await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).until(
        () -> admin.resources(ServerlessService.class).inNamespace(ns).withName(name).get(),
        s -> s.getStatus() != null && s.getStatus().conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
  }

  private static String other(String shard) {
    return "a".equals(shard) ? "b" : "a";
  }

  /** One table and one function, deletionPolicy Delete: a cleanup run by mistake would delete them. */
  private ServerlessService service(String name, String shard) {
    String yaml = """
        apiVersion: slipway.dev/v1alpha1
        kind: ServerlessService
        metadata:
          name: %s
          namespace: %s
          labels: { %s: shards, %s: %s }
        spec:
          stage: prod
          region: %s
          deletionPolicy: Delete
          tables:
            - name: items
              partitionKey: { name: id, type: S }
              ttlAttribute: expiresAt
          functions:
            - name: api
              runtime: python3.12
              handler: app.handler
              code:
                s3: { bucket: %s, key: %s }
        """.formatted(name, ns, TEST_OPERATOR, Slipway.SHARD_LABEL, shard, SlipwayTestEnvironment.AWS_REGION, BUCKET, KEY);
    return admin.getKubernetesSerialization().unmarshal(yaml, ServerlessService.class);
  }

  private static DynamoDbClient dynamo() {
    return DynamoDbClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.of(SlipwayTestEnvironment.AWS_REGION))
        .credentialsProvider(CREDENTIALS).build();
  }

  /** An operator owning {@code shard}, as the packaged one runs it: its ServiceAccount and the shipped RBAC. */
  private Running start(String shard) {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.operatorConfig()).build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AwsCallRecorder recorder = new AwsCallRecorder(registry, 50_000);
    AwsClientFactory factory = new AwsClientFactory(Optional.of(MotoServer.shared().endpoint()), recorder,
        CREDENTIALS);
    SlipwayConfig config = TestConfig.slipway(MotoServer.shared().endpoint(), Optional.of(shard));
    ExecutorService pool = Executors.newFixedThreadPool(config.aws().parallelism(), r -> {
      Thread t = new Thread(r, "slipway-aws-" + shard);
      t.setDaemon(true);
      return t;
    });
    ResourceLoop loop = new ResourceLoop(pool, config.aws().parallelismPerService());
    OperatorMetrics metrics = new OperatorMetrics(registry);
    var capacity = new ReconcileCapacity(config.capacity().serviceReconciles(), config.capacity().releaseReconciles(), config.capacity().requeueDelay());
    var services = new ServerlessServiceReconciler(client, factory, loop, config, Clock.systemUTC(), metrics, registry, capacity);
    var releases = new LambdaReleaseReconciler(client, factory, config, Clock.systemUTC(), metrics, registry, capacity);
    // As application.properties has it: an informer whose first list the API server cut off retries.
    Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(true)
        .withStopOnInformerErrorDuringStartup(false).withReconciliationTerminationTimeout(Duration.ofSeconds(2)));
    // As the Quarkus application does it: the configured selector first, then the reconciler narrows it to its shard.
    operator.register(services, c -> {
      c.settingNamespaces(ns).withLabelSelector(TEST_OPERATOR);
      services.updateConfigurationFrom(c);
    });
    operator.register(releases, c -> {
      c.settingNamespaces(ns).withLabelSelector(TEST_OPERATOR);
      releases.updateConfigurationFrom(c);
    });
    operator.start();
    Running running = new Running(operator, factory, pool, recorder);
    operators.add(running);
    return running;
  }

  /** An operator instance and what it holds. */
  private record Running(Operator operator, AwsClientFactory factory, ExecutorService pool, AwsCallRecorder recorder) {
    /**
     * Reconciles of the service by this operator: the table kind reads the TTL its spec sets once in
     * each resync (the converge that creates the table sets it without reading).
     */
    int reconciles(String namespace, String service) {
      return (int) recorder.callsFor(StackContext.owner(namespace, service)).stream().filter(c -> "DescribeTimeToLive".equals(c.operation())).count();
    }

    void stop() {
      operator.stop();
      pool.shutdownNow();
      factory.close();
    }
  }
}
