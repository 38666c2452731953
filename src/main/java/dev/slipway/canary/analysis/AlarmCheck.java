package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * Named CloudWatch alarms (metric or composite): any in ALARM fails; otherwise any with
 * INSUFFICIENT_DATA, or missing, is inconclusive. The value is the number of alarms in ALARM.
 */
final class AlarmCheck implements MetricCheck {

  private final String name;
  private final CloudWatchClient cloudWatch;
  private final List<String> alarms;

  AlarmCheck(String name, CloudWatchClient cloudWatch, List<String> alarms) {
    this.name = name;
    this.cloudWatch = cloudWatch;
    this.alarms = List.copyOf(alarms);
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    DescribeAlarmsResponse r = cloudWatch.describeAlarms(b -> b.alarmNames(alarms));
    Map<String, StateValue> states = new LinkedHashMap<>();
    r.metricAlarms().forEach(a -> states.put(a.alarmName(), a.stateValue()));
    r.compositeAlarms().forEach(a -> states.put(a.alarmName(), a.stateValue()));
    List<String> firing = names(states, StateValue.ALARM);
    String threshold = "0 in ALARM";
    if (!firing.isEmpty()) {
      return result(name, Verdict.Fail, (double) firing.size(), threshold, "in ALARM: " + String.join(", ", firing));
    }
    List<String> missing = alarms.stream().filter(a -> !states.containsKey(a)).toList();
    if (!missing.isEmpty()) {
      return result(name, Verdict.Inconclusive, 0.0, threshold, "no such alarm: " + String.join(", ", missing));
    }
    List<String> unknown = names(states, StateValue.INSUFFICIENT_DATA);
    if (!unknown.isEmpty()) {
      return result(name, Verdict.Inconclusive, 0.0, threshold, "INSUFFICIENT_DATA: " + String.join(", ", unknown));
    }
    return result(name, Verdict.Pass, 0.0, threshold, "all " + alarms.size() + " alarms OK");
  }

  private static List<String> names(Map<String, StateValue> states, StateValue v) {
    return states.entrySet().stream().filter(e -> e.getValue() == v).map(Map.Entry::getKey).toList();
  }
}
