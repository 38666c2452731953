package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The frontend's site bucket, private whatever the spec says: all four Block Public Access settings
 * on, default encryption (SSE-S3), object ownership enforced (no ACLs). Only the service's CloudFront
 * distribution reads it, through the policy {@link SiteBucketPolicyKind} writes.
 */
public final class SiteBucketKind implements AwsResourceKind<SiteBucketKind.Desired, SiteBucketKind.Observed> {

  public static final String KIND = "S3Bucket";
  static final String LOGICAL = "site";
  static final String BUCKET_OUTPUT = "frontend.bucket";
  /** The bucket's regional endpoint, CloudFront's origin. */
  static final String ORIGIN_OUTPUT = "frontend.originDomain";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of());
  private static final PublicAccessBlockConfiguration ALL_BLOCKED =
      PublicAccessBlockConfiguration.builder().blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true).build();

  public record Desired(String physicalName) implements DesiredResource {}

  /**
   * The bucket's settings as read; null for a setting the bucket has none of.
   *
   * @param encryption the default encryption algorithm
   * @param ownership the object ownership rule
   */
  public record Observed(String name, PublicAccessBlockConfiguration publicAccess, String encryption, String ownership, Map<String, String> tags) {}

  /** The key dependents of the bucket declare. */
  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  /** The bucket's name: the spec's, else one no other account can hold already. */
  static String physicalName(StackContext ctx) {
    FrontendSpec f = ctx.spec().frontend;
    return f.bucketName != null ? f.bucketName : ctx.physicalName("site-" + ctx.scope().account()).toLowerCase();
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().frontend == null) {
      return List.of();
    }
    String name = physicalName(ctx);
    return List.of(new Planned<>(this, LOGICAL, name, List.of(), c -> new Desired(name)));
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    S3Client s3 = ctx.aws().s3();
    try {
      s3.headBucket(r -> r.bucket(d.physicalName()));
    } catch (S3Exception e) {
      if (e.statusCode() == 403) {
        throw SlipwayException.terminal("BucketNameTaken",
            "S3 bucket " + d.physicalName() + " exists and this account cannot read it (bucket names are global): set frontend.bucketName");
      }
      throw e;
    }
    return Optional.of(observe(s3, d.physicalName()));
  }

  /** Four reads; a setting the bucket lacks answers with its own NotFound-style error, which means "none" here. */
  private static Observed observe(S3Client s3, String bucket) {
    PublicAccessBlockConfiguration pab = absentIsNull(() -> s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration());
    String sse = absentIsNull(() -> s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().stream()
        .map(rule -> rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString()).findFirst().orElse(null));
    String ownership = absentIsNull(() -> s3.getBucketOwnershipControls(r -> r.bucket(bucket)).ownershipControls().rules().stream()
        .map(rule -> rule.objectOwnershipAsString()).findFirst().orElse(null));
    return new Observed(bucket, pab, sse, ownership, tagsOf(s3, bucket));
  }

  private static <T> T absentIsNull(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (S3Exception e) {
      if (AwsErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  static Map<String, String> tagsOf(S3Client s3, String bucket) {
    List<Tag> tags = absentIsNull(() -> s3.getBucketTagging(r -> r.bucket(bucket)).tagSet());
    return tags == null ? Map.of() : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b, LinkedHashMap::new));
  }

  /** The bucket with ownership enforced from the start; the public access block and encryption follow as steps. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    ctx.aws().s3().createBucket(r -> {
      r.bucket(d.physicalName()).objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED);
      // us-east-1 is the one region S3 refuses as a location constraint.
      if (!"us-east-1".equals(ctx.region())) {
        r.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(ctx.region())));
      }
    });
    return null;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    S3Client s3 = ctx.aws().s3();
    String bucket = o.name();
    List<Step> steps = new ArrayList<>();
    if (!ALL_BLOCKED.equals(o.publicAccess())) {
      steps.add(new Step("publicAccessBlock", "all four on", o.publicAccess() == null ? "none" : describe(o.publicAccess()),
          () -> s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(ALL_BLOCKED))));
    }
    if (o.encryption() == null) {
      steps.add(new Step("encryption", ServerSideEncryption.AES256.toString(), "none",
          () -> s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule ->
              rule.applyServerSideEncryptionByDefault(e -> e.sseAlgorithm(ServerSideEncryption.AES256)).bucketKeyEnabled(true))))));
    }
    if (!ObjectOwnership.BUCKET_OWNER_ENFORCED.toString().equals(o.ownership())) {
      steps.add(new Step("objectOwnership", ObjectOwnership.BUCKET_OWNER_ENFORCED.toString(), o.ownership(),
          () -> s3.putBucketOwnershipControls(r -> r.bucket(bucket).ownershipControls(c -> c.rules(rule -> rule.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))))));
    }
    return steps;
  }

  private static String describe(PublicAccessBlockConfiguration p) {
    return "blockPublicAcls=" + p.blockPublicAcls() + ", ignorePublicAcls=" + p.ignorePublicAcls() + ", blockPublicPolicy=" + p.blockPublicPolicy()
        + ", restrictPublicBuckets=" + p.restrictPublicBuckets();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  /** S3 replaces a bucket's whole tag set at once. */
  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    Map<String, String> tags = new LinkedHashMap<>(o.tags());
    remove.forEach(tags::remove);
    tags.putAll(set);
    List<Tag> tagSet = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    ctx.aws().s3().putBucketTagging(r -> r.bucket(o.name()).tagging(t -> t.tagSet(tagSet)));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.name())
        .output(BUCKET_OUTPUT, o.name())
        .internal(ORIGIN_OUTPUT, o.name() + ".s3." + ctx.region() + ".amazonaws.com")
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    S3Client s3 = ctx.aws().s3();
    s3.headBucket(r -> r.bucket(resource.id));
    return Optional.of(tagsOf(s3, resource.id));
  }

  /** The site's files are Slipway's (unpacked from the artifact): the bucket is emptied, then deleted. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    S3Client s3 = ctx.aws().s3();
    emptyBucket(s3, resource.id);
    s3.deleteBucket(r -> r.bucket(resource.id));
  }

  static void emptyBucket(S3Client s3, String bucket) {
    List<String> keys = new ArrayList<>();
    for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
      keys.add(object.key());
    }
    deleteKeys(s3, bucket, keys);
  }

  /** DeleteObjects in batches of the 1,000 keys it takes. */
  static void deleteKeys(S3Client s3, String bucket, List<String> keys) {
    for (int from = 0; from < keys.size(); from += 1000) {
      List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      s3.deleteObjects(r -> r.bucket(bucket).delete(del -> del.objects(batch).quiet(true)));
    }
  }
}
