package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.AccessLogSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.TaggedResources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;

/**
 * The log group {@code /aws/lambda/<function>} of each function, created before the function so that
 * Lambda never creates it itself with unlimited retention; retention from {@code logRetentionDays}.
 * It offers its function the right to write its own logs, and nothing else. Also the access log
 * group of each API stage that declares one ({@link ApiAccessLogs}).
 */
public final class LogGroupKind implements AwsResourceKind<LogGroupKind.Desired, LogGroupKind.Observed> {

  public static final String KIND = "LogGroup";
  /** The Resource Groups Tagging API's name of the service (its type of a group is log-group, which emulators spell otherwise). */
  private static final String TAGGING_TYPE = "logs";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of());
  static final List<String> LOGS = List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents");

  public record Desired(String physicalName, int retentionDays) implements DesiredResource {}

  public record Observed(LogGroup group, Map<String, String> tags) {}

  /** The group Lambda writes the function's logs to. */
  static String groupName(StackContext ctx, String function) {
    return "/aws/lambda/" + ctx.physicalName(function);
  }

  /** What the names of every function's group of the service start with, or of its APIs' access log groups. */
  private static String groupPrefix(StackContext ctx, String name) {
    return (name.startsWith(ApiAccessLogs.PREFIX) ? ApiAccessLogs.PREFIX : "/aws/lambda/") + ctx.physicalName("");
  }

  private static CloudWatchLogsClient logs(StackContext ctx) {
    return ctx.aws().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    List<Planned<Desired, Observed>> planned = new ArrayList<>(ctx.spec().functions.stream()
        .map(f -> new Planned<>(this, f.name, groupName(ctx, f.name), List.<String>of(), c -> new Desired(groupName(c, f.name), f.logRetentionDays)))
        .toList());
    if (ctx.spec().restApi != null) {
      accessLog(ctx, ctx.spec().restApi.accessLog, ApiAccessLogs.Api.REST).ifPresent(planned::add);
    }
    if (ctx.spec().webSocketApi != null) {
      accessLog(ctx, ctx.spec().webSocketApi.accessLog, ApiAccessLogs.Api.WEBSOCKET).ifPresent(planned::add);
    }
    return planned;
  }

  /** The group an API stage writes its access log to, when it declares one. */
  private Optional<Planned<Desired, Observed>> accessLog(StackContext ctx, AccessLogSpec spec, ApiAccessLogs.Api api) {
    return Optional.ofNullable(spec).map(s -> new Planned<>(this, api.logical, api.groupName(ctx), List.<String>of(),
        c -> new Desired(api.groupName(c), ApiAccessLogs.retentionDays(s))));
  }

  /**
   * One DescribeLogGroups (by the service's prefix) serves every function's group in a reconcile,
   * and one GetResources the tags of those that carry the service's tag; only a group it does not
   * list has its tags read by itself.
   */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return group(ctx, d.physicalName())
        .map(g -> new Observed(g, TaggedResources.of(ctx, TAGGING_TYPE, taggable(g.arn()), () -> tagsOf(ctx, g))));
  }

  private static Optional<LogGroup> group(StackContext ctx, String name) {
    String prefix = groupPrefix(ctx, name);
    Map<String, LogGroup> groups = ctx.sharedRead("log groups " + ctx.region() + " " + prefix, () -> {
      Map<String, LogGroup> byName = new java.util.HashMap<>();
      logs(ctx).describeLogGroupsPaginator(r -> r.logGroupNamePrefix(prefix)).logGroups().forEach(g -> byName.put(g.logGroupName(), g));
      return byName;
    });
    // The prefix also matches other names that start the same: keep the exact name only.
    return Optional.ofNullable(groups.get(name));
  }

  private static Map<String, String> tagsOf(StackContext ctx, LogGroup g) {
    return logs(ctx).listTagsForResource(r -> r.resourceArn(taggable(g.arn()))).tags();
  }

  /** CreateLogGroup answers nothing: the group is returned as made (no retention yet), not read back. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    logs(ctx).createLogGroup(r -> r.logGroupName(d.physicalName()).tags(ctx.tags()));
    String arn = ctx.scope().arn("logs", "log-group:" + d.physicalName());
    return new Observed(LogGroup.builder().logGroupName(d.physicalName()).arn(arn).build(), ctx.tags());
  }

  /** The one step sets the retention, the tag step the service's tags. */
  @Override
  public Optional<Observed> afterSteps(StackContext ctx, Desired d, Observed o) {
    return Optional.of(new Observed(o.group().toBuilder().retentionInDays(d.retentionDays()).build(), ctx.tags()));
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    Integer retention = o.group().retentionInDays();
    if (retention == null || retention != d.retentionDays()) {
      steps.add(new Step("retentionInDays", d.retentionDays(), retention,
          () -> logs(ctx).putRetentionPolicy(r -> r.logGroupName(d.physicalName()).retentionInDays(d.retentionDays()))));
    }
    return steps;
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    String arn = taggable(o.group().arn());
    if (!remove.isEmpty()) {
      logs(ctx).untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      logs(ctx).tagResource(r -> r.resourceArn(arn).tags(set));
    }
  }

  /** DescribeLogGroups reports the ARN with a trailing {@code :*}; the tagging API wants it without. */
  private static String taggable(String arn) {
    return arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(taggable(o.group().arn())).build();
  }

  /** The group's own tags, never the shared GetResources: a deletion trusts only the resource. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    // The one listing of the service's groups serves every deletion.
    return group(ctx, resource.physicalName).map(g -> tagsOf(ctx, g));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    logs(ctx).deleteLogGroup(r -> r.logGroupName(resource.physicalName));
  }

  /** The function's own log group; {@code :*} covers its streams. */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    return List.of(new PolicyStatement("Logs", LOGS, List.of(scope.arn("logs", "log-group:" + groupName(ctx, function.name) + ":*"))));
  }
}
