package dev.slipway.aws.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The site bucket's policy, written whole by Slipway: {@code s3:GetObject} for CloudFront on behalf
 * of the service's distribution only ({@code AWS:SourceArn}) and nothing for anyone else; the
 * account's own principals are IAM's business. Part of the bucket: it carries no tags and is the
 * bucket's service's.
 */
public final class SiteBucketPolicyKind implements UntaggedKind<SiteBucketPolicyKind.Desired, SiteBucketPolicyKind.Observed> {

  public static final String KIND = "S3BucketPolicy";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SiteBucketKind.KIND, DistributionKind.KIND)).ownedByParent();
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Desired(String physicalName, JsonNode policy) implements DesiredResource {}

  public record Observed(String bucket, JsonNode policy) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().frontend == null) {
      return List.of();
    }
    String bucket = SiteBucketKind.physicalName(ctx);
    return List.of(new Planned<>(this, SiteBucketKind.LOGICAL, bucket, List.of(SiteBucketKind.key(), DistributionKind.key()),
        c -> new Desired(bucket, policy(c.scope().partition(), bucket, c.output(DistributionKind.ARN_OUTPUT)))));
  }

  static JsonNode policy(String partition, String bucket, String distributionArn) {
    String bucketArn = "arn:" + partition + ":s3:::" + bucket;
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    ObjectNode read = statements.addObject().put("Sid", "CloudFrontReadsTheSite").put("Effect", "Allow");
    read.putObject("Principal").put("Service", "cloudfront.amazonaws.com");
    read.put("Action", "s3:GetObject").put("Resource", bucketArn + "/*");
    read.putObject("Condition").putObject("StringEquals").put("AWS:SourceArn", distributionArn);
    return doc;
  }

  /** A bucket without a policy answers NoSuchBucketPolicy: a NotFound, so the policy is absent. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    String bucket = d.physicalName();
    return Optional.of(new Observed(bucket, parse(ctx.aws().s3().getBucketPolicy(r -> r.bucket(bucket)).policy())));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    put(ctx, d);
    return new Observed(d.physicalName(), d.policy());
  }

  private static void put(StackContext ctx, Desired d) {
    ctx.aws().s3().putBucketPolicy(r -> r.bucket(d.physicalName()).policy(d.policy().toString()));
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    if (d.policy().equals(o.policy())) {
      return List.of();
    }
    return List.of(new Step("policy", "generated from spec", "changed", () -> put(ctx, d)));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.bucket()).build();
  }

  /** The bucket's tags say whose the policy is. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    ctx.aws().s3().headBucket(r -> r.bucket(resource.id));
    return Optional.of(SiteBucketKind.tagsOf(ctx.aws().s3(), resource.id));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.aws().s3().deleteBucketPolicy(r -> r.bucket(resource.id));
  }

  private static JsonNode parse(String document) {
    try {
      return JSON.readTree(document);
    } catch (IOException e) {
      throw SlipwayException.retryable("UnreadablePolicy", "cannot parse an S3 bucket policy: " + e.getMessage());
    }
  }
}
