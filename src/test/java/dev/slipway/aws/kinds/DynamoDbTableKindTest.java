package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.GlobalSecondaryIndexSpec;
import dev.slipway.api.v1alpha1.KeyAttribute;
import dev.slipway.api.v1alpha1.KeyAttribute.ScalarType;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.Tags;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

class DynamoDbTableKindTest {

  private final MotoStack stack = new MotoStack();
  private final DynamoDbTableKind tables = new DynamoDbTableKind();
  private final java.util.Set<String> stages = java.util.Set.of(DynamoDbTableKind.KIND);
  private final DynamoDbClient db = stack.aws().dynamo();

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void createsTheNexusTablesWithExactlyTheDeclaredShape() {
    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(actions(result))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("conversations", Action.Created, "prompts", Action.Created, "usage", Action.Created, "websocket-connections", Action.Created));

    TableDescription conversations = describe("conversations");
    assertThat(conversations.keySchema())
        .containsExactly(key("conversation_id", KeyType.HASH), key("timestamp", KeyType.RANGE));
    assertThat(conversations.attributeDefinitions())
        .containsExactlyInAnyOrder(attr("conversation_id", ScalarAttributeType.S), attr("timestamp", ScalarAttributeType.N), attr("user_id", ScalarAttributeType.S));
    assertThat(conversations.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
    assertThat(conversations.streamSpecification().streamEnabled()).isTrue();
    assertThat(conversations.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
    assertThat(conversations.globalSecondaryIndexes()).singleElement().satisfies(i -> {
      assertThat(i.indexName()).isEqualTo("user-index");
      assertThat(i.keySchema()).containsExactly(key("user_id", KeyType.HASH));
      assertThat(i.projection().projectionType()).isEqualTo(ProjectionType.ALL);
    });
    assertThat(ttl("conversations")).isEqualTo("ttl");
    assertThat(tags("conversations"))
        .containsEntry("team", "chat")
        .containsEntry(Tags.MANAGED_BY, "slipway")
        .containsEntry(Tags.SERVICE, "chat.nexus")
        .containsEntry(Tags.STAGE, "prod");

    TableDescription prompts = describe("prompts");
    assertThat(prompts.keySchema()).containsExactly(key("prompt_id", KeyType.HASH), key("user_id", KeyType.RANGE));
    assertThat(prompts.streamSpecification()).isNull();
    assertThat(prompts.globalSecondaryIndexes()).isEmpty();
    assertThat(ttl("prompts")).isNull();
    assertThat(ttl("usage")).isNull();

    TableDescription connections = describe("websocket-connections");
    assertThat(connections.keySchema()).containsExactly(key("connection_id", KeyType.HASH));
    assertThat(ttl("websocket-connections")).isEqualTo("ttl");

    assertThat(pitr("usage")).isFalse(); // PITR stays off unless asked

    assertThat(stack.lastContext().outputs())
        .containsEntry(Outputs.tableArn("conversations"), conversations.tableArn())
        .containsEntry(Outputs.tableStreamArn("conversations"), conversations.latestStreamArn())
        .doesNotContainKey(Outputs.tableStreamArn("prompts"));
    assertThat(result.resources()).allSatisfy(r -> assertThat(r.id).startsWith("arn:aws:dynamodb:us-east-1:123456789012:table/nexus-prod-"));
  }

  @Test
  void aSecondConvergeOfAnUnchangedSpecMakesNoMutatingCall() {
    stack.converge(MotoStack.nexus(), stages);

    Result again = stack.converge(MotoStack.nexus(), stages);

    assertThat(stack.mutatingOperations()).isEmpty();
    assertThat(again.outcomes()).extracting(Outcome::action).containsOnly(Action.Unchanged);
  }

  @Test
  void addingAnIndexCreatesOnlyThatIndex() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    table(spec, "usage").globalSecondaryIndexes.add(gsi("date-index", "date", ScalarType.S));

    Result result = stack.converge(spec, stages);

    assertThat(stack.mutatingOperations()).containsExactly("UpdateTable");
    assertThat(actions(result)).containsEntry("usage", Action.Updated).containsEntry("conversations", Action.Unchanged);
    assertThat(describe("usage").globalSecondaryIndexes()).singleElement().satisfies(i -> {
      assertThat(i.indexName()).isEqualTo("date-index");
      assertThat(i.keySchema()).containsExactly(key("date", KeyType.HASH));
    });
    assertThat(stack.converge(spec, stages).outcomes()).extracting(Outcome::action).containsOnly(Action.Unchanged);
  }

