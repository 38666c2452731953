package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.api.v1alpha1.TopicSpec.Protocol;
import dev.slipway.api.v1alpha1.TopicSpec.Subscription;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

/** The SNS topic and subscription kinds against moto, over functions whose stage aliases exist. */
class SnsKindsTest {

  private static final List<AwsResourceKind<?, ?>> KINDS = List.of(new SnsTopicKind(), new SnsSubscriptionKind());
  private final ApiStackFixture stack = new ApiStackFixture();
  private final SnsClient sns = stack.aws.sns();
  private final String alerts = "arn:aws:sns:us-east-1:123456789012:" + stack.service + "-prod-alerts";

  @AfterEach
  void close() {
    stack.close();
  }

  private TopicSpec alertsTopic() {
    TopicSpec t = new TopicSpec();
    t.name = "alerts";
    t.allowPublishFrom.add(TopicSpec.Publisher.CLOUDWATCH);
    t.subscriptions.add(new Subscription(Protocol.email, "oncall@example.com"));
    t.subscriptions.add(new Subscription(Protocol.lambda, "usage-handler"));
    stack.spec.topics.add(t);
    return t;
  }

  @Test
  void createsTheTopicWithItsPolicyTagsAndSubscriptionsAndPublishesItsArn() throws Exception {
    alertsTopic();

    Result result = stack.converge(KINDS);

    assertThat(result.firstFailure()).isEmpty();
    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action()).containsExactly(
        "SNSTopic/alerts Created", "SNSSubscription/alerts/email:oncall@example.com Created", "SNSSubscription/alerts/lambda:usage-handler Created");
    assertThat(stack.outputs()).containsEntry("topic.alerts.arn", alerts);
    Map<String, String> tags = sns.listTagsForResource(r -> r.resourceArn(alerts)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    assertThat(tags).containsEntry(Tags.SERVICE, "chat." + stack.service).containsEntry("team", "chat");

    JsonNode policy = new ObjectMapper().readTree(sns.getTopicAttributes(r -> r.topicArn(alerts)).attributes().get("Policy"));
    assertThat(policy.toString()).contains("\"Service\":\"cloudwatch.amazonaws.com\"").contains("\"aws:SecureTransport\":\"false\"")
        .doesNotContain("\"AWS\":\"*\"");

    List<String> endpoints = new ArrayList<>();
    sns.listSubscriptionsByTopic(r -> r.topicArn(alerts)).subscriptions().forEach(s -> endpoints.add(s.protocol() + " " + s.endpoint()));
    assertThat(endpoints).containsExactlyInAnyOrder("email oncall@example.com", "lambda " + stack.aliasArn("usage-handler"));
    assertThat(snsGrants("usage-handler")).containsExactly(alerts);
  }

  @Test
  void aSecondConvergeMakesNoMutatingCallAndDriftIsRepairedWithOneCallEach() throws Exception {
    alertsTopic();
    stack.converge(KINDS);
    stack.resetCalls();

    assertThat(stack.converge(KINDS).outcomes()).extracting(Outcome::action).containsOnly(Action.Unchanged);
    assertThat(stack.mutatingCalls()).isEmpty();

    // Someone opens the topic to the world and removes the function's grant.
    sns.setTopicAttributes(r -> r.topicArn(alerts).attributeName("Policy").attributeValue(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"SNS:Publish\",\"Resource\":\"" + alerts + "\"}]}"));
    String policy = stack.aws.lambda().getPolicy(r -> r.functionName(stack.functionName("usage-handler")).qualifier("prod")).policy();
    String statementId = new ObjectMapper().readTree(policy).path("Statement").get(0).path("Sid").asText();
    stack.aws.lambda().removePermission(r -> r.functionName(stack.functionName("usage-handler")).qualifier("prod").statementId(statementId));
    stack.resetCalls();

    Result repaired = stack.converge(KINDS);

    assertThat(repaired.outcomes()).filteredOn(o -> o.action() == Action.Updated).extracting(o -> o.resource().key())
        .containsExactlyInAnyOrder("SNSTopic/alerts", "SNSSubscription/alerts/lambda:usage-handler");
    assertThat(stack.mutatingCalls()).containsExactlyInAnyOrder("SetTopicAttributes", "AddPermission");
    assertThat(snsGrants("usage-handler")).containsExactly(alerts);
  }

