package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.Aliases;
import software.amazon.awssdk.services.cloudfront.model.MinimumProtocolVersion;
import software.amazon.awssdk.services.cloudfront.model.SSLSupportMethod;
import software.amazon.awssdk.services.cloudfront.model.ViewerCertificate;
import software.amazon.awssdk.services.cloudfront.model.CustomErrorResponse;
import software.amazon.awssdk.services.cloudfront.model.CustomErrorResponses;
import software.amazon.awssdk.services.cloudfront.model.DefaultCacheBehavior;
import software.amazon.awssdk.services.cloudfront.model.Distribution;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.DistributionList;
import software.amazon.awssdk.services.cloudfront.model.DistributionSummary;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionResponse;
import software.amazon.awssdk.services.cloudfront.model.HttpVersion;
import software.amazon.awssdk.services.cloudfront.model.Method;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.cloudfront.model.Tag;
import software.amazon.awssdk.services.cloudfront.model.ViewerProtocolPolicy;

/**
 * The frontend's CloudFront distribution: the site bucket as its one origin, reached through the
 * origin access control; HTTPS only (HTTP redirects), compression, CloudFront's managed
 * CachingOptimized policy, the default root object and, for single-page apps, 403/404 answered with
 * it. Slipway manages those settings and leaves the rest of the configuration as it finds it.
 */
public final class DistributionKind implements AwsResourceKind<DistributionKind.Desired, DistributionKind.Observed> {

  public static final String KIND = "CloudFrontDistribution";
  /** CloudFront is global; its API and the certificates it uses live in us-east-1. */
  public static final String REGION = "us-east-1";
  static final String LOGICAL = "site";
  static final String ID_OUTPUT = "frontend.distributionId";
  static final String ARN_OUTPUT = "frontend.distributionArn";
  static final String DOMAIN_OUTPUT = "frontend.distributionDomain";
  static final String URL_OUTPUT = "frontend.url";
  /** CloudFront's managed cache policy "CachingOptimized". */
  static final String CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
  private static final String ORIGIN_ID = "site-bucket";
  /** How soon to look again at a distribution being disabled; CloudFront takes minutes. */
  private static final Duration DISABLING = Duration.ofSeconds(30);
  private static final KindInfo INFO =
      KindInfo.recordedId(KIND, Set.of(SiteBucketKind.KIND, OriginAccessControlKind.KIND, CertificateValidationKind.CLOUDFRONT_KIND)).inRegion(REGION);
  static final String DOMAIN_URL_OUTPUT = "domain.frontendUrl";

  /** The settings Slipway manages. */
  public record Desired(String physicalName, String originDomain, String originAccessControlId, String defaultRootObject, boolean spaFallback,
      String priceClass, List<String> aliases, String certificateArn) implements DesiredResource {}

