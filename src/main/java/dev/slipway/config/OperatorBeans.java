package dev.slipway.config;

import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.reconciler.ReconcileCapacity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/** The operator's shared services, built once from {@link SlipwayConfig}. */
@ApplicationScoped
public class OperatorBeans {

  private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  AwsCallRecorder awsCallRecorder(MeterRegistry registry, SlipwayConfig config) {
    return new AwsCallRecorder(registry, config.aws().callLogSize());
  }

  @Produces
  @Singleton
  AwsClientFactory awsClientFactory(SlipwayConfig config, AwsCallRecorder recorder) {
    // The SDK honours AWS_ENDPOINT_URL by itself; taking it here as well also switches S3 to
    // path-style addressing, which emulators need.
    Optional<URI> endpoint = config.aws().endpointUrl()
        .or(() -> Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL")).filter(v -> !v.isBlank()).map(URI::create));
    return new AwsClientFactory(endpoint, recorder);
  }

  void closeClients(@Disposes AwsClientFactory factory) {
    factory.close();
  }

  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(SlipwayConfig config, KubernetesClient client) {
    var le = config.leaderElection();
    // Each shard's replicas elect a leader of their own: the shards run side by side.
    String leaseName = Shard.of(config).leaseName(le.leaseName());
    String namespace = le.leaseNamespace().orElse(client.getNamespace());
    String identity = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("slipway") + "-" + UUID.randomUUID();
    // JOSDK's own exit on losing the lease calls System.exit on the thread that stops leading, which
    // during shutdown is Quarkus' shutdown hook: System.exit inside a shutdown hook waits for that
    // very hook, so SIGTERM never finished. JOSDK also keeps the lease on stop, so the standby waited
    // a whole lease duration. Here the lease is given up when leading stops, if it is still ours, and
    // the exit runs on a thread of its own: during shutdown it only waits with the JVM; otherwise (the
    // lease lost to another replica) it exits, so the pod restarts and stands by again.
    return new LeaderElectionConfiguration(
        leaseName,
        namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
        new LeaderCallbacks(() -> {}, () -> {
          releaseLease(client, namespace, leaseName, identity);
          exitAfterLosingTheLease();
        }, leader -> {}),
        false);
  }

  /** Hands the lease back (holder cleared, 1 s duration) if this replica still holds it; a conflict means it does not. */
  private static void releaseLease(KubernetesClient client, String namespace, String name, String identity) {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      client.resource(lease).update();
      LOG.infof("gave up the lease %s/%s", namespace, name);
    } catch (RuntimeException e) {
      LOG.warnf("could not give up the lease %s/%s (the standby takes over when it expires): %s", namespace, name, e.getMessage());
    }
  }

  private static void exitAfterLosingTheLease() {
    Thread exit = new Thread(() -> System.exit(1), "slipway-lost-lease-exit");
    exit.setDaemon(true);
    exit.start();
  }

  @Produces
  @Singleton
  ReconcileCapacity reconcileCapacity(SlipwayConfig config) {
    var c = config.capacity();
    // The default Quarkus' operator-sdk extension gives JOSDK when the key is not set.
    int threads = ConfigProvider.getConfig().getOptionalValue("quarkus.operator-sdk.concurrent-reconciliation-threads", Integer.class).orElse(50);
    if (c.serviceReconciles() + c.releaseReconciles() >= threads) {
      LOG.warnf("slipway.capacity.service-reconciles (%d) + release-reconciles (%d) leave none of the %d reconciler threads to rollbacks alone:"
          + " a rollback may wait behind them", c.serviceReconciles(), c.releaseReconciles(), threads);
    }
    return new ReconcileCapacity(c.serviceReconciles(), c.releaseReconciles(), c.requeueDelay());
  }

  @Produces
  @Singleton
  ResourceLoop resourceLoop(SlipwayConfig config) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            config.aws().parallelism(),
            r -> {
              Thread t = new Thread(r, "slipway-aws");
              t.setDaemon(true);
              return t;
            });
    return new ResourceLoop(pool, Math.max(1, Math.min(config.aws().parallelismPerService(), config.aws().parallelism())));
  }
}
