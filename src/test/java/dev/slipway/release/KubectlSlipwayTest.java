package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.AliasState;
import dev.slipway.cli.KubectlSlipway;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kubectl slipway's commands, run in-process as a user runs the plugin (with the admin kubeconfig of
 * the real API server), on releases the running operator drives against moto: each command's
 * output and exit code, and the controls acting on live releases.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class KubectlSlipwayTest {

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final List<AutoCloseable> pumps = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable p : pumps) {
      p.close();
    }
    aws.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  @Test
  void statusPauseResumeAndPromoteDriveAGatedReleaseThroughItsGate() {
    String ns = releaseNamespace("cli-gate");
    String fn = unique("cli-gate");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "gated", "10s", 2, 10, "4s", 50, "4s");
    p.getSpec().steps.get(0).approval = true;
    client.resource(p).create();
    var aliases = aws.record(fn);
    pumps.add(aws.pumpMetrics(fn, "2", 100, 0));
    client.resource(release(ns, "gated-v2", fn, v2, "gated")).create();
    awaitPhase(ns, "gated-v2", ReleasePhase.AwaitingApproval);

    Run waiting = slipway("status", "gated-v2", "-n", ns, "--watch", "--timeout=2s");
    assertThat(waiting.code()).as(waiting.toString()).isEqualTo(KubectlSlipway.NOT_FINISHED);
    assertThat(waiting.out()).contains("AwaitingApproval (step 1/2, 10% on version 2, stable 1): step 1/2 at 10% passed; awaiting approval")
        .contains("Weights:   10% version 2, 90% version 1 (stable)")
        .containsPattern("(?m)^TIME +STEP +METRIC +VALUE +THRESHOLD +VERDICT")
        .containsPattern("(?m)10% \\(1/2\\) +error-rate +0\\.000 +<= 0\\.05 +Pass");
    assertThat(waiting.err()).contains("did not finish within 2s");
    assertThat(slipway("status", "gated-v2", "-n", ns).code()).as("without --watch").isEqualTo(KubectlSlipway.NOT_FINISHED);

    Run pause = slipway("pause", "gated-v2", "-n", ns);
    assertThat(pause.code()).as(pause.toString()).isZero();
    assertThat(pause.out()).contains("lambdarelease.slipway.dev/gated-v2 pause: spec {paused=true}");
    awaitPhase(ns, "gated-v2", ReleasePhase.Paused);
    // The hold comes first: an approval counts only after resume, so promote writes nothing.
    Run refused = slipway("promote", "gated-v2", "-n", ns);
    assertThat(refused.code()).as(refused.toString()).isEqualTo(KubectlSlipway.NOT_APPLICABLE);
    assertThat(refused.err()).contains("promote does not apply to lambdarelease gated-v2 now: Paused");
    assertThat(live(ns, "gated-v2").getSpec().approvedStep).isNull();

    assertThat(slipway("resume", "gated-v2", "-n", ns).code()).isZero();
    awaitPhase(ns, "gated-v2", ReleasePhase.AwaitingApproval);
    Run promote = slipway("promote", "gated-v2", "-n", ns);
    assertThat(promote.code()).as(promote.toString()).isZero();
    assertThat(promote.out()).contains("promote: spec {approvedStep=1}");

    Run done = slipway("status", "gated-v2", "-n", ns, "--watch", "--timeout=60s");
    assertThat(done.code()).as(done.toString()).isEqualTo(KubectlSlipway.OK);
    assertThat(done.out()).contains("Phase:     Succeeded (Completed)").contains("Versions:  1 -> 2");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.weighted("1", "2", 50), AliasState.single("2"));
  }

  @Test
  void abortRollsBackRetryRunsItAgainAndPromoteFullShipsIt() {
    String ns = releaseNamespace("cli-abort");
    String fn = unique("cli-abort");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    client.resource(policy(ns, "slow", null, null, 10, "120s", 50, "120s")).create();
    var aliases = aws.record(fn);
    client.resource(release(ns, "steered", fn, v2, "slow")).create();
    aws.awaitStep(client, ns, "steered", 1);

    Run abort = slipway("abort", "steered", "-n", ns);
    assertThat(abort.code()).as(abort.toString()).isZero();
    assertThat(abort.out()).contains("abort: spec {abort=true}");
    Run rolledBack = slipway("status", "steered", "-n", ns, "--watch", "--timeout=60s");
    assertThat(rolledBack.code()).as(rolledBack.toString()).isEqualTo(KubectlSlipway.NOT_SUCCEEDED);
    assertThat(rolledBack.out()).contains("Phase:     RolledBack (Aborted)").contains("Controls:  abort");
    assertThat(slipway("abort", "steered", "-n", ns).code()).as("a finished release").isEqualTo(KubectlSlipway.NOT_APPLICABLE);

    // As Argo CD's retry: spec.abort lifted in the same patch, or the operator would refuse the retry.
    Run retry = slipway("retry", "steered", "-n", ns);
    assertThat(retry.code()).as(retry.toString()).isZero();
    assertThat(retry.out()).contains("retry: spec {retry=1, abort=false}");
    await().atMost(ReleaseFixture.RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaReleaseStatus s = ReleaseFixture.status(client, ns, "steered");
      assertThat(s.observedRetry).isEqualTo(1);
      assertThat(s.phase).isEqualTo(ReleasePhase.Progressing);
      assertThat(aws.alias(fn)).isEqualTo(AliasState.weighted("1", "2", 10));
    });

    Run full = slipway("promote", "steered", "--full", "-n", ns);
    assertThat(full.code()).as(full.toString()).isZero();
    assertThat(full.out()).contains("promote --full: spec {promote=true}");
    Run shipped = slipway("status", "steered", "-n", ns, "--watch", "--timeout=60s");
    assertThat(shipped.code()).as(shipped.toString()).isEqualTo(KubectlSlipway.OK);
    assertThat(shipped.out()).contains("Phase:     Succeeded (PromotedByUser)");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("1"), AliasState.weighted("1", "2", 10),
        AliasState.single("2"));
  }

  @Test
  void statusOfAFailedOrMissingReleaseAndHistoryAndStatsOfTheNamespace() {
    String ns = releaseNamespace("cli-history");
    String fn = unique("cli-history");
    aws.function(fn, fn + "/v1.zip");
    LambdaRelease shipped = release(ns, "at-once", fn, aws.code(fn + "/v2.zip", "v2"), null);
    shipped.getMetadata().setAnnotations(Map.of(ReleaseRecord.COMMIT, "3f9f0ba", ReleaseRecord.DEPLOYER, "ci-pipeline"));
    client.resource(shipped).create();
    ReleaseFixture.awaitFinished(client, ns, "at-once");
    client.resource(ReleaseFixture.rollbackTo(ns, "to-nothing", fn, "never-created")).create();
    ReleaseFixture.awaitFinished(client, ns, "to-nothing");

    assertThat(slipway("status", "at-once", "-n", ns).code()).isEqualTo(KubectlSlipway.OK);
    Run failed = slipway("status", "to-nothing", "-n", ns);
    assertThat(failed.code()).as(failed.toString()).isEqualTo(KubectlSlipway.NOT_SUCCEEDED);
    assertThat(failed.out()).contains("Phase:     Failed (RollbackTargetNotFound)");
    Run missing = slipway("status", "no-such-release", "-n", ns);
    assertThat(missing.code()).isEqualTo(KubectlSlipway.ERROR);
    assertThat(missing.err()).contains("lambdarelease \"no-such-release\" not found in namespace " + ns);

    Run history = slipway("history", fn, "-n", ns);
    assertThat(history.code()).as(history.toString()).isZero();
    List<String> lines = history.out().lines().toList();
    assertThat(lines.get(0)).containsPattern("^NAME +SERVICE +FUNCTION +VERSIONS +OUTCOME +REASON +STARTED +DURATION +COMMIT +DEPLOYER$");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).containsPattern("^to-nothing +- +" + fn + " +2 -> - +Failed +RollbackTargetNotFound ");
    assertThat(lines.get(2)).containsPattern("^at-once +- +" + fn + " +1 -> 2 +Succeeded +AllAtOnce +\\S+Z +\\S+s +3f9f0ba +ci-pipeline$");
    assertThat(slipway("history", "another-function", "-n", ns).out()).isEqualTo("No releases in the last 30d for another-function.\n");
    assertThat(slipway("history", "-A").out()).containsPattern("(?m)^NAMESPACE +NAME").containsPattern("(?m)^" + ns + " +at-once ");

    Run stats = slipway("stats", "-n", ns, "--since=7d");
    assertThat(stats.code()).as(stats.toString()).isZero();
    assertThat(stats.out()).startsWith("Releases started in the last 7d.")
        .containsPattern("(?m)^FUNCTION +RELEASES +SUCCEEDED +ROLLED BACK +FAILED +SUPERSEDED +RUNNING +SUCCESS RATE +ROLLBACK RATE +MEAN +P95$")
        .containsPattern("(?m)^" + ns + "/" + fn + " +2 +1 +0 +1 +0 +0 +50\\.0% +0\\.0% +\\S+s +\\S+s$")
        .doesNotContain("SERVICE");
  }

  @Test
  void rollbackCreatesAReleaseBackToASucceededOneAndRefusesWhatCannotBe() {
    String ns = releaseNamespace("cli-rollback");
    String fn = unique("cli-rollback");
    aws.function(fn, fn + "/v1.zip");
    LambdaRelease v2 = release(ns, "v2", fn, aws.code(fn + "/v2.zip", "v2"), null);
    v2.getMetadata().setAnnotations(Map.of(ReleaseRecord.COMMIT, "a1b2c3d"));
    client.resource(v2).create();
    ReleaseFixture.awaitFinished(client, ns, "v2");
    client.resource(release(ns, "v3", fn, aws.code(fn + "/v3.zip", "v3"), null)).create();
    ReleaseFixture.awaitFinished(client, ns, "v3");
    client.resource(ReleaseFixture.rollbackTo(ns, "to-nothing", fn, "never-created")).create();
    ReleaseFixture.awaitFinished(client, ns, "to-nothing");
    client.resource(policy(ns, "slow", null, null, 10, "120s", 50, "120s")).create();
    client.resource(release(ns, "v4", fn, aws.code(fn + "/v4.zip", "v4"), "slow")).create();
    aws.awaitStep(client, ns, "v4", 1);

    Run missing = slipway("rollback", fn, "--to", "no-such-release", "-n", ns);
    assertThat(missing.code()).as(missing.toString()).isEqualTo(KubectlSlipway.ERROR);
    assertThat(missing.err()).contains("lambdarelease \"no-such-release\" not found in namespace " + ns);
    Run other = slipway("rollback", "another-function", "--to", "v2", "-n", ns);
    assertThat(other.code()).as(other.toString()).isEqualTo(KubectlSlipway.USAGE);
    assertThat(other.err()).contains("lambdarelease v2 released function " + fn + " (alias live), not another-function");
    Run running = slipway("rollback", fn, "--to", "v2", "-n", ns);
    assertThat(running.code()).as(running.toString()).isEqualTo(KubectlSlipway.NOT_APPLICABLE);
    assertThat(running.err()).contains("rollback does not apply to " + fn + " now: lambdarelease v4 is in progress (Progressing");
    assertThat(slipway("abort", "v4", "-n", ns).code()).isZero();
    ReleaseFixture.awaitFinished(client, ns, "v4");
    Run failed = slipway("rollback", fn, "--to", "to-nothing", "-n", ns);
    assertThat(failed.code()).as(failed.toString()).isEqualTo(KubectlSlipway.USAGE);
    assertThat(failed.err()).contains("lambdarelease to-nothing did not succeed: Failed (RollbackTargetNotFound)");
    Run rolledBack = slipway("rollback", fn, "--to", "v4", "-n", ns);
    assertThat(rolledBack.code()).as("a release that rolled back").isEqualTo(KubectlSlipway.USAGE);
    assertThat(slipway("rollback", fn, "--to", "v2", "--all-at-once", "--policy", "slow", "-n", ns).code()).isEqualTo(KubectlSlipway.USAGE);
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()).as("nothing created").hasSize(4);

    var aliases = aws.record(fn);
    Run rollback = slipway("rollback", fn, "--to", "v2", "--all-at-once", "-n", ns);
    assertThat(rollback.code()).as(rollback.toString()).isZero();
    assertThat(rollback.out()).containsPattern("^lambdarelease.slipway.dev/rollback-to-v2-[a-z0-9]{5} created: function " + fn
        + " \\(alias live\\) back to version 2 \\(shipped by v2\\), all at once; follow it with: kubectl slipway status ");
    String name = rollback.out().replaceAll("(?s)^lambdarelease.slipway.dev/(\\S+) created.*", "$1");
    LambdaRelease created = live(ns, name);
    assertThat(created.getSpec().rollbackTo).isEqualTo("v2");
    assertThat(created.getSpec().code).isNull();
    assertThat(created.getSpec().policy).isNull();
    assertThat(created.getMetadata().getAnnotations()).containsEntry(ReleaseRecord.COMMIT, "a1b2c3d")
        .hasEntrySatisfying(ReleaseRecord.DEPLOYER, d -> assertThat(d).endsWith("(kubectl slipway rollback)"));
    Run done = slipway("status", name, "-n", ns, "--watch", "--timeout=60s");
    assertThat(done.code()).as(done.toString()).isEqualTo(KubectlSlipway.OK);
    assertThat(done.out()).contains("Versions:  3 -> 2");
    assertThat(aliases.sequence()).containsExactly(AliasState.single("3"), AliasState.single("2"));

    Run history = slipway("history", fn, "-n", ns);
    assertThat(history.code()).as(history.toString()).isZero();
    assertThat(history.out().lines().toList().get(1))
        .containsPattern("^" + name + " +- +" + fn + " +3 -> 2 +Succeeded +\\S+ +\\S+Z +\\S+s +a1b2c3d +\\S+ \\(kubectl slipway rollback\\)$");

    // By default through the policy of the function's newest release of new code (v4's), as Argo Rollouts' undo.
    Run canary = slipway("rollback", fn, "--to", "v3", "--name", "back-to-v3", "-n", ns);
    assertThat(canary.code()).as(canary.toString()).isZero();
    assertThat(canary.out()).startsWith("lambdarelease.slipway.dev/back-to-v3 created: function " + fn
        + " (alias live) back to version 3 (shipped by v3), policy slow;");
    assertThat(live(ns, "back-to-v3").getSpec().policy).isEqualTo("slow");
    assertThat(slipway("abort", "back-to-v3", "-n", ns).code()).isZero();
  }

  @Test
  void helpNamesEveryCommandAndTheExitCodesWithoutACluster() {
    // No kubeconfig at all: --help must not read one, nor reach for a cluster.
    Run help = run("--help");
    assertThat(help.code()).isZero();
    Stream.of("status", "promote", "abort", "pause", "resume", "retry", "rollback", "history", "stats", "diff")
        .forEach(c -> assertThat(help.out()).containsPattern("(?m)^  " + c + " "));
    assertThat(help.out()).contains("Exit codes:").contains("3   status: the release has not finished");
    Run status = run("status", "--help");
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("--timeout=DURATION").contains("4   release not found");
    assertThat(run("status").code()).as("RELEASE missing").isEqualTo(KubectlSlipway.USAGE);
    Run rollback = run("rollback", "--help");
    assertThat(rollback.code()).isZero();
    assertThat(rollback.out()).contains("--to=RELEASE").contains("--all-at-once").contains("4   error: release not found");
    // Only the subcommand a line names is built in full; help's topic is one.
    assertThat(run("help", "rollback").out()).as("help TOPIC").contains("--to=RELEASE").contains("Exit codes:");
    assertThat(run("history", "history", "--help").code()).as("a word twice").isZero();
    assertThat(run("rollback", "fn").err()).as("--to missing").contains("Missing required option: '--to=RELEASE'");
    assertThat(run("status", "x", "--timeout=soon").err()).contains("'soon' is not a duration");
  }

  private record Run(int code, String out, String err) {}

  private Run slipway(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--kubeconfig", kube.kubeconfig().toString()));
    return run(line.toArray(String[]::new));
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KubectlSlipway.run(new PrintWriter(out), new PrintWriter(err), args);
    System.out.println("$ kubectl slipway " + String.join(" ", args) + "\n" + out + err + "[exit " + code + "]");
    return new Run(code, out.toString(), err.toString());
  }

  private LambdaRelease live(String ns, String name) {
    return client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
  }

  /** The phase, in a status that describes the current spec (a control the operator has seen). */
  private void awaitPhase(String ns, String name, ReleasePhase phase) {
    await().atMost(ReleaseFixture.RELEASE_TIMEOUT).untilAsserted(() -> {
      LambdaRelease r = live(ns, name);
      assertThat(r.getStatus().phase).isEqualTo(phase);
      assertThat(r.getStatus().observedGeneration).isEqualTo(r.getMetadata().getGeneration());
    });
  }

  private String releaseNamespace(String prefix) {
    return ReleaseFixture.releaseNamespace(kube, prefix, namespaces);
  }
}
