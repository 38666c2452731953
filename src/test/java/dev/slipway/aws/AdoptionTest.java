package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The annotation slipway.dev/adopt as the runtime reads it. */
class AdoptionTest {

  @Test
  void trueAdoptsEveryKindAndAListOnlyTheKindsItNames() {
    assertThat(Adoption.parse("true").allows("IAMRole")).isTrue();
    Adoption some = Adoption.parse(" DynamoDBTable , IAMRole,");
    assertThat(some.allows("IAMRole")).isTrue();
    assertThat(some.allows("DynamoDBTable")).isTrue();
    assertThat(some.allows("LambdaFunction")).isFalse();
  }

  @Test
  void absentBlankOrFalseAdoptsNothing() {
    for (String value : new String[] {null, "", " ", "false", "False"}) {
      assertThat(Adoption.parse(value).allows("IAMRole")).as(value).isFalse();
    }
  }

  @Test
  void aNameThatIsNoKindIsReportedRatherThanIgnored() {
    assertThat(Adoption.parse("DynamoDbTable,IAMRole").unknown(Set.of("DynamoDBTable", "IAMRole"))).containsExactly("DynamoDbTable");
    assertThat(Adoption.parse("true").unknown(Set.of("IAMRole"))).isEmpty();
  }
}
