package dev.slipway.cli;

import dev.slipway.history.ReleaseReport;
import dev.slipway.history.Since;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Seed 003's deployment report from the LambdaReleases: per service, per function and in total. */
@Command(name = "stats", description = {
    "Success rate, rollback rate, mean and p95 duration of releases, per service and per function.",
    "Rates are of the releases that ended Succeeded, RolledBack or Failed; Superseded and running ones are counted apart."})
final class StatsCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Mixin HistoryCommand.Window window;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ReleaseReport.Stats stats = new ReleaseReport(Clock.systemUTC()).stats(window.records(cluster), window.since);
    out.println("Releases started in the last " + Since.format(window.since) + ".");
    if (!stats.services().isEmpty()) {
      out.println();
      print(out, "SERVICE", stats.services());
    }
    out.println();
    print(out, "FUNCTION", stats.functions());
    out.println();
    print(out, "", List.of(stats.total()));
    return KubectlSlipway.OK;
  }

  private static void print(PrintWriter out, String what, List<ReleaseReport.Row> rows) {
    Table t = new Table(what, "RELEASES", "SUCCEEDED", "ROLLED BACK", "FAILED", "SUPERSEDED", "RUNNING", "SUCCESS RATE",
        "ROLLBACK RATE", "MEAN", "P95");
    rows.forEach(r -> t.row(r.key(), r.releases(), r.succeeded(), r.rolledBack(), r.failed(), r.superseded(), r.running(),
        percent(r.successRate()), percent(r.rollbackRate()), duration(r.mean()), duration(r.p95())));
    t.print(out);
  }

  private static String percent(OptionalDouble rate) {
    return rate.isPresent() ? String.format("%.1f%%", rate.getAsDouble() * 100) : null;
  }

  private static String duration(Optional<Duration> d) {
    return d.map(HistoryCommand::format).orElse(null);
  }
}
