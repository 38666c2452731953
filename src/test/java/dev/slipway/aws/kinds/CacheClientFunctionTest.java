package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.testing.ElastiCacheDouble;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A function that names a cache is created after it and gets its endpoint through environmentFrom;
 * ElastiCache calls go to {@link ElastiCacheDouble}, a test double in front of moto for what moto lacks.
 */
class CacheClientFunctionTest {

  private ElastiCacheDouble elastiCacheDouble;
  private KindHarness stack;
  private FunctionSpec api;

  @BeforeEach
  void up() {
    elastiCacheDouble = new ElastiCacheDouble();
    stack = new KindHarness(elastiCacheDouble.endpoint(), CacheFixture.spec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(),
        new CacheSubnetGroupKind(), new CacheReplicationGroupKind(), new LambdaFunctionKind());
    api = CacheFixture.client(stack, FunctionSpec.CacheOutput.Value.endpoint, FunctionSpec.CacheOutput.Value.port);
  }

  @AfterEach
  void down() throws Exception {
    stack.close();
    elastiCacheDouble.close();
  }

  @Test
  void theFunctionComesAfterTheCacheAndGetsItsEndpoint() {
    Result result = stack.settle();

    assertThat(result.firstFailure()).isEmpty();
    String endpoint = stack.context().outputs().get("caches.sessions.endpoint");
    assertThat(endpoint).startsWith("master.nexus-prod-sessions.");
    assertThat(stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("api"))).environment().variables())
        .containsEntry("REDIS_HOST", endpoint).containsEntry("REDIS_PORT", "6379");
    assertThat(stack.status()).extracting(r -> r.key()).containsSubsequence("ElastiCacheReplicationGroup/sessions", "LambdaFunction/api");

    stack.settle();

    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void anEndpointComesOnlyFromACacheTheFunctionNames() {
    api.caches.clear();

    assertThat(new LambdaFunctionKind().validate(stack.spec())).contains("function api, environmentFrom REDIS_HOST: cache sessions is not in the function's caches");
  }

  @Test
  void aReaderEndpointNeedsReplicas() {
    stack.spec().caches.get(0).replicas = 0;
    api.environmentFrom.put("REDIS_READER", CacheFixture.output(FunctionSpec.CacheOutput.Value.readerEndpoint));

    assertThat(new LambdaFunctionKind().validate(stack.spec())).contains("function api, environmentFrom REDIS_READER: cache sessions has no replicas, so no readerEndpoint");
  }

  @Test
  void aCacheAddsNoGrantToTheRole() {
    PolicyStatement.Scope scope = new PolicyStatement.Scope(KindHarness.REGION, KindHarness.ACCOUNT);
    StackContext ctx = new StackContext(null, KindHarness.NAMESPACE, KindHarness.SERVICE, stack.spec(), List.of(), List.of());

    assertThat(ExecutionRolePolicy.document(ctx, scope, api)).doesNotContain("elasticache");
  }
}
