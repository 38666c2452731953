package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.acm.AcmClient;
import software.amazon.awssdk.services.acm.model.CertificateDetail;
import software.amazon.awssdk.services.acm.model.Tag;
import software.amazon.awssdk.services.route53.Route53Client;

class CertificateKindTest extends KindContractTest {

  static final String ZONE = "example.com";

  protected AcmClient acm;
  protected Route53Client route53;

  /** A service with a REST API name in the zone; the APIs themselves are not planned here. */
  static ServerlessServiceSpec withDomain() {
    ServerlessServiceSpec spec = KindHarness.bare();
    spec.domain = new DomainSpec();
    spec.domain.hostedZone = ZONE;
    spec.domain.api = "api." + ZONE;
    return spec;
  }

  /** The public zone Slipway finds and writes in: made by hand, as Slipway never creates one. */
  static String createZone(Route53Client route53, String name) {
    return Domains.bareId(route53.createHostedZone(r -> r.name(name).callerReference("by-hand-" + name)).hostedZone().id());
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withDomain(), new CertificateKind());
    clients(harness);
    return harness;
  }

  protected void clients(KindHarness harness) {
    acm = harness.raw().client(AcmClient.class, AcmClient::builder);
    route53 = harness.raw().client(Route53Client.class, Route53Client::builder);
    createZone(route53, ZONE);
  }

  protected String arn() {
    return stack.context().output(CertificateKind.ARN_OUTPUT);
  }

  protected CertificateDetail certificate() {
    return acm.describeCertificate(r -> r.certificateArn(arn())).certificate();
  }

  protected Map<String, String> certificateTags() {
    return acm.listTagsForCertificate(r -> r.certificateArn(arn())).tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  protected void assertDeclaredShape() {
    CertificateDetail c = certificate();
    assertThat(c.domainName()).isEqualTo(ZONE);
    assertThat(c.subjectAlternativeNames()).containsExactlyInAnyOrder(ZONE, "*." + ZONE);
    assertThat(c.domainValidationOptions()).allSatisfy(v -> assertThat(v.validationMethodAsString()).isEqualTo("DNS"));
    assertThat(certificateTags()).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat").containsEntry("Name", "nexus-prod-cert-regional");
    assertThat(stack.status(CertificateKind.KIND)).singleElement().satisfies(r -> assertThat(r.id).isEqualTo(c.certificateArn()));
  }

  @Override
  protected void makeNamesake() {
    acm.requestCertificate(r -> r.domainName(ZONE).subjectAlternativeNames(ZONE, "*." + ZONE).validationMethod("DNS").idempotencyToken("byhand")
        .tags(Tag.builder().key("Name").value("nexus-prod-cert-regional").build()));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atConverge(CertificateKind.LOGICAL, s -> s.domain.hostedZone = "missing.example", "HostedZoneNotFound",
        "no public Route53 hosted zone is named missing.example"));
  }

  /** Two public zones of one name: the id picks one, and without it the service is refused. */
  @Test
  void aZoneNameHeldByTwoZonesNeedsTheId() {
    String second = createZone(route53, ZONE);
    var refused = stack.converge();
    assertThat(own(refused)).singleElement().satisfies(o -> assertThat(o.resource().message).startsWith("AmbiguousHostedZone: "));

    stack.spec().domain.hostedZoneId = second;
    assertThat(stack.settle().firstFailure()).isEmpty();
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: a certificate's names are the zone's apex and wildcard, and the zone cannot change.
  }

  @Override
  @Test
  void contractDriftIsRepaired() {
    // Nothing of an ACM certificate changes in place but its tags, which the runtime's own clauses cover.
  }

  /** RequestCertificate. */
  @Override
  protected java.util.function.Predicate<dev.slipway.testing.AwsFaults.Request> createCall() {
    return dev.slipway.testing.AwsFaults.target("RequestCertificate");
  }
}
