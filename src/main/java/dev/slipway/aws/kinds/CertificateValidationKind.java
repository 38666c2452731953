package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.acm.model.CertificateDetail;
import software.amazon.awssdk.services.acm.model.CertificateStatus;
import software.amazon.awssdk.services.acm.model.DomainValidation;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * A certificate's DNS validation: the CNAME records ACM asks for, written in the hosted zone, and the
 * wait for ACM to issue the certificate, which takes minutes. What needs the certificate depends on
 * this resource, so nothing uses it before it is issued; while it is pending the resource is
 * NotReady, naming the certificate. DNS records carry no tags: they are the certificate's, whose
 * tags say whose they are.
 *
 * <p>Status records {@code <zone id>:<certificate ARN>}, all that deleting the records needs.
 */
public final class CertificateValidationKind implements UntaggedKind<CertificateValidationKind.Desired, CertificateValidationKind.Observed> {

  public static final String KIND = "AcmCertificateValidation";
  public static final String CLOUDFRONT_KIND = "CloudFrontCertificateValidation";
  static final String LOGICAL = CertificateKind.LOGICAL;
  static final long TTL = 300;
  /** ACM checks DNS every few minutes; there is no point in looking more often. */
  private static final Duration VALIDATING = Duration.ofSeconds(30);
  private final KindInfo info;
  private final CertificateKind certificate;

  /** The regional certificate's validation. */
  public CertificateValidationKind() {
    this(KIND, new CertificateKind());
  }

  private CertificateValidationKind(String kind, CertificateKind certificate) {
    this.info = KindInfo.named(kind, Set.of(certificate.info().name())).ownedByParent();
    this.certificate = certificate;
  }

  /** The CloudFront certificate's validation. */
  public static CertificateValidationKind forCloudFront() {
    return new CertificateValidationKind(CLOUDFRONT_KIND, CertificateKind.forCloudFront());
  }

  /** @param records validation record name (no trailing dot) to its value */
  public record Desired(String physicalName, String zoneId, String zoneName, String certificateArn, Map<String, String> records)
      implements DesiredResource {}

  /** @param records those of the wanted records that the zone holds, name to value */
  public record Observed(String zoneId, String certificateArn, String zoneName, CertificateStatus status, Map<String, String> records) {}

  /** The regional certificate's validation's key. */
  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  static String cloudFrontKey() {
    return Planned.key(CLOUDFRONT_KIND, CertificateKind.CLOUDFRONT_LOGICAL);
  }

  @Override
  public KindInfo info() {
    return info;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (!certificate.needed(ctx.spec())) {
      return List.of();
    }
    String name = certificate.physicalName(ctx);
    return List.of(new Planned<>(this, certificate.logical(), name, List.of(certificate.planKey()), c -> {
      Domains.Zone zone = Domains.zone(c);
      String arn = c.output(certificate.arnOutput());
      return new Desired(name, zone.id(), zone.name(), arn, wanted(certificate(c, arn)));
    }));
  }

  /** The certificate, read in its own region. */
  private static CertificateDetail certificate(StackContext ctx, String arn) {
    return CertificateKind.acm(ctx.inRegion(Domains.regionOf(arn))).describeCertificate(r -> r.certificateArn(arn)).certificate();
  }

  /** The records ACM asks for; the apex and the wildcard share one. */
  private static Map<String, String> wanted(CertificateDetail c) {
    Map<String, String> records = new TreeMap<>();
    for (DomainValidation v : c.domainValidationOptions()) {
      if (v.resourceRecord() != null) {
        records.put(Domains.fromRoute53(v.resourceRecord().name()), v.resourceRecord().value());
      }
    }
    return records;
  }

