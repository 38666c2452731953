package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.AwsFaults.Request;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.StackCopies;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * What the ServerlessService reconciler's end-to-end tests share: the whole operator
 * ({@code @QuarkusTest}, one application for all of them) against a real kube-apiserver and moto,
 * with injected AWS failures ({@link AwsFaults}), and the fixtures and checks they use. Each subclass
 * is one theme, so the suite's two test JVMs can share them out.
 *
 * <p>Each test has its own namespace and service name, so the stacks (which share one moto) never
 * collide; every service a test leaves is deleted after it, so the call recorder only ever sees the
 * stack of the running test.
 */
abstract class ServiceReconcilerTestBase {

  static final String BUCKET = "nexus-artifacts";
  static final String KEY = "backend/1.4.0.zip";
  static final String ACCOUNT = "123456789012";
  /** The value of the nexus SecureString: it may reach SSM, and nothing else. */
  static final String MODEL_API_KEY = "marker-model-key-5d1e";
  static final Duration CONVERGE = Duration.ofSeconds(90);
  /**
   * The AWS resources of examples/nexus: 6 log groups, 4 tables, a topic and its subscription, a
   * parameter, 6 roles, 6 functions, the REST and the WebSocket API, the user pool and its client,
   * 29 alarms (28 defaults, one switched off, and one of the service's own), the dashboard, the
   * frontend's bucket, origin access control, distribution, bucket policy and content, and the domain:
   * its zone, two certificates with their validations, the two API domain names and four alias records
   * (apex, www, api, ws).
   */
  static final int NEXUS_RESOURCES = 75;
  /** The test profile's resync period (application.properties). */
  static final Duration RESYNC = Duration.ofSeconds(3);

  static DynamoDbClient dynamo;
  static IamClient iam;
  static LambdaClient lambda;
  static ApiGatewayClient apiGateway;
  static ApiGatewayV2Client apiGatewayV2;
  static SsmClient ssm;
  static CloudWatchClient cloudWatch;
  static SqsClient sqs;

  /** Fixtures and checks as cluster-admin; the operator itself runs as its ServiceAccount. */
  final KubernetesClient client = KubeApiServer.shared().client();
  @Inject AwsCallRecorder recorder;

  final AwsFaults faults = AwsFaults.shared();
  String ns;

