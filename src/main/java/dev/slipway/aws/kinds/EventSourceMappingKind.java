package dev.slipway.aws.kinds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.Revocation;
import dev.slipway.aws.Revoked;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.DestinationConfig;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.Filter;
import software.amazon.awssdk.services.lambda.model.FilterCriteria;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.ScalingConfig;
import software.amazon.awssdk.services.lambda.model.UpdateEventSourceMappingRequest;

/**
 * One event source of a function ({@code functions[].events}): a Lambda event source mapping from a
 * table's DynamoDB stream or an SQS queue to the function's stage alias, so a release's weights
 * apply to records too. AWS gives a mapping a UUID, which status records; without it the mapping of
 * the alias and the source is looked up. Every setting is updated in place except the source and the
 * starting position, which Lambda cannot change: the mapping is then replaced.
 */
public final class EventSourceMappingKind implements AwsResourceKind<EventSourceMappingKind.Desired, EventSourceMappingKind.Observed> {

  public static final String KIND = "EventSourceMapping";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(LambdaFunctionKind.KIND, DynamoDbTableKind.KIND, SnsTopicKind.KIND));
  /** How soon to look again at a mapping Lambda is still creating, updating or deleting. */
  private static final Duration BUSY = Duration.ofSeconds(5);
  /** The states of a mapping Lambda is done with; any other is a transition. */
  private static final Set<String> SETTLED = Set.of("Enabled", "Disabled");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What separates the function from the queue in a queue mapping's logical name. */
  private static final String QUEUE_SOURCE = "/queue:";

  static final List<String> QUEUE_READ = List.of("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage");

  /**
   * @param functionName the stage alias's ARN, which the mapping invokes
   * @param sourceArn the stream's or the queue's ARN
   */
  public record Desired(String name, String physicalName, String functionName, String sourceArn, Settings settings) implements DesiredResource {}

  /**
   * Everything compared, with Lambda's defaults where the spec or AWS leaves a field out; the
   * stream-only fields are null for a queue and the queue-only one for a stream.
   *
   * @param filters the patterns as compact JSON, sorted (any matching pattern passes a record)
   * @param onFailure the destination's ARN, null for none
   */
  record Settings(int batchSize, int maximumBatchingWindowSeconds, boolean enabled, List<String> filters, String startingPosition,
      Integer maximumRetryAttempts, Boolean bisectBatchOnFunctionError, Integer maximumRecordAgeSeconds, Integer parallelizationFactor,
      String onFailure, Integer maximumConcurrency) {

    /** How Lambda says "no limit" of retries and record age, its default for both. */
    static final int NO_LIMIT = -1;

    static Settings of(EventSourceSpec e, String onFailure) {
      boolean stream = e.stream();
      return new Settings(
          e.batchSize != null ? e.batchSize : stream ? EventSourceSpec.STREAM_BATCH_SIZE : EventSourceSpec.QUEUE_BATCH_SIZE,
          e.maximumBatchingWindow == null ? 0 : (int) Durations.parse(e.maximumBatchingWindow).toSeconds(),
          !Boolean.FALSE.equals(e.enabled),
          filters(e.filters),
          stream ? (e.startingPosition == null ? EventSourceSpec.StartingPosition.LATEST : e.startingPosition).name() : null,
          stream ? (e.maximumRetryAttempts == null ? NO_LIMIT : e.maximumRetryAttempts) : null,
          stream ? Boolean.TRUE.equals(e.bisectBatchOnFunctionError) : null,
          stream ? (e.maximumRecordAge == null ? NO_LIMIT : (int) Durations.parse(e.maximumRecordAge).toSeconds()) : null,
          stream ? (e.parallelizationFactor == null ? 1 : e.parallelizationFactor) : null,
          stream ? onFailure : null,
          stream ? null : e.maximumConcurrency);
    }

    /** What AWS shows, read as {@link #of} reads the spec: Lambda (and moto) leave defaults out. */
    static Settings of(EventSourceMappingConfiguration m, boolean stream) {
      String onFailure = m.destinationConfig() == null || m.destinationConfig().onFailure() == null ? null : m.destinationConfig().onFailure().destination();
      return new Settings(
          m.batchSize() != null ? m.batchSize() : stream ? EventSourceSpec.STREAM_BATCH_SIZE : EventSourceSpec.QUEUE_BATCH_SIZE,
          m.maximumBatchingWindowInSeconds() == null ? 0 : m.maximumBatchingWindowInSeconds(),
          // readiness() holds transitions back, so the state is Enabled or Disabled.
          !"Disabled".equals(m.state()),
          filters(m.filterCriteria() == null ? List.of() : m.filterCriteria().filters().stream().map(Filter::pattern).toList()),
          stream ? m.startingPositionAsString() : null,
          stream ? Objects.requireNonNullElse(m.maximumRetryAttempts(), NO_LIMIT) : null,
          stream ? Boolean.TRUE.equals(m.bisectBatchOnFunctionError()) : null,
          stream ? Objects.requireNonNullElse(m.maximumRecordAgeInSeconds(), NO_LIMIT) : null,
          stream ? Objects.requireNonNullElse(m.parallelizationFactor(), 1) : null,
          stream ? onFailure : null,
          stream || m.scalingConfig() == null ? null : m.scalingConfig().maximumConcurrency());
    }

    private static List<String> filters(List<String> patterns) {
      return patterns.stream().map(Settings::compact).sorted().toList();
    }

    /** A pattern as compact JSON, so that spacing does not count as a difference; as written when it is not JSON (validate says so). */
    private static String compact(String pattern) {
      try {
        return JSON.readTree(pattern).toString();
      } catch (JsonProcessingException e) {
        return pattern;
      }
    }

    /** Whether the source is a stream: only a stream has a starting position. */
    boolean stream() {
      return startingPosition != null;
    }

    FilterCriteria filterCriteria() {
      return FilterCriteria.builder().filters(filters.stream().map(p -> Filter.builder().pattern(p).build()).toList()).build();
    }

    /** An empty OnFailure removes the destination. */
    DestinationConfig destinationConfig() {
      return DestinationConfig.builder().onFailure(f -> f.destination(onFailure)).build();
    }

    /** An empty ScalingConfig removes the limit. */
    ScalingConfig scalingConfig() {
      return ScalingConfig.builder().maximumConcurrency(maximumConcurrency).build();
    }
  }

  /** The mapping as read, with its tags (Lambda lists them apart from the mapping). */
  public record Observed(EventSourceMappingConfiguration mapping, Map<String, String> tags) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  /**
   * Logical name {@code <function>/table:<table>} or {@code <function>/queue:<queue ARN>}: the
   * source is the mapping's identity. It waits for the function (its alias), the table (its stream)
   * and a topic it sends failures to.
   */
  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (FunctionSpec f : ctx.spec().functions) {
      for (EventSourceSpec e : f.events) {
        String name = f.name + (e.stream() ? "/table:" + e.table : QUEUE_SOURCE + e.queueArn);
        List<String> deps = new ArrayList<>(List.of(Planned.key(LambdaFunctionKind.KIND, f.name)));
        if (e.stream()) {
          deps.add(Planned.key(DynamoDbTableKind.KIND, e.table));
        }
        if (e.onFailure != null && e.onFailure.topic != null) {
          deps.add(Planned.key(SnsTopicKind.KIND, e.onFailure.topic));
        }
        String physical = ctx.physicalName(f.name) + ":" + ctx.stage() + " <- " + (e.stream() ? ctx.physicalName(e.table) + " stream" : e.queueArn);
        plan.add(new Planned<>(this, name, physical, deps, c -> new Desired(name, physical, c.output(Outputs.aliasArn(f.name)),
            e.stream() ? c.output(Outputs.tableStreamArn(e.table)) : e.queueArn, Settings.of(e, onFailureArn(c, c.scope(), f, e)))));
      }
    }
    return plan;
  }

  /** The ARN of a stream mapping's failure destination, null when it has none. */
  private static String onFailureArn(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec f, EventSourceSpec e) {
    if (e.onFailure == null) {
      return null;
    }
    if (e.onFailure.queueArn != null) {
      return e.onFailure.queueArn;
    }
    return SnsTopicKind.arn(ctx, scope, SnsTopicKind.declared(ctx, e.onFailure.topic, "function " + f.name + ", events, onFailure"));
  }

  /** What the CRD schema cannot check: the names an event source refers to, its patterns, and the ranges of its durations. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      Set<String> sources = new HashSet<>();
      for (EventSourceSpec e : f.events) {
        String source = e.stream() ? "table " + e.table : "queue " + e.queueArn;
        String where = "function " + f.name + ", events " + source + ": ";
        if (!sources.add(source)) {
          // One mapping per source: the CRD leaves this to here, since a CEL rule for it costs more than the schema's budget.
          problems.add(where + "named twice; a function reads each source once");
        }
        if (e.stream()) {
          Optional<TableSpec> table = spec.tables.stream().filter(t -> t.name.equals(e.table)).findFirst();
          if (table.isEmpty()) {
            problems.add(where + "table " + e.table + " is not in spec.tables");
          } else if (table.get().streamView == null) {
            problems.add(where + "table " + e.table + " declares no streamView, so it has no stream to read");
          }
        }
        if (e.onFailure != null && e.onFailure.topic != null && spec.topics.stream().noneMatch(t -> t.name.equals(e.onFailure.topic))) {
          problems.add(where + "onFailure topic " + e.onFailure.topic + " is not in spec.topics");
        }
        for (int i = 0; i < e.filters.size(); i++) {
          if (!jsonObject(e.filters.get(i))) {
            problems.add(where + "filter " + i + " is not a JSON object (an EventBridge-style pattern such as {\"eventName\": [\"INSERT\"]})");
          }
        }
        Duration window = e.maximumBatchingWindow == null ? Duration.ZERO : Durations.parse(e.maximumBatchingWindow);
        if (window.compareTo(Duration.ofMinutes(5)) > 0) {
          problems.add(where + "maximumBatchingWindow is " + e.maximumBatchingWindow + "; Lambda allows at most 5m");
        }
        if (!e.stream() && e.batchSize != null && e.batchSize > EventSourceSpec.QUEUE_BATCH_SIZE && window.isZero()) {
          problems.add(where + "a queue's batchSize above 10 needs maximumBatchingWindow of at least 1s");
        }
        if (e.maximumRecordAge != null) {
          Duration age = Durations.parse(e.maximumRecordAge);
          if (age.compareTo(Duration.ofMinutes(1)) < 0 || age.compareTo(Duration.ofDays(7)) > 0) {
            problems.add(where + "maximumRecordAge is " + e.maximumRecordAge + "; Lambda allows 1m to 168h");
          }
        }
      }
    }
    return problems;
  }

  private static boolean jsonObject(String text) {
    try {
      return JSON.readTree(text).isObject();
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * What Lambda needs to poll the function's sources with its execution role, and nothing wider: the
   * stream reads on each table's streams, the queue reads on each queue, and the send to each
   * failure destination.
   */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<String> streams = new ArrayList<>();
    List<String> queues = new ArrayList<>();
    List<String> failureTopics = new ArrayList<>();
    List<String> failureQueues = new ArrayList<>();
    for (EventSourceSpec e : function.events) {
      if (e.stream()) {
        streams.add(scope.arn("dynamodb", "table/" + ctx.physicalName(e.table)) + "/stream/*");
      } else {
        queues.add(e.queueArn);
      }
      String onFailure = onFailureArn(ctx, scope, function, e);
      if (onFailure != null) {
        (e.onFailure.topic != null ? failureTopics : failureQueues).add(onFailure);
      }
    }
    List<PolicyStatement> statements = new ArrayList<>();
    if (!streams.isEmpty()) {
      statements.add(new PolicyStatement("EventSourceStreams", DynamoDbTableKind.STREAM_READ, streams));
      // ListStreams takes no resource.
      statements.add(new PolicyStatement("EventSourceListStreams", List.of("dynamodb:ListStreams"), null));
    }
    if (!queues.isEmpty()) {
      statements.add(new PolicyStatement("EventSourceQueues", QUEUE_READ, queues));
    }
    if (!failureTopics.isEmpty()) {
      statements.add(new PolicyStatement("EventSourceFailureTopics", List.of("sns:Publish"), failureTopics));
    }
    if (!failureQueues.isEmpty()) {
      statements.add(new PolicyStatement("EventSourceFailureQueues", List.of("sqs:SendMessage"), failureQueues));
    }
    return statements;
  }

  /** By the recorded UUID; without one (or when it is gone), the one mapping of the alias and the source. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    LambdaClient lambda = ctx.aws().lambda();
    Optional<EventSourceMappingConfiguration> recorded = ctx.previous(KIND, d.name()).map(r -> r.id)
        .flatMap(id -> AwsErrors.unlessNotFound(() -> configuration(lambda.getEventSourceMapping(r -> r.uuid(id)))));
    return recorded.or(() -> find(ctx, d)).map(m -> new Observed(m, tags(lambda, m.eventSourceMappingArn())));
  }

  private static Optional<EventSourceMappingConfiguration> find(StackContext ctx, Desired d) {
    LambdaClient lambda = ctx.aws().lambda();
    List<EventSourceMappingConfiguration> found = lambda.listEventSourceMappingsPaginator(r -> r.functionName(d.functionName()).eventSourceArn(d.sourceArn()))
        .eventSourceMappings().stream().toList();
    return Lookups.unique(ctx, found, m -> tags(lambda, m.eventSourceMappingArn()), "event source mapping", d.physicalName());
  }

  /** GetEventSourceMapping answers with the fields of a listed mapping in a class of its own: the same mapping as a listed one. */
  static EventSourceMappingConfiguration configuration(SdkPojo response) {
    EventSourceMappingConfiguration.Builder b = EventSourceMappingConfiguration.builder();
    Map<String, SdkField<?>> fields = ((SdkPojo) b).sdkFields().stream().collect(Collectors.toMap(SdkField::memberName, f -> f));
    for (SdkField<?> field : response.sdkFields()) {
      Optional.ofNullable(fields.get(field.memberName())).ifPresent(f -> f.set(b, field.getValueOrDefault(response)));
    }
    return b.build();
  }

  private static Map<String, String> tags(LambdaClient lambda, String mappingArn) {
    return lambda.listTags(r -> r.resource(mappingArn)).tags();
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    Settings s = d.settings();
    CreateEventSourceMappingRequest.Builder request = CreateEventSourceMappingRequest.builder()
        .functionName(d.functionName())
        .eventSourceArn(d.sourceArn())
        .batchSize(s.batchSize())
        .maximumBatchingWindowInSeconds(s.maximumBatchingWindowSeconds())
        .enabled(s.enabled())
        .filterCriteria(s.filters().isEmpty() ? null : s.filterCriteria())
        .tags(ctx.tags());
    if (s.stream()) {
      request.startingPosition(s.startingPosition())
          .maximumRetryAttempts(s.maximumRetryAttempts())
          .bisectBatchOnFunctionError(s.bisectBatchOnFunctionError())
          .maximumRecordAgeInSeconds(s.maximumRecordAgeSeconds())
          .parallelizationFactor(s.parallelizationFactor())
          .destinationConfig(s.onFailure() == null ? null : s.destinationConfig());
    } else if (s.maximumConcurrency() != null) {
      request.scalingConfig(s.scalingConfig());
    }
    try {
      ctx.aws().lambda().createEventSourceMapping(request.build());
    } catch (InvalidParameterValueException e) {
      // Lambda checks the execution role's grants on the source, which IAM may not show everywhere yet.
      if (AwsErrors.message(e).contains("execution role does not have permissions")) {
        throw NotReady.awaiting("the execution role's grants on " + d.sourceArn() + " are not visible yet (IAM is eventually consistent): " + AwsErrors.message(e), BUSY);
      }
      throw e;
    }
    // The runtime reads it back, as a listed mapping.
    return null;
  }

  /** Lambda is still creating, changing or deleting the mapping: nothing is changed until it is done. */
  @Override
  public Optional<NotReady> readiness(Observed o) {
    String state = o.mapping().state();
    return state == null || SETTLED.contains(state) ? Optional.empty()
        : Optional.of(NotReady.awaiting("event source mapping " + o.mapping().uuid() + " is " + state, BUSY));
  }

  /**
   * One UpdateEventSourceMapping for every setting that differs; a new source (the table's stream
   * was replaced) or starting position deletes the mapping instead, and the next pass creates it anew.
   */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    EventSourceMappingConfiguration m = o.mapping();
    Settings want = d.settings();
    Settings have = Settings.of(m, want.stream());
    Delta replace = Delta.builder()
        .compare("source", d.sourceArn(), m.eventSourceArn())
        .compare("startingPosition", want.startingPosition(), have.startingPosition())
        .build();
    if (!replace.isEmpty()) {
      String uuid = m.uuid();
      return List.of(Step.of(replace, () -> ctx.aws().lambda().deleteEventSourceMapping(r -> r.uuid(uuid)))
          .thenAwait("event source mapping " + uuid + " to be replaced (" + replace.describe() + ")", BUSY));
    }
    Delta delta = Delta.builder()
        .compare("function", d.functionName(), m.functionArn())
        .compare("batchSize", want.batchSize(), have.batchSize())
        .compare("maximumBatchingWindow", want.maximumBatchingWindowSeconds(), have.maximumBatchingWindowSeconds())
        .compare("enabled", want.enabled(), have.enabled())
        .compare("filters", want.filters(), have.filters())
        .compare("maximumRetryAttempts", want.maximumRetryAttempts(), have.maximumRetryAttempts())
        .compare("bisectBatchOnFunctionError", want.bisectBatchOnFunctionError(), have.bisectBatchOnFunctionError())
        .compare("maximumRecordAge", want.maximumRecordAgeSeconds(), have.maximumRecordAgeSeconds())
        .compare("parallelizationFactor", want.parallelizationFactor(), have.parallelizationFactor())
        .compare("onFailure", want.onFailure(), have.onFailure())
        .compare("maximumConcurrency", want.maximumConcurrency(), have.maximumConcurrency())
        .build();
    if (delta.isEmpty()) {
      return List.of();
    }
    return List.of(Step.of(delta, () -> ctx.aws().lambda().updateEventSourceMapping(update(m.uuid(), d, delta))));
  }

  /** The update of exactly the fields {@code delta} names. */
  private static UpdateEventSourceMappingRequest update(String uuid, Desired d, Delta delta) {
    Settings s = d.settings();
    UpdateEventSourceMappingRequest.Builder u = UpdateEventSourceMappingRequest.builder().uuid(uuid);
    if (delta.differsAt("function")) {
      u.functionName(d.functionName());
    }
    if (delta.differsAt("batchSize")) {
      u.batchSize(s.batchSize());
    }
    if (delta.differsAt("maximumBatchingWindow")) {
      u.maximumBatchingWindowInSeconds(s.maximumBatchingWindowSeconds());
    }
    if (delta.differsAt("enabled")) {
      u.enabled(s.enabled());
    }
    if (delta.differsAt("filters")) {
      u.filterCriteria(s.filterCriteria());
    }
    if (delta.differsAt("maximumRetryAttempts")) {
      u.maximumRetryAttempts(s.maximumRetryAttempts());
    }
    if (delta.differsAt("bisectBatchOnFunctionError")) {
      u.bisectBatchOnFunctionError(s.bisectBatchOnFunctionError());
    }
    if (delta.differsAt("maximumRecordAge")) {
      u.maximumRecordAgeInSeconds(s.maximumRecordAgeSeconds());
    }
    if (delta.differsAt("parallelizationFactor")) {
      u.parallelizationFactor(s.parallelizationFactor());
    }
    if (delta.differsAt("onFailure")) {
      u.destinationConfig(s.destinationConfig());
    }
    if (delta.differsAt("maximumConcurrency")) {
      u.scalingConfig(s.scalingConfig());
    }
    return u.build();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    LambdaClient lambda = ctx.aws().lambda();
    String arn = o.mapping().eventSourceMappingArn();
    if (!set.isEmpty()) {
      lambda.tagResource(r -> r.resource(arn).tags(set));
    }
    if (!remove.isEmpty()) {
      lambda.untagResource(r -> r.resource(arn).tagKeys(remove));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.mapping().uuid()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    if (resource.id == null) {
      return Optional.empty();
    }
    LambdaClient lambda = ctx.aws().lambda();
    return Optional.of(tags(lambda, lambda.getEventSourceMapping(r -> r.uuid(resource.id)).eventSourceMappingArn()));
  }

  /**
   * The queue of a status entry of this kind, empty for a stream's mapping: the entry's logical name
   * is the one {@link #plan} gives it.
   */
  public static Optional<String> queueOf(ManagedResource resource) {
    int at = resource.name == null ? -1 : resource.name.indexOf(QUEUE_SOURCE);
    return KIND.equals(resource.kind) && at >= 0 ? Optional.of(resource.name.substring(at + QUEUE_SOURCE.length())) : Optional.empty();
  }

  /**
   * A mapping of a revoked queue stops reading it (disabled, not deleted: the converge enables it
   * again, as it does any drift of {@code enabled}); a stream's mapping whose failure destination is
   * a revoked queue loses that destination (the converge sets it again). Only a mapping whose tags
   * name this service is changed.
   */
  @Override
  public List<Revocation> revoke(StackContext ctx, ManagedResource resource, Revoked revoked) {
    if (resource.id == null) {
      return List.of();
    }
    Optional<String> queue = queueOf(resource);
    if (queue.isPresent() && !revoked.queue(queue.get())) {
      return List.of();
    }
    LambdaClient lambda = ctx.aws().lambda();
    Optional<EventSourceMappingConfiguration> m = AwsErrors.unlessNotFound(() -> configuration(lambda.getEventSourceMapping(r -> r.uuid(resource.id))));
    if (m.isEmpty()) {
      return List.of();
    }
    if (queue.isPresent()) {
      if ("Disabled".equals(m.get().state()) || "Disabling".equals(m.get().state()) || !owned(ctx, lambda, m.get())) {
        return List.of();
      }
      lambda.updateEventSourceMapping(r -> r.uuid(resource.id).enabled(false));
      return List.of(Revocation.ofQueue(queue.get(), "Disabled event source mapping " + resource.physicalName, "it is enabled again when the grant returns"));
    }
    String onFailure = Settings.of(m.get(), true).onFailure();
    if (onFailure == null || !revoked.queue(onFailure) || !owned(ctx, lambda, m.get())) {
      return List.of();
    }
    // An empty OnFailure removes the destination.
    lambda.updateEventSourceMapping(r -> r.uuid(resource.id).destinationConfig(d -> d.onFailure(f -> f.destination(null))));
    return List.of(Revocation.ofQueue(onFailure, "Removed the failure destination of event source mapping " + resource.physicalName,
        "it is set again when the grant returns"));
  }

  private static boolean owned(StackContext ctx, LambdaClient lambda, EventSourceMappingConfiguration m) {
    return ResourceLoop.ownedBySelf(ctx, tags(lambda, m.eventSourceMappingArn()).get(Tags.SERVICE));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    if (resource.id != null) {
      ctx.aws().lambda().deleteEventSourceMapping(r -> r.uuid(resource.id));
    }
  }
}
