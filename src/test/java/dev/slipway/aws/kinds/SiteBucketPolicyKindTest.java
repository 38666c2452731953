package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SiteBucketPolicyKindTest extends SitePartKindTest {

  @Override
  protected KindHarness harness() {
    return harness(SiteBucketKindTest.withFrontend(),
        new SiteBucketKind(), new OriginAccessControlKind(), new DistributionKind(), new SiteBucketPolicyKind());
  }

  private String policy() {
    return s3.getBucketPolicy(r -> r.bucket(BUCKET)).policy().replace(" ", "");
  }

  @Override
  protected void assertDeclaredShape() {
    String distributionArn = stack.context().output(DistributionKind.ARN_OUTPUT);
    assertThat(policy())
        .contains("\"Principal\":{\"Service\":\"cloudfront.amazonaws.com\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + BUCKET + "/*\"")
        .contains("\"AWS:SourceArn\":\"" + distributionArn + "\"")
        .doesNotContain("\"Effect\":\"Allow\",\"Principal\":\"*\"");
  }

  @Override
  protected List<Drift> drifts() {
    // Someone makes the site bucket public-read, as the seeds' website bucket was.
    return List.of(new Drift("site", List.of("policy"), () -> s3.putBucketPolicy(r -> r.bucket(BUCKET).policy(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + BUCKET + "/*\"}]}")),
        List.of("PutBucketPolicy"), () -> assertThat(policy()).doesNotContain("\"Effect\":\"Allow\",\"Principal\":\"*\"")));
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: the policy is generated from the bucket and the distribution.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // It has no input of its own.
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    // PutBucketPolicy: the bucket's PUT whose body is the policy.
    return AwsFaults.rest("PUT", "/" + BUCKET).and(r -> r.bodyContains("CloudFrontReadsTheSite"));
  }
}
