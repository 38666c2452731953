package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.ProvisionedConcurrencyDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provisioned concurrency on the stage alias. moto 5.2.1 does not implement the provisioned
 * concurrency API, so these calls alone go to {@link ProvisionedConcurrencyDouble}, a test double in
 * front of moto; everything else is moto's.
 */
class LambdaProvisionedConcurrencyTest {

  private ProvisionedConcurrencyDouble provisionedConcurrencyDouble;
  private KindHarness stack;
  private FunctionSpec api;

  @BeforeEach
  void stack() {
    provisionedConcurrencyDouble = new ProvisionedConcurrencyDouble(MotoServer.shared().endpoint());
    stack = new KindHarness(provisionedConcurrencyDouble.endpoint(), KindHarness.bare(), new LambdaFunctionKind());
    api = stack.addFunction("api", stack.upload("api-1.0.zip", "v1"));
    api.provisionedConcurrency = 2;
  }

  @AfterEach
  void close() throws Exception {
    stack.close();
    provisionedConcurrencyDouble.close();
  }

  @Test
  void isPutOnTheAliasAtCreateAndKeptInSync() {
    stack.converge();

    assertThat(stack.mutatingCalls()).containsExactly("CreateFunction", "PublishVersion", "CreateAlias", "PutProvisionedConcurrencyConfig");
    assertThat(provisionedConcurrencyDouble.requested(stack.physicalName("api"), "prod")).isEqualTo(2);

    stack.converge();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void aChangeOrRemovalTouchesOnlyProvisionedConcurrency() {
    stack.converge();

    api.provisionedConcurrency = 3;
    stack.converge();
    assertThat(stack.mutatingCalls()).containsExactly("PutProvisionedConcurrencyConfig");
    assertThat(provisionedConcurrencyDouble.requested(stack.physicalName("api"), "prod")).isEqualTo(3);

    api.provisionedConcurrency = null;
    stack.converge();
    assertThat(stack.mutatingCalls()).containsExactly("DeleteProvisionedConcurrencyConfig");
    assertThat(provisionedConcurrencyDouble.requested(stack.physicalName("api"), "prod")).isNull();
  }
}
