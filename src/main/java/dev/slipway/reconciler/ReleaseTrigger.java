package dev.slipway.reconciler;

import dev.slipway.aws.Hashes;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.EventSink;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns a change of a function's code or version-bearing configuration in a ServerlessService into
 * a LambdaRelease owned by the service, using the function's {@code releasePolicy}. The service has
 * already updated $LATEST and published the version; the release moves the alias onto it, step by
 * step. The release is named after a hash of what changed, so a reconcile that runs again creates
 * nothing new, and a release that rolled back is not retried until the spec changes again. A spec
 * that goes back to code released before (a Git revert) is a change too: it gets a new release.
 */
final class ReleaseTrigger {

  private final KubernetesClient client;

  ReleaseTrigger(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Creates the releases the functions in {@code converged} need and records them in their status.
   * {@code spec} is the service's effective spec, so a change of spec.functionDefaults releases the
   * functions that inherit it.
   */
  void release(ServerlessService service, ServerlessServiceSpec spec, List<FunctionStatus> functions, Set<String> converged, EventSink events) {
    Map<String, FunctionStatus> statuses = new java.util.HashMap<>();
    functions.forEach(f -> statuses.put(f.name, f));
    for (FunctionSpec fn : spec.functions) {
      FunctionStatus st = statuses.get(fn.name);
      if (st == null || !converged.contains(fn.name)) {
        continue;
      }
      String hash = specHash(fn);
      // First sight (created or adopted): a release is due only if the alias is not on the new version.
      boolean due = st.specHash == null
          ? st.publishedVersion != null && st.aliasVersion != null && !st.publishedVersion.equals(st.aliasVersion)
          : !st.specHash.equals(hash);
      st.specHash = hash;
      if (!due) {
        continue;
      }
      st.release = ensureRelease(service, fn, hash, st, events);
    }
  }

  /**
   * The release of this change: the one an earlier reconcile created for it (its status write was
   * lost), or a new one. A release of the same hash that is not the function's newest is history,
   * not this change: the spec went back to code released before (a Git revert, A → B → A), and the
   * newest declared state must win, so a new release is created under the next free name
   * {@code <service>-<function>-<hash>-<n>}.
   */
  private String ensureRelease(ServerlessService service, FunctionSpec fn, String hash, FunctionStatus st, EventSink events) {
    String ns = service.getMetadata().getNamespace();
    String svc = service.getMetadata().getName();
    List<LambdaRelease> ofFunction = client.resources(LambdaRelease.class).inNamespace(ns).list().getItems().stream()
        .filter(r -> svc.equals(r.getSpec().service) && fn.name.equals(r.getSpec().function))
        .toList();
    Optional<String> newest = ofFunction.stream().max(NEWEST).map(r -> r.getMetadata().getName());
    Set<String> taken = ofFunction.stream().map(r -> r.getMetadata().getName()).collect(Collectors.toSet());
    for (int attempt = 1; ; attempt++) {
      String name = releaseName(service, fn, hash, attempt);
      if (newest.isPresent() && newest.get().equals(name)) {
        return name;
      }
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

  private static LambdaRelease release(ServerlessService service, FunctionSpec fn, String name) {
    var meta = service.getMetadata();
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(meta.getNamespace())
        .addToLabels(Slipway.SERVICE_LABEL, meta.getName())
        .addToLabels(Slipway.FUNCTION_LABEL, fn.name)
        .addToLabels("app.kubernetes.io/managed-by", "slipway")
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(service.getApiVersion())
            .withKind(service.getKind())
            .withName(meta.getName())
            .withUid(meta.getUid())
            .withController(true)
            .build())
        .build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.service = meta.getName();
    spec.function = fn.name;
    spec.code = Serialization.jsonMapper().convertValue(fn.code, dev.slipway.api.v1alpha1.CodeSource.class);
    spec.policy = fn.releasePolicy;
    r.setSpec(spec);
    return r;
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

  private static void putUnlessDefault(Map<String, Object> bearing, String key, Object value, Object unset) {
    if (value != null && !value.equals(unset)) {
      bearing.put(key, value);
    }
  }

  /** What a published version of {@code fn}, a resolved function, is made of: code and the configuration Lambda snapshots into it. */
  static String specHash(FunctionSpec fn) {
    Map<String, Object> bearing = new LinkedHashMap<>();
    bearing.put("code", fn.code.describe());
    bearing.put("sha256", fn.code.sha256);
    bearing.put("runtime", fn.runtime == null ? null : fn.runtime.id());
    bearing.put("handler", fn.handler);
    bearing.put("memoryMB", fn.memoryMB);
    bearing.put("timeoutSeconds", fn.timeoutSeconds);
    bearing.put("architecture", fn.architecture.name());
    bearing.put("environment", new TreeMap<>(fn.environment));
    bearing.put("vpc", fn.vpc == null ? null : Map.of("subnets", fn.vpc.subnetIds, "securityGroups", fn.vpc.securityGroupIds));
    bearing.put("description", fn.description);
    // Settings added later count only when set, so a function that does not use them keeps its hash
    // (and an operator upgrade starts no release of unchanged functions).
    putUnlessDefault(bearing, "environmentFrom", new TreeMap<>(fn.environmentFrom), Map.of());
    putUnlessDefault(bearing, "layers", fn.layers, List.of());
    putUnlessDefault(bearing, "ephemeralStorageMB", fn.ephemeralStorageMB, FunctionDefaults.EPHEMERAL_STORAGE_MB);
    putUnlessDefault(bearing, "tracing", fn.tracing.name(), FunctionDefaults.TRACING.name());
    putUnlessDefault(bearing, "deadLetter", fn.deadLetter == null ? null : Objects.toString(fn.deadLetter.topic, fn.deadLetter.queueArn), null);
    return Hashes.sha256(Serialization.asJson(bearing));
  }
}
