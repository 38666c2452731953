package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Outputs;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The conversations table's stream read by conversation-api and an SQS queue (made here with the SDK)
 * read by usage-handler, over the function fixture's aliases.
 *
 * <p>Test double: moto 5.2.1 answers a mapping made for an alias with the FunctionArn of the version
 * the alias points to, where Lambda answers the alias's ARN; a standing rewrite of the fault proxy
 * puts the alias back, so that "the mapping invokes the alias" is what the kind compares.
 */
class EventSourceMappingKindTest extends KindContractTest {

  private static final String STAGE = "prod";
  private static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:" + KindHarness.ACCOUNT + ":nexus-jobs";
  private static final String STREAM = "conversation-api/table:conversations";
  private static final String QUEUE = "usage-handler/queue:" + QUEUE_ARN;
  private static final Pattern VERSION_ARN = Pattern.compile("(\"FunctionArn\"\\s*:\\s*\"arn:[^\"]*:function:[^\":]+):[0-9]+\"");

  private LambdaClient lambda;
  private AutoCloseable aliasArns;

  @Override
  protected KindHarness harness() {
    ServerlessServiceSpec spec = SnsTopicKindTest.withAlerts();
    KindHarness.function(spec, "conversation-api").events.add(stream());
    EventSourceSpec queue = new EventSourceSpec();
    queue.queueArn = QUEUE_ARN;
    KindHarness.function(spec, "usage-handler").events.add(queue);
    KindHarness harness = new KindHarness(spec, new DynamoDbTableKind(), new SnsTopicKind(), new EventSourceMappingKind());
    harness.raw().client(SqsClient.class, SqsClient::builder).createQueue(r -> r.queueName("nexus-jobs"));
    harness.deployFunctions();
    lambda = harness.raw().lambda();
    aliasArns = AwsFaults.shared().standingRewrite(r -> r.path().startsWith("/2015-03-31/event-source-mappings"),
        body -> VERSION_ARN.matcher(body).replaceAll("$1:" + STAGE + "\""));
    return harness;
  }

  @AfterEach
  void aliasArnsDown() throws Exception {
    aliasArns.close();
  }

  private static EventSourceSpec stream() {
    EventSourceSpec e = new EventSourceSpec();
    e.table = "conversations";
    return e;
  }

  @Override
  protected void assertDeclaredShape() {
    EventSourceMappingConfiguration s = mapping(STREAM);
    assertThat(s.eventSourceArn()).isEqualTo(stack.context().output(Outputs.tableStreamArn("conversations")));
    assertThat(s.startingPositionAsString()).isEqualTo("LATEST");
    assertThat(s.batchSize()).isEqualTo(100);
    assertThat(s.maximumRetryAttempts()).isEqualTo(-1);
    assertThat(s.maximumRecordAgeInSeconds()).isEqualTo(-1);
    assertThat(s.parallelizationFactor()).isEqualTo(1);
    assertThat(s.state()).isEqualTo("Enabled");
    EventSourceMappingConfiguration q = mapping(QUEUE);
    assertThat(q.eventSourceArn()).isEqualTo(QUEUE_ARN);
    assertThat(q.batchSize()).isEqualTo(10);
    assertThat(q.startingPosition()).isNull();
    // Both invoke the stage alias, as listed by the alias's ARN.
    assertThat(lambda.listEventSourceMappings(r -> r.functionName(stack.aliasArn("conversation-api"))).eventSourceMappings())
        .extracting(EventSourceMappingConfiguration::uuid).containsExactly(s.uuid());
    assertThat(lambda.listEventSourceMappings(r -> r.functionName(stack.aliasArn("usage-handler"))).eventSourceMappings())
        .extracting(EventSourceMappingConfiguration::uuid).containsExactly(q.uuid());
    assertThat(lambda.listTags(r -> r.resource(s.eventSourceMappingArn())).tags()).containsAllEntriesOf(stack.tags());
  }

