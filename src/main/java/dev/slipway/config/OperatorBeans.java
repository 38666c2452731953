package dev.slipway.config;

import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.ResourceLoop;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The operator's shared services, built once from {@link SlipwayConfig}. */
@ApplicationScoped
public class OperatorBeans {

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
  LeaderElectionConfiguration leaderElection(SlipwayConfig config) {
    var le = config.leaderElection();
    return new LeaderElectionConfiguration(le.leaseName(), le.leaseNamespace().orElse(null));
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
    return new ResourceLoop(pool);
  }
}
