package dev.slipway.canary.analysis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Reads one statistic of one metric over an analysis window with GetMetricStatistics, combining the
 * window's datapoints into one value.
 *
 * <p>GetMetricStatistics rather than GetMetricData: moto 5.2.1 answers GetMetricData with a
 * percentile stat with HTTP 500, and both moto and CloudWatch omit percentiles for data published
 * as statistic sets. When a percentile is missing but datapoints exist, the Maximum is returned as
 * an upper bound ({@link Reading#upperBound}): it can prove a percentile is under a ceiling, never
 * that it is over one.
 */
final class CloudWatchStatistics {

  private static final Pattern PERCENTILE = Pattern.compile("p[0-9]{1,2}(\\.[0-9]+)?");

  /** One metric, exactly as published: every dimension must be given. */
  record Query(String namespace, String metricName, Map<String, String> dimensions, String statistic) {}

  /** A window's value; {@code upperBound} when it is the Maximum standing in for a missing percentile. */
  record Reading(double value, boolean upperBound) {}

  private final CloudWatchClient cloudWatch;

  CloudWatchStatistics(CloudWatchClient cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  Optional<Reading> read(Query q, AnalysisContext ctx, Integer periodSeconds) {
    boolean percentile = PERCENTILE.matcher(q.statistic()).matches();
    GetMetricStatisticsRequest.Builder req = GetMetricStatisticsRequest.builder()
        .namespace(q.namespace())
        .metricName(q.metricName())
        .dimensions(q.dimensions().entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
        .startTime(ctx.start())
        .endTime(ctx.now())
        .period(periodSeconds != null ? periodSeconds : period(ctx.window()));
    if (percentile) {
      req.extendedStatistics(q.statistic()).statistics(Statistic.MAXIMUM);
    } else {
      req.statistics(Statistic.fromValue(q.statistic()), Statistic.SAMPLE_COUNT);
    }
    List<Datapoint> points = cloudWatch.getMetricStatistics(req.build()).datapoints();
    if (points.isEmpty()) {
      return Optional.empty();
    }
    if (percentile) {
      List<Double> values = points.stream().map(p -> p.extendedStatistics().get(q.statistic())).filter(v -> v != null).toList();
      if (!values.isEmpty()) {
        // Across periods the worst period's percentile is the safe summary.
        return Optional.of(new Reading(max(values), false));
      }
      double maximum = max(points.stream().map(Datapoint::maximum).toList());
      return Double.isNaN(maximum) ? Optional.empty() : Optional.of(new Reading(maximum, true));
    }
    return Optional.of(new Reading(combine(Statistic.fromValue(q.statistic()), points), false));
  }

  private static double combine(Statistic s, List<Datapoint> points) {
    return switch (s) {
      case SUM -> points.stream().mapToDouble(Datapoint::sum).sum();
      case SAMPLE_COUNT -> points.stream().mapToDouble(Datapoint::sampleCount).sum();
      case MAXIMUM -> max(points.stream().map(Datapoint::maximum).toList());
      case MINIMUM -> points.stream().mapToDouble(Datapoint::minimum).min().orElseThrow();
      case AVERAGE -> {
        double n = points.stream().mapToDouble(Datapoint::sampleCount).sum();
        yield points.stream().mapToDouble(p -> p.average() * p.sampleCount()).sum() / n;
      }
      default -> throw new IllegalArgumentException("unsupported statistic " + s);
    };
  }

  private static double max(List<Double> values) {
    return values.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** One period spanning the window: CloudWatch periods are multiples of 60 s. */
  static int period(Duration window) {
    long minutes = Math.max(1, (window.getSeconds() + 59) / 60);
    return (int) (minutes * 60);
  }
}
