package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionDefaultsSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.SlipwayException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class ExecutionRolePolicyTest {

  private static final PolicyStatement.Scope SCOPE = new PolicyStatement.Scope("us-east-1", "123456789012");
  private static final String TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/nexus-prod-";

  private final ServerlessServiceSpec spec = KindHarness.nexus();

  @Test
  void aReadOnlyFunctionGetsExactlyItsLogGroupAndTheReadActionsOnItsTable() {
    assertThat(document("usage-handler"))
        .isEqualTo(
            "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Sid\":\"Logs\",\"Effect\":\"Allow\","
                + "\"Action\":[\"logs:CreateLogGroup\",\"logs:CreateLogStream\",\"logs:PutLogEvents\"],"
                + "\"Resource\":[\"arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/nexus-prod-usage-handler:*\"]},"
                + "{\"Sid\":\"DynamoDBReadOnly\",\"Effect\":\"Allow\","
                + "\"Action\":[\"dynamodb:BatchGetItem\",\"dynamodb:ConditionCheckItem\",\"dynamodb:DescribeTable\",\"dynamodb:GetItem\",\"dynamodb:Query\",\"dynamodb:Scan\"],"
                + "\"Resource\":[\"" + TABLE + "usage\",\"" + TABLE + "usage/index/*\"]}]}");
  }

  @Test
  void readWriteAddsTheWriteActionsAndATableWithAStreamAddsStreamReads() {
    JsonNode doc = ExecutionRolePolicy.parse(document("conversation-api"));

    assertThat(sids(doc)).containsExactly("Logs", "DynamoDBReadWrite", "DynamoDBStreams");
    assertThat(strings(statement(doc, "DynamoDBReadWrite").get("Action")))
        .containsExactly(
            "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem");
    assertThat(strings(statement(doc, "DynamoDBReadWrite").get("Resource"))).containsExactly(TABLE + "conversations", TABLE + "conversations/index/*");
    assertThat(strings(statement(doc, "DynamoDBStreams").get("Action")))
        .containsExactly("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
    assertThat(strings(statement(doc, "DynamoDBStreams").get("Resource"))).containsExactly(TABLE + "conversations/stream/*");
  }

  @Test
  void eachAccessLevelCoversOnlyTheTablesNamedWithIt() {
    JsonNode doc = ExecutionRolePolicy.parse(document("websocket-message"));

    assertThat(strings(statement(doc, "DynamoDBReadOnly").get("Resource")))
        .containsExactly(TABLE + "websocket-connections", TABLE + "websocket-connections/index/*");
    assertThat(strings(statement(doc, "DynamoDBReadWrite").get("Resource"))).containsExactly(TABLE + "conversations", TABLE + "conversations/index/*");
    // prompts and usage belong to other functions
    assertThat(doc.toString()).doesNotContain("prompts").doesNotContain("table/nexus-prod-usage");
  }

  @Test
  void noWildcardActionsNoFullAccessAndNoStarResourceWithoutAVpc() {
    for (FunctionSpec f : spec.functions) {
      JsonNode doc = ExecutionRolePolicy.parse(document(f.name));
      for (JsonNode s : doc.get("Statement")) {
        assertThat(s.get("Effect").asText()).isEqualTo("Allow");
        assertThat(strings(s.get("Action"))).allSatisfy(a -> assertThat(a).doesNotContain("*").doesNotContain("FullAccess"));
        assertThat(s.get("Resource").isArray()).as("Resource of %s in %s", s.get("Sid"), f.name).isTrue();
        assertThat(strings(s.get("Resource"))).allSatisfy(r -> assertThat(r).isNotEqualTo("*").startsWith("arn:aws:"));
      }
    }
  }

  @Test
  void onlyAFunctionInAVpcGetsTheEniActionsAndOnlyThoseOnStar() {
    FunctionSpec f = function("prompt-crud");
    f.vpc = new FunctionSpec.VpcConfig();
    f.vpc.subnetIds = List.of("subnet-1");
    f.vpc.securityGroupIds = List.of("sg-1");

    JsonNode doc = ExecutionRolePolicy.parse(document("prompt-crud"));

    JsonNode eni = statement(doc, "VpcNetworkInterfaces");
    assertThat(eni.get("Resource").asText()).isEqualTo("*");
    assertThat(strings(eni.get("Action"))).allSatisfy(a -> assertThat(a).startsWith("ec2:")).contains("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface");
    assertThat(document("usage-handler")).doesNotContain("ec2:");
  }

  @Test
  void theDocumentIsDeterministic() {
    String before = document("websocket-message");
    Collections.reverse(spec.tables);
    Collections.reverse(function("websocket-message").tables);

    assertThat(document("websocket-message")).isEqualTo(before);
  }

  @Test
  void parseReadsTheUrlEncodedFormIamReturns() {
    String doc = document("usage-handler");
    assertThat(ExecutionRolePolicy.parse(URLEncoder.encode(doc, StandardCharsets.UTF_8))).isEqualTo(ExecutionRolePolicy.parse(doc));
  }

  @Test
  void aTableTheSpecDoesNotDeclareIsATerminalError() {
    function("usage-handler").tables.add(new FunctionSpec.TableAccess("missing", FunctionSpec.TableAccess.Access.ReadOnly));

    assertThatThrownBy(() -> document("usage-handler"))
        .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.terminal()).isTrue())
        .hasMessageContaining("missing");
  }

  @Test
  void aPolicyOverIamsSizeLimitIsATerminalError() {
    FunctionSpec f = function("usage-handler");
    for (int i = 0; i < 60; i++) {
      TableSpec t = new TableSpec();
      t.name = "a-rather-long-table-name-to-fill-the-policy-" + i;
      spec.tables.add(t);
      f.tables.add(new FunctionSpec.TableAccess(t.name, FunctionSpec.TableAccess.Access.ReadWrite));
    }

    assertThatThrownBy(() -> document("usage-handler"))
        .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.reason()).isEqualTo("PolicyTooLarge"));
  }

  @Test
  void namedPermissionsGrantExactlyTheirModelsConnectionsAndPrefixes() {
    FunctionSpec f = function("websocket-message");
    f.permissions = new FunctionSpec.Permissions();
    f.permissions.bedrockInvoke = new FunctionSpec.BedrockInvoke();
    f.permissions.bedrockInvoke.models.add("anthropic.claude-3-5-sonnet-20240620-v1:0");
    f.permissions.bedrockInvoke.models.add("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude");
    f.permissions.webSocketManageConnections = true;
    FunctionSpec.S3Access uploads = new FunctionSpec.S3Access();
    uploads.bucket = "nexus-uploads";
    uploads.prefix = "incoming/";
    uploads.access = FunctionSpec.TableAccess.Access.ReadOnly;
    f.permissions.s3.add(uploads);

    JsonNode doc = ExecutionRolePolicy.parse(document("websocket-message"));

    assertThat(strings(statement(doc, "BedrockInvoke").get("Action"))).containsExactly("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
    assertThat(strings(statement(doc, "BedrockInvoke").get("Resource"))).containsExactly(
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0");
    assertThat(strings(statement(doc, "WebSocketManageConnections").get("Resource")))
        .containsExactly("arn:aws:execute-api:us-east-1:123456789012:*/" + spec.webSocketApi.stageName + "/*/@connections/*");
    assertThat(strings(statement(doc, "S3Read").get("Action"))).containsExactly("s3:GetObject");
    assertThat(strings(statement(doc, "S3Read").get("Resource"))).containsExactly("arn:aws:s3:::nexus-uploads/incoming/*");
    assertThat(strings(statement(doc, "S3List").get("Resource"))).containsExactly("arn:aws:s3:::nexus-uploads");
    assertThat(doc.toString()).doesNotContain("s3:PutObject");
    // Another function's role gains none of it.
    assertThat(document("usage-handler")).doesNotContain("bedrock").doesNotContain("s3:").doesNotContain("execute-api");
  }

  @Test
  void aDeclaredWildcardIsRefusedUnlessAllowedAndThenWarnedAbout() {
    FunctionSpec f = function("usage-handler");
    f.permissions = new FunctionSpec.Permissions();
    FunctionSpec.Statement wide = new FunctionSpec.Statement();
    wide.actions.add("sqs:*");
    wide.resources.add("*");
    f.permissions.statements.add(wide);
    FunctionSpec.Statement notAnAction = new FunctionSpec.Statement();
    notAnAction.actions.add("SendMessage");
    notAnAction.resources.add("arn:aws:sqs:us-east-1:123456789012:jobs");
    f.permissions.statements.add(notAnAction);

    assertThat(FunctionPermissions.validate(spec)).containsExactly(
        "function usage-handler: the statement on [sqs:*] uses a wildcard; set allowWildcard: true if that is intended",
        "function usage-handler: SendMessage is not an IAM action (service:Action)");
    assertThat(FunctionPermissions.warnings(spec)).isEmpty();

    f.permissions.statements.remove(notAnAction);
    wide.allowWildcard = true;
    assertThat(FunctionPermissions.validate(spec)).isEmpty();
    assertThat(FunctionPermissions.warnings(spec)).containsExactly("function usage-handler is granted [sqs:*] on [*] with wildcards (allowWildcard)");
    assertThat(statement(ExecutionRolePolicy.parse(document("usage-handler")), "Declared0").get("Resource").asText()).isEqualTo("*");
  }

  @Test
  void activeTracingInFunctionDefaultsGrantsXRayToTheFunctionsThatInheritIt() {
    spec.functionDefaults = new FunctionDefaultsSpec();
    spec.functionDefaults.tracing = FunctionSpec.Tracing.Active;
    function("prompt-crud").tracing = FunctionSpec.Tracing.PassThrough;

    assertThat(sids(ExecutionRolePolicy.parse(document("usage-handler")))).contains("XRayTracing");
    assertThat(document("prompt-crud")).doesNotContain("xray");
  }

  @Test
  void activeTracingGrantsXRayAndADeadLetterTargetExactlyItsSend() {
    FunctionSpec f = function("usage-handler");
    f.tracing = FunctionSpec.Tracing.Active;
    f.deadLetter = new FunctionSpec.DeadLetter();
    f.deadLetter.queueArn = "arn:aws:sqs:us-east-1:123456789012:usage-failures";

    JsonNode doc = ExecutionRolePolicy.parse(document("usage-handler"));

    assertThat(strings(statement(doc, "XRayTracing").get("Action"))).containsExactly("xray:PutTelemetryRecords", "xray:PutTraceSegments");
    assertThat(strings(statement(doc, "DeadLetterQueue").get("Action"))).containsExactly("sqs:SendMessage");
    assertThat(strings(statement(doc, "DeadLetterQueue").get("Resource"))).containsExactly(f.deadLetter.queueArn);
    assertThat(document("prompt-crud")).doesNotContain("xray").doesNotContain("sqs:");
  }

  @Test
  void eventSourcesGrantExactlyTheReadsOfTheirSourcesAndTheSendToTheirFailureDestinations() {
    spec.topics.add(SnsTopicKindTest.withAlerts().topics.get(0));
    FunctionSpec f = function("usage-handler");
    EventSourceSpec stream = new EventSourceSpec();
    stream.table = "conversations";
    stream.onFailure = new EventSourceSpec.Destination();
    stream.onFailure.topic = "alerts";
    EventSourceSpec queue = new EventSourceSpec();
    queue.queueArn = "arn:aws:sqs:us-east-1:123456789012:usage-jobs";
    EventSourceSpec failing = new EventSourceSpec();
    failing.table = "prompts";
    failing.onFailure = new EventSourceSpec.Destination();
    failing.onFailure.queueArn = "arn:aws:sqs:us-east-1:123456789012:prompt-failures";
    f.events.addAll(List.of(stream, queue, failing));

    JsonNode doc = ExecutionRolePolicy.parse(document("usage-handler"));

    assertThat(sids(doc)).containsExactly("Logs", "DynamoDBReadOnly", "EventSourceStreams", "EventSourceListStreams", "EventSourceQueues",
        "EventSourceFailureTopics", "EventSourceFailureQueues");
    assertThat(strings(statement(doc, "EventSourceStreams").get("Action")))
        .containsExactly("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
    assertThat(strings(statement(doc, "EventSourceStreams").get("Resource"))).containsExactly(TABLE + "conversations/stream/*", TABLE + "prompts/stream/*");
    // ListStreams takes no resource: it lists names, and reads nothing of a stream.
    assertThat(strings(statement(doc, "EventSourceListStreams").get("Action"))).containsExactly("dynamodb:ListStreams");
    assertThat(statement(doc, "EventSourceListStreams").get("Resource").asText()).isEqualTo("*");
    assertThat(strings(statement(doc, "EventSourceQueues").get("Action"))).containsExactly("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage");
    assertThat(strings(statement(doc, "EventSourceQueues").get("Resource"))).containsExactly(queue.queueArn);
    assertThat(strings(statement(doc, "EventSourceFailureTopics").get("Action"))).containsExactly("sns:Publish");
    assertThat(strings(statement(doc, "EventSourceFailureTopics").get("Resource"))).containsExactly("arn:aws:sns:us-east-1:123456789012:nexus-prod-alerts");
    assertThat(strings(statement(doc, "EventSourceFailureQueues").get("Action"))).containsExactly("sqs:SendMessage");
    assertThat(strings(statement(doc, "EventSourceFailureQueues").get("Resource"))).containsExactly(failing.onFailure.queueArn);
    assertThat(document("prompt-crud")).doesNotContain("EventSource").doesNotContain("sqs:");
  }

  @Test
  void manageConnectionsWithoutAWebSocketApiIsAnError() {
    spec.webSocketApi = null;
    function("usage-handler").permissions = new FunctionSpec.Permissions();
    function("usage-handler").permissions.webSocketManageConnections = true;

    assertThat(FunctionPermissions.validate(spec)).containsExactly("function usage-handler asks for webSocketManageConnections, but the service declares no webSocketApi");
  }

  /** The policy as the role kind renders it from the effective spec; no AWS call is made (the scope carries the account). */
  private String document(String function) {
    ServerlessServiceSpec effective = FunctionDefaults.resolve(spec);
    StackContext ctx = new StackContext(null, "chat", "nexus", effective, List.of(), List.of());
    return ExecutionRolePolicy.document(ctx, SCOPE, function(effective, function));
  }

  /** A function of the spec as written, for a test to change. */
  private FunctionSpec function(String name) {
    return function(spec, name);
  }

  private static FunctionSpec function(ServerlessServiceSpec in, String name) {
    return in.functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  private static List<String> sids(JsonNode doc) {
    List<String> sids = new ArrayList<>();
    doc.get("Statement").forEach(s -> sids.add(s.get("Sid").asText()));
    return sids;
  }

  private static JsonNode statement(JsonNode doc, String sid) {
    return StreamSupport.stream(doc.get("Statement").spliterator(), false).filter(s -> s.get("Sid").asText().equals(sid)).findFirst().orElseThrow();
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