  /** Present once the zone holds every record; one missing is written again with the rest. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Map<String, String> found = new TreeMap<>();
    for (String name : d.records().keySet()) {
      Domains.record(ctx, d.zoneId(), name, RRType.CNAME).ifPresent(rs -> found.put(name, value(rs)));
    }
    if (found.size() < d.records().size()) {
      return Optional.empty();
    }
    return Optional.of(new Observed(d.zoneId(), d.certificateArn(), d.zoneName(), certificate(ctx, d.certificateArn()).status(), found));
  }

  private static String value(ResourceRecordSet rs) {
    return rs.resourceRecords().isEmpty() ? "" : rs.resourceRecords().get(0).value();
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    upsert(ctx, d, d.records());
    return null;
  }

  private static void upsert(StackContext ctx, Desired d, Map<String, String> records) {
    List<Change> changes = new ArrayList<>();
    records.forEach((name, value) -> changes.add(Change.builder().action(ChangeAction.UPSERT)
        .resourceRecordSet(rs -> rs.name(name).type(RRType.CNAME).ttl(TTL).resourceRecords(v -> v.value(value))).build()));
    try {
      Domains.route53(ctx).changeResourceRecordSets(r -> r.hostedZoneId(d.zoneId())
          .changeBatch(b -> b.comment("ACM validation of " + d.certificateArn()).changes(changes)));
    } finally {
      Domains.forgetRecords(ctx, d.zoneId());
    }
  }

  /** Pending while ACM validates; a certificate ACM gave up on is a terminal error. */
  @Override
  public Optional<NotReady> readiness(Observed o) {
    if (o.status() == CertificateStatus.ISSUED) {
      return Optional.empty();
    }
    if (o.status() == CertificateStatus.PENDING_VALIDATION) {
      return Optional.of(NotReady.awaiting("ACM certificate " + o.certificateArn() + " PENDING_VALIDATION; its validation records are in hosted zone "
          + o.zoneName(), VALIDATING));
    }
    throw SlipwayException.terminal("CertificateNotIssued", "ACM certificate " + o.certificateArn() + " is " + o.status()
        + "; delete it (or spec.domain) for Slipway to request a new one");
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Map<String, String> wrong = new LinkedHashMap<>();
    d.records().forEach((name, value) -> {
      if (!value.equals(o.records().get(name))) {
        wrong.put(name, value);
      }
    });
    if (wrong.isEmpty()) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    wrong.forEach((name, value) -> steps.add(new Step("record " + name, value, o.records().get(name), () -> upsert(ctx, d, Map.of(name, value)))));
    return steps;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(d.zoneId() + ":" + d.certificateArn()).build();
  }

  /** The certificate's tags say whose its validation records are. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    String arn = arnOf(resource);
    return Optional.of(CertificateKind.tagsOf(ctx.inRegion(Domains.regionOf(arn)), arn));
  }

  /**
   * Deletes the records the certificate asks for, as the zone holds them; the runtime deletes them
   * before the certificate. ACM asks every certificate of a name in an account for the same record,
   * so the records the service's other certificate still asks for stay: the APIs' and the
   * distribution's certificates share theirs, and either may go alone.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    String zoneId = resource.id.substring(0, resource.id.indexOf(':'));
    String arn = arnOf(resource);
    Route53Client route53 = Domains.route53(ctx);
    Set<String> shared = siblingRecords(ctx);
    List<Change> changes = new ArrayList<>();
    for (String name : wanted(certificate(ctx, arn)).keySet()) {
      if (!shared.contains(name)) {
        Domains.readRecord(route53, zoneId, name, RRType.CNAME).ifPresent(rs -> changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(rs).build()));
      }
    }
    if (!changes.isEmpty()) {
      route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(changes)));
      Domains.forgetRecords(ctx, zoneId);
    }
  }

  /** The records the service's other certificate asks for, while it exists (status names it; ACM still has it). */
  private Set<String> siblingRecords(StackContext ctx) {
    CertificateKind sibling = certificate.info().name().equals(CertificateKind.KIND) ? CertificateKind.forCloudFront() : new CertificateKind();
    return ctx.previous(sibling.info().name(), sibling.logical())
        .flatMap(r -> AwsErrors.unlessNotFound(() -> certificate(ctx, r.id)))
        .map(c -> wanted(c).keySet())
        .orElse(Set.of());
  }

  private static String arnOf(ManagedResource resource) {
    return resource.id.substring(resource.id.indexOf(':') + 1);
  }
}