  @BeforeAll
  static void awsClients() {
    // The test's own view of AWS goes straight to moto, past the fault proxy and the recorder.
    var moto = MotoServer.shared().endpoint();
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    Region region = Region.of(SlipwayTestEnvironment.AWS_REGION);
    dynamo = DynamoDbClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    iam = IamClient.builder().endpointOverride(moto).region(Region.AWS_GLOBAL).credentialsProvider(credentials).build();
    lambda = LambdaClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    apiGateway = ApiGatewayClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    apiGatewayV2 = ApiGatewayV2Client.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    ssm = SsmClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    cloudWatch = CloudWatchClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    sqs = SqsClient.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).build();
    try (S3Client s3 = S3Client.builder().endpointOverride(moto).region(region).credentialsProvider(credentials).forcePathStyle(true).build()) {
      Artifacts.upload(s3, BUCKET, KEY, "v1");
      Artifacts.upload(s3, BUCKET, "frontend/1.4.0.zip", Artifacts.site("1.4.0"));
    }
  }

  @AfterAll
  static void closeClients() {
    dynamo.close();
    iam.close();
    lambda.close();
    apiGateway.close();
    apiGatewayV2.close();
    ssm.close();
    cloudWatch.close();
    sqs.close();
  }

  @BeforeEach
  void namespace() {
    ns = KubeApiServer.shared().newNamespace("sls");
    faults.clearFaults();
    // The Secret examples/nexus takes its SecureString parameter from.
    client.resource(new SecretBuilder().withNewMetadata().withName("nexus-secrets").withNamespace(ns)
        .addToLabels(Slipway.SECRET_SOURCE_LABEL, "true").endMetadata()
        .addToStringData("model-api-key", MODEL_API_KEY).build()).create();
  }

  /** Deletes what the test left (its AWS resources too under Delete), so later tests see only their own calls. */
  @AfterEach
  void deleteServices() {
    faults.clearFaults();
    var services = client.resources(ServerlessService.class).inNamespace(ns);
    services.delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(services.list().getItems()).isEmpty());
    // After the deletion: a service deletes its AWS resources only with an identity the tenancy allows.
    Tenancies.revoke(client, ns);
  }


  // =============================================================================================
  // helpers
  // =============================================================================================

  /** The contract example (examples/nexus) as a copy named {@code name}; deletionPolicy Delete as the example says. */
  ServerlessService nexus(String name) {
    try {
      ServerlessService s = StackCopies.copy(Files.readString(Path.of("examples/nexus/20-serverlessservice.yaml")), name);
      s.getMetadata().setNamespace(ns);
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An SSM parameter's value, decrypted. */
  static String parameterValue(String name) {
    return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
  }

  /** One table, one function with its role, no API: the smallest useful stack. */
  ServerlessService small(String name) {
    String yaml = """
        apiVersion: slipway.dev/v1alpha1
        kind: ServerlessService
        metadata:
          name: %s
          namespace: %s
        spec:
          stage: prod
          region: us-east-1
          deletionPolicy: Delete
          tables:
            - name: items
              partitionKey: { name: id, type: S }
          functions:
            - name: api
              runtime: python3.12
              handler: app.handler
              memoryMB: 256
              code:
                s3: { bucket: %s, key: %s }
              tables:
                - { name: items, access: ReadWrite }
        """.formatted(name, ns, BUCKET, KEY);
    return client.getKubernetesSerialization().unmarshal(yaml, ServerlessService.class);
  }

  ServerlessService create(ServerlessService s) {
    return client.resource(s).create();
  }

  ServerlessService get(String name) {
    return client.resources(ServerlessService.class).inNamespace(ns).withName(name).get();
  }

  /** Changes the spec; returns the new generation. */
  long edit(String name, Consumer<ServerlessService> change) {
    return client.resources(ServerlessService.class).inNamespace(ns).withName(name).edit(s -> {
      change.accept(s);
      return s;
    }).getMetadata().getGeneration();
  }

  ServerlessService awaitReady(String name, long generation) {
    return awaitCondition(name, generation, "Ready", "True", "Converged");
  }

  ServerlessService awaitCondition(String name, String type, String status, String reason) {
    return awaitCondition(name, -1, type, status, reason);
  }

  ServerlessService awaitCondition(String name, long generation, String type, String status, String reason) {
    ServerlessService[] found = new ServerlessService[1];
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      ServerlessService s = get(name);
      assertThat(s.getStatus()).as("status of %s", name).isNotNull();
      if (generation >= 0) {
        assertThat(s.getStatus().observedGeneration).isEqualTo(generation);
      }
      Condition c = condition(s, type);
      assertThat(c.getStatus()).as("%s of %s: %s", type, name, c.getMessage()).isEqualTo(status);
      if (reason != null) {
        assertThat(c.getReason()).isEqualTo(reason);
      }
      found[0] = s;
    });
    return found[0];
  }

  static Condition condition(ServerlessService s, String type) {
    return s.getStatus().conditions.stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + s.getStatus().conditions));
  }

  static void assertCondition(ServerlessService s, String type, String status, String reason) {
    Condition c = condition(s, type);
    assertThat(c.getStatus()).as("%s: %s", type, c.getMessage()).isEqualTo(status);
    assertThat(c.getReason()).as(type + " reason").isEqualTo(reason);
    assertThat(c.getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
    assertThat(c.getLastTransitionTime()).isNotBlank();
  }

  static ManagedResource resource(ServerlessService s, String kind, String name) {
    return s.getStatus().resources.stream().filter(r -> r.kind.equals(kind) && r.name.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in status"));
  }

  static FunctionStatus functionStatus(ServerlessService s, String name) {
    return s.getStatus().functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  static dev.slipway.api.v1alpha1.TableSpec table(ServerlessService s, String name) {
    return s.getSpec().tables.stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow();
  }

  static FunctionSpec function(ServerlessService s, String name) {
    return s.getSpec().functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  List<Event> events(String name, Predicate<Event> filter) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(filter)
        .toList();
  }

  /**
   * The AWS calls made for one service of this test. Services of other tests (and of other test
   * classes in this JVM) keep reconciling in the background; the recorder tells them apart.
   */
  List<Call> calls(String service) {
    return recorder.callsFor("ServerlessService/" + ns + "/" + service);
  }

  List<String> mutatingOperations(String service) {
    return calls(service).stream().filter(Call::mutating).map(Call::operation).toList();
  }

  /**
   * Clears the recorder and waits until it shows at least {@code n} complete passes over the stack:
   * the last stage reads the REST API's deployment once per pass, and one more than {@code n} such
   * reads covers a pass that was already under way when the recorder was cleared. The bound is the
   * convergence one: on a loaded machine a pass over the whole nexus stack can take 10 s or more.
   */
  void awaitFullPasses(String service, int n) {
    recorder.clear();
    await().atMost(CONVERGE).until(() -> calls(service).stream().filter(c -> c.operation().equals("GetDeployment")).count() >= n + 1);
  }

  /**
   * A terminal failure is retried at the resync period, not with the retry backoff (1s, 2s, 4s in
   * the test profile) nor in a tight loop: over several periods the attempts stay few and apart.
   */
  void assertAttemptsOnlyAtTheResyncPeriod(Predicate<Request> call) {
    await().atMost(Duration.ofSeconds(30)).until(() -> faults.requests(call).size() >= 3);
    List<Instant> attempts = faults.requests(call).stream().map(Request::at).toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
    }
    assertThat(gaps).as("milliseconds between attempts").allSatisfy(g -> assertThat(g).isGreaterThan(RESYNC.toMillis() - 500));
    Duration span = Duration.between(attempts.get(0), Instant.now());
    assertThat(attempts.size()).isLessThanOrEqualTo((int) (span.toMillis() / (RESYNC.toMillis() - 500)) + 1);
  }

  /** The parameters of a form-encoded (Query protocol) request body. */
  static Map<String, String> form(String body) {
    return java.util.Arrays.stream(body.split("&")).map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> b));
  }

  static Predicate<Request> since(Instant mark) {
    return r -> !r.at().isBefore(mark);
  }

  static List<RestApi> restApisNamed(String name) {
    return apiGateway.getRestApis(r -> r.limit(500)).items().stream().filter(a -> a.name().equals(name)).toList();
  }

  static KeySchemaElement key(String attribute, KeyType type) {
    return KeySchemaElement.builder().attributeName(attribute).keyType(type).build();
  }

  static String decode(String document) {
    return document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
  }

  static JsonNode statement(JsonNode policy, String sid) {
    for (JsonNode st : policy.get("Statement")) {
      if (sid.equals(st.path("Sid").asText())) {
        return st;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + policy);
  }

  static List<String> resourcesOf(JsonNode policy) {
    List<String> out = new ArrayList<>();
    for (JsonNode st : policy.get("Statement")) {
      JsonNode r = st.get("Resource");
      if (r == null) {
        continue;
      }
      if (r.isArray()) {
        r.forEach(x -> out.add(x.asText()));
      } else {
        out.add(r.asText());
      }
    }
    return out;
  }
}
