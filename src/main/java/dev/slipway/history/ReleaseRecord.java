package dev.slipway.history;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What history and stats need of one LambdaRelease: the object itself is the history record.
 *
 * @param service the ServerlessService, null for a release of a function by name
 * @param function the service's logical function name, or the function's name or ARN
 * @param physical the function's physical name as the operator resolved it (null before it started)
 * @param phase null before the operator's first pass
 * @param at when the release started, or was created if it has not started
 * @param finish when it reached a final phase and AWS confirmed its alias, null before
 * @param commit the {@code slipway.dev/commit} annotation, null without
 * @param deployer the {@code slipway.dev/deployer} annotation, null without
 */
public record ReleaseRecord(
    String namespace, String name, String service, String function, String physical, ReleasePhase phase, String reason,
    Instant at, Instant finish, String stableVersion, String canaryVersion, String commit, String deployer) {

  /** Annotation naming the commit a release ships, as CI sets it. */
  public static final String COMMIT = "slipway.dev/commit";
  /** Annotation naming who or what deployed a release. */
  public static final String DEPLOYER = "slipway.dev/deployer";

  public static ReleaseRecord of(LambdaRelease r) {
    LambdaReleaseSpec spec = r.getSpec();
    LambdaReleaseStatus st = r.getStatus() == null ? new LambdaReleaseStatus() : r.getStatus();
    Map<String, String> notes = r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations();
    Instant created = r.getMetadata().getCreationTimestamp() == null ? null : Instant.parse(r.getMetadata().getCreationTimestamp());
    return new ReleaseRecord(
        r.getMetadata().getNamespace(), r.getMetadata().getName(), spec.service,
        spec.service != null ? spec.function : spec.functionName, st.function, st.phase, st.reason,
        st.startTime != null ? Instant.parse(st.startTime) : created, st.finishTime == null ? null : Instant.parse(st.finishTime),
        st.stableVersion, st.canaryVersion, notes.get(COMMIT), notes.get(DEPLOYER));
  }

  /** Finished: a final phase whose alias AWS confirmed. Superseded counts as neither success nor rollback. */
  public boolean finished() {
    return finish != null && phase != null && phase.isFinal();
  }

  /** Start to finish, for a finished release that has both. */
  public Optional<Duration> duration() {
    return finished() && at != null ? Optional.of(Duration.between(at, finish)) : Optional.empty();
  }

  /** Whether TARGET of {@code history TARGET} names this release: its service, function, or physical function. */
  public boolean matches(String target) {
    return target.equals(service) || target.equals(function) || target.equals(physical);
  }

  /** Whether {@code name} names this release's function: its name in the service, service/function, or its physical name. */
  public boolean ofFunction(String name) {
    return name.equals(function) || name.equals(functionKey()) || name.equals(physical);
  }

  /** The function as the stats group it: service/function for a service's, else the function's name. */
  public String functionKey() {
    return service != null ? service + "/" + function : function;
  }
}
