package dev.slipway.bench;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}) as a Deployment runs it: its
 * own JVM, prod profile, leader election on. {@code name} is its HOSTNAME, which starts its lease
 * identity, so the harness can tell which process leads.
 */
final class OperatorProcess {

  static final String LEASE = "slipway-operator";

  private final String name;
  private final Process process;

  private OperatorProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  static OperatorProcess start(Path jar, String name, Path kubeconfig, URI awsEndpoint, String leaseNamespace, Path logDir) throws IOException {
    Files.createDirectories(logDir);
    ProcessBuilder pb = new ProcessBuilder("java", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
    pb.environment().put("HOSTNAME", name);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("SLIPWAY_LEADER_ELECTION_LEASE_NAMESPACE", leaseNamespace);
    pb.environment().put("SLIPWAY_AWS_ENDPOINT_URL", awsEndpoint.toString());
    pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
    pb.environment().put("AWS_REGION", "us-east-1");
    pb.environment().put("QUARKUS_HTTP_PORT", "0");
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    return new OperatorProcess(name, pb.start());
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, the lease stays held until it expires. */
  void kill9() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether this process holds the lease now. */
  boolean leads(KubernetesClient client, String leaseNamespace) {
    return holder(client, leaseNamespace).startsWith(name + "-");
  }

  /** Waits until this process holds the lease; false when it died or {@code timeout} passed. */
  boolean awaitLeading(KubernetesClient client, String leaseNamespace, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline) && alive()) {
      if (leads(client, leaseNamespace)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  static String holder(KubernetesClient client, String leaseNamespace) {
    try {
      Lease lease = client.leases().inNamespace(leaseNamespace).withName(LEASE).get();
      return lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
