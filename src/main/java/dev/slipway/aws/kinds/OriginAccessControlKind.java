package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.GetOriginAccessControlResponse;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlConfig;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlOriginTypes;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlSigningBehaviors;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlSigningProtocols;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlSummary;

/**
 * The origin access control through which the distribution signs its requests to the site bucket
 * (SigV4, always), named as the bucket. It carries no tags: it is part of the bucket, whose tags say
 * whose both are, and its description names the owning service, which the runtime reads before
 * deleting it.
 */
public final class OriginAccessControlKind implements UntaggedKind<OriginAccessControlKind.Desired, OriginAccessControlKind.Observed> {

  public static final String KIND = "CloudFrontOriginAccessControl";
  static final String LOGICAL = "site";
  static final String ID_OUTPUT = "frontend.originAccessControlId";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(SiteBucketKind.KIND)).inRegion(DistributionKind.REGION).ownedByParent();
  private static final Pattern OWNER = Pattern.compile(Pattern.quote(Tags.SERVICE) + "=(\\S+)");

  public record Desired(String physicalName, String description) implements DesiredResource {}

  public record Observed(String id, String etag, OriginAccessControlConfig config) {}

  static String key() {
    return Planned.key(KIND, LOGICAL);
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
    String name = SiteBucketKind.physicalName(ctx);
    return List.of(new Planned<>(this, LOGICAL, name, List.of(SiteBucketKind.key()), c -> new Desired(name, "Slipway site of " + Tags.SERVICE + "=" + c.tags().get(Tags.SERVICE))));
  }

  static CloudFrontClient cloudFront(StackContext ctx) {
    return ctx.aws().client(CloudFrontClient.class, CloudFrontClient::builder);
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Optional<Observed> recorded = ctx.previous(KIND, LOGICAL).map(r -> r.id).flatMap(id -> byId(ctx, id))
        .filter(o -> o.config().name().equals(d.physicalName()));
    if (recorded.isPresent()) {
      return recorded;
    }
    List<OriginAccessControlSummary> named = cloudFront(ctx).listOriginAccessControls(r -> r.maxItems("100")).originAccessControlList().items()
        .stream().filter(s -> s.name().equals(d.physicalName())).toList();
    return Lookups.unique(ctx, named, s -> owner(s.description()), "origin access control", d.physicalName())
        .flatMap(s -> byId(ctx, s.id()));
  }

  private static Optional<Observed> byId(StackContext ctx, String id) {
    return dev.slipway.aws.AwsErrors.unlessNotFound(() -> cloudFront(ctx).getOriginAccessControl(r -> r.id(id)))
        .map(r -> observed(id, r));
  }

  private static Observed observed(String id, GetOriginAccessControlResponse r) {
    return new Observed(id, r.eTag(), r.originAccessControl().originAccessControlConfig());
  }

  private static Map<String, String> owner(String description) {
    Matcher m = OWNER.matcher(Objects.requireNonNullElse(description, ""));
    return m.find() ? Map.of(Tags.SERVICE, m.group(1)) : Map.of();
  }

  private static OriginAccessControlConfig config(Desired d) {
    return OriginAccessControlConfig.builder()
        .name(d.physicalName())
        .description(d.description())
        .originAccessControlOriginType(OriginAccessControlOriginTypes.S3)
        .signingBehavior(OriginAccessControlSigningBehaviors.ALWAYS)
        .signingProtocol(OriginAccessControlSigningProtocols.SIGV4)
        .build();
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    var created = cloudFront(ctx).createOriginAccessControl(r -> r.originAccessControlConfig(config(d)));
    return new Observed(created.originAccessControl().id(), created.eTag(), created.originAccessControl().originAccessControlConfig());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    OriginAccessControlConfig want = config(d);
    if (want.equals(o.config())) {
      return List.of();
    }
    return List.of(new Step("signing", "s3, sigv4, always", o.config().originAccessControlOriginTypeAsString() + ", "
        + o.config().signingProtocolAsString() + ", " + o.config().signingBehaviorAsString(),
        () -> cloudFront(ctx).updateOriginAccessControl(r -> r.id(o.id()).ifMatch(o.etag()).originAccessControlConfig(want))));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.id()).internal(ID_OUTPUT, o.id()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(owner(cloudFront(ctx).getOriginAccessControl(r -> r.id(resource.id)).originAccessControl().originAccessControlConfig().description()));
  }

  /** Runs after the distribution that used it is gone (the runtime deletes dependents first). */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    CloudFrontClient cf = cloudFront(ctx);
    String etag = cf.getOriginAccessControl(r -> r.id(resource.id)).eTag();
    cf.deleteOriginAccessControl(r -> r.id(resource.id).ifMatch(etag));
  }
}
