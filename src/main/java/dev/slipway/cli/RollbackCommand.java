package dev.slipway.cli;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.status.Reasons;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A rollback by name, as Argo Rollouts' {@code undo}: a new LambdaRelease of the function with
 * {@code spec.rollbackTo} naming the earlier Succeeded release, so the operator moves the alias back
 * to the version that release shipped, uploading and publishing nothing, through a policy as any
 * release (or all at once), and history shows it as a release of its own. Nothing existing is
 * changed; the checks the operator would fail the new release on are made first, so a rollback that
 * cannot happen creates nothing.
 */
@Command(name = "rollback", description = {
    "Return FUNCTION's alias to the version an earlier Succeeded release shipped: creates a new LambdaRelease with"
        + " spec.rollbackTo (nothing uploaded or published), released with the policy of the function's newest release"
        + " unless --policy or --all-at-once.",
    "Refused while a release of the function is still in progress, and for a release of another function or one that"
        + " did not succeed."})
final class RollbackCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FUNCTION",
      description = "The function: its name in the service (or SERVICE/FUNCTION), its physical name, or the functionName of its releases.")
  String function;

  @Option(names = "--to", required = true, paramLabel = "RELEASE", description = "The Succeeded LambdaRelease whose version to return to.")
  String to;

  @Option(names = "--policy", paramLabel = "NAME", description = "CanaryPolicy for the rollback (default: that of the function's newest release).")
  String policy;

  @Option(names = "--all-at-once", description = "No policy: move the alias in one step, as the runbook's update-alias.")
  boolean allAtOnce;

  @Option(names = "--name", paramLabel = "NAME", description = "Name of the new LambdaRelease (default: rollback-to-RELEASE-<random>).")
  String name;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (policy != null && allAtOnce) {
      err.println("error: --policy and --all-at-once exclude each other");
      return KubectlSlipway.USAGE;
    }
    try (KubernetesClient client = cluster.client()) {
      String ns = cluster.namespace();
      LambdaRelease target = Releases.get(client, ns, to);
      if (!names(target, function)) {
        err.println("error: lambdarelease " + to + " released " + describe(target) + ", not " + function);
        return KubectlSlipway.USAGE;
      }
      List<LambdaRelease> ofFunction = Releases.list(client, ns).stream().filter(r -> key(r).equals(key(target))).toList();
      Optional<LambdaRelease> running = ofFunction.stream()
          .filter(r -> r.getMetadata().getDeletionTimestamp() == null && !ReleaseRecord.of(r).finished())
          .findFirst();
      if (running.isPresent()) {
        err.println("error: rollback does not apply to " + function + " now: lambdarelease " + running.get().getMetadata().getName()
            + " is in progress (" + StatusCommand.line(running.get()) + "); abort it or wait for it to finish");
        return KubectlSlipway.NOT_APPLICABLE;
      }
      String notShipped = notShipped(target);
      if (notShipped != null) {
        err.println("error: lambdarelease " + to + " " + notShipped + ": only a version a release shipped is one to return to");
        return KubectlSlipway.USAGE;
      }
      LambdaRelease created = client.resource(rollback(target, ns, ofFunction)).create();
      String p = created.getSpec().policy;
      spec.commandLine().getOut().println("lambdarelease.slipway.dev/" + created.getMetadata().getName() + " created: " + describe(target)
          + " back to version " + target.getStatus().canaryVersion + " (shipped by " + to + "), "
          + (p == null ? "all at once" : "policy " + p) + "; follow it with: kubectl slipway status "
          + created.getMetadata().getName() + " -n " + ns + " --watch");
      return KubectlSlipway.OK;
    }
  }

  /** The new release: the target's function and alias, spec.rollbackTo the target, the commit the target shipped. */
  private LambdaRelease rollback(LambdaRelease target, String ns, List<LambdaRelease> ofFunction) {
    LambdaReleaseSpec from = target.getSpec();
    LambdaReleaseSpec s = new LambdaReleaseSpec();
    s.service = from.service;
    s.function = from.function;
    s.functionName = from.functionName;
    s.alias = from.alias;
    s.region = from.region;
    s.roleArn = from.roleArn;
    s.rollbackTo = to;
    s.policy = allAtOnce ? null : policy != null ? policy : newestPolicy(ofFunction);
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(ns);
    if (name != null) {
      meta.setName(name);
    } else {
      String base = ("rollback-to-" + to);
      meta.setGenerateName(base.substring(0, Math.min(base.length(), 240)).replaceAll("[-.]+$", "") + "-");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (from.service != null) {
      labels.put(Slipway.SERVICE_LABEL, from.service);
      labels.put(Slipway.FUNCTION_LABEL, from.function);
    }
    meta.setLabels(labels);
    Map<String, String> notes = new LinkedHashMap<>();
    // The code it returns to is the code that commit built; the deployer is whoever rolled back.
    Optional.ofNullable(target.getMetadata().getAnnotations()).map(a -> a.get(ReleaseRecord.COMMIT))
        .ifPresent(c -> notes.put(ReleaseRecord.COMMIT, c));
    notes.put(ReleaseRecord.DEPLOYER, System.getProperty("user.name", "unknown") + " (kubectl slipway rollback)");
    meta.setAnnotations(notes);
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(meta);
    r.setSpec(s);
    return r;
  }

  /** The policy the function is released with now: that of its newest release of new code (a rollback's own choice does not stick). */
  private static String newestPolicy(List<LambdaRelease> ofFunction) {
    return ofFunction.stream()
        .filter(r -> r.getSpec().rollbackTo == null)
        .max(Comparator.comparing((LambdaRelease r) -> r.getMetadata().getCreationTimestamp()).thenComparing(r -> r.getMetadata().getName()))
        .map(r -> r.getSpec().policy)
        .orElse(null);
  }

  /**
   * Why {@code target} shipped no version to return to, or null if it did: the operator's own rule for
   * spec.rollbackTo (Succeeded, its alias confirmed, no failed rollback).
   */
  static String notShipped(LambdaRelease target) {
    LambdaReleaseStatus s = target.getStatus();
    if (s != null && s.phase == ReleasePhase.Succeeded && s.finishTime != null && s.canaryVersion != null
        && s.conditions.stream().noneMatch(c -> Reasons.ROLLBACK_FAILED.equals(c.getType()) && "True".equals(c.getStatus()))) {
      return null;
    }
    if (s == null || s.phase == null) {
      return "has not started";
    }
    return "did not succeed: " + s.phase + (s.reason == null ? "" : " (" + s.reason + ")")
        + (s.phase == ReleasePhase.Succeeded ? ", its alias not confirmed" : "");
  }

  /** Whether FUNCTION names the function {@code r} released. */
  static boolean names(LambdaRelease r, String function) {
    ReleaseRecord rec = ReleaseRecord.of(r);
    return function.equals(rec.function()) || function.equals(rec.physical()) || function.equals(rec.functionKey());
  }

  /** The function and alias a release moves, from its spec alone: the operator's ReleaseTarget.specKey. */
  static String key(LambdaRelease r) {
    LambdaReleaseSpec s = r.getSpec();
    return s.service != null ? "service:" + s.service + "/" + s.function : "function:" + s.region + "/" + s.functionName + ":" + s.alias;
  }

  private static String describe(LambdaRelease r) {
    LambdaReleaseSpec s = r.getSpec();
    return s.service != null ? "function " + s.service + "/" + s.function : "function " + s.functionName + " (alias " + s.alias + ")";
  }
}
