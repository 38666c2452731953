package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** How a failed create call is read: done already, maybe done, or surely not done. */
class AwsErrorsTest {

  @Test
  void theWaysServicesSayACreatedResourceExistsAlreadyAreRecognised() {
    for (String code : new String[] {"EntityAlreadyExists", "ResourceAlreadyExistsException", "ParameterAlreadyExists", "DistributionAlreadyExists",
        "OriginAccessControlAlreadyExists", "InvalidGroup.Duplicate", "BucketAlreadyOwnedByYou", "ResourceInUseException", "ResourceConflictException"}) {
      assertThat(AwsErrors.isAlreadyExists(error(409, code))).as(code).isTrue();
      assertThat(AwsErrors.mayHaveCreated(new CompletionException(error(409, code)))).as(code + " wrapped").isTrue();
    }
  }

  @Test
  void aLostAnswerMayHaveCreatedButARefusalDidNot() {
    assertThat(AwsErrors.mayHaveCreated(error(500, "InternalFailure"))).isTrue();
    assertThat(AwsErrors.mayHaveCreated(error(503, "ServiceUnavailable"))).isTrue();
    assertThat(AwsErrors.mayHaveCreated(error(400, "ThrottlingException"))).isTrue();
    assertThat(AwsErrors.mayHaveCreated(SdkClientException.create("Read timed out"))).isTrue();

    assertThat(AwsErrors.mayHaveCreated(error(400, "ValidationException"))).isFalse();
    assertThat(AwsErrors.mayHaveCreated(error(403, "AccessDenied"))).isFalse();
    assertThat(AwsErrors.mayHaveCreated(new IllegalStateException("a bug"))).isFalse();
    assertThat(AwsErrors.isAlreadyExists(error(500, "InternalFailure"))).isFalse();
  }

  private static AwsServiceException error(int status, String code) {
    return AwsServiceException.builder().statusCode(status).message(code)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
  }
}
