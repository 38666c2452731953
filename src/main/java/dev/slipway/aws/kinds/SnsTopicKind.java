package dev.slipway.aws.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

/**
 * An SNS topic ({@code <prefix>-<name>}, {@code .fifo} for FIFO topics) with its encryption and a
 * topic policy Slipway writes: the account itself, the AWS services the spec lets publish (from this
 * account only), and no publishing without TLS. Functions that name the topic get {@code
 * sns:Publish} on it and nothing else; subscriptions are {@link SnsSubscriptionKind}'s.
 */
public final class SnsTopicKind implements AwsResourceKind<SnsTopicKind.Desired, SnsTopicKind.Observed> {

  public static final String KIND = "SNSTopic";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of());
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> PUBLISH = List.of("sns:Publish");
  static final List<String> KMS_PUBLISH = List.of("kms:Decrypt", "kms:GenerateDataKey");
  // What the account may do with its own topic: the actions of SNS's default topic policy.
  private static final List<String> OWNER_ACTIONS =
      List.of("SNS:AddPermission", "SNS:DeleteTopic", "SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
          "SNS:RemovePermission", "SNS:SetTopicAttributes", "SNS:Subscribe");

  /** The topic as the spec wants it; {@code policy} is rendered once its ARN is known. */
  public record Desired(String name, String physicalName, String arn, boolean fifo, boolean contentBasedDeduplication, String kmsMasterKeyId, JsonNode policy)
      implements DesiredResource {}

  /** GetTopicAttributes' view of the topic, with its tags. */
  public record Observed(String arn, Map<String, String> attributes, Map<String, String> tags) {
    boolean contentBasedDeduplication() {
      return Boolean.parseBoolean(attributes.get("ContentBasedDeduplication"));
    }

    String kmsMasterKeyId() {
      String key = attributes.get("KmsMasterKeyId");
      return key == null || key.isEmpty() ? null : key;
    }

    JsonNode policy() {
      return parse(attributes.get("Policy"));
    }
  }

  /** The output key of a topic's ARN, which dependents and users read. */
  public static String arnOutput(String topic) {
    return "topic." + topic + ".arn";
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    return ctx.spec().topics.stream()
        .map(t -> new Planned<>(this, t.name, t.physicalName(ctx.prefix()), List.<String>of(), c -> desired(c, t)))
        .toList();
  }

  static Desired desired(StackContext ctx, TopicSpec t) {
    String physical = t.physicalName(ctx.prefix());
    PolicyStatement.Scope scope = ctx.scope();
    String arn = scope.arn("sns", physical);
    return new Desired(t.name, physical, arn, Boolean.TRUE.equals(t.fifo), Boolean.TRUE.equals(t.contentBasedDeduplication), t.kmsMasterKeyId,
        policy(scope, arn, t.allowPublishFrom));
  }

  /** The topic policy: the owning account, the named services from this account, TLS only. */
  static JsonNode policy(PolicyStatement.Scope scope, String arn, List<TopicSpec.Publisher> publishers) {
    String account = scope.account();
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    ObjectNode owner = statements.addObject().put("Sid", "Owner").put("Effect", "Allow");
    owner.putObject("Principal").put("AWS", "arn:" + scope.partition() + ":iam::" + account + ":root");
    strings(owner.putArray("Action"), OWNER_ACTIONS);
    owner.put("Resource", arn);
    owner.putObject("Condition").putObject("StringEquals").put("AWS:SourceOwner", account);
    for (TopicSpec.Publisher p : publishers.stream().distinct().sorted().toList()) {
      ObjectNode s = statements.addObject().put("Sid", "PublishFrom-" + p.name()).put("Effect", "Allow");
      s.putObject("Principal").put("Service", p.principal());
      s.put("Action", "SNS:Publish").put("Resource", arn);
      s.putObject("Condition").putObject("StringEquals").put("aws:SourceAccount", account);
    }
    ObjectNode tls = statements.addObject().put("Sid", "DenyInsecureTransport").put("Effect", "Deny").put("Principal", "*");
    tls.put("Action", "SNS:Publish").put("Resource", arn);
    tls.putObject("Condition").putObject("Bool").put("aws:SecureTransport", "false");
    return doc;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    SnsClient sns = ctx.aws().sns();
    // A topic that does not exist answers NotFound: absence, for the runtime.
    Map<String, String> attributes = sns.getTopicAttributes(r -> r.topicArn(d.arn())).attributes();
    return Optional.of(new Observed(d.arn(), attributes, tagsOf(ctx, d.arn())));
  }

  /** FIFO-ness, deduplication and the key at creation; the policy follows as a step. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (d.fifo()) {
      attributes.put("FifoTopic", "true");
      attributes.put("ContentBasedDeduplication", String.valueOf(d.contentBasedDeduplication()));
    }
    if (d.kmsMasterKeyId() != null) {
      attributes.put("KmsMasterKeyId", d.kmsMasterKeyId());
    }
    List<Tag> tags = ctx.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    ctx.aws().sns().createTopic(r -> r.name(d.physicalName()).attributes(attributes).tags(tags));
    return null;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    // FIFO-ness cannot change, but it need not be checked: it is part of the name (.fifo).
    List<Step> steps = new ArrayList<>();
    if (d.fifo() && d.contentBasedDeduplication() != o.contentBasedDeduplication()) {
      steps.add(attribute(ctx, d, "ContentBasedDeduplication", d.contentBasedDeduplication(), o.contentBasedDeduplication()));
    }
    if (!Objects.equals(d.kmsMasterKeyId(), o.kmsMasterKeyId())) {
      // An empty value turns encryption off.
      steps.add(attribute(ctx, d, "KmsMasterKeyId", d.kmsMasterKeyId() == null ? "" : d.kmsMasterKeyId(), o.kmsMasterKeyId()));
    }
    if (!d.policy().equals(o.policy())) {
      String document = d.policy().toString();
      steps.add(new Step("policy", "generated from spec", o.policy() == null ? "absent" : "changed",
          () -> ctx.aws().sns().setTopicAttributes(r -> r.topicArn(d.arn()).attributeName("Policy").attributeValue(document))));
    }
    return steps;
  }

  private static Step attribute(StackContext ctx, Desired d, String name, Object desired, Object observed) {
    return new Step(name, desired, observed,
        () -> ctx.aws().sns().setTopicAttributes(r -> r.topicArn(d.arn()).attributeName(name).attributeValue(String.valueOf(desired))));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    SnsClient sns = ctx.aws().sns();
    if (!remove.isEmpty()) {
      sns.untagResource(r -> r.resourceArn(o.arn()).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      sns.tagResource(r -> r.resourceArn(o.arn()).tags(set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.arn()).output(arnOutput(d.name()), o.arn()).build();
  }

  /** Deleting a topic deletes its subscriptions too. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(tagsOf(ctx, resource.id));
  }

  /** The tags of the topic with this ARN. */
  static Map<String, String> tagsOf(StackContext ctx, String topicArn) {
    return ctx.aws().sns().listTagsForResource(r -> r.resourceArn(topicArn)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.aws().sns().deleteTopic(r -> r.topicArn(resource.id));
  }

  /** {@code sns:Publish} on exactly the topics the function names, and the key of an encrypted one. */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<String> topics = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (FunctionSpec.NamedRef access : function.topics) {
      TopicSpec topic = declared(ctx, access.name, "function " + function.name);
      topics.add(arn(ctx, scope, topic));
      // A customer managed key must let the publisher encrypt; the AWS managed alias needs no grant.
      if (topic.kmsMasterKeyId != null && topic.kmsMasterKeyId.startsWith("arn:")) {
        keys.add(topic.kmsMasterKeyId);
      }
    }
    return PolicyStatement.withKeys("SNSPublish", PUBLISH, topics, KMS_PUBLISH, keys);
  }

  /** The topic spec.topics declares as {@code name}; naming an undeclared one is a spec error of {@code referrer}. */
  static TopicSpec declared(StackContext ctx, String name, String referrer) {
    return ctx.spec().topics.stream().filter(t -> t.name.equals(name)).findFirst()
        .orElseThrow(() -> SlipwayException.terminal(Reasons.INVALID_SPEC, referrer + " names topic " + name + ", which spec.topics does not declare"));
  }

  /** The ARN of a declared topic, known before the topic exists. */
  static String arn(StackContext ctx, PolicyStatement.Scope scope, TopicSpec topic) {
    return scope.arn("sns", topic.physicalName(ctx.prefix()));
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static JsonNode parse(String document) {
    if (document == null || document.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(document);
    } catch (IOException e) {
      throw SlipwayException.retryable("UnreadablePolicy", "cannot parse an SNS topic policy: " + e.getMessage());
    }
  }
}
