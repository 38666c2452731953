package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Hashes;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.acm.model.CertificateDetail;
import software.amazon.awssdk.services.acm.model.CertificateStatus;
import software.amazon.awssdk.services.acm.model.CertificateSummary;
import software.amazon.awssdk.services.acm.model.ListCertificatesResponse;
import software.amazon.awssdk.services.acm.model.Tag;
import software.amazon.awssdk.services.acm.model.ValidationMethod;

/**
 * The ACM certificate of the service's hosted zone, for {@code <zone>} and {@code *.<zone>}, validated
 * by DNS. This kind requests it; {@link CertificateValidationKind} writes its validation records in
 * the zone and waits for it to be issued. ACM names nothing, so the certificate carries a Name tag,
 * as CloudFront distributions do, and status records its ARN.
 *
 * <p>The regional certificate is the APIs' (API Gateway takes certificates of its own region); the
 * CloudFront one, in us-east-1, the frontend distribution's ({@link #forCloudFront()}).
 */
public final class CertificateKind implements AwsResourceKind<CertificateKind.Desired, CertificateKind.Observed> {

  public static final String KIND = "AcmCertificate";
  static final String LOGICAL = "regional";
  static final String ARN_OUTPUT = "domain.certificate." + LOGICAL + ".arn";
  /** The CloudFront distribution's certificate, which CloudFront takes only from us-east-1. */
  public static final String CLOUDFRONT_KIND = "CloudFrontCertificate";
  static final String CLOUDFRONT_LOGICAL = "cloudfront";
  static final String CLOUDFRONT_ARN_OUTPUT = "domain.certificate." + CLOUDFRONT_LOGICAL + ".arn";
  /** How soon to look again at a certificate whose validation records ACM has not published yet. */
  private static final Duration NO_RECORDS_YET = Duration.ofSeconds(5);
  /** Every status, as ListCertificates otherwise leaves some out. */
  private static final List<CertificateStatus> ANY_STATUS = List.of(CertificateStatus.PENDING_VALIDATION, CertificateStatus.ISSUED,
      CertificateStatus.INACTIVE, CertificateStatus.EXPIRED, CertificateStatus.VALIDATION_TIMED_OUT, CertificateStatus.REVOKED,
      CertificateStatus.FAILED);

  public record Desired(String physicalName, String domainName, List<String> names) implements DesiredResource {}

  public record Observed(CertificateDetail certificate, Map<String, String> tags) {}

  private final KindInfo info;
  private final String logical;
  private final String arnOutput;
  private final Predicate<ServerlessServiceSpec> needed;

  /** The regional certificate, for the APIs' domain names. */
  public CertificateKind() {
    this(KindInfo.recordedId(KIND, Set.of(HostedZoneKind.KIND)), LOGICAL, ARN_OUTPUT, s -> Domains.regionalNames(s.domain));
  }

  private CertificateKind(KindInfo info, String logical, String arnOutput, Predicate<ServerlessServiceSpec> needed) {
    this.info = info;
    this.logical = logical;
    this.arnOutput = arnOutput;
    this.needed = needed;
  }

  /** The us-east-1 certificate of the frontend's distribution ({@code domain.frontend}). */
  public static CertificateKind forCloudFront() {
    return new CertificateKind(KindInfo.recordedId(CLOUDFRONT_KIND, Set.of(HostedZoneKind.KIND)).inRegion(DistributionKind.REGION), CLOUDFRONT_LOGICAL,
        CLOUDFRONT_ARN_OUTPUT, s -> s.domain != null && s.domain.frontend != null && s.frontend != null);
  }

  /** The regional certificate's key. */
  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  String planKey() {
    return Planned.key(info.name(), logical);
  }

  String logical() {
    return logical;
  }

  String arnOutput() {
    return arnOutput;
  }

  boolean needed(ServerlessServiceSpec spec) {
    return needed.test(spec);
  }

  @Override
  public KindInfo info() {
    return info;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    DomainSpec d = ctx.spec().domain;
    if (!needed(ctx.spec())) {
      return List.of();
    }
    String name = physicalName(ctx);
    // Everything of the domain waits for the zone through the certificates, when Slipway creates it.
    List<String> zone = HostedZoneKind.created(d) ? List.of(HostedZoneKind.key()) : List.of();
    return List.of(new Planned<>(this, logical, name, zone, c -> {
      // No certificate for a zone whose records Slipway cannot write: the zone is looked up first.
      Domains.zone(c);
      return new Desired(name, d.hostedZone, Domains.certificateNames(d.hostedZone));
    }));
  }

