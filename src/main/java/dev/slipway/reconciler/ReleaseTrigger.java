package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.Hashes;
import dev.slipway.config.Shard;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a new published version of a function in a ServerlessService into a LambdaRelease owned by
 * the service, using the function's {@code releasePolicy}. The service has already updated $LATEST
 * and published the version; the release moves the alias onto it, step by step.
 *
 * <p>What a version freezes is defined once, by the Lambda kind (its code's CodeSha256 and the
 * configuration hash, {@link FunctionStatus#codeSha256} and {@link FunctionStatus#configHash}); this
 * class only asks whether the function's newest release already ships that version. So a reconcile
 * that runs again creates nothing new, a release that rolled back is not retried until a new version
 * is published, a spec edit that changes nothing a version freezes releases nothing, and a spec that
 * goes back to code released before (a Git revert) gets a new release, because the newest release
 * ships something else.
 */
final class ReleaseTrigger {

  private final KubernetesClient client;

  ReleaseTrigger(KubernetesClient client) {
    this.client = client;
  }

  /** Creates the releases the functions in {@code converged} need and records them in their status. */
  void release(ServerlessService service, ServerlessServiceSpec spec, List<FunctionStatus> functions, Set<String> converged, EventSink events) {
    Map<String, FunctionStatus> statuses = new java.util.HashMap<>();
    functions.forEach(f -> statuses.put(f.name, f));
    List<LambdaRelease> ofService = null;
    for (FunctionSpec fn : spec.functions) {
      FunctionStatus st = statuses.get(fn.name);
      String hash = st == null ? null : versionHash(st);
      // Decided for this version already: nothing to read.
      if (st == null || !converged.contains(fn.name) || st.publishedVersion == null || hash.equals(st.releasedHash)) {
        continue;
      }
      if (ofService == null) {
        ofService = releasesOf(service);
      }
      List<LambdaRelease> ofFunction = ofService.stream().filter(r -> fn.name.equals(r.getSpec().function)).toList();
      Optional<LambdaRelease> newest = newestShipping(ofFunction);
      if (due(st, newest, releaseName(service, fn, hash))) {
        st.release = createRelease(service, fn, hash, st, ofFunction, events);
      } else if (newest.isPresent()) {
        st.release = newest.get().getMetadata().getName();
      }
      st.releasedHash = hash;
    }
  }

  /**
   * Whether the published version of a function needs a release, given the function's newest
   * release: it does unless that release ships the version (by its status, or, not started yet, by
   * its name) or, finished, left the alias on it already. A function never released needs one only
   * when its alias is not on the published version (an adopted function whose code changed).
   */
  static boolean due(FunctionStatus st, Optional<LambdaRelease> newest, String name) {
    if (newest.isEmpty()) {
      return st.aliasVersion != null && !st.publishedVersion.equals(st.aliasVersion);
    }
    LambdaRelease r = newest.get();
    LambdaReleaseStatus rs = r.getStatus();
    if (r.getMetadata().getName().equals(name) || r.getMetadata().getName().startsWith(name + "-")
        || (rs != null && st.publishedVersion.equals(rs.canaryVersion))) {
      return false;
    }
    boolean finished = rs != null && rs.phase != null && rs.phase.isFinal();
    return !(finished && st.publishedVersion.equals(st.aliasVersion));
  }

  /**
   * The newest release that shipped declared code. A rollback to a named release is a person's
   * decision against the version it rolled back from: measured against the release before it, that
   * version stays not due, so the next resync does not undo the rollback, while a version published
   * after it (the spec changed) is due.
   */
  static Optional<LambdaRelease> newestShipping(List<LambdaRelease> ofFunction) {
    return ofFunction.stream().filter(r -> r.getSpec().rollbackTo == null).max(NEWEST);
  }

  /** What identifies the published version: its code and the configuration Lambda froze into it. */
  static String versionHash(FunctionStatus st) {
    return Hashes.sha256(st.codeSha256 + " " + st.configHash);
  }

  private List<LambdaRelease> releasesOf(ServerlessService service) {
    String svc = service.getMetadata().getName();
    return client.resources(LambdaRelease.class).inNamespace(service.getMetadata().getNamespace()).list().getItems().stream()
        .filter(r -> svc.equals(r.getSpec().service))
        .toList();
  }

  /**
   * A new release of the version under the first free name {@code <service>-<function>-<hash>[-<n>]};
   * a name is taken when the same version was released before and something else since (a Git revert).
   */
  private String createRelease(ServerlessService service, FunctionSpec fn, String hash, FunctionStatus st, List<LambdaRelease> ofFunction, EventSink events) {
    String ns = service.getMetadata().getNamespace();
    Set<String> taken = ofFunction.stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet());
    for (int attempt = 1; ; attempt++) {
      String name = releaseName(service, fn, hash, attempt);
      if (!taken.contains(name) && client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get() == null) {
        client.resource(release(service, fn, name)).create();
        events.normal("ReleaseCreated", "Created LambdaRelease " + name + " to ship version " + st.publishedVersion + " of " + fn.name
            + " with policy " + (fn.releasePolicy == null ? "AllAtOnce" : fn.releasePolicy));
        return name;
      }
    }
  }

  /** Creation order; within one second (timestamps have whole seconds) the name decides. */
  private static final Comparator<LambdaRelease> NEWEST =
      Comparator.comparing((LambdaRelease r) -> r.getMetadata().getCreationTimestamp()).thenComparing(r -> r.getMetadata().getName());

  static LambdaRelease release(ServerlessService service, FunctionSpec fn, String name) {
    var meta = service.getMetadata();
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(meta.getNamespace())
        .addToLabels(Slipway.SERVICE_LABEL, meta.getName())
        .addToLabels(Slipway.FUNCTION_LABEL, fn.name)
        .addToLabels("app.kubernetes.io/managed-by", "slipway")
        // The service's shard runs its releases.
        .addToLabels(Shard.of(service).map(v -> Map.of(Slipway.SHARD_LABEL, v)).orElse(Map.of()))
        .withOwnerReferences(Owners.controller(service))
        .withAnnotations(origin(meta))
        .build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.service = meta.getName();
    spec.function = fn.name;
    spec.code = Serialization.jsonMapper().convertValue(fn.code, dev.slipway.api.v1alpha1.CodeSource.class);
    spec.policy = fn.releasePolicy;
    r.setSpec(spec);
    return r;
  }

  /** The commit and deployer CI wrote on the service: what its releases ship, and who shipped them. */
  private static Map<String, String> origin(io.fabric8.kubernetes.api.model.ObjectMeta service) {
    Map<String, String> origin = new java.util.LinkedHashMap<>();
    for (String a : List.of(Slipway.COMMIT_ANNOTATION, Slipway.DEPLOYER_ANNOTATION)) {
      Optional.ofNullable(UpdateTriggers.annotation(service, a)).ifPresent(v -> origin.put(a, v));
    }
    return origin;
  }

  /** {@code <service>-<function>-<hash>}, within the 253 characters of an object name. */
  static String releaseName(ServerlessService service, FunctionSpec fn, String hash) {
    return releaseName(service, fn, hash, 1);
  }

  /** The name of the {@code attempt}-th release of one hash: {@code -<attempt>} appended from the second on. */
  static String releaseName(ServerlessService service, FunctionSpec fn, String hash, int attempt) {
    String suffix = "-" + hash.substring(0, 10) + (attempt == 1 ? "" : "-" + attempt);
    String base = service.getMetadata().getName() + "-" + fn.name;
    int room = Math.min(240, 253 - suffix.length());
    return (base.length() > room ? base.substring(0, room) : base) + suffix;
  }
}
