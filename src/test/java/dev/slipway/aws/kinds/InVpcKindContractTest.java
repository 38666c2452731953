package dev.slipway.aws.kinds;

import org.junit.jupiter.api.Test;

/**
 * The shared contract for kinds inside the service's VPC, with the one clause they keep differently:
 * EC2 deletes no VPC still holding another service's resources, so there the VPC is the other
 * service's too ({@link NetworkFixture#assertForeignKept}).
 */
abstract class InVpcKindContractTest extends KindContractTest {

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() throws Exception {
    ownedByAnotherService(OTHER_SERVICE);
    NetworkFixture.assertForeignKept(stack, kind(), OTHER_SERVICE);
  }
}
