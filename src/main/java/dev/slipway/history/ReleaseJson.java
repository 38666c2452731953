package dev.slipway.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.ReleasePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON of the operator's history API: a release record and the stats, as maps for Jackson. Times
 * are RFC 3339 as in the objects' status, durations in seconds, rates between 0 and 1; what a release
 * or a group does not have yet is null.
 */
public final class ReleaseJson {

  private ReleaseJson() {}

  public static Map<String, Object> release(ReleaseRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    m.put("service", r.service());
    m.put("function", r.function());
    m.put("physicalFunction", r.physical());
    m.put("phase", r.phase() == null ? null : r.phase().name());
    m.put("reason", r.reason());
    m.put("finished", r.finished());
    m.put("startTime", time(r.at()));
    m.put("finishTime", time(r.finish()));
    m.put("durationSeconds", seconds(r.duration()));
    m.put("stableVersion", r.stableVersion());
    m.put("canaryVersion", r.canaryVersion());
    m.put("commit", r.commit());
    m.put("deployer", r.deployer());
    return m;
  }

  /** The record {@link #release} wrote. */
  public static ReleaseRecord record(JsonNode n) {
    return new ReleaseRecord(
        text(n, "namespace"), text(n, "name"), text(n, "service"), text(n, "function"), text(n, "physicalFunction"),
        n.hasNonNull("phase") ? ReleasePhase.valueOf(n.get("phase").asText()) : null, text(n, "reason"),
        instant(n, "startTime"), instant(n, "finishTime"), text(n, "stableVersion"), text(n, "canaryVersion"),
        text(n, "commit"), text(n, "deployer"));
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static Instant instant(JsonNode n, String field) {
    return n.hasNonNull(field) ? Instant.parse(n.get(field).asText()) : null;
  }

  /** A namespace's releases of a window, newest first. */
  public static Map<String, Object> releases(String namespace, Duration since, List<ReleaseRecord> records) {
    Map<String, Object> m = window(namespace, since);
    m.put("releases", records.stream().map(ReleaseJson::release).toList());
    return m;
  }

  public static Map<String, Object> stats(String namespace, Duration since, ReleaseReport.Stats stats) {
    Map<String, Object> m = window(namespace, since);
    m.put("services", stats.services().stream().map(ReleaseJson::row).toList());
    m.put("functions", stats.functions().stream().map(ReleaseJson::row).toList());
    m.put("total", row(stats.total()));
    return m;
  }

  static Map<String, Object> row(ReleaseReport.Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", r.key());
    m.put("releases", r.releases());
    m.put("succeeded", r.succeeded());
    m.put("rolledBack", r.rolledBack());
    m.put("failed", r.failed());
    m.put("superseded", r.superseded());
    m.put("running", r.running());
    m.put("successRate", rate(r.successRate()));
    m.put("rollbackRate", rate(r.rollbackRate()));
    m.put("meanSeconds", seconds(r.mean()));
    m.put("p95Seconds", seconds(r.p95()));
    return m;
  }

  private static Map<String, Object> window(String namespace, Duration since) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", namespace);
    m.put("since", Since.format(since));
    return m;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  private static Double seconds(Optional<Duration> d) {
    return d.map(x -> x.toMillis() / 1000.0).orElse(null);
  }

  private static Double rate(OptionalDouble r) {
    return r.isPresent() ? r.getAsDouble() : null;
  }
}
