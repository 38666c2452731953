package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.kinds.ExecutionRolePolicy;
import dev.slipway.aws.kinds.LambdaVersions;
import dev.slipway.canary.AliasState;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.ProvisionedConcurrencyDouble;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A weighted alias cannot carry provisioned concurrency: during the weighted steps it moves to the
 * stable version and comes back to the alias at the end. moto 5.2.1 lacks the provisioned
 * concurrency API, so those calls alone go to {@link ProvisionedConcurrencyDouble} (a test double);
 * functions, versions and aliases are moto's.
 */
class ProvisionedConcurrencyTest {

  private static final String ALIAS = "prod";

  private ProvisionedConcurrencyDouble pc;
  private LambdaClient lambda;
  private LambdaVersions versions;
  private String function;

  @BeforeEach
  void function() {
    pc = new ProvisionedConcurrencyDouble(MotoServer.shared().endpoint());
    var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    lambda = LambdaClient.builder().endpointOverride(pc.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials).build();
    versions = new LambdaVersions(lambda);
    function = "pc-" + UUID.randomUUID().toString().substring(0, 8);
    try (S3Client s3 = S3Client.builder().endpointOverride(MotoServer.shared().endpoint()).forcePathStyle(true)
            .region(Region.US_EAST_1).credentialsProvider(credentials).build();
        IamClient iam = IamClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.AWS_GLOBAL).credentialsProvider(credentials).build()) {
      Artifacts.upload(s3, "pc-artifacts", function + "/v1.zip", "v1");
      Artifacts.upload(s3, "pc-artifacts", function + "/v2.zip", "v2");
      String role;
      try {
        role = iam.createRole(r -> r.roleName("pc-test").assumeRolePolicyDocument(ExecutionRolePolicy.TRUST_POLICY)).role().arn();
      } catch (EntityAlreadyExistsException e) {
        role = iam.getRole(r -> r.roleName("pc-test")).role().arn();
      }
      String roleArn = role;
      lambda.createFunction(r -> r.functionName(function).role(roleArn).runtime("python3.12").handler("handler.handler")
          .code(c -> c.s3Bucket("pc-artifacts").s3Key(function + "/v1.zip")));
    }
    String v1 = lambda.publishVersion(r -> r.functionName(function)).version();
    lambda.updateFunctionCode(r -> r.functionName(function).s3Bucket("pc-artifacts").s3Key(function + "/v2.zip"));
    lambda.publishVersion(r -> r.functionName(function));
    versions.createAlias(function, ALIAS, v1);
    lambda.putProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(ALIAS).provisionedConcurrentExecutions(5));
  }

  @AfterEach
  void close() throws Exception {
    lambda.close();
    pc.close();
  }

  @Test
  void movesToTheStableVersionForTheWeightedStepsAndBackOnPromotion() {
    AliasState tenPercent = AliasState.weighted("1", "2", 10);
    ProvisionedConcurrency.beforeShift(lambda, function, ALIAS, tenPercent);
    versions.route(function, ALIAS, "1", "2", 10);
    ProvisionedConcurrency.afterShift(lambda, function, ALIAS, "1", tenPercent);

    assertThat(pc.requested(function, ALIAS)).as("not on the weighted alias").isNull();
    assertThat(pc.requested(function, "1")).as("kept warm on the stable version").isEqualTo(5);

    // A later step: nothing more to move.
    AliasState fiftyPercent = AliasState.weighted("1", "2", 50);
    ProvisionedConcurrency.beforeShift(lambda, function, ALIAS, fiftyPercent);
    versions.route(function, ALIAS, "1", "2", 50);
    assertThat(pc.requested(function, "1")).isEqualTo(5);

    AliasState promoted = AliasState.single("2");
    ProvisionedConcurrency.beforeShift(lambda, function, ALIAS, promoted);
    versions.pointAt(function, ALIAS, "2");
    ProvisionedConcurrency.afterShift(lambda, function, ALIAS, "1", promoted);

    assertThat(pc.requested(function, ALIAS)).as("back on the alias").isEqualTo(5);
    assertThat(pc.requested(function, "1")).isNull();
  }

  @Test
  void anAliasWithoutProvisionedConcurrencyIsLeftAlone() {
    lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(ALIAS));
    AliasState tenPercent = AliasState.weighted("1", "2", 10);

    ProvisionedConcurrency.beforeShift(lambda, function, ALIAS, tenPercent);
    ProvisionedConcurrency.afterShift(lambda, function, ALIAS, "1", AliasState.single("1"));

    assertThat(pc.requested(function, ALIAS)).isNull();
    assertThat(pc.requested(function, "1")).isNull();
  }
}