  public record Observed(Distribution distribution, String etag, Map<String, String> tags) {
    DistributionConfig config() {
      return distribution.distributionConfig();
    }
  }

  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    FrontendSpec f = ctx.spec().frontend;
    if (f == null) {
      return List.of();
    }
    String name = ctx.physicalName("site");
    List<String> aliases = Domains.frontendNames(ctx.spec().domain);
    String alias = aliases.isEmpty() ? null : aliases.get(0);
    List<String> deps = new ArrayList<>(List.of(SiteBucketKind.key(), OriginAccessControlKind.key()));
    if (alias != null) {
      // The certificate must be issued before CloudFront takes it.
      deps.add(CertificateValidationKind.cloudFrontKey());
    }
    return List.of(new Planned<>(this, LOGICAL, name, deps,
        c -> new Desired(name, c.output(SiteBucketKind.ORIGIN_OUTPUT), c.output(OriginAccessControlKind.ID_OUTPUT),
            Objects.requireNonNullElse(f.defaultRootObject, "index.html"), !Boolean.FALSE.equals(f.spaFallback),
            (f.priceClass == null ? FrontendSpec.PriceClass.PriceClass_100 : f.priceClass).name(),
            aliases, alias == null ? null : c.output(CertificateKind.CLOUDFRONT_ARN_OUTPUT))));
  }

  static CloudFrontClient cloudFront(StackContext ctx) {
    return OriginAccessControlKind.cloudFront(ctx);
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Optional<Observed> recorded = ctx.previous(KIND, LOGICAL).map(r -> r.id).flatMap(id -> byId(ctx, id))
        .filter(o -> d.physicalName().equals(o.tags().get(Ec2Resources.NAME)));
    if (recorded.isPresent()) {
      return recorded;
    }
    // CloudFront names nothing: the distribution is found by its Name tag, as EC2 resources are.
    List<Observed> named = new ArrayList<>();
    String marker = null;
    do {
      String from = marker;
      DistributionList page = cloudFront(ctx).listDistributions(r -> r.marker(from)).distributionList();
      for (DistributionSummary s : page.items()) {
        if (d.physicalName().equals(tagsOf(ctx, s.arn()).get(Ec2Resources.NAME))) {
          byId(ctx, s.id()).ifPresent(named::add);
        }
      }
      marker = Boolean.TRUE.equals(page.isTruncated()) ? page.nextMarker() : null;
    } while (marker != null);
    return Lookups.unique(ctx, named, Observed::tags, "CloudFront distribution", d.physicalName());
  }

  private static Optional<Observed> byId(StackContext ctx, String id) {
    return AwsErrors.unlessNotFound(() -> cloudFront(ctx).getDistribution(r -> r.id(id))).map(r -> observed(ctx, r));
  }

  private static Observed observed(StackContext ctx, GetDistributionResponse r) {
    return new Observed(r.distribution(), r.eTag(), tagsOf(ctx, r.distribution().arn()));
  }

  private static Map<String, String> tagsOf(StackContext ctx, String arn) {
    Map<String, String> tags = new LinkedHashMap<>();
    cloudFront(ctx).listTagsForResource(r -> r.resource(arn)).tags().items().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  /** A new distribution with Slipway's settings; its CallerReference makes a retried create return the first one. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    DistributionConfig config = apply(DistributionConfig.builder()
        .callerReference(d.physicalName() + "-" + ctx.owner())
        .comment(d.physicalName())
        .httpVersion(HttpVersion.HTTP2_AND3)
        .isIPV6Enabled(true), d).build();
    List<Tag> tags = new ArrayList<>();
    ctx.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    tags.add(Tag.builder().key(Ec2Resources.NAME).value(d.physicalName()).build());
    cloudFront(ctx).createDistributionWithTags(r -> r.distributionConfigWithTags(c -> c.distributionConfig(config).tags(t -> t.items(tags))));
    return null;
  }

  /** Slipway's settings on top of {@code config}, whatever else it holds. */
  private static DistributionConfig.Builder apply(DistributionConfig.Builder config, Desired d) {
    Origin origin = Origin.builder()
        .id(ORIGIN_ID)
        .domainName(d.originDomain())
        .originAccessControlId(d.originAccessControlId())
        .s3OriginConfig(s -> s.originAccessIdentity(""))
        .build();
    DefaultCacheBehavior behavior = DefaultCacheBehavior.builder()
        .targetOriginId(ORIGIN_ID)
        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
        .compress(true)
        .cachePolicyId(CACHING_OPTIMIZED)
        .allowedMethods(m -> m.quantity(2).items(Method.GET, Method.HEAD).cachedMethods(c -> c.quantity(2).items(Method.GET, Method.HEAD)))
        .build();
    return config
        .enabled(true)
        .origins(o -> o.quantity(1).items(origin))
        .defaultCacheBehavior(behavior)
        .defaultRootObject(d.defaultRootObject())
        .customErrorResponses(errorResponses(d))
        .priceClass(d.priceClass())
        .aliases(d.aliases().isEmpty() ? Aliases.builder().quantity(0).build() : Aliases.builder().quantity(d.aliases().size()).items(d.aliases()).build())
        .viewerCertificate(d.certificateArn() == null
            ? ViewerCertificate.builder().cloudFrontDefaultCertificate(true).build()
            : ViewerCertificate.builder().acmCertificateArn(d.certificateArn()).sslSupportMethod(SSLSupportMethod.SNI_ONLY)
                .minimumProtocolVersion(MinimumProtocolVersion.TLS_V1_2_2021).build());
  }

  /** The certificate as Slipway compares it: CloudFront's own, or an ACM one with how it is served. */
  private static String certificateSummary(ViewerCertificate v) {
    if (v == null || v.acmCertificateArn() == null || v.acmCertificateArn().isEmpty()) {
      return "cloudfront default";
    }
    return v.acmCertificateArn() + " " + v.sslSupportMethodAsString() + " " + v.minimumProtocolVersionAsString();
  }

  private static CustomErrorResponses errorResponses(Desired d) {
    if (!d.spaFallback()) {
      return CustomErrorResponses.builder().quantity(0).build();
    }
    List<CustomErrorResponse> items = List.of(403, 404).stream()
        .map(code -> CustomErrorResponse.builder().errorCode(code).responsePagePath("/" + d.defaultRootObject()).responseCode("200").errorCachingMinTTL(10L).build())
        .toList();
    return CustomErrorResponses.builder().quantity(items.size()).items(items).build();
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    DistributionConfig have = o.config();
    DistributionConfig want = apply(have.toBuilder(), d).build();
    List<String> changed = new ArrayList<>();
    Map<String, Function<DistributionConfig, Object>> fields = new LinkedHashMap<>();
    fields.put("enabled", DistributionConfig::enabled);
    // moto 5.2.1 keeps no OriginAccessControlId: a response without the element cannot show drift in it
    // (CloudFront itself answers with the element, empty when an origin has none).
    boolean oacReported = have.origins().items().stream().allMatch(origin -> origin.originAccessControlId() != null);
    fields.put("origin", c -> c.origins().items().stream().map(origin -> originSummary(origin, oacReported)).toList());
    fields.put("defaultCacheBehavior", c -> behaviorSummary(c.defaultCacheBehavior()));
    fields.put("defaultRootObject", DistributionConfig::defaultRootObject);
    fields.put("customErrorResponses", c -> c.customErrorResponses() == null || c.customErrorResponses().items() == null
        ? List.of() : c.customErrorResponses().items().stream().map(e -> e.errorCode() + "->" + e.responsePagePath() + ":" + e.responseCode()).toList());
    fields.put("priceClass", DistributionConfig::priceClassAsString);
    fields.put("aliases", c -> c.aliases() == null || c.aliases().items() == null ? List.of() : c.aliases().items().stream().sorted().toList());
    fields.put("viewerCertificate", c -> certificateSummary(c.viewerCertificate()));
    fields.forEach((field, value) -> {
      if (!Objects.equals(value.apply(have), value.apply(want))) {
        changed.add(field);
      }
    });
    if (changed.isEmpty()) {
      return List.of();
    }
    String id = o.distribution().id();
    return List.of(new Step(String.join(",", changed), "Slipway's settings", "changed",
        () -> cloudFront(ctx).updateDistribution(r -> r.id(id).ifMatch(o.etag()).distributionConfig(want))));
  }

  private static String originSummary(Origin o, boolean withOac) {
    return o.id() + " " + o.domainName() + (withOac ? " oac=" + o.originAccessControlId() : "");
  }

  private static String behaviorSummary(DefaultCacheBehavior b) {
    return b.targetOriginId() + " " + b.viewerProtocolPolicyAsString() + " compress=" + b.compress() + " cachePolicy=" + b.cachePolicyId()
        + " methods=" + (b.allowedMethods() == null ? List.of() : b.allowedMethods().itemsAsStrings().stream().sorted().toList());
  }

  @Override
  public Map<String, String> tags(Observed o) {
    Map<String, String> tags = new LinkedHashMap<>(o.tags());
    tags.remove(Ec2Resources.NAME);
    return tags;
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    String arn = o.distribution().arn();
    if (!remove.isEmpty()) {
      cloudFront(ctx).untagResource(r -> r.resource(arn).tagKeys(k -> k.items(remove)));
    }
    if (!set.isEmpty()) {
      List<Tag> tags = set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
      cloudFront(ctx).tagResource(r -> r.resource(arn).tags(t -> t.items(tags)));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    Distribution dist = o.distribution();
    return Published.of(dist.id())
        .output(ID_OUTPUT, dist.id())
        .internal(ARN_OUTPUT, dist.arn())
        .output(DOMAIN_OUTPUT, dist.domainName())
        .output(URL_OUTPUT, "https://" + dist.domainName())
        .output(DOMAIN_URL_OUTPUT, d.aliases().isEmpty() ? null : "https://" + d.aliases().get(0))
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(tagsOf(ctx, cloudFront(ctx).getDistribution(r -> r.id(resource.id)).distribution().arn()));
  }

  /**
   * CloudFront deletes only a disabled distribution whose change has deployed: the first call
   * disables it, and the deletion waits (NotReady) until CloudFront reports it Deployed.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    CloudFrontClient cf = cloudFront(ctx);
    GetDistributionResponse current = cf.getDistribution(r -> r.id(resource.id));
    DistributionConfig config = current.distribution().distributionConfig();
    if (Boolean.TRUE.equals(config.enabled())) {
      String enabledEtag = current.eTag();
      cf.updateDistribution(r -> r.id(resource.id).ifMatch(enabledEtag).distributionConfig(config.toBuilder().enabled(false).build()));
      current = cf.getDistribution(r -> r.id(resource.id));
    }
    String status = current.distribution().status();
    if (Boolean.TRUE.equals(current.distribution().distributionConfig().enabled()) || !"Deployed".equals(status)) {
      throw NotReady.awaiting("CloudFront distribution " + resource.id + " disabled, " + status, DISABLING);
    }
    String etag = current.eTag();
    cf.deleteDistribution(r -> r.id(resource.id).ifMatch(etag));
  }
}
