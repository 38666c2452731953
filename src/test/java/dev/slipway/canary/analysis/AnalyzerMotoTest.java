package dev.slipway.canary.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CanaryPolicySpec.Metric;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.testing.MotoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import dev.slipway.net.OutboundPolicy;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Every check against moto over the SDK's own CloudWatch wire protocol (Query, SDK 2.40.2): the
 * test publishes the figures Lambda and API Gateway would, for the stable and the canary version,
 * and sets alarm states; the http check hits a local server the test switches between healthy and
 * failing.
 */
class AnalyzerMotoTest {

  private static AwsClientFactory factory;
  private static CloudWatchClient cw;
  private static Analyzer analyzer;

  private final String function = "fn-" + UUID.randomUUID().toString().substring(0, 8);
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final AnalysisContext ctx = new AnalysisContext(function, "prod", "2", "1", "nexus-prod", "prod", null, now, Duration.ofMinutes(1));

  @BeforeAll
  static void clients() {
    MotoServer moto = MotoServer.shared();
    factory = new AwsClientFactory(
        Optional.of(moto.endpoint()),
        new AwsCallRecorder(new SimpleMeterRegistry()),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    cw = factory.forTarget(AwsTarget.of("us-east-1", null)).cloudWatch();
    // The test's HTTP targets are MockWebServers on loopback, which only an explicit allowance reaches.
    analyzer = new Analyzer(cw, HttpClient.newHttpClient(), OutboundPolicy.allowing(List.of("127.0.0.0/8")));
  }

  @AfterAll
  static void close() {
    factory.close();
  }

  @Test
  void errorRateCountsTheCanaryVersionOnly() {
    putLambda("1", "Invocations", 1000, now.minusSeconds(30));
    putLambda("1", "Errors", 500, now.minusSeconds(30));
    putLambda("2", "Invocations", 100, now.minusSeconds(30));
    putLambda("2", "Errors", 2, now.minusSeconds(30));

    AnalysisResult r = run(errorRate(0.05, null));

    assertThat(r.verdict).isEqualTo(Verdict.Pass);
    assertThat(r.value).isEqualTo(0.02);
    assertThat(r.threshold).isEqualTo("<= 0.05");
    assertThat(r.max).isEqualTo(0.05);
    assertThat(r.min).isNull();
    assertThat(r.message).contains("over 100 requests");
  }

  @Test
  void errorRateAboveTheCeilingFails() {
    putLambda("2", "Invocations", 40, now.minusSeconds(50));
    putLambda("2", "Invocations", 60, now.minusSeconds(10));
    putLambda("2", "Errors", 10, now.minusSeconds(10));

    AnalysisResult r = run(errorRate(0.05, null));

    assertThat(r.verdict).isEqualTo(Verdict.Fail);
    assertThat(r.value).isEqualTo(0.1);
  }

  @Test
  void errorRateLooksOnlyAtTheWindow() {
    putLambda("2", "Invocations", 100, now.minus(Duration.ofMinutes(10)));
    putLambda("2", "Errors", 90, now.minus(Duration.ofMinutes(10)));

    assertThat(run(errorRate(0.05, null)).verdict).isEqualTo(Verdict.Inconclusive);

    putLambda("2", "Invocations", 100, now.minusSeconds(20));
    putLambda("2", "Errors", 1, now.minusSeconds(20));

    AnalysisResult r = run(errorRate(0.05, null));
    assertThat(r.verdict).isEqualTo(Verdict.Pass);
    assertThat(r.value).isEqualTo(0.01);
  }

  @Test
  void tooFewRequestsAreInconclusive() {
    putLambda("2", "Invocations", 3, now.minusSeconds(20));
    putLambda("2", "Errors", 3, now.minusSeconds(20));

    AnalysisResult r = run(errorRate(0.05, 10));

    assertThat(r.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(r.value).isNull();
    assertThat(r.message).contains("3 Invocations in the window, 10 needed");
  }

  @Test
  void apiGateway5xxRateReadsTheServicesStage() {
    String api = "nexus-" + function;
    putApi(api, "prod", "Count", 100);
    putApi(api, "prod", "5XXError", 20);
    putApi(api, "dev", "Count", 100);
    putApi(api, "dev", "5XXError", 0);
    Metric m = metric("api-5xx");
    m.apiGateway5xxRate = rate(0.10, null);

    AnalysisResult r = analyzer.run(List.of(m), new AnalysisContext(function, "prod", "2", "1", api, "prod", null, now, Duration.ofMinutes(1))).get(0);
    AnalysisResult bare = analyzer.run(List.of(m), new AnalysisContext(function, "prod", "2", "1", null, null, null, now, Duration.ofMinutes(1))).get(0);

    assertThat(r.verdict).isEqualTo(Verdict.Fail);
    assertThat(r.value).isEqualTo(0.2);
    assertThat(bare.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(bare.message).contains("no REST API");
  }

  /**
   * moto 5.2.1 computes no percentiles: GetMetricStatistics returns the datapoint without the p99
   * (GetMetricData with p99 even answers 500). The check falls back to the Maximum, which bounds the
   * p99 from above: it can pass a ceiling, never fail one. The real-percentile path is covered with
   * a fake client in {@link CloudWatchStatisticsTest}.
   */
  @Test
  void durationP99WithoutPercentilesFallsBackToTheMaximumAsAnUpperBound() {
    for (int ms = 10; ms <= 500; ms += 10) {
      putLambda("2", "Duration", ms, now.minusSeconds(20));
    }
    putLambda("1", "Duration", 9000, now.minusSeconds(20));
    Metric m = metric("p99-latency");
    m.lambdaDurationP99 = new CanaryPolicySpec.DurationThreshold();
    m.lambdaDurationP99.maxMillis = 1000;

    AnalysisResult within = run(m);
    putLambda("2", "Duration", 2000, now.minusSeconds(10));
    AnalysisResult undecided = run(m);

    assertThat(within.verdict).isEqualTo(Verdict.Pass);
    assertThat(within.value).isEqualTo(500.0);
    assertThat(within.message).contains("p99 not reported");
    assertThat(undecided.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(undecided.value).isEqualTo(2000.0);
  }

  /** Issue 8: a p99 of a handful of canary invocations is no verdict. */
  @Test
  void durationP99OfFewerInvocationsThanMinRequestsIsInconclusive() {
    putLambda("2", "Invocations", 5, now.minusSeconds(20));
    putLambda("2", "Duration", 100, now.minusSeconds(20));
    Metric m = metric("p99-latency");
    m.lambdaDurationP99 = new CanaryPolicySpec.DurationThreshold();
    m.lambdaDurationP99.maxMillis = 1000;
    m.lambdaDurationP99.minRequests = 50;

    AnalysisResult few = run(m);
    putLambda("2", "Invocations", 100, now.minusSeconds(10));
    AnalysisResult enough = run(m);

    assertThat(few.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(few.value).isNull();
    assertThat(few.message).contains("5 Invocations in the window, 50 needed");
    assertThat(enough.verdict).isEqualTo(Verdict.Pass);
  }

  @Test
  void aDryRunCheckIsMeasuredAndMarkedAsDryRun() {
    putLambda("2", "Invocations", 100, now.minusSeconds(20));
    putLambda("2", "Errors", 50, now.minusSeconds(20));
    Metric m = errorRate(0.05, null);
    m.dryRun = true;

    AnalysisResult r = run(m);

    assertThat(r.verdict).isEqualTo(Verdict.Fail);
    assertThat(r.value).isEqualTo(0.5);
    assertThat(r.dryRun).isTrue();
    assertThat(run(errorRate(0.05, null)).dryRun).isNull();
  }

  @Test
  void durationP99WithNoDataIsInconclusive() {
    Metric m = metric("p99-latency");
    m.lambdaDurationP99 = new CanaryPolicySpec.DurationThreshold();
    m.lambdaDurationP99.maxMillis = 1000;

    assertThat(run(m).verdict).isEqualTo(Verdict.Inconclusive);
  }

  @Test
  void cloudWatchMetricFillsPlaceholdersAndChecksBothBounds() {
    put("Nexus/Checkout", "Failures", Map.of("FunctionName", function, "Version", "2"), 3, now.minusSeconds(30));
    put("Nexus/Checkout", "Failures", Map.of("FunctionName", function, "Version", "1"), 50, now.minusSeconds(30));
    Metric m = metric("checkout-failures");
    m.cloudWatch = new CanaryPolicySpec.CloudWatchMetric();
    m.cloudWatch.namespace = "Nexus/Checkout";
    m.cloudWatch.metricName = "Failures";
    m.cloudWatch.dimensions = new LinkedHashMap<>(Map.of("FunctionName", "{function}", "Version", "{version}"));
    m.cloudWatch.statistic = "Sum";
    m.cloudWatch.max = 5.0;

    AnalysisResult pass = run(m);
    m.cloudWatch.min = 4.0;
    AnalysisResult belowFloor = run(m);
    m.cloudWatch.dimensions.put("Version", "{stableVersion}");
    m.cloudWatch.min = null;
    AnalysisResult stable = run(m);

    assertThat(pass.verdict).isEqualTo(Verdict.Pass);
    assertThat(pass.value).isEqualTo(3.0);
    assertThat(belowFloor.verdict).isEqualTo(Verdict.Fail);
    assertThat(belowFloor.threshold).isEqualTo(">= 4.0, <= 5.0");
    assertThat(belowFloor.min).isEqualTo(4.0);
    assertThat(belowFloor.max).isEqualTo(5.0);
    assertThat(stable.verdict).isEqualTo(Verdict.Fail);
    assertThat(stable.value).isEqualTo(50.0);
  }

  @Test
  void cloudWatchAverageIsWeightedAcrossTheWindow() {
    Map<String, String> dims = Map.of("FunctionName", function);
    put("Nexus/Queue", "Lag", dims, 10, now.minusSeconds(40));
    put("Nexus/Queue", "Lag", dims, 20, now.minusSeconds(30));
    put("Nexus/Queue", "Lag", dims, 60, now.minusSeconds(20));
    Metric m = metric("lag");
    m.cloudWatch = new CanaryPolicySpec.CloudWatchMetric();
    m.cloudWatch.namespace = "Nexus/Queue";
    m.cloudWatch.metricName = "Lag";
    m.cloudWatch.dimensions = Map.of("FunctionName", "{function}");
    m.cloudWatch.max = 25.0;

    AnalysisResult r = run(m);

    assertThat(r.value).isEqualTo(30.0);
    assertThat(r.verdict).isEqualTo(Verdict.Fail);
  }

  @Test
  void alarmsDecideByTheirState() {
    String errors = function + "-errors";
    String latency = function + "-latency";
    for (String name : List.of(errors, latency)) {
      cw.putMetricAlarm(b -> b.alarmName(name).namespace("AWS/Lambda").metricName("Errors").statistic(Statistic.SUM)
          .period(60).evaluationPeriods(1).threshold(1.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    }
    Metric m = metric("alarms");
    m.cloudWatchAlarms = new CanaryPolicySpec.AlarmCheck();
    m.cloudWatchAlarms.names = List.of(errors, latency);

    setAlarm(errors, StateValue.OK);
    setAlarm(latency, StateValue.OK);
    AnalysisResult ok = run(m);
    setAlarm(latency, StateValue.INSUFFICIENT_DATA);
    AnalysisResult unknown = run(m);
    setAlarm(errors, StateValue.ALARM);
    AnalysisResult firing = run(m);
    m.cloudWatchAlarms.names = List.of(errors.replace("errors", "gone"));
    AnalysisResult missing = run(m);

    assertThat(ok.verdict).isEqualTo(Verdict.Pass);
    assertThat(ok.threshold).isEqualTo("0 in ALARM");
    assertThat(ok.max).isZero();
    assertThat(unknown.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(unknown.message).contains("INSUFFICIENT_DATA: " + latency);
    assertThat(firing.verdict).isEqualTo(Verdict.Fail);
    assertThat(firing.value).isEqualTo(1.0);
    assertThat(firing.message).isEqualTo("in ALARM: " + errors);
    assertThat(missing.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(missing.message).startsWith("no such alarm");
  }

  @Test
  void serviceAlarmsAreTheServicesAlarmsByLogicalNameAndAnUndeclaredOneIsInconclusive() {
    String errors = function + "-errors";
    cw.putMetricAlarm(b -> b.alarmName(errors).namespace("AWS/Lambda").metricName("Errors").statistic(Statistic.SUM)
        .period(60).evaluationPeriods(1).threshold(1.0).comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
    setAlarm(errors, StateValue.ALARM);
    Metric m = metric("service-alarms");
    m.cloudWatchAlarms = new CanaryPolicySpec.AlarmCheck();
    m.cloudWatchAlarms.serviceAlarms = List.of("conversation-api-errors");
    Map<String, String> declared = Map.of("conversation-api-errors", errors);

    AnalysisResult firing = analyzer.run(List.of(m), new AnalysisContext(function, "prod", "2", "1", null, null, declared, now, Duration.ofMinutes(1))).get(0);
    AnalysisResult undeclared = analyzer.run(List.of(m), new AnalysisContext(function, "prod", "2", "1", null, null, Map.of(), now, Duration.ofMinutes(1))).get(0);
    AnalysisResult bare = analyzer.run(List.of(m), new AnalysisContext(function, "prod", "2", "1", null, null, null, now, Duration.ofMinutes(1))).get(0);

    assertThat(firing.verdict).isEqualTo(Verdict.Fail);
    assertThat(firing.message).isEqualTo("in ALARM: " + errors);
    assertThat(undeclared.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(undeclared.message).isEqualTo("the service declares no alarm conversation-api-errors");
    assertThat(bare.verdict).isEqualTo(Verdict.Inconclusive);
    assertThat(bare.message).startsWith("serviceAlarms need a release of a ServerlessService's function");
  }

  @Test
  void httpHealthCheckFollowsTheServer() throws Exception {
    boolean[] healthy = {true};
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse().setResponseCode(healthy[0] ? 200 : 500).setBody("body-marker: stack trace of the canary");
        }
      });
      server.start();
      Metric m = metric("health");
      m.http = new CanaryPolicySpec.HttpCheck();
      m.http.url = server.url("/health").toString();
      m.http.timeout = "2s";

      AnalysisResult up = run(m);
      healthy[0] = false;
      AnalysisResult down = run(m);

      assertThat(up.verdict).isEqualTo(Verdict.Pass);
      assertThat(up.value).isEqualTo(200.0);
      assertThat(down.verdict).isEqualTo(Verdict.Fail);
      assertThat(down.value).isEqualTo(500.0);
      assertThat(down.message).as("a response body never reaches status").doesNotContain("body-marker");
      assertThat(server.takeRequest().getPath()).isEqualTo("/health");
    }
  }

  @Test
  void httpHealthCheckFailsOnTimeoutAndOnARefusedConnection() throws IOException {
    Metric m = metric("health");
    m.http = new CanaryPolicySpec.HttpCheck();
    m.http.timeout = "300ms";
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse().setHeadersDelay(1, java.util.concurrent.TimeUnit.SECONDS));
      server.start();
      m.http.url = server.url("/health").toString();

      AnalysisResult slow = run(m);

      assertThat(slow.verdict).isEqualTo(Verdict.Fail);
      assertThat(slow.message).contains("HttpTimeoutException");
      server.shutdown();
      AnalysisResult refused = run(m);
      assertThat(refused.verdict).isEqualTo(Verdict.Fail);
      assertThat(refused.value).isNull();
    }
  }

  @Test
  void byDefaultAnHttpCheckOfAnInternalAddressFailsWithoutARequest() throws IOException {
    Analyzer publicOnly = new Analyzer(cw, HttpClient.newHttpClient(), OutboundPolicy.publicOnly());
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse().setResponseCode(200));
      server.start();
      for (String url : List.of(server.url("/health").toString(), "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
          "http://localhost:" + server.getPort() + "/health", "http://[::1]:" + server.getPort() + "/")) {
        Metric m = metric("health");
        m.http = new CanaryPolicySpec.HttpCheck();
        m.http.url = url;
        m.http.timeout = "2s";

        AnalysisResult r = publicOnly.run(List.of(m), ctx).get(0);

        assertThat(r.verdict).as(url).isEqualTo(Verdict.Fail);
        assertThat(r.value).as(url).isNull();
        assertThat(r.message).as(url).contains("refused").contains("internal address");
      }
      assertThat(server.getRequestCount()).as("requests that reached the loopback server").isZero();
    }
  }

  @Test
  void runReturnsOneResultPerMetricInOrder() {
    putLambda("2", "Invocations", 100, now.minusSeconds(20));
    Metric p99 = metric("p99");
    p99.lambdaDurationP99 = new CanaryPolicySpec.DurationThreshold();
    p99.lambdaDurationP99.maxMillis = 100;

    List<AnalysisResult> results = analyzer.run(List.of(errorRate(0.05, null), p99), ctx);

    assertThat(results).extracting(r -> r.metric).containsExactly("error-rate", "p99");
    assertThat(results).extracting(r -> r.verdict).containsExactly(Verdict.Pass, Verdict.Inconclusive);
  }

  private AnalysisResult run(Metric m) {
    return analyzer.run(List.of(m), ctx).get(0);
  }

  private static Metric metric(String name) {
    Metric m = new Metric();
    m.name = name;
    return m;
  }

  private static Metric errorRate(double max, Integer minRequests) {
    Metric m = metric("error-rate");
    m.lambdaErrorRate = rate(max, minRequests);
    return m;
  }

  private static CanaryPolicySpec.RateThreshold rate(double max, Integer minRequests) {
    CanaryPolicySpec.RateThreshold t = new CanaryPolicySpec.RateThreshold();
    t.max = max;
    t.minRequests = minRequests;
    return t;
  }

  /** As Lambda publishes alias traffic: per executed version. */
  private void putLambda(String version, String metric, double value, Instant at) {
    put("AWS/Lambda", metric, Map.of("FunctionName", function, "Resource", function + ":prod", "ExecutedVersion", version), value, at);
  }

  private void putApi(String api, String stage, String metric, double value) {
    put("AWS/ApiGateway", metric, Map.of("ApiName", api, "Stage", stage), value, now.minusSeconds(30));
  }

  private static void put(String namespace, String metric, Map<String, String> dims, double value, Instant at) {
    cw.putMetricData(b -> b.namespace(namespace).metricData(MetricDatum.builder()
        .metricName(metric)
        .dimensions(dims.entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList())
        .value(value)
        .timestamp(at)
        .build()));
  }

  private static void setAlarm(String name, StateValue state) {
    cw.setAlarmState(b -> b.alarmName(name).stateValue(state).stateReason("set by test"));
  }
}
