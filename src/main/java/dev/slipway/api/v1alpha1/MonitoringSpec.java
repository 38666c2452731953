package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch alarms and a dashboard for the service: default alarms derived from what the spec
 * declares, each adjustable or switched off by its logical name, and alarms of the user's own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.alarms) || self.alarms.all(a, self.alarms.exists_one(b, b.name == a.name))",
    message = "monitoring.alarms names must be unique",
    reason = "FieldValueInvalid")
public class MonitoringSpec {

  @Size(max = 64)
  @JsonPropertyDescription(
      "Name of a topic in spec.topics that every alarm notifies when it goes into ALARM (the topic should allow"
          + " publishing from cloudwatch.amazonaws.com). Absent means alarms notify nobody.")
  public String alarmTopic;

  @Size(max = 200)
  @JsonPropertyDescription(
      "Changes to the default alarms, by logical name: api-5xx and api-p99-latency (with a REST API), websocket-errors"
          + " (with a WebSocket API), <function>-errors, <function>-throttles and <function>-p99-duration per function,"
          + " <table>-read-throttles and <table>-write-throttles per table. Each default alarm is named <namePrefix>-<logical name>.")
  public Map<String, DefaultAlarm> defaultAlarms = new LinkedHashMap<>();

  @Size(max = 50)
  @JsonPropertyDescription("Further alarms on any CloudWatch metric, each named <namePrefix>-<name>.")
  public List<Alarm> alarms = new ArrayList<>();

  @JsonPropertyDescription(
      "Generate a CloudWatch dashboard <namePrefix> showing every function, API and table of the service. Default true.")
  public Boolean dashboard;

  /** Whether the service wants its dashboard. */
  public boolean dashboardEnabled() {
    return !Boolean.FALSE.equals(dashboard);
  }

  /** What may be changed of a default alarm; unset fields keep the default. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DefaultAlarm {
    @JsonPropertyDescription("false removes this default alarm (and deletes it if it exists). Default true.")
    public Boolean enabled;

    @JsonPropertyDescription("The threshold the statistic is compared with, in the metric's unit (a ratio 0 to 1 for api-5xx, milliseconds for latency and duration, a count otherwise).")
    public Double threshold;

    @JsonPropertyDescription("Seconds per datapoint: 10, 30 or a multiple of 60.")
    @ValidationRule(value = "self in [10, 30] || self % 60 == 0", message = "period must be 10, 30 or a multiple of 60", reason = "FieldValueInvalid")
    @Min(10)
    @Max(86400)
    public Integer period;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Datapoints looked at for each evaluation.")
    public Integer evaluationPeriods;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Datapoints among evaluationPeriods that must breach to go into ALARM (M out of N); at most evaluationPeriods.")
    public Integer datapointsToAlarm;

    public boolean disabled() {
      return Boolean.FALSE.equals(enabled);
    }
  }

  /** An alarm of the user's own on one metric. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.statistic) != has(self.extendedStatistic)",
      message = "an alarm needs exactly one of statistic and extendedStatistic",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!has(self.datapointsToAlarm) || self.datapointsToAlarm <= self.evaluationPeriods",
      message = "datapointsToAlarm cannot exceed evaluationPeriods",
      reason = "FieldValueInvalid")
  public static class Alarm {
    @Required
    @Size(max = 64)
    @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_-]*$")
    @JsonPropertyDescription("Logical name, unique among the service's alarms (default ones included); the alarm is <namePrefix>-<name>.")
    public String name;

    @Size(max = 1024)
    @JsonPropertyDescription("The alarm's description.")
    public String description;

    @Required
    @Size(min = 1, max = 255)
    @JsonPropertyDescription("Metric namespace, for example AWS/Lambda or a custom one.")
    public String namespace;

    @Required
    @Size(min = 1, max = 255)
    @JsonPropertyDescription("Metric name, for example Errors.")
    public String metricName;

    @Size(max = 30)
    @JsonPropertyDescription("Metric dimensions, name to value, for example FunctionName: nexus-prod-usage-handler.")
    public Map<String, String> dimensions = new LinkedHashMap<>();

    @JsonPropertyDescription("Statistic: SampleCount, Average, Sum, Minimum or Maximum. Exactly one of statistic and extendedStatistic.")
    public Statistic statistic;

    @Pattern("^p(100|[0-9]{1,2}(\\.[0-9]{1,2})?)$")
    @JsonPropertyDescription("A percentile such as p99 or p99.9. Exactly one of statistic and extendedStatistic.")
    public String extendedStatistic;

    @Required
    @JsonPropertyDescription("How the statistic is compared with the threshold.")
    public Comparison comparison;

    @Required
    @JsonPropertyDescription("The threshold, in the metric's unit.")
    public Double threshold;

    @ValidationRule(value = "self in [10, 30] || self % 60 == 0", message = "period must be 10, 30 or a multiple of 60", reason = "FieldValueInvalid")
    @Min(10)
    @Max(86400)
    @JsonPropertyDescription("Seconds per datapoint: 10, 30 or a multiple of 60. Default 60.")
    public Integer period = 60;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Datapoints looked at for each evaluation. Default 1.")
    public Integer evaluationPeriods = 1;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Datapoints among evaluationPeriods that must breach (M out of N). Default: evaluationPeriods.")
    public Integer datapointsToAlarm;

    @JsonPropertyDescription("What missing datapoints count as: missing, notBreaching, breaching or ignore. Default missing.")
    public TreatMissingData treatMissingData;
  }

  /** CloudWatch's simple statistics. */
  public enum Statistic {
    SampleCount,
    Average,
    Sum,
    Minimum,
    Maximum
  }

  /** CloudWatch's static-threshold comparisons. */
  public enum Comparison {
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold
  }

  /** How an alarm treats missing datapoints. */
  public enum TreatMissingData {
    missing,
    notBreaching,
    breaching,
    ignore
  }
}