  @Test
  void aTopicTurnedFifoIsANewTopicUnderTheFifoName() {
    TopicSpec t = alertsTopic();
    stack.converge(KINDS);

    t.fifo = true;
    t.contentBasedDeduplication = true;
    t.subscriptions.clear();
    Result result = stack.converge(KINDS);

    assertThat(result.outcomes()).extracting(o -> o.resource().physicalName + " " + o.action()).containsExactly(stack.service + "-prod-alerts.fifo Created");
    assertThat(sns.getTopicAttributes(r -> r.topicArn(alerts + ".fifo")).attributes())
        .containsEntry("FifoTopic", "true").containsEntry("ContentBasedDeduplication", "true");
    assertThat(stack.outputs()).containsEntry("topic.alerts.arn", alerts + ".fifo");
  }

  @Test
  void aTopicTaggedForAnotherServiceIsRefusedAndItsSubscriptionsWait() {
    alertsTopic();
    sns.createTopic(r -> r.name(stack.service + "-prod-alerts").tags(Tag.builder().key(Tags.SERVICE).value("other.svc").build()));
    TopicSpec other = new TopicSpec();
    other.name = "deploys";
    stack.spec.topics.add(other);

    Result result = stack.converge(KINDS);

    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action()).containsExactly(
        "SNSTopic/alerts Failed", "SNSTopic/deploys Created",
        "SNSSubscription/alerts/email:oncall@example.com Blocked", "SNSSubscription/alerts/lambda:usage-handler Blocked");
    assertThat(result.outcomes().get(2).resource().message).isEqualTo("waiting for SNSTopic/alerts");
    assertThat(sns.listSubscriptionsByTopic(r -> r.topicArn(alerts)).subscriptions()).isEmpty();
  }

  @Test
  void deletionUnsubscribesTakesTheGrantBackAndDeletesTheTopic() {
    alertsTopic();
    stack.converge(KINDS);

    assertThat(stack.deleteAll(KINDS)).isEmpty();

    assertThat(sns.listTopics().topics()).noneMatch(t -> t.topicArn().equals(alerts));
    assertThat(snsGrants("usage-handler")).isEmpty();
  }

  @Test
  void aPublishingFunctionIsGrantedPublishOnExactlyItsTopicsAndTheirCustomerManagedKey() {
    TopicSpec t = alertsTopic();
    t.kmsMasterKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    TopicSpec other = new TopicSpec();
    other.name = "deploys";
    other.kmsMasterKeyId = "alias/aws/sns";
    stack.spec.topics.add(other);
    FunctionSpec f = stack.spec.functions.get(0);
    f.topics.add(new FunctionSpec.NamedRef("alerts"));
    f.topics.add(new FunctionSpec.NamedRef("deploys"));
    StackContext ctx = new StackContext(null, "chat", stack.service, stack.spec, List.of(), List.of());

    List<PolicyStatement> grants = new SnsTopicKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), f);

    assertThat(grants).containsExactly(
        new PolicyStatement("SNSPublish", List.of("sns:Publish"), List.of(alerts, "arn:aws:sns:us-east-1:123456789012:" + stack.service + "-prod-deploys")),
        new PolicyStatement("SNSPublishKms", List.of("kms:Decrypt", "kms:GenerateDataKey"), List.of(t.kmsMasterKeyId)));
    assertThat(new SnsTopicKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), stack.spec.functions.get(1))).isEmpty();
  }

  /** Source ARNs of the statements on the function's stage alias that let SNS invoke it. */
  private List<String> snsGrants(String function) {
    String policy;
    try {
      policy = stack.aws.lambda().getPolicy(r -> r.functionName(stack.functionName(function)).qualifier("prod")).policy();
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException none) {
      return List.of();
    }
    List<String> sources = new ArrayList<>();
    try {
      for (JsonNode s : new ObjectMapper().readTree(policy).path("Statement")) {
        if (s.path("Principal").path("Service").asText().equals("sns.amazonaws.com")) {
          sources.add(s.path("Condition").path("ArnLike").path("AWS:SourceArn").asText());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return sources;
  }
}
