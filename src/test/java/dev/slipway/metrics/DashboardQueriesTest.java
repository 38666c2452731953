package dev.slipway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard cross-check finds the names PromQL uses, and nothing else (functions, labels, keywords). */
class DashboardQueriesTest {

  @Test
  void namesAreFoundInSelectorsAggregationsAndVariablesButNotFunctionsLabelsOrKeywords() {
    var found = DashboardQueries.metrics(List.of(
        "histogram_quantile(0.95, sum by (le, kind) (rate(a_seconds_bucket{kind=~\"$kind\", outcome!=\"ok\"}[$__rate_interval])))",
        "(sum(increase(b_total[1h])) or vector(0)) / on(namespace) group_left(function) c > bool 1e3",
        "label_values(d_count, namespace)",
        "max without (phase) (e == 1) unless f offset 5m"));

    assertThat(found).containsOnlyKeys("a_seconds_bucket", "b_total", "c", "d_count", "e", "f");
    assertThat(found).containsEntry("a_seconds_bucket", Set.of("kind", "outcome")).containsEntry("b_total", Set.of());
  }

  @Test
  void theDeployedDashboardQueriesEveryKindOfSlipwayMetric() throws Exception {
    Map<String, Set<String>> used = DashboardQueries.metrics(DashboardQueries.expressions(DashboardQueries.DASHBOARD));

    assertThat(used.keySet()).allMatch(n -> n.startsWith("slipway_")).contains(
        "slipway_release_phase", "slipway_canary_weight", "slipway_analysis_value", "slipway_analysis_verdict", "slipway_analysis_threshold",
        "slipway_release_successes_total", "slipway_release_failures_total", "slipway_release_duration_seconds_bucket",
        "slipway_reconciles_total", "slipway_reconcile_duration_seconds_bucket", "slipway_aws_calls_total");
  }
}
