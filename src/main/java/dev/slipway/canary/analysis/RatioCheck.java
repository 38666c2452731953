package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.util.Map;
import java.util.function.Function;

/**
 * A failure ratio, Sum(failures) / Sum(requests), against a ceiling: Lambda Errors / Invocations of
 * the canary version, or API Gateway 5XXError / Count of a stage. Fewer than {@code minRequests}
 * requests in the window is inconclusive.
 */
final class RatioCheck implements MetricCheck {

  private final String name;
  private final CloudWatchStatistics cw;
  private final String namespace;
  private final String failures;
  private final String requests;
  private final Function<AnalysisContext, Map<String, String>> dimensions;
  private final double max;
  private final int minRequests;

  RatioCheck(
      String name, CloudWatchStatistics cw, String namespace, String failures, String requests,
      Function<AnalysisContext, Map<String, String>> dimensions, double max, Integer minRequests) {
    this.name = name;
    this.cw = cw;
    this.namespace = namespace;
    this.failures = failures;
    this.requests = requests;
    this.dimensions = dimensions;
    this.max = max;
    this.minRequests = MinimumSample.atLeastOne(minRequests);
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    Bounds threshold = Bounds.atMost(max);
    Map<String, String> dims = dimensions.apply(ctx);
    if (dims == null) {
      return result(name, Verdict.Inconclusive, null, threshold, "no REST API stage is known for this release");
    }
    double total = sum(requests, dims, ctx);
    if (total < minRequests) {
      return MinimumSample.tooFew(name, threshold, total, requests, minRequests);
    }
    // With requests seen, a missing failure count means none were published: zero failures.
    double rate = sum(failures, dims, ctx) / total;
    return result(name, rate <= max ? Verdict.Pass : Verdict.Fail, rate, threshold,
        String.format("%s / %s over %.0f requests", failures, requests, total));
  }

  private double sum(String metric, Map<String, String> dims, AnalysisContext ctx) {
    return cw.read(new CloudWatchStatistics.Query(namespace, metric, dims, "Sum"), ctx, null)
        .map(CloudWatchStatistics.Reading::value)
        .orElse(0.0);
  }
}
