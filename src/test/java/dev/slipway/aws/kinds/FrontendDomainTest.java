package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.AwsFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.route53.Route53Client;

/**
 * The frontend on the zone's name ({@code domain.frontend}): the us-east-1 certificate, validated in
 * the zone, then the distribution's alias and viewer certificate. The certificate kinds are the
 * regional ones' (CertificateKindTest, CertificateValidationKindTest run their contract) in another
 * region; the distribution's own contract is DistributionKindTest's.
 */
class FrontendDomainTest {

  private static final String NAME = "www." + CertificateKindTest.ZONE;

  private KindHarness stack;
  private CloudFrontClient cf;
  private AcmClient acm;
  private Route53Client route53;
  private String zoneId;

  @BeforeEach
  void up() {
    ServerlessServiceSpec spec = SiteBucketKindTest.withFrontend();
    spec.domain = new DomainSpec();
    spec.domain.hostedZone = CertificateKindTest.ZONE;
    spec.domain.frontend = NAME;
    stack = new KindHarness(AwsFaults.shared().endpoint(), spec, new SiteBucketKind(), new OriginAccessControlKind(), CertificateKind.forCloudFront(),
        CertificateValidationKind.forCloudFront(), new DistributionKind(), new AliasRecordKind());
    cf = stack.raw().client(CloudFrontClient.class, CloudFrontClient::builder);
    acm = stack.raw().client(AcmClient.class, AcmClient::builder);
    route53 = stack.raw().client(Route53Client.class, Route53Client::builder);
    zoneId = CertificateKindTest.createZone(route53, CertificateKindTest.ZONE);
  }

  @AfterEach
  void down() {
    AwsFaults.shared().clearFaults();
    stack.close();
  }

  private DistributionConfig config() {
    return cf.getDistribution(r -> r.id(stack.context().output(DistributionKind.ID_OUTPUT))).distribution().distributionConfig();
  }

  @Test
  void theDistributionServesTheNameWithTheUsEast1Certificate() {
    assertThat(stack.settle().firstFailure()).isEmpty();

    String arn = stack.context().output(CertificateKind.CLOUDFRONT_ARN_OUTPUT);
    assertThat(arn).startsWith("arn:aws:acm:us-east-1:");
    assertThat(acm.describeCertificate(r -> r.certificateArn(arn)).certificate().subjectAlternativeNames())
        .containsExactlyInAnyOrder(CertificateKindTest.ZONE, "*." + CertificateKindTest.ZONE);
    assertThat(stack.status(CertificateKind.CLOUDFRONT_KIND)).singleElement().satisfies(r -> assertThat(r.physicalName).isEqualTo("nexus-prod-cert-cloudfront"));
    DistributionConfig c = config();
    assertThat(c.aliases().items()).containsExactly(NAME);
    assertThat(c.viewerCertificate().acmCertificateArn()).isEqualTo(arn);
    assertThat(c.viewerCertificate().sslSupportMethodAsString()).isEqualTo("sni-only");
    assertThat(c.viewerCertificate().minimumProtocolVersionAsString()).isEqualTo("TLSv1.2_2021");
    assertThat(stack.context().outputs()).containsEntry(DistributionKind.DOMAIN_URL_OUTPUT, "https://" + NAME);
    String distributionDomain = stack.context().output(DistributionKind.DOMAIN_OUTPUT);
    assertThat(route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets())
        .filteredOn(rs -> Domains.fromRoute53(rs.name()).equals(NAME))
        .extracting(rs -> rs.typeAsString() + " " + Domains.fromRoute53(rs.aliasTarget().dnsName()) + " " + rs.aliasTarget().hostedZoneId())
        .containsExactlyInAnyOrder("A " + distributionDomain + " " + AliasRecordKind.CLOUDFRONT_ZONE, "AAAA " + distributionDomain + " " + AliasRecordKind.CLOUDFRONT_ZONE);

    stack.settle();
    assertThat(stack.mutatingCalls()).as("mutating calls of the second pass").isEmpty();
  }

