package dev.slipway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Runs the real operator in a {@code @QuarkusTest} against real peers: the shared {@link
 * KubeApiServer} (CRDs from {@code deploy/crds/} applied) and the shared {@link MotoServer}.
 * Use it with {@code @WithTestResource(SlipwayTestEnvironment.class)} on each {@code @QuarkusTest}
 * class; classes with the same resources share one application start.
 *
 * <p>Configuration it sets for the application under test:
 *
 * <ul>
 *   <li>{@code quarkus.kubernetes-client.api-server-url}, {@code .ca-cert-file}, {@code .token}:
 *       the Quarkus {@code KubernetesClient} (and so the operator) talks to the real API server as
 *       the operator's ServiceAccount, with the RBAC of {@code deploy/manifests/rbac.yaml} (see
 *       {@link KubeApiServer#operatorToken()}): a permission the operator lacks fails the test
 *       that needs it. Tests arrange and inspect with {@link KubeApiServer#client()}, never with the
 *       injected client;
 *   <li>{@code slipway.aws.endpoint-url}: the endpoint override of every AWS client: the shared
 *       {@link AwsFaults} proxy, which forwards everything to moto unless a test injects a fault.
 * </ul>
 *
 * <p>And as JVM system properties, which the AWS SDK reads directly: {@code aws.accessKeyId} and
 * {@code aws.secretAccessKey} (dummies moto accepts) and {@code aws.region=us-east-1}. They stay set
 * for the rest of the JVM, as the servers do.
 */
public class SlipwayTestEnvironment implements QuarkusTestResourceLifecycleManager {

  public static final String AWS_REGION = "us-east-1";

  @Override
  public Map<String, String> start() {
    KubeApiServer kube = KubeApiServer.shared();
    AwsFaults faults = AwsFaults.shared();
    // The operator under test may put a WebSocket API on a custom domain (examples/nexus does).
    faults.playWebSocketDomainTargets();
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
    System.setProperty("aws.region", AWS_REGION);
    return Map.of(
        "quarkus.kubernetes-client.api-server-url", kube.url(),
        "quarkus.kubernetes-client.ca-cert-file", kube.caCertFile().toString(),
        "quarkus.kubernetes-client.token", kube.operatorToken(),
        "slipway.aws.endpoint-url", faults.endpoint().toString());
  }

  @Override
  public void stop() {
    // The servers are shared by every test of this JVM and stop with it.
  }
}
