package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

class SnsTopicKindTest extends KindContractTest {

  static final String ALERTS = "arn:aws:sns:us-east-1:123456789012:nexus-prod-alerts";

  private SnsClient sns;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withAlerts(), new SnsTopicKind());
    sns = harness.raw().sns();
    return harness;
  }

  /** The nexus service with an alerts topic CloudWatch publishes to, an email and a function subscribed. */
  static ServerlessServiceSpec withAlerts() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    TopicSpec t = new TopicSpec();
    t.name = "alerts";
    t.allowPublishFrom.add(TopicSpec.Publisher.CLOUDWATCH);
    t.subscriptions.add(new TopicSpec.Subscription(TopicSpec.Protocol.email, "oncall@example.com"));
    t.subscriptions.add(new TopicSpec.Subscription(TopicSpec.Protocol.lambda, "usage-handler"));
    spec.topics.add(t);
    return spec;
  }

  @Override
  protected void assertDeclaredShape() throws Exception {
    assertThat(stack.context().outputs()).containsEntry("topic.alerts.arn", ALERTS);
    Map<String, String> tags = sns.listTagsForResource(r -> r.resourceArn(ALERTS)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    assertThat(tags).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    assertThat(policy()).contains("\"Service\":\"cloudwatch.amazonaws.com\"").contains("\"aws:SecureTransport\":\"false\"").doesNotContain("\"AWS\":\"*\"");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(new Edit("alerts", List.of("policy"), s -> s.topics.get(0).allowPublishFrom.add(TopicSpec.Publisher.EVENTBRIDGE),
        List.of("SetTopicAttributes"), () -> assertThat(policy()).contains("\"Service\":\"events.amazonaws.com\"")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone opens the topic to the world.
    return List.of(new Drift("alerts", List.of("policy"), () -> sns.setTopicAttributes(r -> r.topicArn(ALERTS).attributeName("Policy").attributeValue(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"SNS:Publish\",\"Resource\":\"" + ALERTS + "\"}]}")),
        List.of("SetTopicAttributes"), () -> assertThat(policy()).doesNotContain("\"AWS\":\"*\"")));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Every topic field is checked by the CRD schema (name pattern, FIFO-only fields); the kind has nothing left to refuse.
  }

  @Test
  void aTopicTurnedFifoIsANewTopicUnderTheFifoName() {
    stack.settle();
    TopicSpec t = stack.spec().topics.get(0);
    t.fifo = true;
    t.contentBasedDeduplication = true;
    t.subscriptions.clear();

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().physicalName + " " + o.action()).containsExactly("nexus-prod-alerts.fifo Created");
    assertThat(sns.getTopicAttributes(r -> r.topicArn(ALERTS + ".fifo")).attributes())
        .containsEntry("FifoTopic", "true").containsEntry("ContentBasedDeduplication", "true");
    assertThat(stack.context().outputs()).containsEntry("topic.alerts.arn", ALERTS + ".fifo");
  }

  @Test
  void aPublishingFunctionIsGrantedPublishOnExactlyItsTopicsAndTheirCustomerManagedKey() {
    ServerlessServiceSpec spec = stack.spec();
    TopicSpec t = spec.topics.get(0);
    t.kmsMasterKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    TopicSpec other = new TopicSpec();
    other.name = "deploys";
    other.kmsMasterKeyId = "alias/aws/sns";
    spec.topics.add(other);
    FunctionSpec f = spec.functions.get(0);
    f.topics.add(new FunctionSpec.NamedRef("alerts"));
    f.topics.add(new FunctionSpec.NamedRef("deploys"));
    StackContext ctx = new StackContext(null, KindHarness.NAMESPACE, KindHarness.SERVICE, spec, List.of(), List.of());

    List<PolicyStatement> grants = new SnsTopicKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), f);

    assertThat(grants).containsExactly(
        new PolicyStatement("SNSPublish", List.of("sns:Publish"), List.of(ALERTS, "arn:aws:sns:us-east-1:123456789012:nexus-prod-deploys")),
        new PolicyStatement("SNSPublishKms", List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(t.kmsMasterKeyId)));
    assertThat(new SnsTopicKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), spec.functions.get(1))).isEmpty();
  }

  private String policy() {
    return sns.getTopicAttributes(r -> r.topicArn(ALERTS)).attributes().get("Policy").replace(" ", "");
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateTopic");
  }
}
