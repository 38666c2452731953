package dev.slipway.history;

import static dev.slipway.api.v1alpha1.ReleasePhase.Failed;
import static dev.slipway.api.v1alpha1.ReleasePhase.Progressing;
import static dev.slipway.api.v1alpha1.ReleasePhase.RolledBack;
import static dev.slipway.api.v1alpha1.ReleasePhase.Succeeded;
import static dev.slipway.api.v1alpha1.ReleasePhase.Superseded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReleaseReportTest {

  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final ReleaseReport report = new ReleaseReport(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void historyIsTheWindowNewestFirstNarrowedToAServiceOrAFunction() {
    List<ReleaseRecord> all = List.of(
        service("api-1", "nexus", "api", Succeeded, 3, 10),
        service("worker-1", "nexus", "worker", RolledBack, 2, 5),
        byName("legacy-1", "legacy-fn", Succeeded, 1, 2),
        service("api-0", "nexus", "api", Succeeded, 31, 10));

    assertThat(report.history(all, null, Duration.ofDays(30))).extracting(ReleaseRecord::name)
        .containsExactly("legacy-1", "worker-1", "api-1");
    assertThat(report.history(all, "nexus", Duration.ofDays(30))).extracting(ReleaseRecord::name)
        .containsExactly("worker-1", "api-1");
    assertThat(report.history(all, "api", Duration.ofDays(30))).extracting(ReleaseRecord::name).containsExactly("api-1");
    // The physical name the operator resolved names the function too.
    assertThat(report.history(all, "nexus-prod-worker", Duration.ofDays(30))).extracting(ReleaseRecord::name)
        .containsExactly("worker-1");
    assertThat(report.history(all, null, Duration.ofDays(40))).hasSize(4);
  }

  @Test
  void ratesAreOfTheDecidedReleasesAndDurationsHaveMeanAndNearestRankP95() {
    List<ReleaseRecord> all = new ArrayList<>();
    // 20 decided releases of nexus/api taking 1..20 minutes: 17 succeeded, 2 rolled back, 1 failed.
    IntStream.rangeClosed(1, 20).forEach(m -> all.add(service("api-" + m, "nexus", "api",
        m <= 17 ? Succeeded : m <= 19 ? RolledBack : Failed, 2, m)));
    // Neither counts in a rate or a duration: one superseded, one still shifting traffic.
    all.add(service("api-superseded", "nexus", "api", Superseded, 2, 600));
    all.add(service("api-running", "nexus", "api", Progressing, 1, null));

    ReleaseReport.Row api = single(report.stats(all, Duration.ofDays(30)).functions());

    assertThat(api.key()).isEqualTo("shop/nexus/api");
    assertThat(List.of(api.releases(), api.succeeded(), api.rolledBack(), api.failed(), api.superseded(), api.running()))
        .containsExactly(22, 17, 2, 1, 1, 1);
    assertThat(api.successRate()).isEqualTo(OptionalDouble.of(0.85));
    assertThat(api.rollbackRate()).isEqualTo(OptionalDouble.of(0.10));
    assertThat(api.mean()).contains(Duration.ofSeconds(630));
    assertThat(api.p95()).contains(Duration.ofMinutes(19));
  }

  @Test
  void statsGroupPerServiceAndPerFunctionAndInTotal() {
    List<ReleaseRecord> all = List.of(
        service("api-1", "nexus", "api", Succeeded, 1, 10),
        service("worker-1", "nexus", "worker", RolledBack, 1, 4),
        byName("legacy-1", "legacy-fn", Succeeded, 1, 2),
        service("old", "nexus", "api", RolledBack, 45, 1));

    ReleaseReport.Stats stats = report.stats(all, Duration.ofDays(30));

    assertThat(stats.services()).extracting(ReleaseReport.Row::key).containsExactly("shop/nexus");
    ReleaseReport.Row nexus = stats.services().get(0);
    assertThat(nexus.releases()).isEqualTo(2);
    assertThat(nexus.successRate()).isEqualTo(OptionalDouble.of(0.5));
    assertThat(nexus.mean()).contains(Duration.ofMinutes(7));
    assertThat(stats.functions()).extracting(ReleaseReport.Row::key)
        .containsExactly("shop/legacy-fn", "shop/nexus/api", "shop/nexus/worker");
    assertThat(stats.total().releases()).isEqualTo(3);
    assertThat(stats.total().rollbackRate().getAsDouble()).isEqualTo(1.0 / 3);
    assertThat(stats.total().p95()).contains(Duration.ofMinutes(10));
  }

  /** A final phase whose alias move AWS has not confirmed is not decided yet: it may still fail to roll back. */
  @Test
  void aFinalPhaseWithoutFinishTimeCountsAsRunningAndAGroupWithNoDecisionHasNoRates() {
    ReleaseRecord unconfirmed = new ReleaseRecord("shop", "api-1", "nexus", "api", "nexus-prod-api", RolledBack, "AnalysisFailed",
        NOW.minusSeconds(60), null, "1", "2", null, null);

    ReleaseReport.Row row = single(report.stats(List.of(unconfirmed), Duration.ofDays(1)).functions());

    assertThat(row.running()).isEqualTo(1);
    assertThat(row.rolledBack()).isZero();
    assertThat(row.successRate()).isEmpty();
    assertThat(row.mean()).isEqualTo(Optional.empty());
  }

  @Test
  void aRecordIsReadFromTheReleaseItsStatusAndItsCommitAndDeployerAnnotations() {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName("api-1").withNamespace("shop").withCreationTimestamp("2026-12-04T10:00:00Z")
        .withAnnotations(Map.of(ReleaseRecord.COMMIT, "3f9f0ba", ReleaseRecord.DEPLOYER, "ci@example.com")).build());
    r.setSpec(new LambdaReleaseSpec());
    r.getSpec().service = "nexus";
    r.getSpec().function = "api";
    LambdaReleaseStatus s = new LambdaReleaseStatus();
    s.phase = Succeeded;
    s.function = "nexus-prod-api";
    s.startTime = "2026-12-04T10:00:05Z";
    s.finishTime = "2026-12-04T10:40:17Z";
    s.stableVersion = "4";
    s.canaryVersion = "5";
    r.setStatus(s);

    ReleaseRecord record = ReleaseRecord.of(r);

    assertThat(record).isEqualTo(new ReleaseRecord("shop", "api-1", "nexus", "api", "nexus-prod-api", Succeeded, null,
        Instant.parse("2026-12-04T10:00:05Z"), Instant.parse("2026-12-04T10:40:17Z"), "4", "5", "3f9f0ba", "ci@example.com"));
    assertThat(record.duration()).contains(Duration.ofMinutes(40).plusSeconds(12));
    // Not started yet: the creation time places it in the window.
    r.setStatus(null);
    assertThat(ReleaseRecord.of(r).at()).isEqualTo(Instant.parse("2026-12-04T10:00:00Z"));
  }

  private static ReleaseReport.Row single(List<ReleaseReport.Row> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  /** A release of a service's function, started {@code daysAgo}, that took {@code minutes} (null: not finished). */
  private static ReleaseRecord service(String name, String service, String function, ReleasePhase phase, int daysAgo, Integer minutes) {
    Instant start = NOW.minus(Duration.ofDays(daysAgo));
    return new ReleaseRecord("shop", name, service, function, service + "-prod-" + function, phase, null, start,
        minutes == null ? null : start.plus(Duration.ofMinutes(minutes)), "1", "2", null, null);
  }

  private static ReleaseRecord byName(String name, String function, ReleasePhase phase, int daysAgo, int minutes) {
    Instant start = NOW.minus(Duration.ofDays(daysAgo)).plusSeconds(60);
    return new ReleaseRecord("shop", name, null, function, function, phase, null, start, start.plus(Duration.ofMinutes(minutes)),
        "1", "2", null, null);
  }
}
