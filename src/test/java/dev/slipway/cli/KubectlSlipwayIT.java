package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged plugin, target/kubectl-slipway, run as kubectl runs a plugin: one executable file,
 * a fresh process, the kubeconfig from the environment. It proves the fat jar carries what the
 * commands need (fabric8, its JDK HTTP client, the API types), which the in-process tests cannot.
 */
class KubectlSlipwayIT {

  private static final Path PLUGIN = Path.of("target/kubectl-slipway");

  @Test
  void helpRunsWithoutAClusterAndStatusReadsAReleaseFromTheApiServer() throws Exception {
    assertThat(Files.isExecutable(PLUGIN)).as("make plugin builds %s", PLUGIN).isTrue();
    // KUBECONFIG names no file: --help must not need one.
    Result help = run(Map.of("KUBECONFIG", "/nonexistent/kubeconfig"), "--help");
    assertThat(help.code()).as(help.err()).isZero();
    assertThat(help.out()).contains("Usage: kubectl slipway").contains("Exit codes:");
    // The file prints the help the build rendered (KubectlSlipway.RENDERED_HELP): it is picocli's, to the byte.
    StringWriter rendered = new StringWriter();
    KubectlSlipway.run(new PrintWriter(rendered), new PrintWriter(new StringWriter()), "--help");
    assertThat(help.out()).isEqualTo(rendered.toString());
    Result status = run(Map.of("KUBECONFIG", "/nonexistent/kubeconfig"), "status", "--help");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("Usage: kubectl slipway status").contains("--timeout=DURATION");

    KubeApiServer kube = KubeApiServer.shared();
    KubernetesClient client = kube.client();
    String ns = kube.newNamespace("plugin");
    LambdaRelease release = new LambdaRelease();
    release.setMetadata(new ObjectMetaBuilder().withName("orders-v2").withNamespace(ns).build());
    release.setSpec(new LambdaReleaseSpec());
    release.getSpec().functionName = "orders";
    release.getSpec().alias = "live";
    release.getSpec().region = "us-east-1";
    release.getSpec().code = CodeSource.s3("artifacts", "orders/v2.zip");
    client.resource(release).create();
    Map<String, String> env = Map.of("KUBECONFIG", kube.kubeconfig().toString());

    // No operator runs here: the release has no status yet.
    Result pending = run(env, "status", "orders-v2", "-n", ns);
    assertThat(pending.code()).as(pending.err()).isEqualTo(KubectlSlipway.NOT_FINISHED);
    assertThat(pending.out()).contains("Phase:     Pending");

    // What the operator writes once the release shipped.
    LambdaReleaseStatus done = new LambdaReleaseStatus();
    done.phase = ReleasePhase.Succeeded;
    done.stableVersion = "1";
    done.canaryVersion = "2";
    done.weight = 100;
    done.startTime = "2026-12-04T10:00:00Z";
    done.finishTime = "2026-12-04T10:00:01Z";
    done.duration = "1s";
    LambdaRelease live = client.resources(LambdaRelease.class).inNamespace(ns).withName("orders-v2").get();
    live.setStatus(done);
    client.resource(live).updateStatus();
    Result succeeded = run(env, "status", "orders-v2", "-n", ns);
    assertThat(succeeded.code()).as(succeeded.err()).isEqualTo(KubectlSlipway.OK);
    assertThat(succeeded.out()).contains("Phase:     Succeeded").contains("Versions:  1 -> 2");
    assertThat(succeeded.err()).as("nothing but the command's own output").isEmpty();

    Result missing = run(env, "status", "orders-v3", "-n", ns);
    assertThat(missing.code()).isEqualTo(KubectlSlipway.ERROR);
    assertThat(missing.err()).contains("not found");
  }

  /**
   * diff from the packaged plugin: the AWS SDK and the resource kinds are in the jar. A service that
   * does not exist yet, neither in the cluster nor in AWS (moto): everything to create, found by
   * reads alone.
   */
  @Test
  void diffOfANewServiceListsEveryResourceToCreateWithOnlyReads() throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    String ns = kube.newNamespace("plugin-diff");
    String name = "pd" + ns.substring(ns.length() - 6);
    Path manifest = Files.createTempFile("service", ".yaml");
    Files.writeString(manifest, """
        apiVersion: slipway.dev/v1alpha1
        kind: ServerlessService
        metadata:
          name: %s
        spec:
          stage: prod
          region: us-east-1
          tables:
            - name: usage
              partitionKey: {name: id, type: S}
          topics:
            - name: alerts
          functions:
            - name: api
              runtime: python3.12
              handler: handler.handler
              code: {s3: {bucket: artifacts, key: api/1.zip}}
        """.formatted(name));
    Map<String, String> env = Map.of("KUBECONFIG", kube.kubeconfig().toString(), "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");
    Result diff = run(env, "diff", "-f", manifest.toString(), "-n", ns, "--endpoint-url", MotoServer.shared().endpoint().toString(), "--show-aws-calls");
    assertThat(diff.code()).as(diff.err()).isEqualTo(KubectlSlipway.DIFFERENCES);
    String p = name + "-prod-";
    assertThat(diff.out().lines()).as(diff.err()).containsExactly(
        "+ create LogGroup /aws/lambda/" + p + "api",
        "+ create DynamoDBTable " + p + "usage",
        "+ create SNSTopic " + p + "alerts",
        "+ create IAMRole " + p + "api",
        "+ create LambdaFunction " + p + "api (known after apply)  # depends on IAMRole/api, which would be created",
        "diff: 5 to create, 0 to update, 0 to delete, 0 in sync");
    List<String> calls = diff.err().lines().filter(l -> l.startsWith("aws: ")).toList();
    assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(c).matches("aws: \\S+ (Get|List|Describe|Head)\\S*( \\(failed\\))?"));
    assertThat(diff.err().lines().filter(l -> !l.startsWith("aws: "))).as("nothing but the calls").isEmpty();
  }

  private record Result(int code, String out, String err) {}

  private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(PLUGIN.toString());
    pb.command().addAll(List.of(args));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("kubectl-slipway", ".out");
    Path err = Files.createTempFile("kubectl-slipway", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl-slipway %s exited", String.join(" ", args)).isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
