package dev.slipway.testing;

import dev.slipway.config.SlipwayConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Slipway's configuration for the operators tests build by hand (plain JOSDK operators, not the Quarkus application). */
public final class TestConfig {

  private TestConfig() {}

  /**
   * The test profile's settings (application.properties) for an operator a test builds by hand,
   * owning {@code shard} ({@code slipway.shard}) or, empty, every object.
   */
  public static SlipwayConfig slipway(URI moto, Optional<String> shard) {
    return new SlipwayConfig() {
      @Override
      public Duration resyncPeriod() {
        return Duration.ofSeconds(3);
      }

      @Override
      public Duration defaultsCheckPeriod() {
        return Duration.ofHours(1);
      }

      @Override
      public Aws aws() {
        return new Aws() {
          @Override
          public Optional<URI> endpointUrl() {
            return Optional.of(moto);
          }

          @Override
          public int callLogSize() {
            return 0;
          }

          @Override
          public int parallelism() {
            return 4;
          }

          @Override
          public int parallelismPerService() {
            return 2;
          }

          @Override
          public Duration retryInitialDelay() {
            return Duration.ofSeconds(1);
          }

          @Override
          public Duration retryMaxDelay() {
            return Duration.ofSeconds(4);
          }
        };
      }

      @Override
      public Iam iam() {
        return Optional::empty;
      }

      @Override
      public Capacity capacity() {
        return new Capacity() {
          @Override
          public int serviceReconciles() {
            return 8;
          }

          @Override
          public int releaseReconciles() {
            return 32;
          }

          @Override
          public Duration requeueDelay() {
            return Duration.ofSeconds(1);
          }
        };
      }

      @Override
      public Releases releases() {
        return new Releases() {
          @Override
          public int historyLimit() {
            return 10;
          }

          @Override
          public int analysisHistory() {
            return 20;
          }

          @Override
          public Duration retention() {
            return Duration.ofDays(90);
          }
        };
      }

      @Override
      public Optional<String> shard() {
        return shard;
      }

      @Override
      public boolean shardUnlabelled() {
        return false;
      }

      @Override
      public LeaderElection leaderElection() {
        return new LeaderElection() {
          @Override
          public Optional<String> leaseName() {
            return Optional.of("slipway-test");
          }

          @Override
          public Optional<String> leaseNamespace() {
            return Optional.empty();
          }
        };
      }
    };
  }
}
