package dev.slipway.cli;

import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.history.ReleaseReport;
import dev.slipway.history.Since;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The releases of a namespace (or all), newest first: the LambdaRelease objects are the history. */
@Command(name = "history", description = {
    "Releases with outcome, duration, versions, commit and deployer (annotations slipway.dev/commit,"
        + " slipway.dev/deployer), newest first.",
    "TARGET narrows to a ServerlessService, or a function (its name in the service, or its physical name)."})
final class HistoryCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Mixin Window window;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SERVICE|FUNCTION", arity = "0..1", description = "Only this service's or function's releases.")
  String target;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ReleaseRecord> records = new ReleaseReport(Clock.systemUTC()).history(window.records(cluster), target, window.since);
    if (records.isEmpty()) {
      out.println("No releases in the last " + Since.format(window.since) + (target == null ? "" : " for " + target) + ".");
      return KubectlSlipway.OK;
    }
    Table t = window.allNamespaces
        ? new Table("NAMESPACE", "NAME", "SERVICE", "FUNCTION", "VERSIONS", "OUTCOME", "REASON", "STARTED", "DURATION", "COMMIT", "DEPLOYER")
        : new Table("NAME", "SERVICE", "FUNCTION", "VERSIONS", "OUTCOME", "REASON", "STARTED", "DURATION", "COMMIT", "DEPLOYER");
    for (ReleaseRecord r : records) {
      Object[] cells = {r.name(), r.service(), r.function(),
          (r.stableVersion() == null ? "-" : r.stableVersion()) + " -> " + (r.canaryVersion() == null ? "-" : r.canaryVersion()),
          r.phase() == null ? "Pending" : r.phase() + (r.finished() || !r.phase().isFinal() ? "" : " (alias unconfirmed)"),
          r.reason(), r.at() == null ? null : r.at().truncatedTo(ChronoUnit.SECONDS),
          r.duration().map(HistoryCommand::format).orElse(null), r.commit(), r.deployer()};
      if (window.allNamespaces) {
        Object[] wide = new Object[cells.length + 1];
        wide[0] = r.namespace();
        System.arraycopy(cells, 0, wide, 1, cells.length);
        cells = wide;
      }
      t.row(cells);
    }
    t.print(out);
    return KubectlSlipway.OK;
  }

  /** Whole seconds, as the status's duration. */
  static String format(Duration d) {
    return Durations.format(d.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The window and the namespaces history and stats read. */
  static final class Window {
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "30d", converter = DurationConverter.class,
        description = "Only releases started within this long, e.g. 7d, 12h (default: ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = {"-A", "--all-namespaces"}, description = "Releases of every namespace.")
    boolean allNamespaces;

    @Option(names = "--server", paramLabel = "URL", description = {
        "Read the releases from the operator's history API at URL (its port 8080, e.g. through kubectl port-forward)"
            + " instead of the API server, for a user allowed to list them who cannot reach the API server."})
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token for --server (default: the kubeconfig context's token).")
    String token;

    List<ReleaseRecord> records(ClusterOptions cluster) {
      if (server != null) {
        if (allNamespaces) {
          throw new IllegalArgumentException("--server reads one namespace at a time: drop -A");
        }
        return HistoryServer.releases(server, cluster.namespace(), since, token != null ? token : cluster.config().getOauthToken());
      }
      try (KubernetesClient client = cluster.client()) {
        return Releases.list(client, allNamespaces ? null : cluster.namespace()).stream().map(ReleaseRecord::of).toList();
      }
    }
  }
}