  /**
   * The apex and www, as seed 002 serves its site: both are the distribution's aliases with their own
   * records; dropping one takes its records and its alias and leaves the other.
   */
  @Test
  void theApexAndWwwAreBothServedAndEitherCanGo() {
    String apex = CertificateKindTest.ZONE;
    stack.spec().domain.frontend = apex;
    stack.spec().domain.frontendAliases = new java.util.ArrayList<>(java.util.List.of(NAME));
    assertThat(stack.settle().firstFailure()).isEmpty();

    assertThat(config().aliases().items()).containsExactlyInAnyOrder(apex, NAME);
    assertThat(stack.context().outputs()).containsEntry(DistributionKind.DOMAIN_URL_OUTPUT, "https://" + apex);
    assertThat(aliasRecords()).containsExactlyInAnyOrder("A " + apex, "AAAA " + apex, "A " + NAME, "AAAA " + NAME);
    assertThat(stack.status(AliasRecordKind.KIND)).extracting(r -> r.name).containsExactlyInAnyOrder("frontend", "frontend:" + NAME);

    java.util.List<dev.slipway.api.v1alpha1.ManagedResource> before = stack.status();
    stack.spec().domain.frontendAliases = new java.util.ArrayList<>();
    assertThat(stack.settle().firstFailure()).isEmpty();
    assertThat(stack.deleteDropped(before)).as("delete failures").isEmpty();

    assertThat(config().aliases().items()).containsExactly(apex);
    assertThat(aliasRecords()).containsExactlyInAnyOrder("A " + apex, "AAAA " + apex);
  }

  @Test
  void anAliasOutsideTheCertificateOrTakenTwiceIsRefusedBeforeAnyCall() {
    ServerlessServiceSpec spec = stack.spec();
    spec.domain.frontendAliases = new java.util.ArrayList<>(java.util.List.of("a.b." + CertificateKindTest.ZONE, NAME, "www.example.org"));

    assertThat(new AliasRecordKind().validate(spec)).containsExactly(
        "domain.frontendAliases a.b." + CertificateKindTest.ZONE + " must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)",
        "domain.frontendAliases " + NAME + " is already a name of spec.domain",
        "domain.frontendAliases www.example.org must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)");
    spec.domain.frontend = null;
    spec.domain.frontendAliases = new java.util.ArrayList<>(java.util.List.of(NAME));
    assertThat(new AliasRecordKind().validate(spec)).containsExactly("domain.frontendAliases needs domain.frontend");
  }

  /** The zone's alias records, as {@code <type> <name>}. */
  private java.util.List<String> aliasRecords() {
    return route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets().stream()
        .filter(rs -> rs.aliasTarget() != null).map(rs -> rs.typeAsString() + " " + Domains.fromRoute53(rs.name())).toList();
  }

  /** CloudFront refuses a certificate that is not issued: the distribution waits for the validation. */
  @Test
  void theDistributionWaitsForThePendingCertificate() {
    AwsFaults faults = AwsFaults.shared();
    faults.rewrite(AwsFaults.target("DescribeCertificate"), body -> body.replace("\"ISSUED\"", "\"PENDING_VALIDATION\""), 1000);

    Result result = stack.converge();

    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(CertificateValidationKind.CLOUDFRONT_KIND))
        .singleElement().satisfies(o -> {
          assertThat(o.action()).isEqualTo(Action.NotReady);
          assertThat(o.resource().message).contains("ACM certificate arn:aws:acm:us-east-1:").contains("PENDING_VALIDATION");
        });
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(DistributionKind.KIND)).extracting(o -> o.action().name()).containsOnly("Blocked");
    assertThat(cf.listDistributions().distributionList().items()).isEmpty();

    faults.clearFaults();
    assertThat(stack.settle().firstFailure()).isEmpty();
    assertThat(config().aliases().items()).containsExactly(NAME);
  }

  /** The records go first, then the distribution is disabled and deleted; the zone stays. */
  @Test
  void deletionRemovesTheRecordsAndKeepsTheZone() {
    stack.settle();
    java.util.List<String> events = new java.util.ArrayList<>();
    boolean done = false;
    // CloudFront deletes a distribution once disabled: the first pass disables it.
    for (int pass = 0; pass < 3 && !done; pass++) {
      done = stack.delete().isEmpty();
      events.addAll(stack.events);
    }
    assertThat(events).contains("Deleted: Deleted " + AliasRecordKind.KIND + " " + NAME).noneMatch(e -> e.startsWith("NotOwned"));
    assertThat(route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets())
        .noneMatch(rs -> Domains.fromRoute53(rs.name()).equals(NAME));
    assertThat(route53.getHostedZone(r -> r.id(zoneId)).hostedZone().name()).isEqualTo(CertificateKindTest.ZONE + ".");
  }

  /** Without domain.frontend the distribution goes back to CloudFront's own name and certificate. */
  @Test
  void droppingTheNameRestoresCloudFrontsCertificate() {
    stack.settle();
    stack.spec().domain.frontend = null;

    stack.settle();

    DistributionConfig c = config();
    assertThat(c.aliases().quantity()).isZero();
    assertThat(c.viewerCertificate().cloudFrontDefaultCertificate()).isTrue();
    assertThat(stack.context().outputs()).doesNotContainKey(DistributionKind.DOMAIN_URL_OUTPUT);
  }
}
