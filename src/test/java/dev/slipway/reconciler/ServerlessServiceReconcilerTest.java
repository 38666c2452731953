package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.kinds.ExecutionRolePolicy;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * The nexus stack (examples/nexus) converges with the declared shape, status, outputs and events, and an
 * unchanged spec makes no mutating call and no status write.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServerlessServiceReconcilerTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // The full nexus stack converges, with exactly the declared shape
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
  // Nothing changed: nothing is written
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
    // What the spec leaves at its default was checked by the converge; these resyncs trust it.
    assertThat(calls("idem")).extracting(Call::operation)
        .doesNotContain("ListRolePolicies", "ListAttachedRolePolicies", "DescribeContinuousBackups", "GetProvisionedConcurrencyConfig");
    assertThat(calls("idem")).filteredOn(Call::failed).isEmpty();
    assertThat(get("idem").getMetadata().getResourceVersion()).as("no status write when nothing changed").isEqualTo(resourceVersion);
  }

  /**
   * What the spec leaves at its default is checked by the converge and then once per
   * slipway.defaults-check-period (an hour), not at every resync: a policy attached by hand to an
   * execution role stays until that check, which detaches it. The period is moved by dating the last
   * check back, as if the hour had passed.
   */
  @Test
  void aDefaultChangedByHandIsUndoneAtTheNextCheckOfTheDefaultsNotAtEveryResync() {
    create(small("defaults"));
    String checked = awaitReady("defaults", 1).getStatus().defaultsCheckedAt;
    assertThat(checked).isNotNull();
    String role = "defaults-prod-api";
    String managed = iam.createPolicy(r -> r.policyName(ns + "-attached-by-hand")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}]}")).policy().arn();
    iam.attachRolePolicy(r -> r.roleName(role).policyArn(managed));

    recorder.clear();
    await().atMost(CONVERGE).until(() -> calls("defaults").stream().filter(c -> c.operation().equals("GetRole")).count() >= 2);
    assertThat(calls("defaults")).extracting(Call::operation).doesNotContain("ListAttachedRolePolicies");
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()).extracting(p -> p.policyArn()).containsExactly(managed);
    assertThat(get("defaults").getStatus().defaultsCheckedAt).isEqualTo(checked);

    String hourAgo = Instant.now().minus(Duration.ofMinutes(61)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    client.resources(ServerlessService.class).inNamespace(ns).withName("defaults").editStatus(s -> {
      s.getStatus().defaultsCheckedAt = hourAgo;
      return s;
    });
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()).isEmpty());
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(Instant.parse(get("defaults").getStatus().defaultsCheckedAt)).isAfter(Instant.parse(hourAgo)));
    assertThat(events("defaults", e -> e.getReason().equals("Updated"))).extracting(Event::getMessage).anyMatch(m -> m.contains("attachedPolicies"));
  }
}
