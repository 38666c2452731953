package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

class LogGroupKindTest {

  private final MotoStack stack = new MotoStack();
  private final Set<String> kinds = Set.of(LogGroupKind.KIND);
  private final CloudWatchLogsClient logs = stack.aws().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void createsEachFunctionsLogGroupWithRetentionAndTagsBeforeLambdaCan() {
    Result result = stack.converge(MotoStack.nexus(), kinds);

    assertThat(result.outcomes()).hasSize(6).extracting(Outcome::action).containsOnly(Action.Created);
    LogGroup group = group("/aws/lambda/nexus-prod-usage-handler");
    assertThat(group.retentionInDays()).isEqualTo(30);
    assertThat(logs.listTagsForResource(r -> r.resourceArn(result.outcomes().get(0).published().id())).tags())
        .containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
  }

  @Test
  void anUnchangedSpecMakesNoMutatingCallAndAChangedRetentionOneCall() {
    stack.converge(MotoStack.nexus(), kinds);
    assertThat(stack.converge(MotoStack.nexus(), kinds).outcomes()).extracting(Outcome::action).containsOnly(Action.Unchanged);
    assertThat(stack.mutatingOperations()).isEmpty();
    // One listing serves the six groups; only their tags are read one by one.
    assertThat(stack.operations()).filteredOn("DescribeLogGroups"::equals).hasSize(1);
    assertThat(stack.operations()).filteredOn("ListTagsForResource"::equals).hasSize(6);

    ServerlessServiceSpec spec = MotoStack.nexus();
    spec.functions.stream().filter(f -> f.name.equals("usage-handler")).findFirst().orElseThrow().logRetentionDays = 7;
    Result changed = stack.converge(spec, kinds);

    assertThat(stack.mutatingOperations()).containsExactly("PutRetentionPolicy");
    assertThat(changed.outcomes()).filteredOn(o -> o.action() == Action.Updated).singleElement()
        .satisfies(o -> assertThat(o.resource().message).isEqualTo("updated retentionInDays: 30 -> 7"));
    assertThat(group("/aws/lambda/nexus-prod-usage-handler").retentionInDays()).isEqualTo(7);
  }

  @Test
  void aGroupLambdaMadeItselfIsAdoptedWithRetentionAndTagsPutRight() {
    logs.createLogGroup(r -> r.logGroupName("/aws/lambda/nexus-prod-usage-handler"));
    // A group whose name extends this one's must not be taken for it (DescribeLogGroups matches by prefix).
    logs.createLogGroup(r -> r.logGroupName("/aws/lambda/nexus-prod-usage-handler-old").tags(Map.of("keep", "me")));

    Result result = stack.converge(MotoStack.nexus(), kinds);

    assertThat(result.outcomes()).filteredOn(o -> o.resource().name.equals("usage-handler")).singleElement()
        .extracting(Outcome::action).isEqualTo(Action.Adopted);
    assertThat(group("/aws/lambda/nexus-prod-usage-handler").retentionInDays()).isEqualTo(30);
    assertThat(group("/aws/lambda/nexus-prod-usage-handler-old").retentionInDays()).isNull();
  }

  @Test
  void deletingRemovesTheGroupsAndAGroupAlreadyGoneCountsAsDeleted() {
    stack.converge(MotoStack.nexus(), kinds);
    logs.deleteLogGroup(r -> r.logGroupName("/aws/lambda/nexus-prod-usage-handler"));

    assertThat(stack.deleteAll(Map.of(LogGroupKind.KIND, new LogGroupKind()))).isEmpty();

    assertThat(logs.describeLogGroups(r -> r.logGroupNamePrefix("/aws/lambda/nexus-prod")).logGroups()).isEmpty();
  }

  private LogGroup group(String name) {
    List<LogGroup> groups = logs.describeLogGroups(r -> r.logGroupNamePrefix(name)).logGroups();
    return groups.stream().filter(g -> g.logGroupName().equals(name)).findFirst().orElseThrow();
  }
}