  String physicalName(StackContext ctx) {
    return ctx.physicalName("cert-" + logical);
  }

  static AcmClient acm(StackContext ctx) {
    return ctx.aws().client(AcmClient.class, AcmClient::builder);
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Optional<Observed> recorded = ctx.previous(info.name(), logical).map(r -> r.id).flatMap(arn -> byArn(ctx, arn)).filter(o -> matches(d, o));
    if (recorded.isPresent()) {
      return recorded;
    }
    List<Observed> named = new ArrayList<>();
    String token = null;
    do {
      String from = token;
      ListCertificatesResponse page = acm(ctx).listCertificates(r -> r.certificateStatuses(ANY_STATUS).nextToken(from));
      for (CertificateSummary s : page.certificateSummaryList()) {
        if (d.domainName().equals(s.domainName())) {
          byArn(ctx, s.certificateArn()).filter(o -> matches(d, o)).ifPresent(named::add);
        }
      }
      token = page.nextToken();
    } while (token != null);
    return Lookups.unique(ctx, named, Observed::tags, "ACM certificate", d.physicalName());
  }

  /** The certificate of the zone's names and of this service's Name tag. */
  private static boolean matches(Desired d, Observed o) {
    return d.physicalName().equals(o.tags().get(Ec2Resources.NAME)) && d.domainName().equals(o.certificate().domainName());
  }

  private static Optional<Observed> byArn(StackContext ctx, String arn) {
    return AwsErrors.unlessNotFound(() -> acm(ctx).describeCertificate(r -> r.certificateArn(arn)).certificate())
        .map(c -> new Observed(c, tagsOf(ctx, arn)));
  }

  static Map<String, String> tagsOf(StackContext ctx, String arn) {
    Map<String, String> tags = new LinkedHashMap<>();
    acm(ctx).listTagsForCertificate(r -> r.certificateArn(arn)).tags().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  /** A DNS-validated request; the idempotency token makes a retried request return the first certificate. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    List<Tag> tags = new ArrayList<>();
    ctx.tags().forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
    tags.add(Tag.builder().key(Ec2Resources.NAME).value(d.physicalName()).build());
    String token = Hashes.sha256(d.physicalName() + " " + ctx.owner() + " " + d.domainName()).substring(0, 32);
    acm(ctx).requestCertificate(r -> r.domainName(d.domainName())
        .subjectAlternativeNames(d.names())
        .validationMethod(ValidationMethod.DNS)
        .idempotencyToken(token)
        .tags(tags));
    return null;
  }

  /** ACM publishes the validation records a few seconds after the request. */
  @Override
  public Optional<NotReady> readiness(Observed o) {
    CertificateDetail c = o.certificate();
    boolean pending = c.status() == CertificateStatus.PENDING_VALIDATION;
    if (pending && (c.domainValidationOptions().isEmpty() || c.domainValidationOptions().stream().anyMatch(v -> v.resourceRecord() == null))) {
      return Optional.of(NotReady.awaiting("ACM certificate " + c.certificateArn() + " has no DNS validation records yet", NO_RECORDS_YET));
    }
    return Optional.empty();
  }

  /** Nothing of a certificate changes: its names come from the hosted zone, which cannot change. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    return List.of();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    Map<String, String> tags = new LinkedHashMap<>(o.tags());
    tags.remove(Ec2Resources.NAME);
    return tags;
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    String arn = o.certificate().certificateArn();
    if (!remove.isEmpty()) {
      List<Tag> gone = remove.stream().map(k -> Tag.builder().key(k).build()).toList();
      acm(ctx).removeTagsFromCertificate(r -> r.certificateArn(arn).tags(gone));
    }
    if (!set.isEmpty()) {
      List<Tag> tags = set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
      acm(ctx).addTagsToCertificate(r -> r.certificateArn(arn).tags(tags));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String arn = o.certificate().certificateArn();
    return Published.of(arn).internal(arnOutput, arn).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(tagsOf(ctx, resource.id));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    acm(ctx).deleteCertificate(r -> r.certificateArn(resource.id));
  }
}
