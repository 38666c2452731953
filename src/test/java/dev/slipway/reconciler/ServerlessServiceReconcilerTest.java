package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.createFunction;
import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.GlobalSecondaryIndexSpec;
import dev.slipway.api.v1alpha1.KeyAttribute;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ParameterSpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.kinds.ExecutionRolePolicy;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.AwsFaults.Request;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import dev.slipway.status.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole operator ({@code @QuarkusTest}) against a real kube-apiserver and moto: the
 * ServerlessService reconciler converges, stays quiet when nothing changed, changes only what the
 * spec changes, repairs drift, adopts, deletes under both policies, reports invalid specs and AWS
 * refusals without a hot loop, and comes through injected AWS failures ({@link AwsFaults}).
 *
 * <p>Each test has its own namespace and service name, so the stacks (which share one moto) never
 * collide; every service a test leaves is deleted after it, so the call recorder only ever sees the
 * stack of the running test.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServerlessServiceReconcilerTest {

  private static final String BUCKET = "nexus-artifacts";
  private static final String KEY = "backend/1.4.0.zip";
  private static final String ACCOUNT = "123456789012";
  /** The value of the nexus SecureString: it may reach SSM, and nothing else. */
  private static final String MODEL_API_KEY = "marker-model-key-5d1e";
  private static final Duration CONVERGE = Duration.ofSeconds(90);
  /**
   * The AWS resources of examples/nexus: 6 log groups, 4 tables, a topic and its subscription, a
   * parameter, 6 roles, 6 functions, the REST and the WebSocket API, the user pool and its client,
   * 29 alarms (28 defaults, one switched off, and one of the service's own), the dashboard, the
   * frontend's bucket, origin access control, distribution, bucket policy and content, and the domain:
   * its zone, two certificates with their validations, the two API domain names and four alias records
   * (apex, www, api, ws).
   */
  private static final int NEXUS_RESOURCES = 75;
  /** The test profile's resync period (application.properties). */
  private static final Duration RESYNC = Duration.ofSeconds(3);

  private static DynamoDbClient dynamo;
  private static IamClient iam;
  private static LambdaClient lambda;
  private static ApiGatewayClient apiGateway;
  private static ApiGatewayV2Client apiGatewayV2;
  private static SsmClient ssm;
  private static CloudWatchClient cloudWatch;
  private static SqsClient sqs;

  /** Fixtures and checks as cluster-admin; the operator itself runs as its ServiceAccount. */
  private final KubernetesClient client = KubeApiServer.shared().client();
  @Inject AwsCallRecorder recorder;

  private final AwsFaults faults = AwsFaults.shared();
  private String ns;

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

  // ---------------------------------------------------------------------------------------------
  // 1. The full nexus stack converges, with exactly the declared shape
  // ---------------------------------------------------------------------------------------------

  @Test
  void theNexusStackConvergesWithStatusOutputsEventsAndTheDeclaredShapeInAws() {
    ServerlessService service = create(nexus("full"));
    ServerlessService s = awaitReady("full", 1);
    var status = s.getStatus();

    assertThat(status.observedGeneration).isEqualTo(s.getMetadata().getGeneration());
    assertCondition(s, "Ready", "True", "Converged");
    assertCondition(s, "Reconciling", "False", "Converged");
    assertCondition(s, "Degraded", "False", "Converged");
    assertThat(status.conditions).extracting(Condition::getType).containsExactly("Ready", "Reconciling", "Degraded");

    assertThat(status.resources).hasSize(NEXUS_RESOURCES).allSatisfy(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Ready);
      assertThat(r.id).isNotBlank();
    });
    Map<String, Long> byKind = status.resources.stream().collect(Collectors.groupingBy(r -> r.kind, Collectors.counting()));
    assertThat(byKind).containsOnly(
        Map.entry("LogGroup", 6L), Map.entry("DynamoDBTable", 4L), Map.entry("SNSTopic", 1L), Map.entry("SNSSubscription", 1L),
        Map.entry("SSMParameter", 1L), Map.entry("IAMRole", 6L), Map.entry("LambdaFunction", 6L), Map.entry("RestApi", 1L), Map.entry("WebSocketApi", 1L),
        Map.entry("CognitoUserPool", 1L), Map.entry("CognitoUserPoolClient", 1L), Map.entry("CloudWatchAlarm", 29L), Map.entry("CloudWatchDashboard", 1L),
        Map.entry("S3Bucket", 1L), Map.entry("S3BucketPolicy", 1L), Map.entry("CloudFrontOriginAccessControl", 1L),
        Map.entry("CloudFrontDistribution", 1L), Map.entry("SiteContent", 1L), Map.entry("Route53HostedZone", 1L), Map.entry("AcmCertificate", 1L),
        Map.entry("AcmCertificateValidation", 1L), Map.entry("CloudFrontCertificate", 1L), Map.entry("CloudFrontCertificateValidation", 1L),
        Map.entry("RestApiDomainName", 1L), Map.entry("WebSocketApiDomainName", 1L), Map.entry("Route53AliasRecord", 4L));
    assertThat(resource(s, "DynamoDBTable", "conversations").id).isEqualTo("arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/full-prod-conversations");
    assertThat(resource(s, "IAMRole", "prompt-crud").id).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/slipway/full-prod-prompt-crud");
    assertThat(resource(s, "LambdaFunction", "usage-handler").id).isEqualTo("arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:full-prod-usage-handler");

    assertThat(status.functions).hasSize(6).allSatisfy(f -> {
      assertThat(f.publishedVersion).isEqualTo("1");
      assertThat(f.aliasVersion).isEqualTo("1");
      assertThat(f.aliasArn).isEqualTo(f.functionArn + ":prod");
      assertThat(f.code).isEqualTo("s3://" + BUCKET + "/" + KEY);
    });

    String restApiId = resource(s, "RestApi", "api").id;
    String wsApiId = resource(s, "WebSocketApi", "websocket").id;
    assertThat(status.outputs)
        .containsEntry("restApiUrl", "https://" + restApiId + ".execute-api.us-east-1.amazonaws.com/prod")
        .containsEntry("webSocketUrl", "wss://" + wsApiId + ".execute-api.us-east-1.amazonaws.com/prod")
        .containsEntry("function.conversation-api.arn", "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:full-prod-conversation-api")
        .containsEntry("function.conversation-api.aliasArn", "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:full-prod-conversation-api:prod")
        .doesNotContainKey("accountId")
        .doesNotContainKey("function.conversation-api.roleArn");
    for (FunctionStatus f : status.functions) {
      assertThat(status.outputs).containsEntry("function." + f.name + ".aliasArn", f.aliasArn);
    }
    assertThat(status.outputs)
        .containsEntry("topic.alerts.arn", "arn:aws:sns:us-east-1:" + ACCOUNT + ":full-prod-alerts")
        .containsEntry("parameter.model-api-key.name", "/full-prod/model-api-key")
        .containsEntry("auth.userPoolId", resource(s, "CognitoUserPool", "users").id)
        .containsEntry("auth.issuerUrl", "https://cognito-idp.us-east-1.amazonaws.com/" + resource(s, "CognitoUserPool", "users").id)
        .containsEntry("auth.client.web.id", resource(s, "CognitoUserPoolClient", "web").id)
        .containsEntry("domain.restApiUrl", "https://api.full.nexus.example.com")
        .containsEntry("domain.webSocketUrl", "wss://ws.full.nexus.example.com")
        .containsEntry("domain.frontendUrl", "https://full.nexus.example.com")
        .containsKey("domain.nameServers");

    // The alarms notify the alerts topic; the 5XX threshold is the example's, the p99 duration follows the timeout.
    String alerts = "arn:aws:sns:us-east-1:" + ACCOUNT + ":full-prod-alerts";
    Map<String, MetricAlarm> alarms = cloudWatch.describeAlarms(r -> r.alarmNamePrefix("full-prod-")).metricAlarms().stream()
        .collect(Collectors.toMap(MetricAlarm::alarmName, a -> a));
    assertThat(alarms).hasSize(29).doesNotContainKey("full-prod-usage-handler-throttles")
        .containsKeys("full-prod-websocket-errors", "full-prod-conversations-read-throttles", "full-prod-model-api-errors");
    assertThat(alarms.values()).allSatisfy(a -> assertThat(a.alarmActions()).containsExactly(alerts));
    assertThat(alarms.get("full-prod-api-5xx").threshold()).isEqualTo(0.10);
    assertThat(alarms.get("full-prod-websocket-message-p99-duration").threshold()).isEqualTo(24000.0);
    assertThat(alarms.get("full-prod-websocket-errors").dimensions()).anySatisfy(d -> assertThat(d.value()).isEqualTo(wsApiId));
    assertThat(resource(s, "CloudWatchAlarm", "api-5xx").id).isEqualTo(alarms.get("full-prod-api-5xx").alarmArn());
    assertThat(status.outputs)
        .containsEntry("alarm.conversation-api-errors.arn", alarms.get("full-prod-conversation-api-errors").alarmArn())
        .containsEntry("dashboardUrl", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=full-prod");
    assertThat(cloudWatch.getDashboard(r -> r.dashboardName("full-prod")).dashboardBody()).contains("full-prod-websocket-message");

    // What the chat handler needs, declared and nothing typed by hand: names in its environment,
    // its grants in its role, the key in SSM, and the key nowhere in the cluster.
    assertThat(lambda.getFunction(r -> r.functionName("full-prod-websocket-message")).configuration().environment().variables())
        .containsEntry("CONVERSATIONS_TABLE", "full-prod-conversations")
        .containsEntry("CONNECTIONS_TABLE", "full-prod-websocket-connections")
        .containsEntry("MODEL_API_KEY_PARAMETER", "/full-prod/model-api-key");
    String messagePolicy = java.net.URLDecoder.decode(
        iam.getRolePolicy(r -> r.roleName("full-prod-websocket-message").policyName("slipway-execution")).policyDocument(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(messagePolicy).contains("bedrock:InvokeModel", "execute-api:ManageConnections", "ssm:GetParameter",
        "arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter/full-prod/model-api-key");
    assertThat(parameterValue("/full-prod/model-api-key")).isEqualTo(MODEL_API_KEY);
    assertThat(client.getKubernetesSerialization().asJson(s.getStatus())).doesNotContain(MODEL_API_KEY);
    assertThat(events("full", e -> true)).allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(MODEL_API_KEY));

    ConfigMap outputs = client.configMaps().inNamespace(ns).withName("full-outputs").get();
    assertThat(outputs).isNotNull();
    assertThat(outputs.getData()).isEqualTo(status.outputs);
    assertThat(outputs.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("ServerlessService");
      assertThat(o.getName()).isEqualTo("full");
      assertThat(o.getUid()).isEqualTo(s.getMetadata().getUid());
      assertThat(o.getController()).isTrue();
    });

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      List<Event> created = events("full", e -> e.getReason().equals("Created"));
      // ACM asks both certificates for the same validation record: the validation that runs second
      // may find it written already and say so (Adopted) rather than Created.
      assertThat(created).hasSizeBetween(NEXUS_RESOURCES - 1, NEXUS_RESOURCES).allSatisfy(e -> assertThat(e.getType()).isEqualTo("Normal"));
      assertThat(created).extracting(Event::getMessage)
          .contains("Created DynamoDBTable full-prod-conversations", "Created LambdaFunction full-prod-websocket-message", "Created RestApi full-prod-api",
              "Created LogGroup /aws/lambda/full-prod-usage-handler");
    });

    // --- AWS, read back through the SDK ---
    TableDescription conversations = dynamo.describeTable(r -> r.tableName("full-prod-conversations")).table();
    assertThat(conversations.keySchema()).containsExactlyInAnyOrder(key("conversation_id", KeyType.HASH), key("timestamp", KeyType.RANGE));
    assertThat(conversations.attributeDefinitions()).anySatisfy(a -> {
      assertThat(a.attributeName()).isEqualTo("timestamp");
      assertThat(a.attributeTypeAsString()).isEqualTo("N");
    });
    assertThat(conversations.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(conversations.globalSecondaryIndexes()).singleElement().satisfies(i -> {
      assertThat(i.indexName()).isEqualTo("user-index");
      assertThat(i.keySchema()).containsExactly(key("user_id", KeyType.HASH));
      assertThat(i.projection().projectionType()).isEqualTo(ProjectionType.ALL);
    });
    assertThat(conversations.streamSpecification().streamEnabled()).isTrue();
    assertThat(conversations.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
    assertThat(dynamo.describeTimeToLive(r -> r.tableName("full-prod-conversations")).timeToLiveDescription())
        .satisfies(t -> {
          assertThat(t.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
          assertThat(t.attributeName()).isEqualTo("ttl");
        });
    TableDescription prompts = dynamo.describeTable(r -> r.tableName("full-prod-prompts")).table();
    assertThat(prompts.keySchema()).containsExactlyInAnyOrder(key("prompt_id", KeyType.HASH), key("user_id", KeyType.RANGE));
    assertThat(prompts.globalSecondaryIndexes()).isEmpty();
    assertThat(prompts.streamSpecification() == null || !Boolean.TRUE.equals(prompts.streamSpecification().streamEnabled())).isTrue();
    assertThat(dynamo.describeTimeToLive(r -> r.tableName("full-prod-prompts")).timeToLiveDescription().timeToLiveStatus())
        .isNotEqualTo(TimeToLiveStatus.ENABLED);

    // websocket-message reads and writes conversations and only reads websocket-connections.
    var role = iam.getRole(r -> r.roleName("full-prod-websocket-message")).role();
    assertThat(decode(role.assumeRolePolicyDocument())).contains("lambda.amazonaws.com");
    assertThat(iam.listRolePolicies(r -> r.roleName("full-prod-websocket-message")).policyNames()).containsExactly("slipway-execution");
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName("full-prod-websocket-message")).attachedPolicies()).isEmpty();
    JsonNode policy = ExecutionRolePolicy.parse(
        iam.getRolePolicy(r -> r.roleName("full-prod-websocket-message").policyName("slipway-execution")).policyDocument());
    String tableArn = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/";
    assertThat(resourcesOf(policy).stream().filter(r -> r.startsWith(tableArn)).map(r -> r.substring(tableArn.length()).split("/")[0]).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("full-prod-conversations", "full-prod-websocket-connections");
    assertThat(statement(policy, "DynamoDBReadOnly").get("Resource").toString()).contains("full-prod-websocket-connections").doesNotContain("full-prod-conversations");
    assertThat(statement(policy, "DynamoDBReadOnly").get("Action").toString()).doesNotContain("PutItem");
    assertThat(statement(policy, "DynamoDBReadWrite").get("Resource").toString()).contains("full-prod-conversations").doesNotContain("websocket-connections");
    assertThat(policy.toString()).doesNotContain("\"*\"").doesNotContain("FullAccess");

    FunctionConfiguration api = lambda.getFunction(r -> r.functionName("full-prod-conversation-api")).configuration();
    assertThat(api.memorySize()).isEqualTo(512);
    assertThat(api.timeout()).isEqualTo(30);
    assertThat(api.runtimeAsString()).isEqualTo("python3.12");
    assertThat(api.handler()).isEqualTo("handlers.api.conversation.handler");
    assertThat(api.environment().variables()).isEqualTo(Map.of("LOG_LEVEL", "info", "CONVERSATIONS_TABLE", "full-prod-conversations"));
    assertThat(api.role()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/slipway/full-prod-conversation-api");
    assertThat(lambda.getAlias(r -> r.functionName("full-prod-conversation-api").name("prod")).functionVersion()).isEqualTo("1");
    assertThat(lambda.getFunction(r -> r.functionName("full-prod-websocket-message")).configuration().memorySize()).isEqualTo(1024);
    assertThat(lambda.getFunction(r -> r.functionName("full-prod-conversation-api")).tags())
        .containsEntry("team", "chat").containsEntry("slipway.dev/stage", "prod");

    assertThat(restApisNamed("full-prod-api")).singleElement().extracting(RestApi::id).isEqualTo(restApiId);
    var resources = apiGateway.getResources(r -> r.restApiId(restApiId).embed("methods").limit(500)).items();
    Map<String, Set<String>> methods = resources.stream().collect(Collectors.toMap(r -> r.path(), r -> r.resourceMethods().keySet()));
    assertThat(methods).containsOnlyKeys("/", "/conversations", "/prompts", "/usage");
    assertThat(methods.get("/conversations")).containsExactlyInAnyOrder("GET", "POST", "PUT", "DELETE", "OPTIONS");
    assertThat(methods.get("/usage")).containsExactlyInAnyOrder("GET", "OPTIONS");
    String usageId = resources.stream().filter(r -> r.path().equals("/usage")).findFirst().orElseThrow().id();
    var integration = apiGateway.getIntegration(r -> r.restApiId(restApiId).resourceId(usageId).httpMethod("GET"));
    assertThat(integration.typeAsString()).isEqualTo("AWS_PROXY");
    assertThat(integration.uri()).contains("function:full-prod-usage-handler:prod/invocations");
    var stage = apiGateway.getStage(r -> r.restApiId(restApiId).stageName("prod"));
    assertThat(stage.deploymentId()).isNotBlank();
    assertThat(lambda.getPolicy(r -> r.functionName("full-prod-usage-handler").qualifier("prod")).policy()).contains(restApiId);

    assertThat(apiGatewayV2.getRoutes(r -> r.apiId(wsApiId)).items()).extracting(Route::routeKey)
        .containsExactlyInAnyOrder("$connect", "$disconnect", "$default");
    assertThat(apiGatewayV2.getApi(r -> r.apiId(wsApiId)).routeSelectionExpression()).isEqualTo("$request.body.action");
    assertThat(service.getMetadata().getName()).isEqualTo("full");
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Nothing changed: nothing is written
  // ---------------------------------------------------------------------------------------------

  @Test
  void aResyncOfAnUnchangedSpecMakesNoMutatingCallAndNoStatusWrite() {
    create(nexus("idem"));
    awaitReady("idem", 1);
    awaitFullPasses("idem", 1); // the first resync after converging may still settle status
    String resourceVersion = get("idem").getMetadata().getResourceVersion();

    recorder.clear();
    awaitFullPasses("idem", 2);

    assertThat(calls("idem")).extracting(Call::operation).contains("DescribeTable", "GetRole", "GetFunction", "GetAlias", "GetResources", "GetStage", "GetRoutes");
    assertThat(calls("idem")).filteredOn(Call::mutating).isEmpty();
    // The APIs are read by the id status recorded, not found by listing every API of the region.
    assertThat(calls("idem")).extracting(Call::operation).doesNotContain("GetRestApis", "GetApis");
    // moto 5.2.1 does not implement GetProvisionedConcurrencyConfig (404, read as "none"): the only failing read.
    assertThat(calls("idem")).filteredOn(Call::failed).extracting(Call::operation).containsOnly("GetProvisionedConcurrencyConfig");
    assertThat(get("idem").getMetadata().getResourceVersion()).as("no status write when nothing changed").isEqualTo(resourceVersion);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. A changed spec changes only what differs
  // ---------------------------------------------------------------------------------------------

  @Test
  void specChangesChangeOnlyWhatDiffers() {
    create(nexus("chg"));
    awaitReady("chg", 1);

    // A GSI on usage: one UpdateTable on that table, nothing else.
    recorder.clear();
    Instant mark = Instant.now();
    long gen = edit("chg", s -> {
      var index = new GlobalSecondaryIndexSpec();
      index.name = "date-index";
      index.partitionKey = new KeyAttribute("date", KeyAttribute.ScalarType.S);
      index.projection = GlobalSecondaryIndexSpec.Projection.KEYS_ONLY;
      table(s, "usage").globalSecondaryIndexes.add(index);
    });
    awaitReady("chg", gen);
    assertThat(mutatingOperations("chg")).containsExactly("UpdateTable");
    assertThat(faults.requests(since(mark).and(target("UpdateTable")))).singleElement()
        .satisfies(r -> assertThat(r.body()).contains("\"TableName\":\"chg-prod-usage\"").contains("date-index"));
    assertThat(dynamo.describeTable(r -> r.tableName("chg-prod-usage")).table().globalSecondaryIndexes())
        .singleElement().satisfies(i -> assertThat(i.indexName()).isEqualTo("date-index"));

    // A route: that route's resource, methods (with its CORS preflight), grant and one deployment.
    recorder.clear();
    gen = edit("chg", s -> s.getSpec().restApi.routes.add(new RestApiSpec.Route("/health", List.of(RestApiSpec.Method.GET), "usage-handler")));
    awaitReady("chg", gen);
    assertThat(mutatingOperations("chg")).containsExactlyInAnyOrder(
        "CreateResource",
        "PutMethod", "PutIntegration", // GET /health → usage-handler
        "PutMethod", "PutMethodResponse", "PutIntegration", "PutIntegrationResponse", // OPTIONS /health (CORS)
        "AddPermission",
        "CreateDeployment");
    String apiId = resource(get("chg"), "RestApi", "api").id;
    var health = apiGateway.getResources(r -> r.restApiId(apiId).embed("methods")).items().stream().filter(r -> r.path().equals("/health")).findFirst();
    assertThat(health).hasValueSatisfying(r -> assertThat(r.resourceMethods()).containsOnlyKeys("GET", "OPTIONS"));

    // prompt-crud's memory: the service updates $LATEST and publishes version 2 of that function only;
    // the alias then moves by a LambdaRelease the service creates (AllAtOnce: no releasePolicy).
    recorder.clear();
    mark = Instant.now();
    gen = edit("chg", s -> function(s, "prompt-crud").memoryMB = 768);
    awaitReady("chg", gen);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(functionStatus(get("chg"), "prompt-crud").aliasVersion).isEqualTo("2"));
    assertThat(mutatingOperations("chg")).containsExactlyInAnyOrder("UpdateFunctionConfiguration", "PublishVersion");
    assertThat(recorder.callsFor("LambdaRelease/" + ns + "/" + functionStatus(get("chg"), "prompt-crud").release))
        .filteredOn(Call::mutating).extracting(Call::operation).containsExactly("UpdateAlias");
    assertThat(faults.requests(since(mark).and(r -> r.path().startsWith("/2015-03-31/functions/chg-prod-") && !r.method().equals("GET"))))
        .extracting(Request::path)
        .containsExactlyInAnyOrder(
            "/2015-03-31/functions/chg-prod-prompt-crud/configuration",
            "/2015-03-31/functions/chg-prod-prompt-crud/versions",
            "/2015-03-31/functions/chg-prod-prompt-crud/aliases/prod");
    assertThat(lambda.getFunction(r -> r.functionName("chg-prod-prompt-crud")).configuration().memorySize()).isEqualTo(768);
    assertThat(lambda.getAlias(r -> r.functionName("chg-prod-prompt-crud").name("prod")).functionVersion()).isEqualTo("2");
    FunctionStatus promptCrud = functionStatus(get("chg"), "prompt-crud");
    assertThat(promptCrud.publishedVersion).isEqualTo("2");
    assertThat(promptCrud.release).startsWith("chg-prompt-crud-");
    var release = client.resources(LambdaRelease.class).inNamespace(get("chg").getMetadata().getNamespace()).withName(promptCrud.release).get();
    assertThat(release.getStatus().phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(release.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo("chg"));
    assertThat(functionStatus(get("chg"), "usage-handler").publishedVersion).isEqualTo("1");
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Drift is put back at the next resync
  // ---------------------------------------------------------------------------------------------

  @Test
  void driftIsRepairedAtTheNextResync() {
    create(nexus("drift"));
    ServerlessService s = awaitReady("drift", 1);
    String apiId = resource(s, "RestApi", "api").id;
    String usageId = apiGateway.getResources(r -> r.restApiId(apiId)).items().stream().filter(r -> r.path().equals("/usage")).findFirst().orElseThrow().id();

    // Behind Slipway's back:
    dynamo.updateTimeToLive(r -> r.tableName("drift-prod-conversations").timeToLiveSpecification(t -> t.enabled(false).attributeName("ttl")));
    lambda.updateFunctionConfiguration(r -> r.functionName("drift-prod-usage-handler").memorySize(256));
    apiGateway.deleteMethod(r -> r.restApiId(apiId).resourceId(usageId).httpMethod("GET"));

    // ignoreExceptions: GetMethod answers NotFound until the method is back.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      assertThat(dynamo.describeTimeToLive(r -> r.tableName("drift-prod-conversations")).timeToLiveDescription().timeToLiveStatus())
          .isEqualTo(TimeToLiveStatus.ENABLED);
      assertThat(lambda.getFunction(r -> r.functionName("drift-prod-usage-handler")).configuration().memorySize()).isEqualTo(512);
      var get = apiGateway.getMethod(r -> r.restApiId(apiId).resourceId(usageId).httpMethod("GET"));
      assertThat(get.methodIntegration().uri()).contains("function:drift-prod-usage-handler:prod/invocations");
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("drift", e -> e.getReason().equals("Updated")))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("Updated DynamoDBTable drift-prod-conversations").contains("ttlAttribute"))
        .anySatisfy(m -> assertThat(m).startsWith("Updated LambdaFunction drift-prod-usage-handler").contains("memorySize"))
        .anySatisfy(m -> assertThat(m).startsWith("Updated RestApi drift-prod-api").contains("method GET /usage")));
    // Putting the old configuration back needs no new version: version 1 holds exactly that.
    assertThat(functionStatus(awaitReady("drift", 1), "usage-handler").publishedVersion).isEqualTo("1");
    assertThat(lambda.getAlias(r -> r.functionName("drift-prod-usage-handler").name("prod")).functionVersion()).isEqualTo("1");
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Adoption
  // ---------------------------------------------------------------------------------------------

  @Test
  void resourcesThatAlreadyExistUnderTheExpectedNamesAreLeftAloneUntilTheAnnotationAdoptsThem() {
    // Made by hand (or by an earlier install) with the names Slipway derives: adopt-prod-<logical>.
    dynamo.createTable(r -> r.tableName("adopt-prod-items")
        .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
        .billingMode(BillingMode.PAY_PER_REQUEST));
    String roleArn = iam.createRole(r -> r.roleName("adopt-prod-api").assumeRolePolicyDocument(ExecutionRolePolicy.TRUST_POLICY)).role().arn();
    lambda.createFunction(r -> r.functionName("adopt-prod-api").role(roleArn).runtime("python3.12").handler("app.handler")
        .code(c -> c.s3Bucket(BUCKET).s3Key(KEY)).memorySize(128));

    recorder.clear();
    create(small("adopt"));
    ServerlessService refused = awaitCondition("adopt", "Ready", "False", Reasons.NOT_OWNED);

    // The untagged ones fail, what needs them waits, the rest converges; nothing of theirs is changed.
    assertThat(refused.getStatus().resources).extracting(r -> r.kind + "/" + r.name + "=" + r.state)
        .containsExactly("LogGroup/api=Ready", "DynamoDBTable/items=Failed", "IAMRole/api=Failed", "LambdaFunction/api=Pending");
    assertThat(condition(refused, "Ready").getMessage()).contains("DynamoDBTable adopt-prod-items", Slipway.ADOPT_ANNOTATION);
    assertCondition(refused, "Degraded", "True", Reasons.NOT_OWNED);
    assertThat(mutatingOperations("adopt")).allSatisfy(op -> assertThat(op).isIn("CreateLogGroup", "PutRetentionPolicy"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("adopt", e -> e.getReason().equals(Reasons.NOT_OWNED)))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("DynamoDBTable adopt-prod-items: ").contains(Slipway.ADOPT_ANNOTATION + ": \"DynamoDBTable\""))
        .anySatisfy(m -> assertThat(m).startsWith("IAMRole adopt-prod-api: ").contains(Slipway.ADOPT_ANNOTATION)));
    // No hot loop: looked at again only at the resync period.
    assertAttemptsOnlyAtTheResyncPeriod(target("DescribeTable").and(r -> r.bodyContains("adopt-prod-items")));

    // The annotation changes no generation; the controller reconciles on it all the same.
    client.resources(ServerlessService.class).inNamespace(ns).withName("adopt").edit(o -> {
      o.getMetadata().setAnnotations(Map.of(Slipway.ADOPT_ANNOTATION, "DynamoDBTable, IAMRole,LambdaFunction"));
      return o;
    });
    ServerlessService s = awaitReady("adopt", 1);

    assertThat(calls("adopt")).extracting(Call::operation).doesNotContain("CreateTable", "CreateRole", "CreateFunction");
    assertThat(s.getStatus().resources).extracting(r -> r.kind + "/" + r.name + "=" + r.state)
        .containsExactly("LogGroup/api=Ready", "DynamoDBTable/items=Ready", "IAMRole/api=Ready", "LambdaFunction/api=Ready");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("adopt", e -> e.getReason().equals("Adopted")))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing DynamoDBTable adopt-prod-items, which carried no slipway.dev/service tag"))
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing IAMRole adopt-prod-api, which carried no"))
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing LambdaFunction adopt-prod-api, which carried no")));
    assertThat(dynamo.listTables().tableNames().stream().filter(n -> n.equals("adopt-prod-items"))).hasSize(1);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("adopt-prod-api"))).hasSize(1);
    // Taken over means brought to the spec: the declared memory and handler, the stage alias.
    FunctionConfiguration adopted = lambda.getFunction(r -> r.functionName("adopt-prod-api")).configuration();
    assertThat(adopted.memorySize()).isEqualTo(256);
    assertThat(adopted.handler()).isEqualTo("app.handler");
    assertThat(lambda.getAlias(r -> r.functionName("adopt-prod-api").name("prod")).functionVersion()).isEqualTo(functionStatus(s, "api").aliasVersion);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Deletion under both policies
  // ---------------------------------------------------------------------------------------------

  @Test
  void deletionPolicyDeleteRemovesEveryAwsResourceInReverseOrderThenTheObject() {
    create(nexus("del"));
    ServerlessService s = awaitReady("del", 1);
    String restApiId = resource(s, "RestApi", "api").id;
    String wsApiId = resource(s, "WebSocketApi", "websocket").id;

    recorder.clear();
    client.resource(s).delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("del")).isNull());

    List<String> deletes = mutatingOperations("del").stream().filter(o -> o.startsWith("Delete")).toList();
    assertThat(deletes).contains("DeleteRestApi", "DeleteApi", "DeleteFunction", "DeleteRole", "DeleteTable");
    // Reverse dependency order: APIs, then functions, then roles and tables.
    assertThat(deletes.lastIndexOf("DeleteRestApi")).isLessThan(deletes.indexOf("DeleteFunction"));
    assertThat(deletes.lastIndexOf("DeleteApi")).isLessThan(deletes.indexOf("DeleteFunction"));
    assertThat(deletes.lastIndexOf("DeleteFunction")).isLessThan(deletes.indexOf("DeleteRole"));
    assertThat(deletes.lastIndexOf("DeleteFunction")).isLessThan(deletes.indexOf("DeleteTable"));

    for (String table : List.of("conversations", "prompts", "usage", "websocket-connections")) {
      assertThatThrownBy(() -> dynamo.describeTable(r -> r.tableName("del-prod-" + table))).isInstanceOf(ResourceNotFoundException.class);
    }
    for (String function : List.of("conversation-api", "prompt-crud", "usage-handler", "websocket-connect", "websocket-disconnect", "websocket-message")) {
      assertThatThrownBy(() -> iam.getRole(r -> r.roleName("del-prod-" + function))).isInstanceOf(NoSuchEntityException.class);
      assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("del-prod-" + function)))
          .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    }
    assertThatThrownBy(() -> apiGateway.getRestApi(r -> r.restApiId(restApiId)))
        .isInstanceOf(software.amazon.awssdk.services.apigateway.model.NotFoundException.class);
    assertThatThrownBy(() -> apiGatewayV2.getApi(r -> r.apiId(wsApiId)))
        .isInstanceOf(software.amazon.awssdk.services.apigatewayv2.model.NotFoundException.class);
    assertThat(cloudWatch.describeAlarms(r -> r.alarmNamePrefix("del-prod-")).metricAlarms()).isEmpty();
    assertThat(cloudWatch.listDashboards(r -> r.dashboardNamePrefix("del-prod")).dashboardEntries()).isEmpty();
  }

  @Test
  void deletionPolicyRetainRemovesTheObjectAndLeavesAwsAlone() {
    ServerlessService service = small("keep");
    service.getSpec().deletionPolicy = dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy.Retain;
    create(service);
    ServerlessService s = awaitReady("keep", 1);

    recorder.clear();
    client.resource(s).delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("keep")).isNull());

    assertThat(calls("keep")).filteredOn(Call::mutating).isEmpty();
    assertThat(dynamo.describeTable(r -> r.tableName("keep-prod-items")).table().tableName()).isEqualTo("keep-prod-items");
    assertThat(iam.getRole(r -> r.roleName("keep-prod-api")).role().roleName()).isEqualTo("keep-prod-api");
    assertThat(lambda.getFunction(r -> r.functionName("keep-prod-api")).configuration().functionName()).isEqualTo("keep-prod-api");
    assertThat(lambda.getAlias(r -> r.functionName("keep-prod-api").name("prod")).functionVersion()).isEqualTo("1");
    assertThat(events("keep", e -> e.getReason().equals("Retained"))).isNotEmpty();
  }

  @Test
  void aDeletionAwsRefusesHoldsTheObjectWithBackoffSaysHowToGetOutAndEndsOnceTheResourceIsGone() {
    ServerlessService s = stuckDeleting("stuck");

    // No hot loop: the refused deletion is tried again with a growing delay (1s, 2s, 4s here).
    Predicate<Request> deleteTable = target("DeleteTable").and(r -> r.bodyContains("stuck-prod-items"));
    await().atMost(Duration.ofSeconds(30)).until(() -> faults.requests(deleteTable).size() >= 4);
    List<Instant> attempts = faults.requests(deleteTable).stream().map(Request::at).toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
    }
    assertThat(gaps).as("milliseconds between attempts").allSatisfy(g -> assertThat(g).isGreaterThan(800));
    assertThat(gaps.get(gaps.size() - 1)).isGreaterThan(gaps.get(0) + 1500);
    assertThat(s.getMetadata().getFinalizers()).contains(Slipway.FINALIZER);

    // Deleted by someone who may: already gone counts as done, and the object goes.
    dynamo.deleteTable(r -> r.tableName("stuck-prod-items"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("stuck")).isNull());
  }

  @Test
  void aStuckDeletionEndsWhenTheDeletionPolicyIsSetToRetain() {
    stuckDeleting("unstuck");

    client.resources(ServerlessService.class).inNamespace(ns).withName("unstuck").edit(o -> {
      o.getSpec().deletionPolicy = dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy.Retain;
      return o;
    });

    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("unstuck")).isNull());
    assertThat(dynamo.describeTable(r -> r.tableName("unstuck-prod-items")).table().tableName()).isEqualTo("unstuck-prod-items");
  }

  /**
   * A small service deleted while AWS refuses DeleteTable of its table with AccessDenied: returns it
   * once its conditions say so. The rest of the stack is deleted; status keeps only the table.
   */
  private ServerlessService stuckDeleting(String name) {
    create(small(name));
    awaitReady(name, 1);
    faults.accessDenied(target("DeleteTable").and(r -> r.bodyContains(name + "-prod-items")), Integer.MAX_VALUE);

    client.resource(get(name)).delete();

    ServerlessService s = awaitCondition(name, "Ready", "False", Reasons.ACCESS_DENIED);
    assertThat(condition(s, "Ready").getMessage())
        .startsWith("deleting DynamoDBTable " + name + "-prod-items failed (AccessDenied): ")
        .contains("set spec.deletionPolicy to Retain", "kubectl patch sls " + name + " -n " + ns);
    assertCondition(s, "Degraded", "True", Reasons.ACCESS_DENIED);
    assertThat(s.getStatus().resources).extracting(r -> r.key() + " " + r.state).containsExactly("DynamoDBTable/items Deleting");
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName(name + "-prod-api")))
        .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Invalid specs: a clear condition, an event, no hot loop
  // ---------------------------------------------------------------------------------------------

  @Test
  void aFunctionNameTooLongForLambdaIsAnInvalidSpecReportedOnce() {
    ServerlessService service = small("toolong");
    service.getSpec().namePrefix = "a-very-long-prefix-for-this-test"; // 32 characters, the most the schema allows
    function(service, "api").name = "function-with-a-name-of-forty-characters";
    service.getSpec().functions.get(0).tables.clear();
    create(service);

    ServerlessService s = awaitCondition("toolong", "Ready", "False", "InvalidSpec");
    assertThat(condition(s, "Ready").getMessage()).contains("longer than 64 characters");
    assertCondition(s, "Degraded", "True", "InvalidSpec");
    assertCondition(s, "Reconciling", "False", "InvalidSpec");
    // kstatus (Flux, kubectl wait tools): Failed, with the same reason and message, not InProgress.
    assertCondition(s, "Stalled", "True", "InvalidSpec");
    assertThat(condition(s, "Stalled").getMessage()).isEqualTo(condition(s, "Ready").getMessage());
    assertThat(s.getStatus().observedGeneration).isEqualTo(1L);

    // Over several resync periods: one Warning, and not one AWS call for this service.
    await().during(RESYNC.multipliedBy(3)).atMost(RESYNC.multipliedBy(5))
        .untilAsserted(() -> assertThat(events("toolong", e -> e.getType().equals("Warning"))).singleElement().satisfies(e -> {
          assertThat(e.getReason()).isEqualTo("InvalidSpec");
          assertThat(e.getMessage()).contains("a-very-long-prefix-for-this-test-function-with-a-name-of-forty-characters");
        }));
    assertThat(faults.journal()).noneMatch(r -> r.body().contains("a-very-long-prefix-for-this-test") || r.path().contains("a-very-long-prefix-for-this-test"));

    // Nothing is due before the spec changes, yet a reconcile request is handled at once (issue 12).
    client.resources(ServerlessService.class).inNamespace(ns).withName("toolong").edit(x -> {
      x.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(Slipway.RECONCILE_REQUESTED_AT, "2026-12-04T20:00:00Z")));
      return x;
    });
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get("toolong").getStatus().lastHandledReconcileAt).isEqualTo("2026-12-04T20:00:00Z"));
    assertThat(get("toolong").getMetadata().getGeneration()).isEqualTo(1L);

    // The fixed spec converges, and Stalled is gone (abnormal-true: absent when nothing stalls it).
    long fixed = edit("toolong", x -> x.getSpec().functions.get(0).name = "api");
    ServerlessService ready = awaitReady("toolong", fixed);
    assertThat(ready.getStatus().conditions).extracting(Condition::getType).doesNotContain("Stalled");
  }

  @Test
  void codeInABucketThatDoesNotExistIsTerminalAndRetriedOnlyAtTheResyncPeriod() {
    ServerlessService service = small("nobucket");
    function(service, "api").code.s3.bucket = "slipway-no-such-bucket";
    create(service);

    ServerlessService s = awaitCondition("nobucket", "Degraded", "True", null);
    Condition ready = condition(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AwsRejected");
    assertThat(ready.getMessage()).startsWith("LambdaFunction nobucket-prod-api: ");
    assertCondition(s, "Reconciling", "False", "AwsRejected");
    assertThat(resource(s, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Failed);
    assertThat(resource(s, "DynamoDBTable", "items").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(events("nobucket", e -> e.getType().equals("Warning"))).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getReason()).isEqualTo("AwsRejected"));

    assertAttemptsOnlyAtTheResyncPeriod(createFunction("nobucket-prod-api"));
  }

  @Test
  void aParameterFollowsItsSecretAndAnUnlabelledSecretIsNamedAsTheReason() {
    client.resource(new SecretBuilder().withNewMetadata().withName("keys").withNamespace(ns).endMetadata()
        .addToStringData("api", "first-value").build()).create();
    ServerlessService service = small("param");
    ParameterSpec key = new ParameterSpec();
    key.name = "api-key";
    key.type = ParameterSpec.Type.SecureString;
    key.valueFrom = new ParameterSpec.ValueFrom();
    key.valueFrom.secretKeyRef = new SecretKeyRef("keys", "api");
    service.getSpec().parameters.add(key);
    create(service);

    ServerlessService refused = awaitCondition("param", "Ready", "False", "SecretNotFound");
    assertThat(condition(refused, "Ready").getMessage())
        .isEqualTo("SSMParameter /param-prod/api-key: Secret " + ns + "/keys lacks the label slipway.dev/parameter-source=true that lets Slipway read it");
    // Everything that does not need the parameter converged beside it.
    assertThat(resource(refused, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Ready);

    client.secrets().inNamespace(ns).withName("keys").edit(s -> {
      s.getMetadata().setLabels(Map.of(Slipway.SECRET_SOURCE_LABEL, "true"));
      return s;
    });
    awaitReady("param", 1);
    assertThat(parameterValue("/param-prod/api-key")).isEqualTo("first-value");

    client.secrets().inNamespace(ns).withName("keys").edit(s -> {
      s.setStringData(Map.of("api", "rotated-value"));
      return s;
    });
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(parameterValue("/param-prod/api-key")).isEqualTo("rotated-value"));
    assertThat(client.getKubernetesSerialization().asJson(get("param").getStatus())).doesNotContain("first-value").doesNotContain("rotated-value");
  }

  // Issue 10: a generated Cognito client secret goes to a Secret the service owns, and nowhere else.
  @Test
  void aCognitoClientSecretIsWrittenToASecretTheServiceOwnsAndNowhereElse() {
    ServerlessService service = small("signin");
    service.getSpec().auth = client.getKubernetesSerialization().unmarshal(
        "clients: [{name: web}, {name: backend, generateSecret: true}]", dev.slipway.api.v1alpha1.AuthSpec.class);
    create(service);

    ServerlessService ready = awaitReady("signin", 1);
    Secret secret = client.secrets().inNamespace(ns).withName("signin-backend-cognito").get();
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid());
      assertThat(o.getController()).isTrue();
    });
    String clientId = ready.getStatus().outputs.get("auth.client.backend.id");
    String value = new String(java.util.Base64.getDecoder().decode(secret.getData().get("clientSecret")), java.nio.charset.StandardCharsets.UTF_8);
    try (var cognito = software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient.builder()
        .endpointOverride(MotoServer.shared().endpoint()).region(Region.of(SlipwayTestEnvironment.AWS_REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
      String pool = ready.getStatus().outputs.get("auth.userPoolId");
      assertThat(cognito.describeUserPoolClient(r -> r.userPoolId(pool).clientId(clientId)).userPoolClient().clientSecret()).isEqualTo(value);
    }
    assertThat(client.getKubernetesSerialization().asJson(ready.getStatus())).doesNotContain(value);
    assertThat(client.configMaps().inNamespace(ns).withName("signin-outputs").get().getData()).doesNotContainValue(value).containsEntry("auth.client.backend.id", clientId);
    assertThat(events("signin", e -> true)).noneMatch(e -> e.getMessage().contains(value));
    // Only the client with a secret has a Secret.
    assertThat(client.secrets().inNamespace(ns).withName("signin-web-cognito").get()).isNull();
  }

  @Test
  void aSecretOfTheCredentialsNameThatTheServiceDoesNotOwnIsLeftAlone() {
    client.resource(new SecretBuilder().withNewMetadata().withName("mine-backend-cognito").withNamespace(ns).endMetadata()
        .addToStringData("note", "the user's own").build()).create();
    ServerlessService service = small("mine");
    service.getSpec().auth = client.getKubernetesSerialization().unmarshal(
        "clients: [{name: backend, generateSecret: true}]", dev.slipway.api.v1alpha1.AuthSpec.class);
    create(service);

    ServerlessService refused = awaitCondition("mine", "Ready", "False", Reasons.NOT_OWNED);
    assertThat(condition(refused, "Ready").getMessage()).contains("Secret " + ns + "/mine-backend-cognito exists and is not this service's");
    assertThat(client.secrets().inNamespace(ns).withName("mine-backend-cognito").get().getData()).containsOnlyKeys("note");
  }

  // Issue 9: the outputs ConfigMap is never applied over a user's own ConfigMap of that name.
  @Test
  void anOutputsConfigMapTheServiceDoesNotOwnIsLeftAloneAndIsACondition() {
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("theirs-outputs").withNamespace(ns).endMetadata()
        .addToData("note", "the user's own").build()).create();
    create(small("theirs"));

    String message = "ConfigMap " + ns + "/theirs-outputs exists and is not this service's, so its outputs are not written there:"
        + " rename or delete that ConfigMap";
    ServerlessService refused = awaitCondition("theirs", "Ready", "False", "OutputsConflict");
    assertThat(condition(refused, "Ready").getMessage()).isEqualTo(message);
    assertThat(condition(refused, "Degraded").getStatus()).isEqualTo("True");
    // AWS converged regardless; only the ConfigMap is in the way, and it is untouched.
    assertThat(resource(refused, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Ready);
    ConfigMap theirs = client.configMaps().inNamespace(ns).withName("theirs-outputs").get();
    assertThat(theirs.getData()).containsOnly(Map.entry("note", "the user's own"));
    assertThat(theirs.getMetadata().getOwnerReferences()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("theirs", e -> e.getReason().equals("OutputsConflict")))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).isEqualTo(message);
        }));

    // Once the name is free, the next resync writes the service's own.
    client.configMaps().inNamespace(ns).withName("theirs-outputs").delete();
    ServerlessService ready = awaitReady("theirs", 1);
    await().atMost(CONVERGE).untilAsserted(() -> {
      ConfigMap outputs = client.configMaps().inNamespace(ns).withName("theirs-outputs").get();
      assertThat(outputs).isNotNull();
      assertThat(outputs.getData()).isEqualTo(ready.getStatus().outputs);
      assertThat(outputs.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid()));
    });
    // Still one warning: the conflict was announced once, not at every resync.
    assertThat(events("theirs", e -> e.getReason().equals("OutputsConflict"))).hasSize(1);
  }

  private static String parameterValue(String name) {
    return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
  }

  // ---------------------------------------------------------------------------------------------
  // 8. AWS failures in the middle (injected)
  // ---------------------------------------------------------------------------------------------

  @Test
  void aServerErrorOnOneFunctionsCreateInANewStackShowsEveryResourceAndConvergesOnceItClears() {
    AwsFaults.Fault fault = faults.serverError(createFunction("fresh-prod-prompt-crud"), Integer.MAX_VALUE);
    create(nexus("fresh"));

    ServerlessService failed = awaitCondition("fresh", "Ready", "False", "AwsUnavailable");
    assertCondition(failed, "Reconciling", "True", "RetryingAfterError");
    assertCondition(failed, "Degraded", "True", "AwsUnavailable");
    var resources = failed.getStatus().resources;
    assertThat(resources).hasSize(NEXUS_RESOURCES);
    assertThat(resources).filteredOn(r -> r.kind.equals("LogGroup") || r.kind.equals("DynamoDBTable") || r.kind.equals("IAMRole"))
        .hasSize(16).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(resource(failed, "LambdaFunction", "prompt-crud")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Failed);
      assertThat(r.physicalName).isEqualTo("fresh-prod-prompt-crud");
      assertThat(r.message).startsWith("AwsUnavailable: ServiceException");
    });
    assertThat(resources).filteredOn(r -> r.kind.equals("LambdaFunction") && !r.name.equals("prompt-crud"))
        .hasSize(5).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    // Never created yet, still reported: the REST API waits for the function it routes to; the
    // WebSocket API, which does not route to it, is not held back.
    assertThat(resources).filteredOn(r -> r.kind.equals("RestApi") || r.kind.equals("WebSocketApi"))
        .extracting(r -> r.physicalName + " " + r.state + " " + r.message)
        .containsExactly("fresh-prod-api Pending waiting for LambdaFunction/prompt-crud", "fresh-prod-ws Ready created");
    assertThat(resource(failed, "RestApi", "api").id).isNull();
    assertThat(restApisNamed("fresh-prod-api")).isEmpty();

    faults.clearFaults();
    ServerlessService converged = awaitReady("fresh", 1);
    assertThat(converged.getStatus().resources).hasSize(NEXUS_RESOURCES).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(fault.served()).isGreaterThanOrEqualTo(3);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("fresh-prod-prompt-crud"))).hasSize(1);
    assertThat(restApisNamed("fresh-prod-api")).hasSize(1);
    assertThat(functionStatus(converged, "prompt-crud").aliasVersion).isEqualTo("1");
  }

  @Test
  void aServerErrorOnOneFunctionsCreateLeavesAConsistentStatusAndConvergesOnceItClears() {
    create(nexus("fault"));
    awaitReady("fault", 1);

    // A new function and a route to it; Lambda answers its CreateFunction with 500 until told otherwise.
    AwsFaults.Fault fault = faults.serverError(createFunction("fault-prod-reports"), Integer.MAX_VALUE);
    long gen = edit("fault", s -> {
      FunctionSpec reports = s.getSpec().functions.stream().filter(f -> f.name.equals("usage-handler")).findFirst().orElseThrow();
      FunctionSpec copy = client.getKubernetesSerialization().clone(reports);
      copy.name = "reports";
      s.getSpec().functions.add(copy);
      s.getSpec().restApi.routes.add(new RestApiSpec.Route("/reports", List.of(RestApiSpec.Method.GET), "reports"));
    });

    ServerlessService failed = awaitCondition("fault", "Ready", "False", "AwsUnavailable");
    assertThat(failed.getStatus().observedGeneration).isEqualTo(gen);
    assertCondition(failed, "Reconciling", "True", "RetryingAfterError");
    assertCondition(failed, "Degraded", "True", "AwsUnavailable");
    assertThat(condition(failed, "Ready").getMessage()).contains("LambdaFunction fault-prod-reports").contains("ServiceException");
    var resources = failed.getStatus().resources;
    assertThat(resources).filteredOn(r -> r.kind.equals("LogGroup") || r.kind.equals("DynamoDBTable") || r.kind.equals("IAMRole"))
        .hasSize(18).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(resource(failed, "LambdaFunction", "reports")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Failed);
      assertThat(r.message).startsWith("AwsUnavailable: ServiceException");
    });
    assertThat(resources).filteredOn(r -> r.kind.equals("LambdaFunction") && !r.name.equals("reports"))
        .hasSize(6).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    // The REST API routes to the new function and waits for it, keeping its id; the WebSocket API does not and stays Ready.
    assertThat(resource(failed, "RestApi", "api")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Pending);
      assertThat(r.message).isEqualTo("waiting for LambdaFunction/reports");
      assertThat(r.id).isNotBlank();
    });
    assertThat(resource(failed, "WebSocketApi", "websocket").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(events("fault", e -> e.getType().equals("Warning"))).isNotEmpty();
    // Retried with backoff, not given up: the fault keeps being asked.
    await().atMost(Duration.ofSeconds(15)).until(() -> fault.served() >= 6);

    faults.clearFaults();
    ServerlessService converged = awaitReady("fault", gen);
    assertThat(resource(converged, "LambdaFunction", "reports").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("fault-prod-reports"))).hasSize(1);
    assertThat(restApisNamed("fault-prod-api")).hasSize(1);
    String apiId = resource(converged, "RestApi", "api").id;
    assertThat(apiGateway.getResources(r -> r.restApiId(apiId)).items()).extracting(r -> r.path()).contains("/reports");
  }

  @Test
  void aCreateRestApiWhoseAnswerIsLostLeavesOneApiAndTheServiceReady() {
    // API Gateway makes the API, the answer never arrives: neither a retry nor the next reconcile may make a second one.
    AwsFaults.Rewrite lost = faults.loseResponse(AwsFaults.rest("POST", "/restapis").and(r -> r.bodyContains("lost-prod-api")), 1);
    create(nexus("lost"));

    ServerlessService ready = awaitReady("lost", 1);

    assertThat(lost.served()).isEqualTo(1);
    assertThat(restApisNamed("lost-prod-api")).singleElement()
        .satisfies(api -> assertThat(resource(ready, "RestApi", "api").id).isEqualTo(api.id()));
    assertThat(resource(ready, "RestApi", "api").state).isEqualTo(ManagedResource.State.Ready);
  }

  @Test
  void accessDeniedIsTerminalAndNotRetriedBeforeTheResyncPeriod() {
    AwsFaults.Fault fault = faults.accessDenied(createFunction("denied-prod-api"), Integer.MAX_VALUE);
    create(small("denied"));

    ServerlessService s = awaitCondition("denied", "Ready", "False", "AccessDenied");
    assertCondition(s, "Degraded", "True", "AccessDenied");
    assertCondition(s, "Reconciling", "False", "AccessDenied");
    assertThat(resource(s, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Failed);
    assertThat(events("denied", e -> e.getType().equals("Warning"))).isNotEmpty().allSatisfy(e -> assertThat(e.getReason()).isEqualTo("AccessDenied"));

    assertAttemptsOnlyAtTheResyncPeriod(createFunction("denied-prod-api"));
    assertThat(fault.served()).isGreaterThanOrEqualTo(3);

    // Permission granted (fault gone): the next resync converges without a spec change.
    faults.clearFaults();
    awaitReady("denied", 1);
  }

  @Test
  void throttlingIsRetriedWithBackoffAndConvergesWithoutDuplicates() {
    // More throttles than the SDK's own three attempts: the reconciler's retry has to carry on.
    AwsFaults.Fault fault = faults.throttle(target("CreateTable").and(r -> r.bodyContains("throttled-prod-items")), 5);
    create(small("throttled"));

    awaitReady("throttled", 1);
    assertThat(fault.served()).isEqualTo(5);
    assertThat(dynamo.listTables().tableNames().stream().filter(n -> n.equals("throttled-prod-items"))).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------
  // 9. spec.roleArn: assumed through STS where a SlipwayTenancy allows it, refused elsewhere
  // ---------------------------------------------------------------------------------------------

  @Test
  void roleArnIsAssumedThroughStsWithTheTenancysExternalIdASessionNamingTheServiceAndSessionTags() {
    ServerlessService service = small("assumed");
    String role = "arn:aws:iam::" + ACCOUNT + ":role/slipway-deployer";
    service.getSpec().roleArn = role;
    Tenancies.grant(client, ns, t -> {
      t.roleArns = List.of("arn:aws:iam::" + ACCOUNT + ":role/slipway-*");
      t.externalId = "tenant-" + ns;
    });
    recorder.clear();
    Instant mark = Instant.now();
    create(service);

    ServerlessService ready = awaitReady("assumed", 1);
    List<Request> assumeRole = faults.requests(since(mark).and(AwsFaults.action("AssumeRole")).and(r -> r.body().contains("sls." + ns + ".assumed")));
    assertThat(assumeRole).isNotEmpty().allSatisfy(r -> assertThat(form(r.body())).contains(
        Map.entry("RoleArn", role),
        Map.entry("ExternalId", "tenant-" + ns),
        Map.entry("RoleSessionName", "sls." + ns + ".assumed"),
        Map.entry("Tags.member.1.Key", "slipway.dev/kind"), Map.entry("Tags.member.1.Value", "ServerlessService"),
        Map.entry("Tags.member.2.Key", "slipway.dev/name"), Map.entry("Tags.member.2.Value", "assumed"),
        Map.entry("Tags.member.3.Key", "slipway.dev/namespace"), Map.entry("Tags.member.3.Value", ns)));
    assertThat(calls("assumed")).anySatisfy(c -> {
      assertThat(c.operation()).isEqualTo("AssumeRole");
      assertThat(c.failed()).isFalse();
    });
    // The stack's calls were signed with the session's credentials, not the base ones.
    assertThat(faults.requests(since(mark).and(target("CreateTable")))).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).doesNotContain("Credential=testing/"));
    assertThat(lambda.getFunction(r -> r.functionName("assumed-prod-api")).configuration().state().toString()).isEqualTo("Active");
    // The ExternalId is the tenancy's business: it appears in no status or event of the service.
    assertThat(client.getKubernetesSerialization().asJson(ready.getStatus())).doesNotContain("tenant-" + ns);
    assertThat(events("assumed", e -> true)).extracting(Event::getMessage).noneMatch(m -> m.contains("tenant-" + ns));
  }

  @Test
  void aRoleOnlyAnotherNamespaceMayAssumeIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/team-other-deployer";
    String other = KubeApiServer.shared().newNamespace("sls-other");
    Tenancies.grant(client, other, t -> t.roleArns = List.of(role));
    ServerlessService service = small("refused");
    service.getSpec().roleArn = role;
    Instant mark = Instant.now();
    create(service);

    ServerlessService s = awaitCondition("refused", "Ready", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Degraded", "True", Reasons.NOT_PERMITTED);
    assertCondition(s, "Reconciling", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Stalled", "True", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("ServerlessService " + ns + "/refused may not assume " + role)
        .contains("no SlipwayTenancy selects namespace " + ns);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events("refused", e -> e.getType().equals("Warning"))).extracting(Event::getReason).containsOnly(Reasons.NOT_PERMITTED));
    // Refused before the first AWS call: none recorded for the service, no AssumeRole of the role at all.
    assertThat(calls("refused")).isEmpty();
    assertThat(faults.requests(since(mark).and(r -> r.body().contains("team-other-deployer")))).isEmpty();
    Tenancies.revoke(client, other);

    // The administrator grants the role: the tenancy change alone, no spec change, brings the service up.
    Tenancies.grant(client, ns, t -> t.roleArns = List.of(role));
    assertThat(awaitReady("refused", 1).getStatus().conditions).extracting(Condition::getType).doesNotContain("Stalled");
    assertThat(calls("refused")).extracting(Call::operation).contains("AssumeRole", "CreateTable");
  }

  @Test
  void aRevokedRoleStopsTheServiceAndItsDeletionLeavesTheAwsResourcesUntouched() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/team-revoked-deployer";
    Tenancies.grant(client, ns, t -> t.roleArns = List.of(role));
    ServerlessService service = small("revoked");
    service.getSpec().roleArn = role;
    create(service);
    awaitReady("revoked", 1);

    // The revocation alone re-evaluates the service.
    Tenancies.revoke(client, ns);
    awaitCondition("revoked", "Ready", "False", Reasons.NOT_PERMITTED);
    Instant mark = Instant.now();
    client.resources(ServerlessService.class).inNamespace(ns).withName("revoked").delete();

    await().atMost(CONVERGE).until(() -> get("revoked") == null);
    assertThat(faults.requests(since(mark).and(r -> r.body().contains("revoked-prod") || r.path().contains("revoked-prod")))).isEmpty();
    assertThat(dynamo.describeTable(r -> r.tableName("revoked-prod-items")).table().tableName()).isEqualTo("revoked-prod-items");
    assertThat(events("revoked", e -> e.getType().equals("Warning") && e.getReason().equals(Reasons.NOT_PERMITTED)))
        .extracting(Event::getMessage).anyMatch(m -> m.startsWith("AWS resources left in place: "));
  }

  @Test
  void aQueueNoTenancyGrantsIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    // Another team's queues: the function would read one and dead-letter into the other.
    String jobs = sqs.createQueue(r -> r.queueName(ns + "-jobs")).queueUrl();
    String failed = sqs.createQueue(r -> r.queueName(ns + "-failed")).queueUrl();
    String jobsArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-jobs";
    String failedArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-failed";
    ServerlessService service = small("queued");
    FunctionSpec api = function(service, "api");
    var source = new EventSourceSpec();
    source.queueArn = jobsArn;
    api.events.add(source);
    api.deadLetter = new FunctionSpec.DeadLetter();
    api.deadLetter.queueArn = failedArn;
    create(service);

    ServerlessService s = awaitCondition("queued", "Ready", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Reconciling", "False", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("function api, events: queue " + jobsArn + " matches none of queueArns []")
        .contains("function api, deadLetter: queue " + failedArn + " matches none of queueArns []");
    assertThat(calls("queued")).isEmpty();

    // A grant of one queue is not enough; the tenancy change alone brings the service back each time.
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("queued"), "Ready").getMessage())
        .doesNotContain("events: queue").contains("function api, deadLetter: queue " + failedArn + " matches none of queueArns [" + jobsArn + "]"));
    assertThat(calls("queued")).isEmpty();

    Tenancies.grant(client, ns, t -> t.queueArns = List.of("arn:aws:sqs:*:" + ACCOUNT + ":" + ns + "-*"));
    awaitReady("queued", 1);
    assertThat(calls("queued")).extracting(Call::operation).contains("CreateEventSourceMapping");
    // The grants the queues were refused for (moto keeps no DeadLetterConfig to read back).
    JsonNode policy = ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName("queued-prod-api").policyName("slipway-execution")).policyDocument());
    assertThat(statement(policy, "EventSourceQueues").get("Resource").toString()).contains(jobsArn);
    assertThat(statement(policy, "DeadLetterQueue").get("Resource").toString()).contains(failedArn);

    client.resources(ServerlessService.class).inNamespace(ns).withName("queued").delete();
    await().atMost(CONVERGE).until(() -> get("queued") == null);
    sqs.deleteQueue(r -> r.queueUrl(jobs));
    sqs.deleteQueue(r -> r.queueUrl(failed));
  }

  @Test
  void anExtraStatementBeyondTheTenancysGrantsIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    // Another team's table and a role to assume: the tenancy's other grants would mean nothing if a statement could name them.
    String table = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/" + ns + "-ledger";
    String role = "arn:aws:iam::" + ACCOUNT + ":role/" + ns + "-auditor";
    ServerlessService service = small("stated");
    FunctionSpec api = function(service, "api");
    api.permissions = new FunctionSpec.Permissions();
    var read = new FunctionSpec.Statement();
    read.actions = List.of("dynamodb:GetItem");
    read.resources = List.of(table);
    var assume = new FunctionSpec.Statement();
    assume.actions = List.of("sts:AssumeRole");
    assume.resources = List.of(role);
    api.permissions.statements = List.of(read, assume);
    create(service);

    ServerlessService s = awaitCondition("stated", "Ready", "False", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("function api, permissions.statements[0]: resource " + table + " falls within none of policyResources []")
        .contains("function api, permissions.statements[1]: resource " + role + " falls within none of policyResources []")
        .contains("function api, permissions.statements[1]: action sts:AssumeRole changes or assumes identities");
    assertThat(calls("stated")).isEmpty();

    // The resources alone are not enough for an identity action.
    Tenancies.grant(client, ns, t -> t.policyResources = List.of("arn:aws:*:*:" + ACCOUNT + ":*" + ns + "-*"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("stated"), "Ready").getMessage())
        .doesNotContain("policyResources").contains("action sts:AssumeRole changes or assumes identities and falls within none of policyActions []"));
    assertThat(calls("stated")).isEmpty();

    Tenancies.grant(client, ns, t -> {
      t.policyResources = List.of("arn:aws:*:*:" + ACCOUNT + ":*" + ns + "-*");
      t.policyActions = List.of("sts:AssumeRole");
    });
    awaitReady("stated", 1);
    JsonNode policy = ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName("stated-prod-api").policyName("slipway-execution")).policyDocument());
    assertThat(statement(policy, "Declared0").get("Resource").toString()).contains(table);
    assertThat(statement(policy, "Declared1").get("Resource").toString()).contains(role);

    client.resources(ServerlessService.class).inNamespace(ns).withName("stated").delete();
    await().atMost(CONVERGE).until(() -> get("stated") == null);
  }

  @Test
  void aRevokedQueueGrantDisablesTheServicesMappingOfItUntilTheGrantReturns() {
    String jobs = sqs.createQueue(r -> r.queueName(ns + "-revoked-jobs")).queueUrl();
    String jobsArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-revoked-jobs";
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    ServerlessService service = small("consumer");
    var source = new EventSourceSpec();
    source.queueArn = jobsArn;
    function(service, "api").events.add(source);
    create(service);
    String uuid = awaitReady("consumer", 1).getStatus().resources.stream()
        .filter(r -> r.kind.equals("EventSourceMapping")).findFirst().orElseThrow().id;
    assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Enabled");

    // The administrator takes the queue away: the service stops, and its mapping stops reading the queue.
    recorder.clear();
    Tenancies.revoke(client, ns);
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Disabled"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("consumer"), "Ready").getMessage())
        .contains("function api, events: queue " + jobsArn + " matches none of queueArns []")
        .contains("event source mappings of queues no longer granted are disabled until the grant returns: consumer-prod-api:prod <- " + jobsArn));
    assertThat(get("consumer").getStatus().resources).filteredOn(r -> r.kind.equals("EventSourceMapping"))
        .extracting(r -> r.message).containsExactly("disabled: queue " + jobsArn + " is no longer granted (queueArns of the namespace's SlipwayTenancy)");
    assertThat(events("consumer", e -> e.getReason().equals(Reasons.QUEUE_REVOKED))).extracting(Event::getMessage)
        .containsExactly("Disabled event source mapping consumer-prod-api:prod <- " + jobsArn + ": queue " + jobsArn
            + " is no longer granted to the namespace; it is enabled again when the grant returns");
    assertThat(mutatingOperations("consumer")).as("nothing else is changed for a refused service").containsOnly("UpdateEventSourceMapping");

    // The grant returns: the converge enables the mapping again.
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    awaitReady("consumer", 1);
    assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Enabled");

    client.resources(ServerlessService.class).inNamespace(ns).withName("consumer").delete();
    await().atMost(CONVERGE).until(() -> get("consumer") == null);
    sqs.deleteQueue(r -> r.queueUrl(jobs));
  }

  // =============================================================================================
  // helpers
  // =============================================================================================

  /** The contract example (examples/nexus), renamed (its hosted-UI domain too); deletionPolicy Delete as the example says. */
  private ServerlessService nexus(String name) {
    try {
      ServerlessService s = client.getKubernetesSerialization()
          .unmarshal(Files.readString(Path.of("examples/nexus/20-serverlessservice.yaml")), ServerlessService.class);
      s.getMetadata().setName(name);
      s.getMetadata().setNamespace(ns);
      // Hosted-UI domains are unique across AWS, API domain names in a region: the copy gets its own.
      s.getSpec().auth.domainPrefix = name + "-" + s.getSpec().auth.domainPrefix;
      DomainSpec d = s.getSpec().domain;
      d.hostedZone = name + "." + d.hostedZone;
      d.frontend = d.hostedZone;
      d.frontendAliases = new ArrayList<>(List.of("www." + d.hostedZone));
      d.api = "api." + d.hostedZone;
      d.webSocket = "ws." + d.hostedZone;
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One table, one function with its role, no API: the smallest useful stack. */
  private ServerlessService small(String name) {
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

  private ServerlessService create(ServerlessService s) {
    return client.resource(s).create();
  }

  private ServerlessService get(String name) {
    return client.resources(ServerlessService.class).inNamespace(ns).withName(name).get();
  }

  /** Changes the spec; returns the new generation. */
  private long edit(String name, Consumer<ServerlessService> change) {
    return client.resources(ServerlessService.class).inNamespace(ns).withName(name).edit(s -> {
      change.accept(s);
      return s;
    }).getMetadata().getGeneration();
  }

  private ServerlessService awaitReady(String name, long generation) {
    return awaitCondition(name, generation, "Ready", "True", "Converged");
  }

  private ServerlessService awaitCondition(String name, String type, String status, String reason) {
    return awaitCondition(name, -1, type, status, reason);
  }

  private ServerlessService awaitCondition(String name, long generation, String type, String status, String reason) {
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

  private static Condition condition(ServerlessService s, String type) {
    return s.getStatus().conditions.stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type + " in " + s.getStatus().conditions));
  }

  private static void assertCondition(ServerlessService s, String type, String status, String reason) {
    Condition c = condition(s, type);
    assertThat(c.getStatus()).as("%s: %s", type, c.getMessage()).isEqualTo(status);
    assertThat(c.getReason()).as(type + " reason").isEqualTo(reason);
    assertThat(c.getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
    assertThat(c.getLastTransitionTime()).isNotBlank();
  }

  private static ManagedResource resource(ServerlessService s, String kind, String name) {
    return s.getStatus().resources.stream().filter(r -> r.kind.equals(kind) && r.name.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in status"));
  }

  private static FunctionStatus functionStatus(ServerlessService s, String name) {
    return s.getStatus().functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  private static dev.slipway.api.v1alpha1.TableSpec table(ServerlessService s, String name) {
    return s.getSpec().tables.stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow();
  }

  private static FunctionSpec function(ServerlessService s, String name) {
    return s.getSpec().functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  private List<Event> events(String name, Predicate<Event> filter) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(filter)
        .toList();
  }

  /**
   * The AWS calls made for one service of this test. Services of other tests (and of other test
   * classes in this JVM) keep reconciling in the background; the recorder tells them apart.
   */
  private List<Call> calls(String service) {
    return recorder.callsFor("ServerlessService/" + ns + "/" + service);
  }

  private List<String> mutatingOperations(String service) {
    return calls(service).stream().filter(Call::mutating).map(Call::operation).toList();
  }

  /**
   * Clears the recorder and waits until it shows at least {@code n} complete passes over the stack:
   * the last stage reads the REST API's deployment once per pass, and one more than {@code n} such
   * reads covers a pass that was already under way when the recorder was cleared.
   */
  private void awaitFullPasses(String service, int n) {
    recorder.clear();
    await().atMost(Duration.ofSeconds(30)).until(() -> calls(service).stream().filter(c -> c.operation().equals("GetDeployment")).count() >= n + 1);
  }

  /**
   * A terminal failure is retried at the resync period, not with the retry backoff (1s, 2s, 4s in
   * the test profile) nor in a tight loop: over several periods the attempts stay few and apart.
   */
  private void assertAttemptsOnlyAtTheResyncPeriod(Predicate<Request> call) {
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
  private static Map<String, String> form(String body) {
    return java.util.Arrays.stream(body.split("&")).map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> b));
  }

  private static Predicate<Request> since(Instant mark) {
    return r -> !r.at().isBefore(mark);
  }

  private static List<RestApi> restApisNamed(String name) {
    return apiGateway.getRestApis(r -> r.limit(500)).items().stream().filter(a -> a.name().equals(name)).toList();
  }

  private static KeySchemaElement key(String attribute, KeyType type) {
    return KeySchemaElement.builder().attributeName(attribute).keyType(type).build();
  }

  private static String decode(String document) {
    return document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
  }

  private static JsonNode statement(JsonNode policy, String sid) {
    for (JsonNode st : policy.get("Statement")) {
      if (sid.equals(st.path("Sid").asText())) {
        return st;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + policy);
  }

  private static List<String> resourcesOf(JsonNode policy) {
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
