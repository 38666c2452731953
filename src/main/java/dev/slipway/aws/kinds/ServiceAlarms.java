package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.MonitoringSpec;
import dev.slipway.api.v1alpha1.MonitoringSpec.Comparison;
import dev.slipway.api.v1alpha1.MonitoringSpec.DefaultAlarm;
import dev.slipway.api.v1alpha1.MonitoringSpec.TreatMissingData;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.Naming;
import dev.slipway.aws.Planned;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alarms a service's {@code spec.monitoring} declares: the defaults derived from its APIs,
 * functions and tables (with the user's changes, the disabled ones left out) and the user's own.
 * The one source of alarm names, for the alarm kind and for releases gated on a service's alarms.
 */
public final class ServiceAlarms {

  /** Stands for the WebSocket API's generated id in a dimension until the API has published it. */
  static final String WEBSOCKET_API_ID = "(webSocketApiId)";
  // Defaults: one-minute datapoints, 3 breaching out of 5, no traffic is no alarm.
  private static final int PERIOD = 60;
  private static final int EVALUATION_PERIODS = 5;
  private static final int DATAPOINTS = 3;
  /** A function's p99 duration alarms at this share of its timeout. */
  private static final double TIMEOUT_SHARE = 0.8;

  /**
   * One alarm on one metric, as PutMetricAlarm takes it.
   *
   * @param name the logical name; the alarm is {@code <prefix>-<name>}
   * @param dependsOn keys of the resources whose outputs the alarm needs
   */
  public record Definition(String name, String description, String namespace, String metricName, Map<String, String> dimensions,
      String statistic, String extendedStatistic, Comparison comparison, double threshold, int period, int evaluationPeriods,
      int datapointsToAlarm, TreatMissingData treatMissingData, List<String> dependsOn) {

    public Definition {
      dimensions = new TreeMap<>(dimensions);
      dependsOn = List.copyOf(dependsOn);
    }

    Definition withDimensions(Map<String, String> resolved) {
      return new Definition(name, description, namespace, metricName, resolved, statistic, extendedStatistic, comparison, threshold, period,
          evaluationPeriods, datapointsToAlarm, treatMissingData, dependsOn);
    }

    /** This default with what the user changed of it; fewer evaluation periods than the default's M take M down with them. */
    Definition with(DefaultAlarm change) {
      if (change == null) {
        return this;
      }
      int evaluations = change.evaluationPeriods != null ? change.evaluationPeriods : evaluationPeriods;
      int datapoints = change.datapointsToAlarm != null ? change.datapointsToAlarm : Math.min(datapointsToAlarm, evaluations);
      return new Definition(name, description, namespace, metricName, dimensions, statistic, extendedStatistic, comparison,
          change.threshold != null ? change.threshold : threshold, change.period != null ? change.period : period, evaluations, datapoints,
          treatMissingData, dependsOn);
    }
  }

  private ServiceAlarms() {}

  /** Every alarm the (resolved) spec declares, defaults first; none without {@code spec.monitoring}. */
  public static List<Definition> of(String serviceName, ServerlessServiceSpec spec) {
    MonitoringSpec monitoring = spec.monitoring;
    if (monitoring == null) {
      return List.of();
    }
    List<Definition> alarms = new ArrayList<>();
    for (Definition d : defaults(serviceName, spec)) {
      DefaultAlarm change = monitoring.defaultAlarms.get(d.name());
      if (change == null || !change.disabled()) {
        alarms.add(d.with(change));
      }
    }
    monitoring.alarms.forEach(a -> alarms.add(own(a)));
    return alarms;
  }

  /** Logical name to AWS name of every alarm the spec declares. */
  public static Map<String, String> names(String serviceName, ServerlessServiceSpec spec) {
    Map<String, String> names = new LinkedHashMap<>();
    of(serviceName, spec).forEach(d -> names.put(d.name(), Naming.physical(serviceName, spec, d.name())));
    return names;
  }

  /** What the schema cannot check: names unique across defaults and own alarms, M out of N within N. */
  static List<String> validate(ServerlessServiceSpec spec) {
    if (spec.monitoring == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // Logical names and thresholds do not depend on the service's name, which validation does not know.
    for (Definition d : of("", spec)) {
      if (!seen.add(d.name())) {
        problems.add("alarm " + d.name() + " is declared twice (rename the alarm in monitoring.alarms, or the function or table it comes from)");
      }
      if (d.datapointsToAlarm() > d.evaluationPeriods()) {
        problems.add("alarm " + d.name() + " has datapointsToAlarm " + d.datapointsToAlarm() + " above its evaluationPeriods " + d.evaluationPeriods());
      }
    }
    return problems;
  }

  private static List<Definition> defaults(String serviceName, ServerlessServiceSpec spec) {
    List<Definition> d = new ArrayList<>();
    if (spec.restApi != null) {
      Map<String, String> api = Map.of("ApiName", Naming.restApiName(serviceName, spec), "Stage", spec.restApi.stageName);
      d.add(metric("api-5xx", "Share of REST API requests answered with a 5XX", "AWS/ApiGateway", "5XXError", api, "Average", null,
          Comparison.GreaterThanThreshold, 0.05, List.of()));
      d.add(metric("api-p99-latency", "p99 latency of the REST API in milliseconds", "AWS/ApiGateway", "Latency", api, null, "p99",
          Comparison.GreaterThanThreshold, 3000, List.of()));
    }
    if (spec.webSocketApi != null) {
      d.add(metric("websocket-errors", "WebSocket API messages whose function integration failed", "AWS/ApiGateway", "IntegrationError",
          Map.of("ApiId", WEBSOCKET_API_ID, "Stage", spec.webSocketApi.stageName), "Sum", null, Comparison.GreaterThanOrEqualToThreshold, 5,
          List.of(Planned.key(WebSocketApiKind.KIND, "websocket"))));
    }
    for (FunctionSpec f : spec.functions) {
      Map<String, String> fn = Map.of("FunctionName", Naming.physical(serviceName, spec, f.name));
      int timeoutMillis = (f.timeoutSeconds == null ? FunctionDefaults.TIMEOUT_SECONDS : f.timeoutSeconds) * 1000;
      d.add(metric(f.name + "-errors", "Invocations of " + f.name + " that failed", "AWS/Lambda", "Errors", fn, "Sum", null,
          Comparison.GreaterThanOrEqualToThreshold, 5, List.of()));
      d.add(metric(f.name + "-throttles", "Invocations of " + f.name + " that Lambda throttled", "AWS/Lambda", "Throttles", fn, "Sum", null,
          Comparison.GreaterThanOrEqualToThreshold, 1, List.of()));
      d.add(metric(f.name + "-p99-duration", "p99 duration of " + f.name + " in milliseconds, near its timeout", "AWS/Lambda", "Duration", fn, null, "p99",
          Comparison.GreaterThanThreshold, timeoutMillis * TIMEOUT_SHARE, List.of()));
    }
    // DynamoDB reports ThrottledRequests per table and operation only; the throttle events exist per table.
    for (TableSpec t : spec.tables) {
      Map<String, String> table = Map.of("TableName", Naming.physical(serviceName, spec, t.name));
      d.add(metric(t.name + "-read-throttles", "Throttled reads of table " + t.name, "AWS/DynamoDB", "ReadThrottleEvents", table, "Sum", null,
          Comparison.GreaterThanOrEqualToThreshold, 1, List.of()));
      d.add(metric(t.name + "-write-throttles", "Throttled writes of table " + t.name, "AWS/DynamoDB", "WriteThrottleEvents", table, "Sum", null,
          Comparison.GreaterThanOrEqualToThreshold, 1, List.of()));
    }
    return d;
  }

  private static Definition metric(String name, String description, String namespace, String metric, Map<String, String> dimensions, String statistic,
      String extendedStatistic, Comparison comparison, double threshold, List<String> dependsOn) {
    return new Definition(name, description, namespace, metric, dimensions, statistic, extendedStatistic, comparison, threshold, PERIOD,
        EVALUATION_PERIODS, DATAPOINTS, TreatMissingData.notBreaching, dependsOn);
  }

  private static Definition own(MonitoringSpec.Alarm a) {
    int evaluationPeriods = a.evaluationPeriods == null ? 1 : a.evaluationPeriods;
    return new Definition(a.name, a.description, a.namespace, a.metricName, a.dimensions, a.statistic == null ? null : a.statistic.name(),
        a.extendedStatistic, a.comparison, a.threshold, a.period == null ? 60 : a.period, evaluationPeriods,
        a.datapointsToAlarm == null ? evaluationPeriods : a.datapointsToAlarm, a.treatMissingData == null ? TreatMissingData.missing : a.treatMissingData,
        List.of());
  }
}
