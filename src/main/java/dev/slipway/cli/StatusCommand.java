package dev.slipway.cli;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.history.Since;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Where a release stands, once or until it finishes; the exit code says how it ended, so CI can gate on it. */
@Command(
    name = "status",
    description = {"Phase, step, weights, versions and the latest analysis results of a LambdaRelease.",
        "With --watch, one line per change until the release finishes or --timeout runs out."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:Succeeded: the new version serves all traffic",
        "1:RolledBack, Failed or Superseded",
        "2:usage error",
        "3:not finished (still running without --watch, or --timeout ran out)",
        "4:release not found, or the API server refused or could not be reached"})
final class StatusCommand implements Callable<Integer> {

  /** Analysis results shown: the latest of the status's bounded list. */
  private static final int ANALYSIS_ROWS = 5;

  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "RELEASE", description = "Name of the LambdaRelease.")
  String name;

  @Option(names = {"-w", "--watch"}, description = "Wait until the release finishes, printing each change.")
  boolean watch;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
      description = "How long --watch waits, e.g. 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class, hidden = true,
      description = "How often --watch reads the release.")
  Duration poll;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (KubernetesClient client = cluster.client()) {
      String ns = cluster.namespace();
      LambdaRelease release = Releases.get(client, ns, name);
      if (watch) {
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (!finished(release) && Instant.now().isBefore(deadline)) {
          String line = line(release);
          if (!line.equals(last)) {
            out.println(line);
            out.flush();
            last = line;
          }
          Thread.sleep(Math.min(poll.toMillis(), Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
          release = Releases.get(client, ns, name);
        }
      }
      print(out, release);
      if (!finished(release)) {
        if (watch) {
          spec.commandLine().getErr().println("error: release " + name + " did not finish within " + Since.format(timeout));
        }
        return KubectlSlipway.NOT_FINISHED;
      }
      return release.getStatus().phase == ReleasePhase.Succeeded ? KubectlSlipway.OK : KubectlSlipway.NOT_SUCCEEDED;
    }
  }

  /** A final phase whose alias AWS confirmed: the release will not change the alias again. */
  private static boolean finished(LambdaRelease r) {
    return r.getStatus() != null && r.getStatus().phase != null && r.getStatus().phase.isFinal() && r.getStatus().finishTime != null;
  }

  /** The watch's one line: phase, traffic and the latest transition's message. */
  static String line(LambdaRelease r) {
    LambdaReleaseStatus s = r.getStatus();
    if (s == null || s.phase == null) {
      return "Pending: waiting for the operator to start the release";
    }
    String traffic = traffic(s);
    return s.phase + (traffic.isEmpty() ? "" : " (" + traffic + ")") + (s.message == null ? "" : ": " + s.message);
  }

  /** "step 1/2, 10% on version 2, stable 1", as far as the operator has got. */
  private static String traffic(LambdaReleaseStatus s) {
    StringBuilder b = new StringBuilder();
    if (s.stepLabel != null) {
      b.append("step ").append(s.stepLabel);
    }
    if (s.weight != null && s.canaryVersion != null) {
      b.append(b.isEmpty() ? "" : ", ").append(s.weight).append("% on version ").append(s.canaryVersion);
    }
    if (s.stableVersion != null) {
      b.append(b.isEmpty() ? "" : ", ").append("stable ").append(s.stableVersion);
    }
    return b.toString();
  }

  static void print(PrintWriter out, LambdaRelease r) {
    LambdaReleaseStatus s = r.getStatus() == null ? new LambdaReleaseStatus() : r.getStatus();
    var spec = r.getSpec();
    field(out, "Name", r.getMetadata().getName());
    field(out, "Namespace", r.getMetadata().getNamespace());
    String target = spec.service != null ? spec.service + "/" + spec.function : spec.functionName;
    field(out, "Function", target + (s.function != null && !s.function.equals(target) ? " (" + s.function + ")" : "")
        + (s.alias != null ? ", alias " + s.alias : ""));
    String phase = s.phase == null ? "Pending" : s.phase.toString();
    field(out, "Phase", phase + (s.reason == null || s.reason.equals(phase) ? "" : " (" + s.reason + ")"));
    field(out, "Step", s.stepLabel);
    if (s.weight != null && s.canaryVersion != null) {
      field(out, "Weights", s.weight + "% version " + s.canaryVersion + (s.stableVersion == null ? ""
          : ", " + (100 - s.weight) + "% version " + s.stableVersion + " (stable)"));
    }
    field(out, "Versions", (s.stableVersion == null ? "-" : s.stableVersion) + " -> " + (s.canaryVersion == null ? "-" : s.canaryVersion));
    field(out, "Policy", spec.policy == null ? "none (all at once)" : spec.policy);
    String controls = controls(r);
    field(out, "Controls", controls.isEmpty() ? null : controls);
    field(out, "Started", s.startTime);
    field(out, "Finished", s.finishTime == null ? null : s.finishTime + " (" + s.duration + ")");
    field(out, "Message", s.message);
    if (s.analysis != null && !s.analysis.isEmpty()) {
      out.println();
      out.println("Analysis (latest " + Math.min(ANALYSIS_ROWS, s.analysis.size()) + " of " + s.analysis.size() + "):");
      Table t = new Table("TIME", "STEP", "METRIC", "VALUE", "THRESHOLD", "VERDICT", "MESSAGE");
      List<AnalysisResult> latest = s.analysis.subList(Math.max(0, s.analysis.size() - ANALYSIS_ROWS), s.analysis.size());
      latest.forEach(a -> t.row(a.time, a.step, a.metric + (Boolean.TRUE.equals(a.dryRun) ? " (dry run)" : ""),
          a.value == null ? null : String.format("%.4g", a.value), a.threshold, a.verdict, a.message));
      t.print(out);
    }
    if (s.hooks != null && !s.hooks.isEmpty()) {
      out.println();
      out.println("Hooks:");
      Table t = new Table("NAME", "STAGE", "PHASE", "ATTEMPTS", "REASON", "MESSAGE");
      for (HookResult h : s.hooks) {
        t.row(h.name, h.stage, h.phase, h.attempts, h.reason, h.message);
      }
      t.print(out);
    }
    out.flush();
  }

  /** The spec controls in effect: what a user set and the operator acts on. */
  private static String controls(LambdaRelease r) {
    var spec = r.getSpec();
    StringBuilder b = new StringBuilder();
    if (Boolean.TRUE.equals(spec.paused)) {
      b.append("paused ");
    }
    if (Boolean.TRUE.equals(spec.promote)) {
      b.append("promote ");
    }
    if (Boolean.TRUE.equals(spec.abort)) {
      b.append("abort ");
    }
    if (spec.approvedStep != null && spec.approvedStep > 0) {
      b.append("approvedStep=").append(spec.approvedStep).append(' ');
    }
    if (spec.retry != null && spec.retry > 0) {
      b.append("retry=").append(spec.retry).append(' ');
    }
    return b.toString().trim();
  }

  private static void field(PrintWriter out, String label, Object value) {
    out.printf("%-11s%s%n", label + ":", Objects.toString(value, "-"));
  }
}
