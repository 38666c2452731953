package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

class LogGroupKindTest extends KindContractTest {

  private static final String USAGE = "/aws/lambda/nexus-prod-usage-handler";

  @Override
  protected KindHarness harness() {
    return new KindHarness(KindHarness.nexus(), new LogGroupKind());
  }

  private CloudWatchLogsClient logs() {
    return stack.raw().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(stack.status(kind())).hasSize(6);
    assertThat(group(USAGE).retentionInDays()).isEqualTo(30);
    assertThat(logs().listTagsForResource(r -> r.resourceArn(stack.status(kind()).get(0).id)).tags())
        .containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(new Edit("usage-handler", List.of("retentionInDays"), s -> KindHarness.function(s, "usage-handler").logRetentionDays = 7,
        List.of("PutRetentionPolicy"), () -> assertThat(group(USAGE).retentionInDays()).isEqualTo(7)));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("usage-handler", List.of("retentionInDays"), () -> logs().putRetentionPolicy(r -> r.logGroupName(USAGE).retentionInDays(1)),
            List.of("PutRetentionPolicy"), () -> assertThat(group(USAGE).retentionInDays()).isEqualTo(30)),
        new Drift("usage-handler", List.of("tags"), () -> logs().untagResource(r -> r.resourceArn(arn(USAGE)).tagKeys("team")),
            List.of("TagResource"), () -> assertThat(logs().listTagsForResource(r -> r.resourceArn(arn(USAGE))).tags()).containsEntry("team", "chat")));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Its one input, logRetentionDays, is checked by the CRD schema; moto 5.2.1 accepts any period, so AWS's refusal cannot be shown.
  }

  @Test
  void oneListingAndOneTagReadServeEveryGroupOfTheService() {
    stack.settle();
    stack.converge();

    // One listing serves the six groups, and one GetResources by the service's tag their tags.
    assertThat(stack.calls()).filteredOn("DescribeLogGroups"::equals).hasSize(1);
    assertThat(stack.calls()).filteredOn("GetResources"::equals).hasSize(1);
    assertThat(stack.calls()).doesNotContain("ListTagsForResource");
  }

  @Test
  void aGroupLambdaMadeItselfIsAdoptedWithRetentionAndTagsPutRight() {
    // Lambda makes its function's group, untagged, when it finds none: the service must say it may take it.
    stack.adopt("LogGroup");
    logs().createLogGroup(r -> r.logGroupName(USAGE));
    // A group whose name extends this one's must not be taken for it (DescribeLogGroups matches by prefix).
    logs().createLogGroup(r -> r.logGroupName(USAGE + "-old").tags(Map.of("keep", "me")));

    Result result = stack.converge();

    assertThat(result.outcomes()).filteredOn(o -> o.resource().name.equals("usage-handler")).singleElement()
        .extracting(Outcome::action).isEqualTo(Action.Adopted);
    assertThat(group(USAGE).retentionInDays()).isEqualTo(30);
    assertThat(group(USAGE + "-old").retentionInDays()).isNull();
  }

  private String arn(String name) {
    String arn = group(name).arn();
    return arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
  }

  private LogGroup group(String name) {
    List<LogGroup> groups = logs().describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups();
    return groups.stream().filter(g -> g.logGroupName().equals(name)).findFirst().orElseThrow();
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateLogGroup");
  }
}
