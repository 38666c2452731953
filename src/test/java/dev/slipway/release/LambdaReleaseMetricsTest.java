package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.metrics.DashboardQueries;
import dev.slipway.metrics.Scrape;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's {@code /q/metrics} scraped while real releases run (kube-apiserver, moto): each
 * running release's series with their labels, the totals a finished one leaves, its own series gone,
 * and every metric and label the Grafana dashboard queries present in the scrape.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class LambdaReleaseMetricsTest {

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final List<String> namespaces = new ArrayList<>();

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @AfterEach
  void stop() {
    aws.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  @Test
  void aRunningReleaseShowsItsPhaseWeightAndChecksAFinishedOneItsOutcomeAndDurationAndTheDashboardQueriesOnlyWhatIsScraped() throws Exception {
    String ns = ReleaseFixture.releaseNamespace(kube, "rel-metrics", namespaces);
    String fn = unique("metrics");
    String missing = unique("missing");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    // One long step: the release stands at 10% with its check run every 10 s until it is promoted.
    client.resource(policy(ns, "watched", "10s", 2, 10, "300s")).create();
    try (var pump = aws.pumpMetrics(fn, "2", 100, 0)) {
      client.resource(release(ns, "ship", fn, v2, "watched")).create();
      client.resource(release(ns, "nowhere", missing, v2, "watched")).create();

      Map<String, String> ship = Map.of("namespace", ns, "release", "ship");
      AtomicReference<Scrape> running = new AtomicReference<>();
      await().atMost(ReleaseFixture.RELEASE_TIMEOUT).untilAsserted(() -> {
        Scrape s = Scrape.of(metrics);
        assertThat(s.find("slipway_analysis_verdict", with(ship, "metric", "error-rate", "verdict", "Pass"))).singleElement()
            .satisfies(v -> assertThat(v.value()).isEqualTo(1.0));
        running.set(s);
      });
      Scrape s = running.get();
      // Argo Rollouts' rollout_phase: one series per phase, 1 for the current.
      assertThat(s.find("slipway_release_phase", ship)).hasSize(ReleasePhase.values().length)
          .allSatisfy(p -> assertThat(p.value()).isEqualTo(p.labels().get("phase").equals("Progressing") ? 1.0 : 0.0));
      assertThat(s.value("slipway_canary_weight", with(ship, "function", fn))).isEqualTo(10.0);
      assertThat(s.value("slipway_analysis_value", with(ship, "metric", "error-rate"))).isEqualTo(0.0);
      assertThat(s.value("slipway_analysis_threshold", with(ship, "metric", "error-rate", "bound", "max"))).isEqualTo(0.05);
      assertThat(s.value("slipway_analysis_verdict", with(ship, "metric", "error-rate", "verdict", "Fail"))).isZero();
      assertThat(s.find("slipway_reconcile_duration_seconds_count", Map.of("kind", "LambdaRelease"))).singleElement()
          .satisfies(c -> assertThat(c.value()).isPositive());
      assertThat(s.find("slipway_reconcile_duration_seconds_bucket", Map.of("kind", "LambdaRelease", "le", "+Inf"))).hasSize(1);
      assertThat(s.find("slipway_aws_calls_total", Map.of("service", "Lambda", "operation", "UpdateAlias", "outcome", "ok"))).singleElement()
          .satisfies(c -> assertThat(c.value()).isPositive());

      ReleaseFixture.edit(client, ns, "ship", r -> r.getSpec().promote = true);
      assertThat(ReleaseFixture.awaitFinished(client, ns, "ship").phase).isEqualTo(ReleasePhase.Succeeded);
      assertThat(ReleaseFixture.awaitFinished(client, ns, "nowhere").phase).isEqualTo(ReleasePhase.Failed);

      Map<String, String> byFunction = Map.of("namespace", ns, "function", fn);
      AtomicReference<Scrape> after = new AtomicReference<>();
      await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
        Scrape f = Scrape.of(metrics);
        // Its own series are gone; what outlives it is labelled by function, not by release.
        assertThat(f.samples()).noneMatch(x -> x.has(ship)).noneMatch(x -> x.has(Map.of("namespace", ns, "release", "nowhere")));
        assertThat(f.value("slipway_release_successes_total", byFunction)).isEqualTo(1.0);
        after.set(f);
      });
      Scrape f = after.get();
      assertThat(f.value("slipway_release_duration_seconds_count", with(byFunction, "outcome", "Succeeded"))).isEqualTo(1.0);
      assertThat(f.value("slipway_release_duration_seconds_sum", with(byFunction, "outcome", "Succeeded"))).isPositive();
      assertThat(f.find("slipway_release_duration_seconds_bucket", with(byFunction, "outcome", "Succeeded"))).hasSizeGreaterThan(5);
      assertThat(f.find("slipway_release_failures_total", byFunction)).isEmpty();
      assertThat(f.value("slipway_release_failures_total", Map.of("namespace", ns, "function", missing, "outcome", "Failed"))).isEqualTo(1.0);

      // The dashboard cannot drift: every name and matched label it queries is in one of the scrapes.
      Set<String> names = new HashSet<>(s.names());
      names.addAll(f.names());
      var used = DashboardQueries.metrics(DashboardQueries.expressions(DashboardQueries.DASHBOARD));
      assertThat(used).isNotEmpty();
      used.forEach((name, labels) -> {
        assertThat(names).as("metric %s of the dashboard", name).contains(name);
        Set<String> scraped = new HashSet<>(s.labelNames(name));
        scraped.addAll(f.labelNames(name));
        assertThat(scraped).as("labels of %s the dashboard matches on", name).containsAll(labels);
      });
    }
  }

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> all = new java.util.HashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      all.put(more[i], more[i + 1]);
    }
    return all;
  }
}
