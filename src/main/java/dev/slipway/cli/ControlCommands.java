package dev.slipway.cli;

import dev.slipway.api.v1alpha1.LambdaRelease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * promote, abort, pause, resume and retry: each writes one spec field of the release, exactly what
 * the Argo CD action of the same name writes (deploy/argocd/README.md, "Resource actions"), and only
 * where the operator acts on it; elsewhere it writes nothing, says why and exits 1.
 */
final class ControlCommands {

  private ControlCommands() {}

  /** The arguments and the run every control shares. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ClusterOptions cluster;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RELEASE", description = "Name of the LambdaRelease.")
    String name;

    abstract Control control();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (KubernetesClient client = cluster.client()) {
        String ns = cluster.namespace();
        Map<String, Object> written = Releases.control(client, ns, name, control());
        if (written.isEmpty()) {
          LambdaRelease live = Releases.get(client, ns, name);
          spec.commandLine().getErr().println("error: " + spec.name() + " does not apply to lambdarelease " + name + " now: "
              + StatusCommand.line(live) + controlsNote(live));
          return KubectlSlipway.NOT_APPLICABLE;
        }
        out.println("lambdarelease.slipway.dev/" + name + " " + spec.name() + (control() == Control.PROMOTE_FULL ? " --full" : "")
            + ": spec " + written.get("spec"));
        return KubectlSlipway.OK;
      }
    }

    private static String controlsNote(LambdaRelease r) {
      var s = r.getSpec();
      if (Boolean.TRUE.equals(s.abort)) {
        return " (spec.abort is set)";
      }
      if (Boolean.TRUE.equals(s.promote)) {
        return " (spec.promote is set)";
      }
      return r.getMetadata().getDeletionTimestamp() != null ? " (being deleted)" : "";
    }
  }

  @Command(name = "promote", description = {
      "Approve the approval gate the release waits at (spec.approvedStep), as Argo CD's promote-step.",
      "With --full: skip the remaining steps and gates and shift all traffic now (spec.promote), as promote-full;"
          + " post-traffic hooks still run."})
  static final class Promote extends Base {
    @Option(names = "--full", description = "Skip all remaining steps and approval gates.")
    boolean full;

    @Override
    Control control() {
      return full ? Control.PROMOTE_FULL : Control.PROMOTE_STEP;
    }
  }

  @Command(name = "abort", description = "Roll back now: all traffic to the stable version, phase RolledBack (spec.abort).")
  static final class Abort extends Base {
    @Override
    Control control() {
      return Control.ABORT;
    }
  }

  @Command(name = "pause", description = "Hold the current weight: no step advances and no verdict counts (spec.paused).")
  static final class Pause extends Base {
    @Override
    Control control() {
      return Control.PAUSE;
    }
  }

  @Command(name = "resume", description = "Lift a pause: the step's timer goes on from where it stopped (spec.paused: false).")
  static final class Resume extends Base {
    @Override
    Control control() {
      return Control.RESUME;
    }
  }

  @Command(name = "retry", description = {
      "Run a RolledBack or Failed release again, unchanged (spec.retry one above status.observedRetry;"
          + " spec.abort lifted if set)."})
  static final class Retry extends Base {
    @Override
    Control control() {
      return Control.RETRY;
    }
  }
}
