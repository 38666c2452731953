package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.acm.model.Tag;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The validation records of the regional certificate and the wait for it to be issued. Its parent is
 * the certificate: one that is not this service's holds it back, and the certificate's adoption lets
 * it follow.
 */
class CertificateValidationKindTest extends CertificateKindTest {

  private String zoneId;

  @Override
  protected KindHarness harness() {
    // Through the fault proxy, which plays a certificate still pending (moto issues it at its first read).
    KindHarness harness = new KindHarness(AwsFaults.shared().endpoint(), withDomain(), new CertificateKind(), new CertificateValidationKind());
    clients(harness);
    zoneId = Domains.bareId(route53.listHostedZonesByName(r -> r.dnsName(ZONE)).hostedZones().get(0).id());
    return harness;
  }

  /** What ACM asks for, read of the certificate: record name to value. */
  private Map<String, String> asked() {
    return askedOf(arn());
  }

  private Optional<ResourceRecordSet> record(String name) {
    return route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets().stream()
        .filter(rs -> rs.type() == RRType.CNAME && Domains.fromRoute53(rs.name()).equals(name)).findFirst();
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(asked()).isNotEmpty().allSatisfy((name, value) -> assertThat(record(name)).as(name).hasValueSatisfying(rs -> {
      assertThat(rs.resourceRecords()).singleElement().satisfies(v -> assertThat(v.value()).isEqualTo(value));
      assertThat(rs.ttl()).isEqualTo(CertificateValidationKind.TTL);
    }));
    assertThat(certificate().statusAsString()).isEqualTo("ISSUED");
    assertThat(stack.status(CertificateValidationKind.KIND)).singleElement().satisfies(r -> assertThat(r.id).isEqualTo(zoneId + ":" + arn()));
  }

  /**
   * ACM asks every certificate of a name in an account for the same record, so the APIs' and the
   * distribution's certificates share theirs: dropping one certificate leaves the record the other
   * needs (for its renewals), and it goes with the last one.
   */
  @Test
  void aRecordBothCertificatesAskForStaysUntilTheLastOneGoes() {
    ServerlessServiceSpec spec = withDomain();
    spec.domain.frontend = "www." + ZONE;
    spec.frontend = new FrontendSpec();
    try (KindHarness both = new KindHarness(spec, new CertificateKind(), new CertificateValidationKind(), CertificateKind.forCloudFront(),
        CertificateValidationKind.forCloudFront())) {
      zoneId = createZone(route53, ZONE); // a harness starts from an empty moto
      assertThat(both.settle().firstFailure()).as("failure").isEmpty();
      Map<String, String> regional = askedOf(both.context().output(CertificateKind.ARN_OUTPUT));
      Map<String, String> cloudFront = askedOf(both.context().output(CertificateKind.CLOUDFRONT_ARN_OUTPUT));
      assertThat(regional).as("the record both certificates ask for").isEqualTo(cloudFront).isNotEmpty();

      List<ManagedResource> before = both.status();
      ServerlessServiceSpec apisOnly = KindHarness.copy(spec);
      apisOnly.domain.frontend = null;
      assertThat(both.converge(apisOnly).firstFailure()).isEmpty();
      assertThat(both.deleteDropped(before)).as("delete failures").isEmpty();
      assertThat(both.events).contains("Deleted: Deleted " + CertificateValidationKind.CLOUDFRONT_KIND + " nexus-prod-cert-cloudfront");
      regional.keySet().forEach(name -> assertThat(record(name)).as(name + " after the distribution's certificate went").isPresent());

      assertThat(both.delete()).as("delete failures").isEmpty();
      regional.keySet().forEach(name -> assertThat(record(name)).as(name + " after the last certificate went").isEmpty());
    }
  }

  /** What ACM asks for of the certificate {@code arn}: record name to value (the harness's region is CloudFront's, us-east-1). */
  private Map<String, String> askedOf(String arn) {
    return Map.copyOf(acm.describeCertificate(r -> r.certificateArn(arn)).certificate().domainValidationOptions().stream()
        .collect(java.util.stream.Collectors.toMap(v -> Domains.fromRoute53(v.resourceRecord().name()), v -> v.resourceRecord().value(), (a, b) -> a)));
  }

