package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The REST API domain's alias records (moto 5.2.1 gives an API Gateway v2 domain name no regional
 * target, so the WebSocket domain's records wait for one there). The domain name is their parent: one
 * that is not this service's holds them back.
 */
class AliasRecordKindTest extends KindContractTest {

  private static final String NAME = RestApiDomainKindTest.NAME;

  private ApiGatewayClient gw;
  private Route53Client route53;
  private String zoneId;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(RestApiDomainKindTest.withApiDomain(), new CertificateKind(), new CertificateValidationKind(), new RestApiKind(),
        new RestApiDomainKind(), new AliasRecordKind());
    harness.deployFunctions();
    gw = harness.raw().apiGateway();
    route53 = harness.raw().client(Route53Client.class, Route53Client::builder);
    zoneId = CertificateKindTest.createZone(route53, CertificateKindTest.ZONE);
    return harness;
  }

  private Optional<ResourceRecordSet> record(RRType type) {
    return route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName(NAME)).resourceRecordSets().stream()
        .filter(rs -> rs.type() == type && Domains.fromRoute53(rs.name()).equals(NAME)).findFirst();
  }

  @Override
  protected void assertDeclaredShape() {
    var domain = gw.getDomainName(r -> r.domainName(NAME));
    for (RRType type : AliasRecordKind.TYPES) {
      assertThat(record(type)).as(type.toString()).hasValueSatisfying(rs -> {
        assertThat(Domains.fromRoute53(rs.aliasTarget().dnsName())).isEqualTo(domain.regionalDomainName());
        assertThat(rs.aliasTarget().hostedZoneId()).isEqualTo(domain.regionalHostedZoneId());
      });
    }
    assertThat(stack.status(AliasRecordKind.KIND)).singleElement().satisfies(r -> assertThat(r.id).isEqualTo(zoneId + ":" + NAME));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone points the name at another API.
        new Drift(RestApiDomainKind.LOGICAL, List.of("A"), () -> route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c
            .action("UPSERT").resourceRecordSet(rs -> rs.name(NAME).type(RRType.A)
                .aliasTarget(a -> a.dnsName("d-other.execute-api.us-east-1.amazonaws.com").hostedZoneId("Z1UJRXOUMOOFQ8").evaluateTargetHealth(false)))))),
            List.of("ChangeResourceRecordSets"), this::assertDeclaredShape),
        // Someone removes the IPv6 record.
        new Drift(RestApiDomainKind.LOGICAL, List.of("AAAA"), () -> route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c
            .action("DELETE").resourceRecordSet(record(RRType.AAAA).orElseThrow())))),
            List.of("ChangeResourceRecordSets"), this::assertDeclaredShape));
  }

  /** The domain name remade by hand with {@code tags} (moto 5.2.1 cannot tag it after its creation). */
  private void remakeDomain(Map<String, String> tags) {
    String cert = stack.context().output(CertificateKind.ARN_OUTPUT);
    String api = stack.context().output(dev.slipway.aws.Outputs.REST_API_ID);
    gw.deleteDomainName(r -> r.domainName(NAME));
    gw.createDomainName(r -> r.domainName(NAME).regionalCertificateArn(cert).endpointConfiguration(e -> e.typesWithStrings("REGIONAL"))
        .securityPolicy("TLS_1_2").tags(tags));
    gw.createBasePathMapping(r -> r.domainName(NAME).restApiId(api).stage("prod"));
  }

  private Result convergeOverDomainTagged(Map<String, String> tags) {
    stack.settle();
    remakeDomain(tags);
    stack.forgetStatus();
    stack.clearCalls();
    return stack.converge();
  }

  private void assertHeldBackBy(Result result, String reason) {
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(RestApiDomainKind.KIND))
        .singleElement().satisfies(o -> assertThat(o.resource().message).startsWith(reason + ": "));
    assertThat(own(result)).extracting(o -> o.action().name()).containsOnly("Blocked");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() {
    assertHeldBackBy(convergeOverDomainTagged(Map.of(Tags.SERVICE, OTHER_SERVICE)), Reasons.OWNED_BY_ANOTHER_SERVICE);
  }

  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() {
    assertHeldBackBy(convergeOverDomainTagged(Map.of()), Reasons.NOT_OWNED);
  }

  @Override
  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {
    // Its parent's clause, which moto 5.2.1 cannot serve (RestApiDomainKindTest): a domain name cannot be tagged after its creation.
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() {
    stack.settle();
    var entries = stack.status(kind());
    remakeDomain(Map.of(Tags.SERVICE, OTHER_SERVICE));

    stack.delete();

    entries.forEach(r -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind() + " " + r.physicalName
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
    assertThat(record(RRType.A)).isPresent();
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: the records follow the domain name's name and target.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // It has no input of its own.
  }

  /** After deletion the zone holds neither record, and the zone itself stays. */
  @Test
  void deletionLeavesTheZone() {
    stack.settle();
    assertThat(stack.delete()).isEmpty();
    assertThat(record(RRType.A)).isEmpty();
    assertThat(record(RRType.AAAA)).isEmpty();
    assertThat(route53.getHostedZone(r -> r.id(zoneId)).hostedZone().name()).isEqualTo(CertificateKindTest.ZONE + ".");
  }

  /**
   * A zone of more than one page (300 record sets) before the service's names: the shared listing of
   * the zone's first page does not hold them, so each is read on its own, and drift is still seen.
   */
  @Test
  void aZoneLargerThanOnePageIsReadRecordByRecord() {
    stack.settle();
    List<software.amazon.awssdk.services.route53.model.Change> others = java.util.stream.IntStream.range(0, 310)
        .mapToObj(i -> software.amazon.awssdk.services.route53.model.Change.builder().action("UPSERT")
            .resourceRecordSet(rs -> rs.name(String.format("aa%03d.%s", i, CertificateKindTest.ZONE)).type(RRType.TXT).ttl(300L)
                .resourceRecords(v -> v.value("\"other\"")))
            .build())
        .toList();
    route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(others)));
    stack.clearCalls();

    assertThat(stack.converge().outcomes()).allSatisfy(o -> assertThat(o.action().name()).isEqualTo("Unchanged"));
    assertThat(stack.mutatingCalls()).isEmpty();
    // The zone's first page, then A and AAAA each on its own.
    assertThat(stack.recorder.calls()).filteredOn(c -> c.operation().equals("ListResourceRecordSets")).hasSizeGreaterThanOrEqualTo(3);

    route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(c -> c
        .action("DELETE").resourceRecordSet(record(RRType.AAAA).orElseThrow()))));
    stack.settle();
    assertDeclaredShape();
  }

  /** Route53 ChangeResourceRecordSets of the alias records (the certificate's validation records go through it too). */
  @Override
  protected java.util.function.Predicate<dev.slipway.testing.AwsFaults.Request> createCall() {
    return r -> r.method().equals("POST") && r.path().contains("/rrset") && r.bodyContains("AliasTarget");
  }
}
