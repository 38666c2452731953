package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;

class SiteBucketKindTest extends KindContractTest {

  static final String BUCKET = "nexus-prod-site-123456789012";

  private S3Client s3;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withFrontend(), new SiteBucketKind());
    s3 = harness.raw().s3();
    return harness;
  }

  /** The bare service with a frontend and nothing else. */
  static ServerlessServiceSpec withFrontend() {
    ServerlessServiceSpec spec = KindHarness.bare();
    spec.frontend = new FrontendSpec();
    return spec;
  }

  @Override
  protected void assertDeclaredShape() {
    var pab = s3.getPublicAccessBlock(r -> r.bucket(BUCKET)).publicAccessBlockConfiguration();
    assertThat(List.of(pab.blockPublicAcls(), pab.ignorePublicAcls(), pab.blockPublicPolicy(), pab.restrictPublicBuckets())).containsOnly(true);
    assertThat(s3.getBucketEncryption(r -> r.bucket(BUCKET)).serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault()
        .sseAlgorithmAsString()).isEqualTo("AES256");
    assertThat(s3.getBucketOwnershipControls(r -> r.bucket(BUCKET)).ownershipControls().rules().get(0).objectOwnership())
        .isEqualTo(ObjectOwnership.BUCKET_OWNER_ENFORCED);
    assertThat(SiteBucketKind.tagsOf(s3, BUCKET)).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    assertThat(stack.context().outputs()).containsEntry("frontend.bucket", BUCKET);
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone opens the bucket to the public, as the seeds' website bucket was.
        new Drift("site", List.of("publicAccessBlock"), () -> s3.deletePublicAccessBlock(r -> r.bucket(BUCKET)),
            List.of("PutPublicAccessBlock"), () -> assertThat(s3.getPublicAccessBlock(r -> r.bucket(BUCKET)).publicAccessBlockConfiguration().blockPublicPolicy()).isTrue()),
        new Drift("site", List.of("encryption"), () -> s3.deleteBucketEncryption(r -> r.bucket(BUCKET)),
            List.of("PutBucketEncryption"), Check.none()));
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: the bucket is private, encrypted and owner-enforced whatever the spec says, and its name cannot change.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // The bucket's one input, bucketName, is checked by the CRD (S3's name rules, immutable); a name another account holds is BucketNameTaken.
  }

  @Test
  void aBucketNameOfTheSpecIsUsedAsItIs() {
    stack.spec().frontend.bucketName = "chat-frontend-prod";

    stack.settle();

    assertThat(s3.headBucket(r -> r.bucket("chat-frontend-prod")).sdkHttpResponse().isSuccessful()).isTrue();
    assertThat(stack.context().outputs()).containsEntry("frontend.bucket", "chat-frontend-prod");
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    // CreateBucket has no body; the bucket's other PUTs carry one.
    return AwsFaults.rest("PUT", "/" + BUCKET).and(r -> r.body().isEmpty());
  }
}
