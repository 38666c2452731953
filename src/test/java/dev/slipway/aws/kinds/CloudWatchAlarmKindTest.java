package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.MonitoringSpec;
import dev.slipway.api.v1alpha1.MonitoringSpec.Comparison;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

class CloudWatchAlarmKindTest extends KindContractTest {

  static final String ALERTS = "arn:aws:sns:us-east-1:123456789012:nexus-prod-alerts";

  private CloudWatchClient cw;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(small(), new SnsTopicKind(), new CloudWatchAlarmKind());
    cw = harness.raw().cloudWatch();
    return harness;
  }

  /** A small service: one function behind a REST API, one table, an alerts topic, and one alarm of its own. */
  static ServerlessServiceSpec small() {
    return Serialization.unmarshal("""
        stage: prod
        region: us-east-1
        tags: { team: chat }
        tables:
          - name: orders
            partitionKey: { name: id, type: S }
        functions:
          - { name: worker, runtime: python3.12, handler: handler.handler, timeoutSeconds: 10 }
        topics:
          - { name: alerts, allowPublishFrom: [cloudwatch.amazonaws.com] }
        restApi:
          stageName: prod
          routes:
            - { path: /orders, methods: [GET], function: worker }
        monitoring:
          alarmTopic: alerts
          alarms:
            - name: queue-depth
              namespace: Nexus/Queues
              metricName: Depth
              dimensions: { Queue: orders }
              statistic: Maximum
              comparison: GreaterThanThreshold
              threshold: 100
        """, ServerlessServiceSpec.class);
  }

  @Override
  protected void assertDeclaredShape() {
    Map<String, MetricAlarm> alarms = alarms();
    assertThat(alarms).containsOnlyKeys("nexus-prod-api-5xx", "nexus-prod-api-p99-latency", "nexus-prod-worker-errors", "nexus-prod-worker-throttles",
        "nexus-prod-worker-p99-duration", "nexus-prod-orders-read-throttles", "nexus-prod-orders-write-throttles", "nexus-prod-queue-depth");
    assertThat(alarms.values()).allSatisfy(a -> {
      assertThat(a.alarmActions()).as(a.alarmName()).containsExactly(ALERTS);
      assertThat(tags(a.alarmArn())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    });
    assertThat(alarms).extractingFromEntries(e -> e.getKey() + " " + e.getValue().metricName() + " " + e.getValue().threshold())
        .containsExactlyInAnyOrder(
            "nexus-prod-api-5xx 5XXError 0.05",
            "nexus-prod-api-p99-latency Latency 3000.0",
            "nexus-prod-worker-errors Errors 5.0",
            "nexus-prod-worker-throttles Throttles 1.0",
            "nexus-prod-worker-p99-duration Duration 8000.0",     // 80 % of the 10 s timeout
            "nexus-prod-orders-read-throttles ReadThrottleEvents 1.0",
            "nexus-prod-orders-write-throttles WriteThrottleEvents 1.0",
            "nexus-prod-queue-depth Depth 100.0");
    MetricAlarm api = alarms.get("nexus-prod-api-5xx");
    assertThat(api.dimensions()).extracting(d -> d.name() + "=" + d.value()).containsExactlyInAnyOrder("ApiName=nexus-prod-api", "Stage=prod");
    assertThat(api.statisticAsString()).isEqualTo("Average");
    assertThat(alarms.get("nexus-prod-worker-p99-duration").extendedStatistic()).isEqualTo("p99");
    assertThat(alarms.get("nexus-prod-worker-errors").dimensions()).extracting(d -> d.value()).containsExactly("nexus-prod-worker");
    assertThat(stack.context().outputs()).containsEntry("alarm.api-5xx.arn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:nexus-prod-api-5xx");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("api-5xx", List.of("threshold"), s -> override(s, "api-5xx").threshold = 0.02, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("api-5xx").threshold()).isEqualTo(0.02)),
        new Edit("worker-errors", List.of("period"), s -> override(s, "worker-errors").period = 300, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("worker-errors").period()).isEqualTo(300)),
        new Edit("worker-throttles", List.of("evaluationPeriods"), s -> override(s, "worker-throttles").evaluationPeriods = 10, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("worker-throttles").evaluationPeriods()).isEqualTo(10)),
        new Edit("orders-read-throttles", List.of("datapointsToAlarm"), s -> override(s, "orders-read-throttles").datapointsToAlarm = 1, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("orders-read-throttles").datapointsToAlarm()).isEqualTo(1)),
        new Edit("queue-depth", List.of("comparison"), s -> own(s).comparison = Comparison.GreaterThanOrEqualToThreshold, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("queue-depth").comparisonOperatorAsString()).isEqualTo("GreaterThanOrEqualToThreshold")),
        new Edit("queue-depth", List.of("statistic", "extendedStatistic"), s -> {
          own(s).statistic = null;
          own(s).extendedStatistic = "p90";
        }, List.of("PutMetricAlarm"), () -> assertThat(alarm("queue-depth").extendedStatistic()).isEqualTo("p90")),
        new Edit("queue-depth", List.of("dimensions"), s -> own(s).dimensions.put("Queue", "invoices"), List.of("PutMetricAlarm"),
            () -> assertThat(alarm("queue-depth").dimensions()).extracting(d -> d.value()).containsExactly("invoices")),
        new Edit("queue-depth", List.of("treatMissingData"), s -> own(s).treatMissingData = MonitoringSpec.TreatMissingData.breaching, List.of("PutMetricAlarm"),
            () -> assertThat(alarm("queue-depth").treatMissingData()).isEqualTo("breaching")));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone raises a threshold and removes the action by hand: one PutMetricAlarm puts both back.
        new Drift("worker-errors", List.of("threshold", "alarmActions"), () -> cw.putMetricAlarm(r -> r.alarmName("nexus-prod-worker-errors")
            .namespace("AWS/Lambda").metricName("Errors").dimensions(d -> d.name("FunctionName").value("nexus-prod-worker")).statistic("Sum")
            .comparisonOperator("GreaterThanOrEqualToThreshold").threshold(500.0).period(60).evaluationPeriods(5).datapointsToAlarm(3)
            .treatMissingData("notBreaching").alarmDescription("Invocations of worker that failed").actionsEnabled(true)),
            List.of("PutMetricAlarm"), () -> assertThat(alarm("worker-errors").alarmActions()).containsExactly(ALERTS)),
        new Drift("worker-errors", List.of("tags"), () -> cw.untagResource(r -> r.resourceARN(alarm("worker-errors").alarmArn()).tagKeys("team")),
            List.of("TagResource"), () -> assertThat(tags(alarm("worker-errors").alarmArn())).containsEntry("team", "chat")));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> own(s).name = "worker-errors", "alarm worker-errors is declared twice"),
        Invalid.atValidation(s -> override(s, "api-5xx").datapointsToAlarm = 6, "alarm api-5xx has datapointsToAlarm 6 above its evaluationPeriods 5"));
  }

  @Test
  void aDisabledDefaultIsAbsentAndIsDeletedWhenDisabledLater() {
    override(stack.spec(), "worker-throttles").enabled = false;
    stack.settle();
    assertThat(alarms()).doesNotContainKey("nexus-prod-worker-throttles").containsKey("nexus-prod-worker-errors");

    var before = stack.status();
    override(stack.spec(), "worker-errors").enabled = false;
    stack.settle();

    assertThat(stack.deleteDropped(before)).as("delete failures").isEmpty();
    assertThat(stack.events).containsExactly("Deleted: Deleted CloudWatchAlarm nexus-prod-worker-errors");
    assertThat(alarms()).doesNotContainKeys("nexus-prod-worker-errors", "nexus-prod-worker-throttles").containsKey("nexus-prod-api-5xx");
  }

  @Test
  void withoutAnAlarmTopicAlarmsNotifyNobody() {
    stack.spec().monitoring.alarmTopic = null;
    stack.settle();

    assertThat(alarms().values()).isNotEmpty().allSatisfy(a -> assertThat(a.alarmActions()).isEmpty());
  }

  @Test
  void oneListingAndOneTagReadServeEveryAlarmOfTheService() {
    stack.settle();
    stack.converge();

    assertThat(stack.calls()).filteredOn("DescribeAlarms"::equals).hasSize(1);
    // The tags of all eight come with one GetResources by the service's tag, none alarm by alarm.
    assertThat(stack.calls()).filteredOn("GetResources"::equals).hasSize(1);
    assertThat(stack.recorder.calls()).filteredOn(c -> c.service().equals("CloudWatch")).extracting(c -> c.operation()).doesNotContain("ListTagsForResource");
  }

  private static MonitoringSpec.DefaultAlarm override(ServerlessServiceSpec s, String name) {
    return s.monitoring.defaultAlarms.computeIfAbsent(name, n -> new MonitoringSpec.DefaultAlarm());
  }

  private static MonitoringSpec.Alarm own(ServerlessServiceSpec s) {
    return s.monitoring.alarms.get(0);
  }

  private MetricAlarm alarm(String logical) {
    return alarms().get("nexus-prod-" + logical);
  }

  private Map<String, MetricAlarm> alarms() {
    return cw.describeAlarms(r -> r.alarmNamePrefix("nexus-prod-")).metricAlarms().stream().collect(Collectors.toMap(MetricAlarm::alarmName, a -> a));
  }

  private Map<String, String> tags(String arn) {
    return cw.listTagsForResource(r -> r.resourceARN(arn)).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("PutMetricAlarm");
  }
}
