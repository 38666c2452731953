package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Tag;

/** Subscriptions of the alerts topic, over the function fixture's usage-handler. */
class SnsSubscriptionKindTest extends KindContractTest {

  private static final String ALERTS = SnsTopicKindTest.ALERTS;

  private SnsClient sns;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(SnsTopicKindTest.withAlerts(), new SnsTopicKind(), new SnsSubscriptionKind());
    harness.deployFunctions();
    sns = harness.raw().sns();
    return harness;
  }

  @Override
  protected void assertDeclaredShape() throws IOException {
    List<String> endpoints = new ArrayList<>();
    sns.listSubscriptionsByTopic(r -> r.topicArn(ALERTS)).subscriptions().forEach(s -> endpoints.add(s.protocol() + " " + s.endpoint()));
    assertThat(endpoints).containsExactlyInAnyOrder("email oncall@example.com", "lambda " + stack.aliasArn("usage-handler"));
    assertThat(snsGrants("usage-handler")).containsExactly(ALERTS);
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // A subscription has no field to edit: its topic, protocol and endpoint are its identity, so a change is another subscription.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("alerts/lambda:usage-handler", List.of("permission"), () -> {
      String function = stack.physicalName("usage-handler");
      String policy = stack.raw().lambda().getPolicy(r -> r.functionName(function).qualifier("prod")).policy();
      String statementId = new ObjectMapper().readTree(policy).path("Statement").get(0).path("Sid").asText();
      stack.raw().lambda().removePermission(r -> r.functionName(function).qualifier("prod").statementId(statementId));
    }, List.of("AddPermission"), () -> assertThat(snsGrants("usage-handler")).containsExactly(ALERTS)));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atValidation(s -> s.topics.get(0).subscriptions.add(new TopicSpec.Subscription(TopicSpec.Protocol.lambda, "billing")),
        "topic alerts subscribes function billing, which spec.functions does not declare"));
  }

  /** Subscriptions carry no tags (PARENT-owned): the topic's refusal holds them back instead, untouched. */
  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() {
    sns.createTopic(r -> r.name("nexus-prod-alerts").tags(Tag.builder().key(Tags.SERVICE).value(OTHER_SERVICE).build()));

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action()).containsExactly(
        "SNSTopic/alerts Failed", "SNSSubscription/alerts/email:oncall@example.com Blocked", "SNSSubscription/alerts/lambda:usage-handler Blocked");
    assertThat(result.outcomes().get(1).resource().message).isEqualTo("waiting for SNSTopic/alerts");
    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(sns.listSubscriptionsByTopic(r -> r.topicArn(ALERTS)).subscriptions()).isEmpty();
  }

  /** Subscriptions carry no tags (PARENT-owned): an untagged topic holds them back, untouched, until it is adopted. */
  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() {
    sns.createTopic(r -> r.name("nexus-prod-alerts"));

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action()).containsExactly(
        "SNSTopic/alerts Failed", "SNSSubscription/alerts/email:oncall@example.com Blocked", "SNSSubscription/alerts/lambda:usage-handler Blocked");
    assertThat(result.outcomes().get(0).resource().message).startsWith(Reasons.NOT_OWNED + ": ");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  /** The annotation names the topic's kind: the topic is taken over, and its subscriptions follow it. */
  @Override
  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {
    sns.createTopic(r -> r.name("nexus-prod-alerts"));
    stack.adopt(SnsTopicKind.KIND);

    Result result = stack.settle();

    assertThat(result.complete()).isTrue();
    assertThat(stack.outcomes()).filteredOn(o -> o.resource().kind.equals(SnsTopicKind.KIND)).extracting(Outcome::action).contains(Action.Adopted);
    assertSecondPassMutatesNothing();
  }

  /** Subscriptions carry no tags: their topic's tags decide, so a topic retagged for another service keeps them. */
  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() {
    stack.settle();
    List<String> subscriptions = stack.status(SnsSubscriptionKind.KIND).stream().map(r -> r.physicalName).toList();
    sns.tagResource(r -> r.resourceArn(ALERTS).tags(Tag.builder().key(Tags.SERVICE).value(OTHER_SERVICE).build()));

    assertThat(stack.delete()).isEmpty();

    subscriptions.forEach(name -> assertThat(stack.events).anyMatch(e -> e.startsWith(Reasons.NOT_OWNED + ": Not deleting SNSSubscription " + name + ": ")));
    assertThat(sns.listSubscriptionsByTopic(r -> r.topicArn(ALERTS)).subscriptions()).isNotEmpty();
  }

  @Test
  void deletionTakesTheGrantBack() throws IOException {
    stack.settle();

    assertThat(stack.delete()).isEmpty();

    assertThat(sns.listTopics().topics()).noneMatch(t -> t.topicArn().equals(ALERTS));
    assertThat(snsGrants("usage-handler")).isEmpty();
  }

  private List<String> snsGrants(String function) throws IOException {
    return stack.grantedSources(function, LambdaInvokePermissions.SNS);
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("Subscribe");
  }
}
