package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** One CloudWatch statistic against a floor and/or a ceiling: Lambda p99 Duration, or any metric. */
final class ThresholdCheck implements MetricCheck {

  private final String name;
  private final CloudWatchStatistics cw;
  private final Function<AnalysisContext, CloudWatchStatistics.Query> query;
  private final Integer periodSeconds;
  private final Double max;
  private final Double min;

  ThresholdCheck(
      String name, CloudWatchStatistics cw, Function<AnalysisContext, CloudWatchStatistics.Query> query,
      Integer periodSeconds, Double max, Double min) {
    this.name = name;
    this.cw = cw;
    this.query = query;
    this.periodSeconds = periodSeconds;
    this.max = max;
    this.min = min;
  }

  /** A cloudWatch metric of a policy: its dimension values with placeholders filled in. */
  static Function<AnalysisContext, CloudWatchStatistics.Query> template(String namespace, String metric, Map<String, String> dims, String stat) {
    return ctx -> {
      Map<String, String> filled = new LinkedHashMap<>();
      dims.forEach((k, v) -> filled.put(k, ctx.fill(v)));
      return new CloudWatchStatistics.Query(namespace, metric, filled, stat);
    };
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    CloudWatchStatistics.Query q = query.apply(ctx);
    Bounds threshold = Bounds.between(min, max);
    var reading = cw.read(q, ctx, periodSeconds);
    if (reading.isEmpty()) {
      return result(name, Verdict.Inconclusive, null, threshold, "no " + q.metricName() + " data in the window");
    }
    double v = reading.get().value();
    if (reading.get().upperBound()) {
      boolean provesPass = min == null && v <= max;
      return result(name, provesPass ? Verdict.Pass : Verdict.Inconclusive, v, threshold,
          q.statistic() + " not reported; Maximum " + v + (provesPass ? " bounds it within the threshold" : " cannot decide it"));
    }
    boolean fails = (max != null && v > max) || (min != null && v < min);
    return result(name, fails ? Verdict.Fail : Verdict.Pass, v, threshold, q.statistic() + " of " + q.metricName());
  }
}
