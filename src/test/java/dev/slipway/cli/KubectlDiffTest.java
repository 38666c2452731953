package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * {@code kubectl slipway diff}, run in-process as a user runs it (the admin kubeconfig of the real
 * API server, AWS credentials from the environment, {@code --endpoint-url} at moto), on a service
 * the running operator converged: an unchanged manifest has no differences; an edited one shows
 * exactly its changes, the function that would get a release, and nothing else; and the diff's own
 * AWS calls (its call log, {@code --show-aws-calls}) are all reads, while AWS and the live object
 * stay as they were.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class KubectlDiffTest {

  private static final String BUCKET = "diff-artifacts";
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  /** The function api of every manifest here, with its code's bucket and its memory. */
  private static final String API = """
        functions:
          - name: api
            runtime: python3.12
            handler: handler.handler
            memoryMB: %2$s
            code: {s3: {bucket: %1$s, key: api/1.zip}}
      """;

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  private final Region region = Region.of(SlipwayTestEnvironment.AWS_REGION);
  private String ns;

  @AfterEach
  void deleteService() {
    if (ns != null) {
      var services = client.resources(ServerlessService.class).inNamespace(ns);
      services.delete();
      await().atMost(CONVERGE).untilAsserted(() -> assertThat(services.list().getItems()).isEmpty());
    }
  }

  @Test
  void diffShowsExactlyWhatAnEditedSpecWouldChangeAndMakesOnlyReads() throws Exception {
    ns = kube.newNamespace("diff");
    String name = "df" + UUID.randomUUID().toString().substring(0, 6);
    String p = name + "-prod-";
    try (S3Client s3 = S3Client.builder().endpointOverride(MotoServer.shared().endpoint()).region(region).credentialsProvider(credentials)
        .forcePathStyle(true).build()) {
      Artifacts.upload(s3, BUCKET, "api/1.zip", "v1");
    }
    String converged = manifest(ns, name, """
          tables:
            - name: usage
              partitionKey: {name: id, type: S}
          topics:
            - name: alerts
            - name: audit
        """ + API.formatted(BUCKET, 128));
    client.resource(Serialization.unmarshal(converged, ServerlessService.class)).create();
    awaitReady(name);
    int resources = client.resources(ServerlessService.class).inNamespace(ns).withName(name).get().getStatus().resources.size();

    // The manifest as applied: nothing to do.
    Run same = diff(converged);
    assertThat(same.code()).as(same.toString()).isEqualTo(KubectlSlipway.OK);
    assertThat(same.out()).isEqualTo("no changes: " + resources + " AWS resources in sync\n");
    assertThat(same.calls()).isNotEmpty().contains("DynamoDb DescribeTable", "Lambda GetFunction", "Sns GetTopicAttributes");
    assertThat(same.mutating()).isEmpty();

    // The table's billing mode, the function's memory, one topic dropped, one function added.
    String edited = manifest(ns, name, """
          tables:
            - name: usage
              partitionKey: {name: id, type: S}
              billingMode: PROVISIONED
              readCapacity: 5
              writeCapacity: 5
          topics:
            - name: alerts
        """ + API.formatted(BUCKET, 256) + """
            - name: worker
              runtime: python3.12
              handler: handler.handler
              code: {s3: {bucket: %s, key: api/1.zip}}
        """.formatted(BUCKET));
    Run changed = diff(edited);
    assertThat(changed.code()).as(changed.toString()).isEqualTo(KubectlSlipway.DIFFERENCES);
    assertThat(changed.out().lines()).containsExactly(
        "+ create LogGroup /aws/lambda/" + p + "worker",
        "~ update DynamoDBTable " + p + "usage: throughput: PAY_PER_REQUEST -> PROVISIONED 5r/5w",
        "+ create IAMRole " + p + "worker",
        "~ update LambdaFunction " + p + "api: memorySize: 128 -> 256",
        "+ create LambdaFunction " + p + "worker (known after apply)  # depends on IAMRole/worker, which would be created",
        "- delete SNSTopic " + p + "audit",
        "release api: a new version of " + p + "api, shipped by a LambdaRelease with no policy (all at once)",
        "diff: 3 to create, 2 to update, 1 to delete, " + (resources - 3) + " in sync; 1 release");
    assertThat(changed.mutating()).isEmpty();

    Run json = diff(edited, "-o", "json");
    assertThat(json.code()).as(json.toString()).isEqualTo(KubectlSlipway.DIFFERENCES);
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.get("differs").asBoolean()).isTrue();
    assertThat(doc.get("summary").get("update").asInt()).isEqualTo(2);
    assertThat(doc.get("releases").get(0).get("function").asText()).isEqualTo("api");
    assertThat(doc.get("resources")).anySatisfy(r -> {
      assertThat(r.get("change").asText()).isEqualTo("delete");
      assertThat(r.get("physicalName").asText()).isEqualTo(p + "audit");
    });

    // Nothing changed: AWS still has what the operator made, and the live object is as it was.
    try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(region).credentialsProvider(credentials).build();
        LambdaClient lambda = LambdaClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(region).credentialsProvider(credentials).build();
        SnsClient sns = SnsClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(region).credentialsProvider(credentials).build()) {
      assertThat(dynamo.describeTable(r -> r.tableName(p + "usage")).table().billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
      assertThat(lambda.getFunction(r -> r.functionName(p + "api")).configuration().memorySize()).isEqualTo(128);
      assertThat(sns.listTopics().topics()).anySatisfy(t -> assertThat(t.topicArn()).endsWith(":" + p + "audit"));
    }
    assertThat(client.resources(ServerlessService.class).inNamespace(ns).withName(name).get().getMetadata().getGeneration()).isEqualTo(1);
  }

  @Test
  void aResourceOfAnotherServiceAtTheNameIsMarkedAndTheDiffFailsWithoutTouchingIt() throws Exception {
    ns = kube.newNamespace("diff-owned");
    String name = "do" + UUID.randomUUID().toString().substring(0, 6);
    String topic = name + "-prod-alerts";
    try (SnsClient sns = SnsClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(region).credentialsProvider(credentials).build()) {
      sns.createTopic(r -> r.name(topic).tags(t -> t.key(dev.slipway.aws.Tags.SERVICE).value("other.service")));
    }
    // Not in the cluster: no status, so the topic is judged by its tags alone, as a first converge would.
    Run run = diff(manifest(ns, name, """
          topics:
            - name: alerts
            - name: audit
        """ + API.formatted(BUCKET, 128)));
    assertThat(run.code()).as(run.toString()).isEqualTo(KubectlSlipway.ERROR);
    assertThat(run.out().lines()).contains(
        "! unknown SNSTopic " + topic + "  # OwnedByAnotherService: found at the expected name, but it belongs to ServerlessService other.service"
            + " (tag slipway.dev/service): set spec.namePrefix to give this service its own names",
        "+ create SNSTopic " + name + "-prod-audit");
    assertThat(run.err()).contains("error: the diff could not tell what 1 resource would do (marked !)");
    assertThat(run.mutating()).isEmpty();
  }

  private static String manifest(String ns, String name, String specBody) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: ServerlessService
        metadata:
          name: %s
          namespace: %s
        spec:
          stage: prod
          region: us-east-1
          deletionPolicy: Delete
        %s""".formatted(name, ns, specBody);
  }

  private void awaitReady(String name) {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      var s = client.resources(ServerlessService.class).inNamespace(ns).withName(name).get();
      assertThat(s.getStatus()).isNotNull();
      assertThat(s.getStatus().conditions).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).as(c.getMessage()).isEqualTo("True");
      });
    });
  }

  /** One command's exit code, output, and the AWS calls it reported ({@code service operation}). */
  private record Run(int code, String out, String err, List<String> calls) {
    /** The reported calls that are not reads, as the operator's call log judges them. */
    List<String> mutating() {
      return calls.stream().filter(c -> new AwsCallRecorder.Call(c.split(" ")[0], c.split(" ")[1], false, null).mutating()).toList();
    }
  }

  private Run diff(String manifest, String... more) throws Exception {
    Path file = Files.createTempFile("service", ".yaml");
    Files.writeString(file, manifest);
    List<String> args = new ArrayList<>(List.of("diff", "-f", file.toString(), "--kubeconfig", kube.kubeconfig().toString(),
        "--endpoint-url", MotoServer.shared().endpoint().toString(), "--show-aws-calls"));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KubectlSlipway.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    List<String> calls = err.toString().lines().filter(l -> l.startsWith("aws: ")).map(l -> l.substring("aws: ".length())).toList();
    return new Run(code, out.toString(), err.toString(), calls);
  }
}
