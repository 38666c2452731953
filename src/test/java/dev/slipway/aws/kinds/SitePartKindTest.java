package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The contract of the frontend's parts that carry no tags (origin access control, bucket policy,
 * content): the site bucket is their parent, so a bucket that is not this service's holds them back
 * untouched, and the bucket's adoption lets them follow.
 */
abstract class SitePartKindTest extends KindContractTest {

  static final String BUCKET = SiteBucketKindTest.BUCKET;

  protected S3Client s3;
  protected CloudFrontClient cf;

  /** The frontend's kinds up to and including the one under test. */
  protected KindHarness harness(dev.slipway.api.v1alpha1.ServerlessServiceSpec spec, dev.slipway.aws.AwsResourceKind<?, ?>... kinds) {
    KindHarness harness = new KindHarness(spec, kinds);
    s3 = harness.raw().s3();
    cf = harness.raw().client(CloudFrontClient.class, CloudFrontClient::builder);
    return harness;
  }

  /** Makes the part under test look like another service's, where the runtime reads its owner before deleting it. */
  protected void ownedElsewhere() {
    tagBucket(Map.of(Tags.SERVICE, OTHER_SERVICE));
  }

  protected void tagBucket(Map<String, String> tags) {
    List<Tag> tagSet = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    s3.putBucketTagging(r -> r.bucket(BUCKET).tagging(t -> t.tagSet(tagSet)));
  }

  private Result convergeOverBucketTagged(Map<String, String> tags) {
    s3.createBucket(r -> r.bucket(BUCKET));
    if (!tags.isEmpty()) {
      tagBucket(tags);
    }
    return stack.converge();
  }

  private void assertHeldBackBy(Result result, String reason) {
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(SiteBucketKind.KIND))
        .singleElement().satisfies(o -> assertThat(o.resource().message).startsWith(reason + ": "));
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(kind())).extracting(o -> o.action().name()).containsOnly("Blocked");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() {
    assertHeldBackBy(convergeOverBucketTagged(Map.of(Tags.SERVICE, OTHER_SERVICE)), Reasons.OWNED_BY_ANOTHER_SERVICE);
  }

  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() {
    assertHeldBackBy(convergeOverBucketTagged(Map.of()), Reasons.NOT_OWNED);
  }

  /** The annotation names the bucket's kind: the bucket is taken over, and its parts follow it. */
  @Override
  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {
    stack.adopt(SiteBucketKind.KIND);

    convergeOverBucketTagged(Map.of());
    stack.settle();

    assertThat(stack.status(kind())).isNotEmpty().allSatisfy(r -> assertThat(r.state).as(r.key() + " " + r.message).isEqualTo(dev.slipway.api.v1alpha1.ManagedResource.State.Ready));
    assertSecondPassMutatesNothing();
  }

  /** With a distribution in the plan, the first pass disables it and waits: the next one deletes. */
  @Override
  @Test
  void contractDeletionRemovesEveryResourceAndCountsNotFoundAsDeleted() {
    stack.settle();
    var entries = stack.status(kind());

    List<String> events = new java.util.ArrayList<>();
    boolean done = false;
    for (int pass = 0; pass < 3 && !done; pass++) {
      done = stack.delete().isEmpty();
      events.addAll(stack.events);
    }

    entries.forEach(r -> assertThat(events).contains("Deleted: Deleted " + kind() + " " + r.physicalName));
    assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).doesNotContain(BUCKET);
    assertThat(stack.delete()).as("delete failures of what is gone").isEmpty();
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() {
    stack.settle();
    var entries = stack.status(kind());
    ownedElsewhere();

    stack.delete();

    entries.forEach(r -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind() + " " + r.physicalName
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
  }
}
