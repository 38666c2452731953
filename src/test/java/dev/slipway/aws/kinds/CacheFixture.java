package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.AwsFaults;
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

  /** One converge during which the next {@code describe} answer shows the cache {@code status} rather than available. */
  static Result convergeShowing(KindHarness stack, String describe, String status) {
    AwsFaults.shared().rewrite(AwsFaults.operation(describe), b -> b.replace("<Status>available</Status>", "<Status>" + status + "</Status>"), 1);
    try {
      return stack.converge();
    } finally {
      AwsFaults.shared().clearFaults();
    }
  }

  /**
   * Function api of {@code stack}, placed by the network and using cache sessions, with the cache's
   * {@code outputs} in its environment: REDIS_HOST (endpoint), REDIS_READER (readerEndpoint), REDIS_PORT (port).
   */
  static FunctionSpec client(KindHarness stack, FunctionSpec.CacheOutput.Value... outputs) {
    FunctionSpec api = stack.addFunction("api", stack.upload("api-1.0.zip", "ok"));
    api.vpc = new FunctionSpec.VpcConfig();
    api.vpc.network = true;
    api.caches.add(new FunctionSpec.NamedRef(CACHE));
    for (FunctionSpec.CacheOutput.Value value : outputs) {
      api.environmentFrom.put(switch (value) {
        case endpoint -> "REDIS_HOST";
        case readerEndpoint -> "REDIS_READER";
        case port -> "REDIS_PORT";
      }, output(value));
    }
    return api;
  }

  /** An environmentFrom source: the output {@code value} of cache sessions. */
  static FunctionSpec.EnvironmentSource output(FunctionSpec.CacheOutput.Value value) {
    FunctionSpec.EnvironmentSource source = new FunctionSpec.EnvironmentSource();
    source.cache = new FunctionSpec.CacheOutput();
    source.cache.name = CACHE;
    source.cache.value = value;
    return source;
  }

  /** An ElastiCache client of {@code endpoint} whose calls no recorder sees: what a test reads, or does behind Slipway's back. */
  static ElastiCacheClient client(URI endpoint) {
    return ElastiCacheClient.builder().endpointOverride(endpoint).region(Region.of(KindHarness.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
  }
}