  @Test
  void removingAnIndexDeletesOnlyThatIndex() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    table(spec, "conversations").globalSecondaryIndexes.clear();

    stack.converge(spec, stages);

    assertThat(stack.mutatingOperations()).containsExactly("UpdateTable");
    assertThat(describe("conversations").globalSecondaryIndexes()).isEmpty();
    assertThat(ttl("conversations")).isEqualTo("ttl");
  }

  @Test
  void switchingToProvisionedSetsTheCapacitiesOfTableAndIndexes() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    TableSpec conversations = table(spec, "conversations");
    conversations.billingMode = TableSpec.BillingMode.PROVISIONED;
    conversations.readCapacity = 5L;
    conversations.writeCapacity = 3L;

    stack.converge(spec, stages);

    assertThat(stack.mutatingOperations()).containsExactly("UpdateTable");
    TableDescription t = describe("conversations");
    assertThat(t.billingModeSummary().billingMode()).isEqualTo(BillingMode.PROVISIONED);
    assertThat(t.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
    assertThat(t.provisionedThroughput().writeCapacityUnits()).isEqualTo(3L);
    assertThat(t.globalSecondaryIndexes().get(0).provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
    assertThat(t.globalSecondaryIndexes().get(0).provisionedThroughput().writeCapacityUnits()).isEqualTo(3L);
    stack.converge(spec, stages);
    assertThat(stack.mutatingOperations()).isEmpty();
  }

  @Test
  void streamAndPointInTimeRecoveryAreSwitchedOnAndOff() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    table(spec, "conversations").streamView = null;
    table(spec, "prompts").streamView = TableSpec.StreamView.NEW_IMAGE;
    table(spec, "usage").pointInTimeRecovery = true;

    stack.converge(spec, stages);

    assertThat(stack.mutatingOperations()).containsExactlyInAnyOrder("UpdateTable", "UpdateTable", "UpdateContinuousBackups");
    assertThat(describe("conversations").streamSpecification()).isNull();
    assertThat(describe("prompts").streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_IMAGE);
    assertThat(stack.lastContext().outputs()).containsKey(Outputs.tableStreamArn("prompts")).doesNotContainKey(Outputs.tableStreamArn("conversations"));
    assertThat(pitr("usage")).isTrue();
    stack.converge(spec, stages);
    assertThat(stack.mutatingOperations()).isEmpty();
  }

  @Test
  void aNewStreamViewSwitchesTheStreamOffThenOn() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    table(spec, "conversations").streamView = TableSpec.StreamView.KEYS_ONLY;

    Result off = stack.converge(spec, stages);

    // DynamoDB refuses a new view type on an enabled stream, so the kind switches the stream off,
    // awaits the table settling (no thread waits: the resource is NotReady), and switches it on at the
    // next reconcile, which AWS answers with a new stream.
    assertThat(stack.mutatingOperations()).containsExactly("UpdateTable");
    Outcome conversations = off.outcomes().stream().filter(o -> o.resource().name.equals("conversations")).findFirst().orElseThrow();
    assertThat(conversations.action()).isEqualTo(Action.NotReady);
    assertThat(conversations.resource().message).startsWith("waiting: table nexus-prod-conversations to settle after streamView");

    // moto 5.2.1 refuses to enable a stream on a table that ever had one (ResourceInUseException
    // "Cannot enable stream"), so against moto the second half can only show the call and the
    // classification of the refusal (retryable).
    Result on = stack.converge(spec, stages);
    assertThat(stack.recorder.calls().stream().filter(c -> c.operation().equals("UpdateTable")).map(c -> c.failed())).containsExactly(true);
    assertThat(AwsErrors.isRetryable(on.firstFailure().orElseThrow().error())).isTrue();
  }

  @Test
  void ttlSwitchedOffBehindOurBackIsPutBack() {
    stack.converge(MotoStack.nexus(), stages);
    db.updateTimeToLive(r -> r.tableName("nexus-prod-conversations").timeToLiveSpecification(s -> s.enabled(false).attributeName("ttl")));
    assertThat(ttl("conversations")).isNull();

    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(stack.mutatingOperations()).containsExactly("UpdateTimeToLive");
    assertThat(actions(result)).containsEntry("conversations", Action.Updated);
    assertThat(ttl("conversations")).isEqualTo("ttl");
  }

  @Test
  void anExistingTableWithTheExpectedNameIsAdopted() {
    db.createTable(
        r -> r.tableName("nexus-prod-usage")
            .attributeDefinitions(attr("user_id", ScalarAttributeType.S), attr("date", ScalarAttributeType.S))
            .keySchema(key("user_id", KeyType.HASH), key("date", KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST));

    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(actions(result)).containsEntry("usage", Action.Adopted).containsEntry("prompts", Action.Created);
    // Created once per missing table; the adopted one only gets Slipway's tags.
    assertThat(stack.mutatingOperations().stream().filter("CreateTable"::equals)).hasSize(3);
    assertThat(tags("usage")).containsEntry(Tags.MANAGED_BY, "slipway");
  }

  @Test
  void aTableOfAnotherServiceIsNotAdopted() {
    // Same physical name, but tagged by a service of the same name in another namespace.
    db.createTable(
        r -> r.tableName("nexus-prod-usage")
            .attributeDefinitions(attr("user_id", ScalarAttributeType.S), attr("date", ScalarAttributeType.S))
            .keySchema(key("user_id", KeyType.HASH), key("date", KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .tags(t -> t.key(Tags.SERVICE).value("elsewhere.nexus")));

    Result result = stack.converge(MotoStack.nexus(), stages);

    Outcome failed = result.firstFailure().orElseThrow();
    assertThat(failed.resource().name).isEqualTo("usage");
    assertThat(failed.resource().message).startsWith("OwnedByAnotherService: ").contains("elsewhere.nexus");
    assertThat(failed.error()).isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.terminal()).isTrue());
    assertThat(tags("usage")).containsEntry(Tags.SERVICE, "elsewhere.nexus");
  }

  @Test
  void deleteRemovesEveryTableAndTreatsNotFoundAsDone() {
    stack.converge(MotoStack.nexus(), stages);
    Map<String, AwsResourceKind<?, ?>> kinds = Map.of(DynamoDbTableKind.KIND, tables);
    db.deleteTable(r -> r.tableName("nexus-prod-prompts")); // already gone behind our back

    assertThat(stack.deleteAll(kinds)).isEmpty();
    // The ownership read before each deletion finds prompts gone: three deletions, not four.
    assertThat(stack.mutatingOperations()).containsOnly("DeleteTable").hasSize(3);
    assertThat(db.listTables().tableNames()).isEmpty();

    assertThat(stack.deleteAll(kinds)).isEmpty();
  }

  @Test
  void aKeyChangeIsATerminalImmutableFieldError() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    table(spec, "usage").sortKey = new KeyAttribute("month", ScalarType.S);

    Result result = stack.converge(spec, stages);

    Outcome failed = result.firstFailure().orElseThrow();
    assertThat(failed.resource().name).isEqualTo("usage");
    assertThat(failed.resource().message).startsWith("ImmutableField: ").contains("date(S)").contains("month(S)");
    assertThat(failed.error()).isInstanceOfSatisfying(SlipwayException.class, e -> {
      assertThat(e.terminal()).isTrue();
      assertThat(e.reason()).isEqualTo("ImmutableField");
    });
    assertThat(stack.mutatingOperations()).isEmpty();
  }

  private static Map<String, Action> actions(Result result) {
    return result.outcomes().stream().collect(Collectors.toMap(o -> o.resource().name, Outcome::action));
  }

  private static TableSpec table(ServerlessServiceSpec spec, String name) {
    return spec.tables.stream().filter(t -> t.name.equals(name)).findFirst().orElseThrow();
  }

  private static GlobalSecondaryIndexSpec gsi(String name, String attribute, ScalarType type) {
    GlobalSecondaryIndexSpec i = new GlobalSecondaryIndexSpec();
    i.name = name;
    i.partitionKey = new KeyAttribute(attribute, type);
    return i;
  }

  private TableDescription describe(String table) {
    return db.describeTable(r -> r.tableName("nexus-prod-" + table)).table();
  }

  /** The TTL attribute when TTL is on, else null. */
  private String ttl(String table) {
    var d = db.describeTimeToLive(r -> r.tableName("nexus-prod-" + table)).timeToLiveDescription();
    return d.timeToLiveStatus() == TimeToLiveStatus.ENABLED ? d.attributeName() : null;
  }

  private boolean pitr(String table) {
    return "ENABLED".equals(db.describeContinuousBackups(r -> r.tableName("nexus-prod-" + table))
        .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString());
  }

  private Map<String, String> tags(String table) {
    return db.listTagsOfResource(r -> r.resourceArn(describe(table).tableArn())).tags().stream()
        .collect(Collectors.toMap(t -> t.key(), t -> t.value()));
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }
}
