package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, as a Deployment runs it (prod profile, leader election on), stops on SIGTERM
 * within seconds and gives its Lease up, so a rollout or a node drain neither waits out the grace
 * period nor leaves the standby waiting a whole lease duration. Runs after {@code package}, on the
 * jar Quarkus built, against the real API server.
 */
class OperatorShutdownIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  @Test
  void sigtermStopsTheLeaderWithinSecondsAndReleasesItsLease() throws Exception {
    KubeApiServer kube = KubeApiServer.shared();
    KubernetesClient client = kube.client();
    String ns = kube.newNamespace("leader");
    Path log = Files.createTempFile("slipway-operator", ".log");
    ProcessBuilder operator = new ProcessBuilder("java", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    operator.environment().put("KUBECONFIG", kube.kubeconfig().toString());
    operator.environment().put("SLIPWAY_LEADER_ELECTION_LEASE_NAMESPACE", ns);
    operator.environment().put("SLIPWAY_AWS_ENDPOINT_URL", MotoServer.shared().endpoint().toString());
    operator.environment().put("AWS_ACCESS_KEY_ID", "testing");
    operator.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    operator.environment().put("AWS_REGION", "us-east-1");
    operator.environment().put("QUARKUS_HTTP_PORT", "0");
    Process process = operator.start();
    try {
      String holder = await().atMost(Duration.ofSeconds(90)).until(() -> holder(client, ns), h -> h != null && !h.isEmpty());

      process.destroy(); // SIGTERM, as the kubelet sends it

      boolean exited = process.waitFor(20, TimeUnit.SECONDS);
      assertThat(exited).as("the operator exited within 20 s of SIGTERM; its log: %s", tail(log.toFile())).isTrue();
      assertThat(holder(client, ns)).as("the lease %s held is given up", holder).isNullOrEmpty();
    } finally {
      process.destroyForcibly();
    }
  }

  private static String holder(KubernetesClient client, String ns) {
    Lease lease = client.leases().inNamespace(ns).withName("slipway-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static String tail(File log) throws java.io.IOException {
    var lines = Files.readAllLines(log.toPath());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
