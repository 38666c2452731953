package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.ElastiCacheDouble;
import dev.slipway.testing.MotoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A function that names a serverless cache is created after it and gets its endpoints through
 * environmentFrom, by the same names as a replication group's. ElastiCache calls go through the
 * fault proxy to {@link ElastiCacheDouble}, a TEST DOUBLE playing ElastiCache Serverless, which moto
 * 5.2.1 lacks.
 */
class CacheServerlessClientFunctionTest {

  private ElastiCacheDouble elastiCacheDouble;
  private AutoCloseable route;
  private KindHarness stack;

  @BeforeEach
  void up() {
    elastiCacheDouble = new ElastiCacheDouble(MotoServer.shared().endpoint());
    route = AwsFaults.shared().route(AwsFaults.service("elasticache"), elastiCacheDouble.endpoint());
    stack = new KindHarness(CacheFixture.serverlessSpec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(), new CacheServerlessKind(),
        new LambdaFunctionKind());
    CacheFixture.client(stack, FunctionSpec.CacheOutput.Value.values());
  }

  @AfterEach
  void down() throws Exception {
    stack.close();
    route.close();
    elastiCacheDouble.close();
  }

  @Test
  void theFunctionComesAfterTheServerlessCacheAndGetsItsEndpoints() {
    // A serverless cache always has a reader endpoint: no replicas to declare first.
    assertThat(new LambdaFunctionKind().validate(stack.spec())).isEmpty();

    Result result = stack.settle();

    assertThat(result.firstFailure()).isEmpty();
    String endpoint = stack.context().outputs().get("caches.sessions.endpoint");
    assertThat(endpoint).startsWith("nexus-prod-sessions-").endsWith(".cache.amazonaws.com");
    assertThat(stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("api"))).environment().variables())
        .containsEntry("REDIS_HOST", endpoint).containsEntry("REDIS_READER", stack.context().outputs().get("caches.sessions.readerEndpoint"))
        .containsEntry("REDIS_PORT", "6379");
    assertThat(stack.status()).extracting(r -> r.key()).containsSubsequence("ElastiCacheServerlessCache/sessions", "LambdaFunction/api");

    stack.settle();

    assertThat(stack.mutatingCalls()).isEmpty();
  }
}
