package dev.slipway.canary.analysis;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.util.Map;
import java.util.function.Function;

/**
 * A check judged only on enough traffic: with fewer than {@code minRequests} requests (the Sum of
 * a count metric, e.g. the canary version's Invocations) in the window it is inconclusive, never a
 * pass; otherwise {@code check} decides. AWS routes alias weights probabilistically: at low traffic
 * a 10 % canary may see a handful of calls, whose p99 says nothing.
 */
final class MinimumSample implements MetricCheck {

  private final String name;
  private final Bounds threshold;
  private final CloudWatchStatistics cw;
  private final String namespace;
  private final String requests;
  private final Function<AnalysisContext, Map<String, String>> dimensions;
  private final int minRequests;
  private final MetricCheck check;

  MinimumSample(
      String name, Bounds threshold, CloudWatchStatistics cw, String namespace, String requests,
      Function<AnalysisContext, Map<String, String>> dimensions, Integer minRequests, MetricCheck check) {
    this.name = name;
    this.threshold = threshold;
    this.cw = cw;
    this.namespace = namespace;
    this.requests = requests;
    this.dimensions = dimensions;
    this.minRequests = atLeastOne(minRequests);
    this.check = check;
  }

  /** The sample a verdict needs: {@code minRequests}, 1 when absent or 0 (no traffic is never a verdict). */
  static int atLeastOne(Integer minRequests) {
    return minRequests == null ? 1 : Math.max(1, minRequests);
  }

  /** The inconclusive result of too small a sample, worded the same for every check. */
  static AnalysisResult tooFew(String name, Bounds threshold, double total, String requests, int minRequests) {
    return MetricCheck.result(name, Verdict.Inconclusive, null, threshold,
        String.format("%.0f %s in the window, %d needed for a verdict", total, requests, minRequests));
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    double total = cw.read(new CloudWatchStatistics.Query(namespace, requests, dimensions.apply(ctx), "Sum"), ctx, null)
        .map(CloudWatchStatistics.Reading::value)
        .orElse(0.0);
    return total < minRequests ? tooFew(name, threshold, total, requests, minRequests) : check.check(ctx);
  }
}