  /** While ACM validates, the records are in the zone and the resource waits, naming the certificate. */
  @Test
  void aPendingCertificateIsAwaitedWithItsRecordsInTheZone() {
    AwsFaults faults = AwsFaults.shared();
    faults.rewrite(AwsFaults.target("DescribeCertificate"), body -> body.replace("\"ISSUED\"", "\"PENDING_VALIDATION\""), 1000);
    try {
      Result result = stack.converge();

      assertThat(own(result)).singleElement().satisfies(o -> {
        assertThat(o.action()).isEqualTo(Action.NotReady);
        assertThat(o.resource().state).isEqualTo(ManagedResource.State.Pending);
        assertThat(o.resource().message).isEqualTo("waiting: ACM certificate " + arn() + " PENDING_VALIDATION; its validation records are in hosted zone " + ZONE);
      });
      assertThat(asked()).isNotEmpty().allSatisfy((name, value) -> assertThat(record(name)).as(name + " in the zone while pending").isPresent());
      assertThat(own(stack.converge())).singleElement().satisfies(o -> assertThat(o.action()).isEqualTo(Action.NotReady));
    } finally {
      faults.clearFaults();
    }
    assertThat(own(stack.converge())).singleElement().satisfies(o -> assertThat(o.resource().state).isEqualTo(ManagedResource.State.Ready));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone points the validation record elsewhere: ACM could not renew the certificate.
    return List.of(new Drift(CertificateValidationKind.LOGICAL, List.of("record"), () -> {
      String name = asked().keySet().iterator().next();
      route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c.action("UPSERT")
          .resourceRecordSet(rs -> rs.name(name).type(RRType.CNAME).ttl(60L).resourceRecords(v -> v.value("elsewhere.example."))))));
    }, List.of("ChangeResourceRecordSets"), this::assertDeclaredShape));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Its only input is the zone, which the certificate refuses first (CertificateKindTest).
  }

  @Override
  @Test
  void aZoneNameHeldByTwoZonesNeedsTheId() {
    // The certificate's clause.
  }

  private void tagCertificate(Map<String, String> tags) {
    String arn = stack.context().output(CertificateKind.ARN_OUTPUT);
    acm.removeTagsFromCertificate(r -> r.certificateArn(arn).tags(stack.tags().keySet().stream().map(k -> Tag.builder().key(k).build()).toList()));
    if (!tags.isEmpty()) {
      acm.addTagsToCertificate(r -> r.certificateArn(arn).tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  /** The certificate and its records are there, the certificate tagged {@code tags}, and status is lost. */
  private Result convergeOverCertificateTagged(Map<String, String> tags) {
    stack.settle();
    tagCertificate(tags);
    stack.forgetStatus();
    stack.clearCalls();
    return stack.converge();
  }

  private void assertHeldBackBy(Result result, String reason) {
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(CertificateKind.KIND))
        .singleElement().satisfies(o -> assertThat(o.resource().message).startsWith(reason + ": "));
    assertThat(own(result)).extracting(o -> o.action().name()).containsOnly("Blocked");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() {
    assertHeldBackBy(convergeOverCertificateTagged(Map.of(Tags.SERVICE, OTHER_SERVICE)), Reasons.OWNED_BY_ANOTHER_SERVICE);
  }

  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() {
    assertHeldBackBy(convergeOverCertificateTagged(Map.of()), Reasons.NOT_OWNED);
  }

  /** The annotation names the certificate's kind: the certificate is taken over, and its validation follows it. */
  @Override
  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {
    stack.adopt(CertificateKind.KIND);

    convergeOverCertificateTagged(Map.of());
    stack.settle();

    assertThat(stack.status(kind())).isNotEmpty().allSatisfy(r -> assertThat(r.state).as(r.key() + " " + r.message).isEqualTo(ManagedResource.State.Ready));
    assertSecondPassMutatesNothing();
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() {
    stack.settle();
    var entries = stack.status(kind());
    tagCertificate(Map.of(Tags.SERVICE, OTHER_SERVICE));

    stack.delete();

    entries.forEach(r -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind() + " " + r.physicalName
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
    assertThat(asked()).allSatisfy((name, value) -> assertThat(record(name)).as(name).isPresent());
  }

  /** The records go before the certificate; the zone stays, as Slipway never deletes it. */
  @Override
  @Test
  void contractDeletionRemovesEveryResourceAndCountsNotFoundAsDeleted() {
    stack.settle();
    Map<String, String> asked = asked();
    var entries = stack.status(kind());

    assertThat(stack.delete()).as("delete failures").isEmpty();

    entries.forEach(r -> assertThat(stack.events).contains("Deleted: Deleted " + kind() + " " + r.physicalName));
    asked.keySet().forEach(name -> assertThat(record(name)).as(name + " after delete").isEmpty());
    assertThat(acm.listCertificates().certificateSummaryList()).isEmpty();
    assertThat(route53.getHostedZone(r -> r.id(zoneId)).hostedZone().name()).isEqualTo(ZONE + ".");
    assertThat(stack.delete()).as("delete failures of what is gone").isEmpty();
  }

  /** Route53 ChangeResourceRecordSets of the validation records. */
  @Override
  protected java.util.function.Predicate<dev.slipway.testing.AwsFaults.Request> createCall() {
    return r -> r.method().equals("POST") && r.path().contains("/rrset") && r.bodyContains("CNAME");
  }
}
