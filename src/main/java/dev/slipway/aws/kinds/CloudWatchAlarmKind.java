package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.TaggedResources;
import dev.slipway.aws.Step;
import dev.slipway.aws.kinds.ServiceAlarms.Definition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * A CloudWatch metric alarm {@code <prefix>-<name>} of {@link ServiceAlarms}: the defaults of the
 * service's APIs, functions and tables and the user's own, notifying {@code monitoring.alarmTopic}.
 * PutMetricAlarm replaces the whole alarm, so all differing fields are put right with one call.
 */
public final class CloudWatchAlarmKind implements AwsResourceKind<CloudWatchAlarmKind.Desired, CloudWatchAlarmKind.Observed> {

  public static final String KIND = "CloudWatchAlarm";
  /** The Resource Groups Tagging API's type of an alarm. */
  private static final String TAGGING_TYPE = "cloudwatch:alarm";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SnsTopicKind.KIND, WebSocketApiKind.KIND));

  /** @param alarmActions the alarm topic's ARN, or nothing */
  public record Desired(String physicalName, Definition alarm, List<String> alarmActions) implements DesiredResource {}

  public record Observed(MetricAlarm alarm, Map<String, String> tags) {}

  /** The output key of an alarm's ARN. */
  public static String arnOutput(String alarm) {
    return "alarm." + alarm + ".arn";
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    String topic = ctx.spec().monitoring == null ? null : ctx.spec().monitoring.alarmTopic;
    return ServiceAlarms.of(ctx.serviceName(), ctx.spec()).stream().map(a -> {
      List<String> deps = new ArrayList<>(a.dependsOn());
      if (topic != null) {
        deps.add(Planned.key(SnsTopicKind.KIND, topic));
      }
      return new Planned<>(this, a.name(), ctx.physicalName(a.name()), deps, c -> desired(c, a, topic));
    }).toList();
  }

  private static Desired desired(StackContext ctx, Definition a, String topic) {
    Map<String, String> dimensions = new TreeMap<>(a.dimensions());
    dimensions.replaceAll((k, v) -> v.equals(ServiceAlarms.WEBSOCKET_API_ID) ? ctx.output(Outputs.WEBSOCKET_API_ID) : v);
    return new Desired(ctx.physicalName(a.name()), a.withDimensions(dimensions), topic == null ? List.of() : List.of(ctx.output(SnsTopicKind.arnOutput(topic))));
  }

  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    return ServiceAlarms.validate(spec);
  }

  private static String sharedKey(StackContext ctx) {
    return "alarms " + ctx.region() + " " + ctx.physicalName("");
  }

  /**
   * One DescribeAlarms (by the service's prefix) serves every alarm in a reconcile, and one
   * GetResources the tags of those that carry the service's tag; only an alarm it does not list has
   * its tags read by itself (DescribeAlarms carries none).
   */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return alarm(ctx, d.physicalName())
        .map(a -> new Observed(a, TaggedResources.of(ctx, TAGGING_TYPE, a.alarmArn(), () -> tagsOf(ctx, a.alarmArn()))));
  }

  private static Optional<MetricAlarm> alarm(StackContext ctx, String name) {
    CloudWatchClient cw = ctx.aws().cloudWatch();
    Map<String, MetricAlarm> alarms = ctx.sharedRead(sharedKey(ctx), () -> {
      Map<String, MetricAlarm> byName = new HashMap<>();
      cw.describeAlarmsPaginator(r -> r.alarmNamePrefix(ctx.physicalName(""))).metricAlarms().forEach(a -> byName.put(a.alarmName(), a));
      return byName;
    });
    return Optional.ofNullable(alarms.get(name));
  }

  private static Map<String, String> tagsOf(StackContext ctx, String arn) {
    return ctx.aws().cloudWatch().listTagsForResource(r -> r.resourceARN(arn)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  /** PutMetricAlarm answers nothing, and what it set is the whole alarm: returned as put, not read back. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    List<Tag> tags = ctx.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    return new Observed(put(ctx, d, tags), ctx.tags());
  }

  /** An update replaces the whole alarm with the desired one, and the tag step sets the service's tags. */
  @Override
  public Optional<Observed> afterSteps(StackContext ctx, Desired d, Observed o) {
    return Optional.of(new Observed(desiredAlarm(d, o.alarm().alarmArn()), ctx.tags()));
  }

  /** The alarm as {@code d} describes it, with the fields {@link #compare} reads. */
  private static MetricAlarm desiredAlarm(Desired d, String arn) {
    Definition a = d.alarm();
    return MetricAlarm.builder()
        .alarmName(d.physicalName())
        .alarmArn(arn)
        .alarmDescription(a.description())
        .namespace(a.namespace())
        .metricName(a.metricName())
        .dimensions(a.dimensions().entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
        .statistic(a.statistic())
        .extendedStatistic(a.extendedStatistic())
        .comparisonOperator(a.comparison().name())
        .threshold(a.threshold())
        .period(a.period())
        .evaluationPeriods(a.evaluationPeriods())
        .datapointsToAlarm(a.datapointsToAlarm())
        .treatMissingData(a.treatMissingData().name())
        .actionsEnabled(true)
        .alarmActions(d.alarmActions())
        .build();
  }

  /**
   * Puts the whole alarm and returns it as put. Tags are taken at creation only (an update ignores
   * them); the runtime's tag step keeps them after.
   */
  private static MetricAlarm put(StackContext ctx, Desired d, List<Tag> tags) {
    MetricAlarm m = desiredAlarm(d, ctx.scope().arn("cloudwatch", "alarm:" + d.physicalName()));
    PutMetricAlarmRequest.Builder r = PutMetricAlarmRequest.builder()
        .alarmName(m.alarmName())
        .alarmDescription(m.alarmDescription())
        .namespace(m.namespace())
        .metricName(m.metricName())
        .dimensions(m.dimensions())
        .statistic(m.statisticAsString())
        .extendedStatistic(m.extendedStatistic())
        .comparisonOperator(m.comparisonOperatorAsString())
        .threshold(m.threshold())
        .period(m.period())
        .evaluationPeriods(m.evaluationPeriods())
        .datapointsToAlarm(m.datapointsToAlarm())
        .treatMissingData(m.treatMissingData())
        .actionsEnabled(m.actionsEnabled())
        .alarmActions(m.alarmActions());
    if (!tags.isEmpty()) {
      r.tags(tags);
    }
    ctx.aws().cloudWatch().putMetricAlarm(r.build());
    return m;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Definition a = d.alarm();
    MetricAlarm m = o.alarm();
    Delta delta = Delta.builder()
        .compare("description", a.description(), m.alarmDescription())
        .compare("namespace", a.namespace(), m.namespace())
        .compare("metricName", a.metricName(), m.metricName())
        .compare("dimensions", a.dimensions(), m.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value, (x, y) -> y, TreeMap::new)))
        .compare("statistic", a.statistic(), m.statisticAsString())
        .compare("extendedStatistic", a.extendedStatistic(), m.extendedStatistic())
        .compare("comparison", a.comparison().name(), m.comparisonOperatorAsString())
        .compare("threshold", a.threshold(), m.threshold())
        .compare("period", a.period(), m.period())
        .compare("evaluationPeriods", a.evaluationPeriods(), m.evaluationPeriods())
        .compare("datapointsToAlarm", a.datapointsToAlarm(), m.datapointsToAlarm())
        .compare("treatMissingData", a.treatMissingData().name(), m.treatMissingData())
        .compare("actionsEnabled", true, m.actionsEnabled())
        .compare("alarmActions", d.alarmActions(), m.alarmActions())
        .build();
    return delta.isEmpty() ? List.of() : List.of(Step.of(delta, () -> put(ctx, d, List.of())));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    CloudWatchClient cw = ctx.aws().cloudWatch();
    String arn = o.alarm().alarmArn();
    if (!remove.isEmpty()) {
      cw.untagResource(r -> r.resourceARN(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      cw.tagResource(r -> r.resourceARN(arn).tags(set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.alarm().alarmArn()).output(arnOutput(d.alarm().name()), o.alarm().alarmArn()).build();
  }

  /** The alarm's own tags, never the shared GetResources: a deletion trusts only the resource. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return alarm(ctx, resource.physicalName).map(a -> tagsOf(ctx, a.alarmArn()));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.aws().cloudWatch().deleteAlarms(r -> r.alarmNames(resource.physicalName));
    ctx.forgetRead(sharedKey(ctx));
  }
}
