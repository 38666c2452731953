package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.GetHostedZoneResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.Tag;
import software.amazon.awssdk.services.route53.model.TagResourceType;

/** The hosted zone a service creates ({@code domain.createHostedZone}), as seeds 001 and 002 do. */
class HostedZoneKindTest extends KindContractTest {

  static final String ZONE = CertificateKindTest.ZONE;

  private Route53Client route53;

  static ServerlessServiceSpec withCreatedZone() {
    ServerlessServiceSpec spec = CertificateKindTest.withDomain();
    spec.domain.createHostedZone = true;
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(AwsFaults.shared().endpoint(), withCreatedZone(), new HostedZoneKind());
    route53 = harness.raw().client(Route53Client.class, Route53Client::builder);
    return harness;
  }

  private String zoneId() {
    return stack.context().output(HostedZoneKind.ID_OUTPUT);
  }

  private Map<String, String> zoneTags(String id) {
    return route53.listTagsForResource(r -> r.resourceType(TagResourceType.HOSTEDZONE).resourceId(id)).resourceTagSet().tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  protected void assertDeclaredShape() {
    GetHostedZoneResponse zone = route53.getHostedZone(r -> r.id(zoneId()));
    assertThat(zone.hostedZone().name()).isEqualTo(ZONE + ".");
    assertThat(zone.hostedZone().config().privateZone()).isFalse();
    assertThat(zoneTags(zoneId())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    assertThat(stack.status(HostedZoneKind.KIND)).singleElement().satisfies(r -> assertThat(r.id).isEqualTo(zoneId()));
    assertThat(zone.delegationSet().nameServers()).isNotEmpty();
    assertThat(stack.context().output(HostedZoneKind.NAME_SERVERS_OUTPUT)).isEqualTo(String.join(",", zone.delegationSet().nameServers()));
  }

  @Override
  protected void makeNamesake() {
    CertificateKindTest.createZone(route53, ZONE);
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/2013-04-01/hostedzone");
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // The one invalid combination, a zone id with a zone to create, is the CRD's to refuse
    // (invalid/sls-domain-created-zone-with-id.yaml), and so is any change of either (CrdValidationTest).
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: the zone's name cannot change, and nothing else of it is declared.
  }

  @Override
  @Test
  void contractDriftIsRepaired() {
    // Nothing of a hosted zone changes in place but its tags, which the runtime's own clauses cover.
  }

  /**
   * The certificate, its validation records and the zone together: the records go into the zone
   * Slipway created, and deletion takes the records first and the zone last.
   */
  @Test
  void theDomainsRecordsGoIntoTheCreatedZoneAndLeaveItBeforeItIsDeleted() {
    try (KindHarness domain = new KindHarness(AwsFaults.shared().endpoint(), withCreatedZone(), new HostedZoneKind(), new CertificateKind(),
        new CertificateValidationKind())) {
      assertThat(domain.settle().firstFailure()).as("failure").isEmpty();
      String id = domain.context().output(HostedZoneKind.ID_OUTPUT);
      assertThat(records(id)).as("validation record in the created zone").anyMatch(r -> r.endsWith(" CNAME"));

      assertThat(domain.delete()).as("delete failures").isEmpty();

      assertThat(domain.events).containsSubsequence("Deleted: Deleted " + CertificateValidationKind.KIND + " nexus-prod-cert-regional",
          "Deleted: Deleted " + HostedZoneKind.KIND + " " + ZONE);
      assertThat(route53.listHostedZonesByName(r -> r.dnsName(ZONE)).hostedZones()).noneMatch(z -> Domains.bareId(z.id()).equals(id));
    }
  }

  /** A record someone else wrote in the zone keeps it: the failure names the record and the way out. */
  @Test
  void aRecordSlipwayDidNotWriteKeepsTheZoneAndIsNamed() {
    stack.settle();
    String id = zoneId();
    route53.changeResourceRecordSets(r -> r.hostedZoneId(id).changeBatch(b -> b.changes(c -> c.action("CREATE")
        .resourceRecordSet(rs -> rs.name("mail." + ZONE).type(RRType.MX).ttl(300L).resourceRecords(v -> v.value("10 mx." + ZONE))))));

    List<Outcome> left = stack.delete();

    assertThat(left).singleElement().satisfies(o -> {
      assertThat(o.resource().state).isNotEqualTo(ManagedResource.State.Ready);
      assertThat(o.resource().message).contains("holds records Slipway did not write (mail." + ZONE + " MX)")
          .contains("set spec.deletionPolicy to Retain");
    });
    assertThat(route53.getHostedZone(r -> r.id(id)).hostedZone().id()).endsWith(id);
  }

  private List<String> records(String zoneId) {
    return route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId)).resourceRecordSets().stream()
        .map(rs -> Domains.fromRoute53(rs.name()) + " " + rs.typeAsString()).toList();
  }
}
