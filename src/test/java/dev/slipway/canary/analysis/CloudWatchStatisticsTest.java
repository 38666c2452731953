package dev.slipway.canary.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;

/**
 * The percentile path, which moto cannot serve (it computes no extended statistics): a hand-written
 * CloudWatch that answers as the real service does. Everything else is tested against moto.
 */
class CloudWatchStatisticsTest {

  private final List<GetMetricStatisticsRequest> requests = new ArrayList<>();
  private List<Datapoint> answer = List.of();
  private final CloudWatchClient fake = new CloudWatchClient() {
    @Override
    public GetMetricStatisticsResponse getMetricStatistics(GetMetricStatisticsRequest r) {
      requests.add(r);
      return GetMetricStatisticsResponse.builder().datapoints(answer).build();
    }

    @Override
    public String serviceName() {
      return "monitoring";
    }

    @Override
    public void close() {}
  };

  private final AnalysisContext ctx =
      new AnalysisContext("fn", "prod", "2", "1", null, null, null, Instant.parse("2026-11-21T12:00:00Z"), Duration.ofSeconds(90));

  @Test
  void percentileIsAskedAsAnExtendedStatisticAndTheWorstPeriodWins() {
    answer = List.of(
        Datapoint.builder().extendedStatistics(Map.of("p99", 800.0)).maximum(2000.0).build(),
        Datapoint.builder().extendedStatistics(Map.of("p99", 1200.0)).maximum(3000.0).build());

    var reading = new CloudWatchStatistics(fake).read(new CloudWatchStatistics.Query("AWS/Lambda", "Duration", ctx.canaryDimensions(), "p99"), ctx, null);

    assertThat(reading).contains(new CloudWatchStatistics.Reading(1200.0, false));
    GetMetricStatisticsRequest r = requests.get(0);
    assertThat(r.extendedStatistics()).containsExactly("p99");
    assertThat(r.startTime()).isEqualTo(Instant.parse("2026-11-21T11:58:30Z"));
    assertThat(r.endTime()).isEqualTo(ctx.now());
    assertThat(r.period()).isEqualTo(120);
    assertThat(r.dimensions()).extracting(d -> d.name() + "=" + d.value())
        .containsExactlyInAnyOrder("FunctionName=fn", "Resource=fn:prod", "ExecutedVersion=2");
  }

  @Test
  void realP99AboveTheCeilingFails() {
    answer = List.of(Datapoint.builder().extendedStatistics(Map.of("p99", 1500.0)).maximum(4000.0).build());
    var check = new ThresholdCheck("p99", new CloudWatchStatistics(fake),
        c -> new CloudWatchStatistics.Query("AWS/Lambda", "Duration", c.canaryDimensions(), "p99"), null, 1000.0, null);

    var result = check.check(ctx);

    assertThat(result.verdict).isEqualTo(dev.slipway.api.v1alpha1.AnalysisResult.Verdict.Fail);
    assertThat(result.value).isEqualTo(1500.0);
  }

  @Test
  void periodCoversTheWindowInWholeMinutes() {
    assertThat(CloudWatchStatistics.period(Duration.ofSeconds(10))).isEqualTo(60);
    assertThat(CloudWatchStatistics.period(Duration.ofMinutes(1))).isEqualTo(60);
    assertThat(CloudWatchStatistics.period(Duration.ofSeconds(61))).isEqualTo(120);
  }
}
