package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicySpec.Metric;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.aws.AwsErrors;
import dev.slipway.net.OutboundPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * Runs a policy's checks once ({@link dev.slipway.canary.Action.RunAnalysis}). A check that cannot
 * reach CloudWatch is inconclusive: an outage of the monitoring says nothing about the canary.
 */
public final class Analyzer {

  private static final Logger LOG = Logger.getLogger(Analyzer.class);

  private final CloudWatchClient cloudWatch;
  private final CloudWatchStatistics statistics;
  private final HttpClient http;
  private final OutboundPolicy outbound;

  /** @param outbound where HTTP checks may go (the internal targets the release's tenancy allows) */
  public Analyzer(CloudWatchClient cloudWatch, HttpClient http, OutboundPolicy outbound) {
    this.cloudWatch = cloudWatch;
    this.statistics = new CloudWatchStatistics(cloudWatch);
    this.http = http;
    this.outbound = outbound;
  }

  public List<AnalysisResult> run(List<Metric> metrics, AnalysisContext ctx) {
    return metrics.stream().map(m -> runOne(m, ctx)).toList();
  }

  private AnalysisResult runOne(Metric m, AnalysisContext ctx) {
    AnalysisResult r;
    try {
      r = checkFor(m).check(ctx);
    } catch (RuntimeException e) {
      LOG.warnf("analysis check %s of %s could not run: %s", m.name, ctx.function(), AwsErrors.message(e));
      r = result(m.name, Verdict.Inconclusive, null, null, "check could not run: " + AwsErrors.message(e));
    }
    // A dry-run check is measured and recorded; the release machine never counts it.
    r.dryRun = Boolean.TRUE.equals(m.dryRun) ? Boolean.TRUE : null;
    return r;
  }

  /** The check a policy metric describes (exactly one kind is set; the CRD schema enforces it). */
  MetricCheck checkFor(Metric m) {
    if (m.lambdaErrorRate != null) {
      return new RatioCheck(m.name, statistics, "AWS/Lambda", "Errors", "Invocations",
          AnalysisContext::canaryDimensions, m.lambdaErrorRate.max, m.lambdaErrorRate.minRequests);
    }
    if (m.apiGateway5xxRate != null) {
      return new RatioCheck(m.name, statistics, "AWS/ApiGateway", "5XXError", "Count",
          ctx -> ctx.restApiName() == null ? null : Map.of("ApiName", ctx.restApiName(), "Stage", ctx.restApiStage()),
          m.apiGateway5xxRate.max, m.apiGateway5xxRate.minRequests);
    }
    if (m.lambdaDurationP99 != null) {
      double max = m.lambdaDurationP99.maxMillis.doubleValue();
      var p99 = new ThresholdCheck(m.name, statistics,
          ctx -> new CloudWatchStatistics.Query("AWS/Lambda", "Duration", ctx.canaryDimensions(), "p99"), null, max, null);
      // Without minRequests no extra read: a p99 without Duration data is inconclusive already.
      return m.lambdaDurationP99.minRequests == null ? p99
          : new MinimumSample(m.name, Bounds.atMost(max), statistics, "AWS/Lambda", "Invocations", AnalysisContext::canaryDimensions,
              m.lambdaDurationP99.minRequests, p99);
    }
    if (m.cloudWatch != null) {
      var c = m.cloudWatch;
      return new ThresholdCheck(m.name, statistics,
          ThresholdCheck.template(c.namespace, c.metricName, c.dimensions == null ? Map.of() : c.dimensions, c.statistic == null ? "Average" : c.statistic),
          c.periodSeconds, c.max, c.min);
    }
    if (m.cloudWatchAlarms != null) {
      var c = m.cloudWatchAlarms;
      return new AlarmCheck(m.name, cloudWatch, c.names == null ? List.of() : c.names, c.serviceAlarms == null ? List.of() : c.serviceAlarms);
    }
    if (m.http != null) {
      return new HttpCheck(m.name, http, URI.create(m.http.url), m.http.expectStatus == null ? 200 : m.http.expectStatus,
          Durations.parse(m.http.timeout == null ? "5s" : m.http.timeout), outbound);
    }
    throw new IllegalArgumentException("metric " + m.name + " names no check");
  }
}
