package dev.slipway.history;

import dev.slipway.api.v1alpha1.ReleasePhase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * History and stats over release records (seed 003's deployment history and report: total,
 * succeeded, failed, success rate, mean duration), per function and per service. Pure: the clock
 * decides the window, so tests pin "now".
 */
public final class ReleaseReport {

  private final Clock clock;

  public ReleaseReport(Clock clock) {
    this.clock = clock;
  }

  /** The releases of the last {@code since} (by start, or creation if not started) that {@code target} names (null: all), newest first. */
  public List<ReleaseRecord> history(List<ReleaseRecord> all, String target, Duration since) {
    return matching(all, r -> target == null || r.matches(target), since);
  }

  /** The releases of the last {@code since} (by start, or creation if not started) that {@code which} accepts, newest first. */
  public List<ReleaseRecord> matching(List<ReleaseRecord> all, Predicate<ReleaseRecord> which, Duration since) {
    Instant from = clock.instant().minus(since);
    return all.stream()
        .filter(r -> r.at() != null && !r.at().isBefore(from))
        .filter(which)
        .sorted(Comparator.comparing(ReleaseRecord::at).reversed().thenComparing(ReleaseRecord::name))
        .toList();
  }

  /** Stats of the releases of the last {@code since}: one row per service, one per function, and the total. */
  public Stats stats(List<ReleaseRecord> all, Duration since) {
    List<ReleaseRecord> window = matching(all, r -> true, since);
    return new Stats(
        rows(window.stream().filter(r -> r.service() != null).toList(), r -> r.namespace() + "/" + r.service()),
        rows(window, r -> r.namespace() + "/" + r.functionKey()),
        row("all", window));
  }

  private static List<Row> rows(List<ReleaseRecord> records, Function<ReleaseRecord, String> key) {
    Map<String, List<ReleaseRecord>> groups = new TreeMap<>();
    records.forEach(r -> groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r));
    return groups.entrySet().stream().map(e -> row(e.getKey(), e.getValue())).toList();
  }

  static Row row(String key, List<ReleaseRecord> records) {
    int succeeded = count(records, ReleasePhase.Succeeded);
    int rolledBack = count(records, ReleasePhase.RolledBack);
    int failed = count(records, ReleasePhase.Failed);
    int superseded = count(records, ReleasePhase.Superseded);
    int decided = succeeded + rolledBack + failed;
    List<Duration> durations = records.stream()
        .filter(r -> r.phase() != ReleasePhase.Superseded)
        .flatMap(r -> r.duration().stream())
        .sorted()
        .toList();
    return new Row(key, records.size(), succeeded, rolledBack, failed, superseded,
        records.size() - decided - superseded,
        decided == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) succeeded / decided),
        decided == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) rolledBack / decided),
        durations.isEmpty() ? Optional.empty()
            : Optional.of(durations.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(durations.size())),
        durations.isEmpty() ? Optional.empty() : Optional.of(percentile(durations, 95)));
  }

  /** Nearest rank: the smallest value at least {@code p} % of the values do not exceed. */
  static Duration percentile(List<Duration> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }

  private static int count(List<ReleaseRecord> records, ReleasePhase phase) {
    return (int) records.stream().filter(r -> r.finished() && r.phase() == phase).count();
  }

  /** Per service (namespace/service), per function (namespace/service/function or namespace/function), and all. */
  public record Stats(List<Row> services, List<Row> functions, Row total) {}

  /**
   * One group's numbers. Rates are of the decided releases (Succeeded, RolledBack, Failed): a superseded
   * one was neither, one still running (or finishing its alias move) not yet. Durations are of the decided ones.
   */
  public record Row(
      String key, int releases, int succeeded, int rolledBack, int failed, int superseded, int running,
      OptionalDouble successRate, OptionalDouble rollbackRate, Optional<Duration> mean, Optional<Duration> p95) {}
}
