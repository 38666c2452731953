package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.testing.ElastiCacheDouble;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;

/**
 * Seed 004's Redis for the cache kinds' tests: the network fixture plus a valkey cache "sessions"
 * with one replica, failover and a day of snapshots. The kinds talk to {@link ElastiCacheDouble}
 * (a test double in front of moto for what moto lacks), and so do the tests' own reads.
 */
final class CacheFixture {

  static final String CACHE = "sessions";

  private CacheFixture() {}

  static ServerlessServiceSpec spec() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    CacheSpec cache = new CacheSpec();
    cache.name = CACHE;
    cache.replicas = 1;
    cache.automaticFailover = true;
    cache.snapshotRetentionDays = 1;
    spec.caches.add(cache);
    return spec;
  }

  /** The same service with "sessions" an ElastiCache Serverless cache: 10 GB, 5000 ECPUs a second, a day of snapshots. */
  static ServerlessServiceSpec serverlessSpec() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    spec.caches.add(serverless(CACHE, 1));
    return spec;
  }

  static CacheSpec serverless(String name, int snapshotRetentionDays) {
    CacheSpec cache = new CacheSpec();
    cache.name = name;
    cache.serverless = new CacheSpec.Serverless();
    cache.serverless.maxDataStorageGb = 10;
    cache.serverless.maxEcpuPerSecond = 5000;
    cache.snapshotRetentionDays = snapshotRetentionDays;
    return cache;
  }

  /** An ElastiCache client of {@code endpoint} whose calls no recorder sees: what a test reads, or does behind Slipway's back. */
  static ElastiCacheClient client(URI endpoint) {
    return ElastiCacheClient.builder().endpointOverride(endpoint).region(Region.of(KindHarness.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }
}
