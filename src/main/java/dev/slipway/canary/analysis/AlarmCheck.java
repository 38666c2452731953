package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * Named CloudWatch alarms (metric or composite), by their AWS names or by the logical names of the
 * release's own service's alarms: any in ALARM fails; otherwise any with INSUFFICIENT_DATA, missing,
 * or a logical name the service does not declare is inconclusive. The value is the number in ALARM.
 */
final class AlarmCheck implements MetricCheck {

  private final String name;
  private final CloudWatchClient cloudWatch;
  private final List<String> alarms;
  private final List<String> serviceAlarms;

  AlarmCheck(String name, CloudWatchClient cloudWatch, List<String> alarms, List<String> serviceAlarms) {
    this.name = name;
    this.cloudWatch = cloudWatch;
    this.alarms = List.copyOf(alarms);
    this.serviceAlarms = List.copyOf(serviceAlarms);
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    Bounds threshold = new Bounds(null, 0.0, "0 in ALARM");
    // Resolved at each run: the service's monitoring may have changed since the release started.
    Map<String, String> declared = ctx.serviceAlarms() == null ? Map.of() : ctx.serviceAlarms();
    List<String> undeclared = serviceAlarms.stream().filter(a -> !declared.containsKey(a)).toList();
    if (!undeclared.isEmpty()) {
      String why = ctx.serviceAlarms() == null ? "serviceAlarms need a release of a ServerlessService's function: " : "the service declares no alarm ";
      return result(name, Verdict.Inconclusive, null, threshold, why + String.join(", ", undeclared));
    }
    List<String> wanted = new ArrayList<>(alarms);
    serviceAlarms.forEach(a -> wanted.add(declared.get(a)));
    DescribeAlarmsResponse r = cloudWatch.describeAlarms(b -> b.alarmNames(wanted));
    Map<String, StateValue> states = new LinkedHashMap<>();
    r.metricAlarms().forEach(a -> states.put(a.alarmName(), a.stateValue()));
    r.compositeAlarms().forEach(a -> states.put(a.alarmName(), a.stateValue()));
    List<String> firing = names(states, StateValue.ALARM);
    if (!firing.isEmpty()) {
      return result(name, Verdict.Fail, (double) firing.size(), threshold, "in ALARM: " + String.join(", ", firing));
    }
    List<String> missing = wanted.stream().filter(a -> !states.containsKey(a)).toList();
    if (!missing.isEmpty()) {
      return result(name, Verdict.Inconclusive, 0.0, threshold, "no such alarm: " + String.join(", ", missing));
    }
    List<String> unknown = names(states, StateValue.INSUFFICIENT_DATA);
    if (!unknown.isEmpty()) {
      return result(name, Verdict.Inconclusive, 0.0, threshold, "INSUFFICIENT_DATA: " + String.join(", ", unknown));
    }
    return result(name, Verdict.Pass, 0.0, threshold, "all " + wanted.size() + " alarms OK");
  }

  private static List<String> names(Map<String, StateValue> states, StateValue v) {
    return states.entrySet().stream().filter(e -> e.getValue() == v).map(Map.Entry::getKey).toList();
  }
}
