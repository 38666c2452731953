package dev.slipway.aws.kinds;

import dev.slipway.aws.Tags;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The contract for kinds whose resources moto 5.2.1 can tag only when they are created (API
 * Gateway keys, usage plans and domain names: its TagResource takes every API Gateway ARN for a
 * stage's, and a v2 domain name shows only its creation tags). The made-by-hand and
 * foreign-owner setups re-create the resources with the tags they need instead of retagging them;
 * adoption, which tags an existing resource, cannot be shown against it.
 */
abstract class TaggedAtCreationContractTest extends KindContractTest {

  /** Converges, then deletes the kind's resources and makes them again by hand with exactly {@code tags}. */
  protected abstract void recreate(Map<String, String> tags);

  @Override
  protected void madeByHand() {
    recreate(Map.of());
    stack.forgetStatus();
  }

  @Override
  protected void ownedByAnotherService(String owner) {
    recreate(Map.of(Tags.SERVICE, owner));
  }

  @Override
  @Test
  @Disabled("moto 5.2.1 cannot tag this kind's resources after their creation, which adopting one does")
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {}
}
