package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.api.v1alpha1.TopicSpec.Protocol;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.Revocation;
import dev.slipway.aws.Revoked;
import dev.slipway.aws.Tags;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.kinds.LambdaInvokePermissions.Grant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sns.model.Subscription;

/**
 * One subscription of a declared topic. Subscriptions carry no tags: they belong to the service
 * that owns their topic. A lambda subscription delivers to the function's stage alias, so a
 * canary's weights apply to messages too, and comes with the one invoke grant SNS needs, scoped to
 * the topic. Subscriptions are found again by topic, protocol and endpoint.
 */
public final class SnsSubscriptionKind implements UntaggedKind<SnsSubscriptionKind.Desired, SnsSubscriptionKind.Observed> {

  public static final String KIND = "SNSSubscription";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SnsTopicKind.KIND, LambdaFunctionKind.KIND)).ownedByParent();
  /** What SNS shows as the ARN of an email subscription nobody has confirmed yet. */
  static final String PENDING = "PendingConfirmation";

  /**
   * @param endpoint as SNS takes it: for lambda, the stage alias's ARN
   * @param grant the invoke grant a lambda subscription needs, null for other protocols
   */
  public record Desired(String physicalName, String topic, String topicArn, Protocol protocol, String endpoint, Grant grant) implements DesiredResource {}

  /** @param subscriptionArn {@link #PENDING} until an email recipient confirms */
  public record Observed(String subscriptionArn, Set<Grant> grants) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** Logical name {@code <topic>/<protocol>:<endpoint>}; a lambda subscription also waits for its function. */
  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (TopicSpec topic : ctx.spec().topics) {
      for (TopicSpec.Subscription s : topic.subscriptions) {
        String name = topic.name + "/" + s.protocol + ":" + s.endpoint;
        List<String> deps = new ArrayList<>(List.of(Planned.key(SnsTopicKind.KIND, topic.name)));
        if (s.protocol == Protocol.lambda) {
          deps.add(Planned.key(LambdaFunctionKind.KIND, s.endpoint));
        }
        plan.add(new Planned<>(this, name, topic.physicalName(ctx.prefix()) + " " + s.protocol + ":" + s.endpoint, deps, c -> desired(c, topic, s, name)));
      }
    }
    return plan;
  }

  /** A lambda subscription must name a declared function: without one it would wait for an alias that never comes. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    for (TopicSpec topic : spec.topics) {
      topic.subscriptions.stream()
          .filter(s -> s.protocol == Protocol.lambda && spec.functions.stream().noneMatch(f -> f.name.equals(s.endpoint)))
          .forEach(s -> problems.add("topic " + topic.name + " subscribes function " + s.endpoint + ", which spec.functions does not declare"));
    }
    return problems;
  }

  private static Desired desired(StackContext ctx, TopicSpec topic, TopicSpec.Subscription s, String name) {
    String topicArn = ctx.output(SnsTopicKind.arnOutput(topic.name));
    if (s.protocol != Protocol.lambda) {
      return new Desired(name, topic.name, topicArn, s.protocol, s.endpoint, null);
    }
    String alias = ctx.output(Outputs.aliasArn(s.endpoint));
    return new Desired(name, topic.name, topicArn, s.protocol, alias, permissions(topic.name).grant(alias, "lambda", topicArn));
  }

  /** The invoke grants of one topic's lambda subscriptions. */
  private static LambdaInvokePermissions permissions(String topic) {
    return new LambdaInvokePermissions(KIND, topic, LambdaInvokePermissions.SNS);
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Optional<Subscription> found = ctx.aws().sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(d.topicArn())).subscriptions().stream()
        .filter(s -> s.protocol().equals(d.protocol().name()) && s.endpoint().equals(d.endpoint()))
        .findFirst();
    Set<Grant> grants = d.grant() == null ? Set.of() : permissions(d.topic()).observe(ctx, List.of(d.endpoint()));
    return found.map(s -> new Observed(s.subscriptionArn(), grants));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    // The grant first, so SNS's first delivery finds it; the compare step would add it otherwise.
    Set<Grant> grants = d.grant() == null ? Set.of() : LambdaInvokePermissions.sorted(List.of(d.grant()));
    permissions(d.topic()).steps(ctx.aws().lambda(), grants, Set.of()).forEach(s -> s.action().run());
    String arn = ctx.aws().sns().subscribe(r -> r.topicArn(d.topicArn()).protocol(d.protocol().name()).endpoint(d.endpoint()).returnSubscriptionArn(true))
        .subscriptionArn();
    return new Observed(arn, grants);
  }

  /** Only the invoke grant of a lambda subscription can drift; topic, protocol and endpoint identify the subscription. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Set<Grant> desired = d.grant() == null ? Set.of() : LambdaInvokePermissions.sorted(List.of(d.grant()));
    return permissions(d.topic()).steps(ctx.aws().lambda(), desired, LambdaInvokePermissions.sorted(o.grants()));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.subscriptionArn()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    if (confirmed(resource)) {
      // A subscription's ARN is its topic's ARN and an id.
      return Optional.of(SnsTopicKind.tagsOf(ctx, resource.id.substring(0, resource.id.lastIndexOf(':'))));
    }
    if (lambda(resource)) {
      // Not confirmed: all there is to delete is the function's invoke grant.
      return Optional.ofNullable(ctx.aws().lambda().getFunction(r -> r.functionName(ctx.physicalName(endpoint(resource)))).tags());
    }
    return Optional.empty();
  }

  /**
   * Unsubscribes, and takes back a lambda subscription's grant. A subscription still pending
   * confirmation cannot be removed (SNS drops it after three days, or with its topic).
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    if (confirmed(resource)) {
      ctx.aws().sns().unsubscribe(r -> r.subscriptionArn(resource.id));
    }
    String topic = resource.name.substring(0, resource.name.indexOf('/'));
    String endpoint = endpoint(resource);
    if (lambda(resource)) {
      // Published when the function converged in this reconcile; recorded in status otherwise (the service is being deleted).
      Optional<String> alias = ctx.findOutput(Outputs.aliasArn(endpoint)).or(() -> ctx.previousFunction(endpoint).map(f -> f.aliasArn));
      alias.ifPresent(a -> AwsErrors.ignoreNotFound(
          () -> LambdaInvokePermissions.revoke(ctx.aws().lambda(), permissions(topic).observe(ctx, List.of(a)))));
    }
  }

  /**
   * An sqs subscription whose endpoint is a queue no longer granted is unsubscribed, if its topic's
   * tags name this service; the converge subscribes it again when the grant returns.
   */
  @Override
  public List<Revocation> revoke(StackContext ctx, ManagedResource resource, Revoked revoked) {
    Optional<String> queue = queueOf(resource).filter(revoked::queue);
    if (queue.isEmpty() || !confirmed(resource)) {
      return List.of();
    }
    String topicArn = resource.id.substring(0, resource.id.lastIndexOf(':'));
    Optional<Subscription> found = AwsErrors.unlessNotFound(() -> ctx.aws().sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions()
        .stream().filter(s -> s.protocol().equals(Protocol.sqs.name()) && s.endpoint().equals(queue.get())).findFirst().orElse(null));
    if (found.isEmpty() || !ResourceLoop.ownedBySelf(ctx, SnsTopicKind.tagsOf(ctx, topicArn).get(Tags.SERVICE))) {
      return List.of();
    }
    ctx.aws().sns().unsubscribe(r -> r.subscriptionArn(found.get().subscriptionArn()));
    return List.of(Revocation.ofQueue(queue.get(), "Unsubscribed the queue from topic " + topicArn, "it is subscribed again when the grant returns"));
  }

  /** The queue of a status entry of an sqs subscription, empty for other protocols and kinds. */
  public static Optional<String> queueOf(ManagedResource resource) {
    int slash = resource.name == null ? -1 : resource.name.indexOf('/');
    return KIND.equals(resource.kind) && slash >= 0 && resource.name.startsWith(Protocol.sqs + ":", slash + 1)
        ? Optional.of(endpoint(resource)) : Optional.empty();
  }

  /** Whether the entry records a subscription ARN: SNS confirmed the subscription. */
  private static boolean confirmed(ManagedResource resource) {
    return resource.id != null && resource.id.startsWith("arn:");
  }

  /** Whether the entry ({@code <topic>/<protocol>:<endpoint>}) subscribes a function of this service. */
  private static boolean lambda(ManagedResource resource) {
    return resource.name.startsWith(resource.name.substring(0, resource.name.indexOf('/')) + "/" + Protocol.lambda + ":");
  }

  private static String endpoint(ManagedResource resource) {
    return resource.name.substring(resource.name.indexOf(':') + 1);
  }
}