  @Override
  protected List<Edit> edits() {
    String update = "UpdateEventSourceMapping";
    return List.of(
        new Edit(STREAM, List.of("batchSize"), s -> event(s, "conversation-api").batchSize = 50, List.of(update),
            () -> assertThat(mapping(STREAM).batchSize()).isEqualTo(50)),
        new Edit(STREAM, List.of("filters"), s -> event(s, "conversation-api").filters.add("{ \"eventName\": [\"INSERT\"] }"), List.of(update),
            () -> assertThat(mapping(STREAM).filterCriteria().filters()).singleElement()
                .satisfies(f -> assertThat(f.pattern()).isEqualTo("{\"eventName\":[\"INSERT\"]}"))),
        new Edit(STREAM, List.of("maximumRetryAttempts"), s -> event(s, "conversation-api").maximumRetryAttempts = 3, List.of(update),
            () -> assertThat(mapping(STREAM).maximumRetryAttempts()).isEqualTo(3)),
        new Edit(STREAM, List.of("bisectBatchOnFunctionError"), s -> event(s, "conversation-api").bisectBatchOnFunctionError = true, List.of(update),
            () -> assertThat(mapping(STREAM).bisectBatchOnFunctionError()).isTrue()),
        new Edit(STREAM, List.of("maximumRecordAge"), s -> event(s, "conversation-api").maximumRecordAge = "1h", List.of(update),
            () -> assertThat(mapping(STREAM).maximumRecordAgeInSeconds()).isEqualTo(3600)),
        new Edit(STREAM, List.of("parallelizationFactor"), s -> event(s, "conversation-api").parallelizationFactor = 2, List.of(update),
            () -> assertThat(mapping(STREAM).parallelizationFactor()).isEqualTo(2)),
        new Edit(STREAM, List.of("maximumBatchingWindow"), s -> event(s, "conversation-api").maximumBatchingWindow = "5s", List.of(update),
            () -> assertThat(mapping(STREAM).maximumBatchingWindowInSeconds()).isEqualTo(5)),
        new Edit(STREAM, List.of("onFailure"), s -> {
          event(s, "conversation-api").onFailure = new EventSourceSpec.Destination();
          event(s, "conversation-api").onFailure.topic = "alerts";
        }, List.of(update), () -> assertThat(mapping(STREAM).destinationConfig().onFailure().destination()).isEqualTo(SnsTopicKindTest.ALERTS)),
        // Removals: an empty filter list, OnFailure and ScalingConfig are how Lambda is told to drop them.
        new Edit(STREAM, List.of("filters"), s -> event(s, "conversation-api").filters.clear(), List.of(update),
            () -> assertThat(mapping(STREAM).filterCriteria().filters()).isEmpty()),
        new Edit(STREAM, List.of("onFailure"), s -> event(s, "conversation-api").onFailure = null, List.of(update),
            () -> assertThat(mapping(STREAM).destinationConfig().onFailure().destination()).isNull()),
        new Edit(STREAM, List.of("enabled"), s -> event(s, "conversation-api").enabled = false, List.of(update),
            () -> assertThat(mapping(STREAM).state()).isEqualTo("Disabled")),
        new Edit(QUEUE, List.of("maximumConcurrency"), s -> event(s, "usage-handler").maximumConcurrency = 5, List.of(update),
            () -> assertThat(mapping(QUEUE).scalingConfig().maximumConcurrency()).isEqualTo(5)),
        new Edit(QUEUE, List.of("maximumConcurrency"), s -> event(s, "usage-handler").maximumConcurrency = null, List.of(update),
            () -> assertThat(mapping(QUEUE).scalingConfig().maximumConcurrency()).isNull()),
        new Edit(QUEUE, List.of("filters"), s -> event(s, "usage-handler").filters.add("{\"body\": {\"kind\": [\"usage\"]}}"), List.of(update),
            () -> assertThat(mapping(QUEUE).filterCriteria().filters()).hasSize(1)));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift(STREAM, List.of("batchSize"), () -> lambda.updateEventSourceMapping(r -> r.uuid(uuid(STREAM)).batchSize(7)),
            List.of("UpdateEventSourceMapping"), () -> assertThat(mapping(STREAM).batchSize()).isEqualTo(100)),
        new Drift(QUEUE, List.of("enabled"), () -> lambda.updateEventSourceMapping(r -> r.uuid(uuid(QUEUE)).enabled(false)),
            List.of("UpdateEventSourceMapping"), () -> assertThat(mapping(QUEUE).state()).isEqualTo("Enabled")),
        // Pointed at $LATEST, it would bypass the alias and so every release's traffic shifting.
        new Drift(STREAM, List.of("function"), () -> lambda.updateEventSourceMapping(r -> r.uuid(uuid(STREAM)).functionName(stack.physicalName("conversation-api"))),
            List.of("UpdateEventSourceMapping"), () -> assertThat(mapping(STREAM).functionArn()).isEqualTo(stack.aliasArn("conversation-api"))));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> event(s, "conversation-api").table = "prompts",
            "function conversation-api, events table prompts: table prompts declares no streamView, so it has no stream to read"),
        Invalid.atValidation(s -> event(s, "conversation-api").table = "archive",
            "function conversation-api, events table archive: table archive is not in spec.tables"),
        Invalid.atValidation(s -> event(s, "conversation-api").filters.add("[\"INSERT\"]"),
            "function conversation-api, events table conversations: filter 0 is not a JSON object"),
        Invalid.atValidation(s -> event(s, "conversation-api").maximumBatchingWindow = "6m", "maximumBatchingWindow is 6m; Lambda allows at most 5m"),
        Invalid.atValidation(s -> event(s, "conversation-api").maximumRecordAge = "30s", "maximumRecordAge is 30s; Lambda allows 1m to 168h"),
        Invalid.atValidation(s -> {
          event(s, "conversation-api").onFailure = new EventSourceSpec.Destination();
          event(s, "conversation-api").onFailure.topic = "audit";
        }, "onFailure topic audit is not in spec.topics"),
        Invalid.atValidation(s -> KindHarness.function(s, "conversation-api").events.add(stream()),
            "function conversation-api, events table conversations: named twice; a function reads each source once"),
        Invalid.atValidation(s -> event(s, "usage-handler").batchSize = 100, "a queue's batchSize above 10 needs maximumBatchingWindow of at least 1s"));
  }

  @Override
  protected void makeNamesake() {
    lambda.createEventSourceMapping(r -> r.functionName(stack.aliasArn("conversation-api")).eventSourceArn(mapping(STREAM).eventSourceArn())
        .startingPosition("LATEST"));
    lambda.createEventSourceMapping(r -> r.functionName(stack.aliasArn("usage-handler")).eventSourceArn(QUEUE_ARN));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/2015-03-31/event-source-mappings");
  }

  /** Lambda cannot move a stream mapping to another starting position: the mapping is deleted, and made anew at the next pass. */
  @Test
  void aNewStartingPositionReplacesTheMapping() {
    stack.settle();
    String before = uuid(STREAM);

    event(stack.spec(), "conversation-api").startingPosition = EventSourceSpec.StartingPosition.TRIM_HORIZON;
    stack.settle();

    assertThat(stack.mutatingCalls()).containsExactly("DeleteEventSourceMapping", "CreateEventSourceMapping");
    assertThat(stack.events).contains("Created: Created EventSourceMapping " + stack.status().stream()
        .filter(r -> r.name.equals(STREAM)).findFirst().orElseThrow().physicalName);
    assertThat(uuid(STREAM)).isNotEqualTo(before);
    assertThat(mapping(STREAM).startingPositionAsString()).isEqualTo("TRIM_HORIZON");
    assertThat(lambda.listEventSourceMappings(r -> r.functionName(stack.aliasArn("conversation-api"))).eventSourceMappings()).hasSize(1);
    assertSecondPassMutatesNothing();
  }

  /** An event source dropped from the spec is deleted with its mapping, the other one untouched. */
  @Test
  void aRemovedEventSourceIsDeleted() {
    stack.settle();
    var before = stack.status();
    String queue = uuid(QUEUE);

    KindHarness.function(stack.spec(), "usage-handler").events.clear();
    stack.settle();

    assertThat(stack.deleteDropped(before)).isEmpty();
    assertThat(stack.mutatingCalls()).containsExactly("DeleteEventSourceMapping");
    assertThat(lambda.listEventSourceMappings(r -> r.eventSourceArn(QUEUE_ARN)).eventSourceMappings())
        .noneMatch(m -> m.uuid().equals(queue));
  }

  /**
   * Lambda checks the execution role's grants on the source when it creates a mapping, and IAM may not
   * show a role's new policy everywhere yet: a wait, not a failure.
   */
  @Test
  void aRoleWhoseGrantsAreNotVisibleYetIsAWait() {
    AwsFaults faults = AwsFaults.shared();
    AwsFaults.Fault refused = faults.invalidParameter(createCall(), "The provided execution role does not have permissions to call ReceiveMessage on SQS", 1);
    try {
      assertThat(stack.converge().notReady()).extracting(o -> o.resource().message)
          .singleElement().satisfies(m -> assertThat(m).startsWith("waiting: the execution role's grants on ").contains("are not visible yet"));
    } finally {
      faults.clearFaults();
    }

    assertThat(refused.served()).isEqualTo(1);
    assertThat(stack.settle().firstFailure()).isEmpty();
    assertThat(stack.status(EventSourceMappingKind.KIND)).hasSize(2).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
  }

  /** moto applies every change at once; Lambda takes a while, and meanwhile nothing may change the mapping. */
  @Test
  void aMappingInTransitionIsNotReady() {
    EventSourceMappingKind kind = new EventSourceMappingKind();
    for (String state : List.of("Creating", "Updating", "Enabling", "Disabling", "Deleting")) {
      var observed = new EventSourceMappingKind.Observed(EventSourceMappingConfiguration.builder().uuid("u-1").state(state).build(), Map.of());

      assertThat(kind.readiness(observed)).as(state).map(NotReady::awaited).contains("event source mapping u-1 is " + state);
    }
    for (String state : List.of("Enabled", "Disabled")) {
      var observed = new EventSourceMappingKind.Observed(EventSourceMappingConfiguration.builder().uuid("u-1").state(state).build(), Map.of());

      assertThat(kind.readiness(observed)).as(state).isEmpty();
    }
  }

  private static EventSourceSpec event(ServerlessServiceSpec spec, String function) {
    FunctionSpec f = KindHarness.function(spec, function);
    return f.events.get(0);
  }

  private String uuid(String name) {
    return stack.status().stream().filter(r -> r.kind.equals(EventSourceMappingKind.KIND) && r.name.equals(name)).findFirst().orElseThrow().id;
  }

  /** The mapping as the operator sees it, through the proxy (and its alias ARN double). */
  private EventSourceMappingConfiguration mapping(String name) {
    return EventSourceMappingKind.configuration(stack.operator().lambda().getEventSourceMapping(r -> r.uuid(uuid(name))));
  }
}
