package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

class SecurityGroupKindTest extends KindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NetworkFixture.spec(), new VpcKind(), new SecurityGroupKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    SecurityGroup functions = group("functions");
    assertThat(functions.groupName()).isEqualTo("nexus-prod-functions");
    assertThat(functions.vpcId()).isEqualTo(stack.context().outputs().get("network.vpcId"));
    assertThat(functions.ipPermissions()).isEmpty();
    assertThat(functions.ipPermissionsEgress()).extracting(IpPermission::ipProtocol).containsExactly("-1");
    assertThat(Ec2Resources.all(functions.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-functions");
    assertThat(ingress("database")).containsExactly("tcp 5432 from " + id("functions"));
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("database", List.of("ingress"), s -> database(s.network).ingressFrom.add(new NetworkSpec.Ingress(null, "10.1.0.0/16", 5432)),
            List.of("AuthorizeSecurityGroupIngress"),
            () -> assertThat(ingress("database")).containsExactlyInAnyOrder("tcp 5432 from " + id("functions"), "tcp 5432 from 10.1.0.0/16")),
        new Edit("database", List.of("ingress"), s -> database(s.network).ingressFrom.get(0).port = 6379,
            List.of("RevokeSecurityGroupIngress", "AuthorizeSecurityGroupIngress"),
            () -> assertThat(ingress("database")).containsExactlyInAnyOrder("tcp 6379 from " + id("functions"), "tcp 5432 from 10.1.0.0/16")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone opens SSH to the world on the database group.
    return List.of(new Drift("database", List.of("ingress"),
        () -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(id("database")).ipPermissions(p -> p.ipProtocol("tcp").fromPort(22).toPort(22)
            .ipRanges(i -> i.cidrIp("0.0.0.0/0")))),
        List.of("RevokeSecurityGroupIngress"), () -> assertThat(ingress("database")).containsExactly("tcp 5432 from " + id("functions"))));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> database(s.network).ingressFrom.add(new NetworkSpec.Ingress("database", null, 5432)), "admits itself"),
        Invalid.atValidation(s -> database(s.network).ingressFrom.add(new NetworkSpec.Ingress("cache", null, 6379)),
            "admits group cache, which is neither functions nor in network.securityGroups"));
  }

  @Override
  protected void makeNamesake() {
    String other = ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
    for (String name : List.of("functions", "database")) {
      ec2.createSecurityGroup(r -> r.groupName(stack.physicalName(name)).description("namesake").vpcId(other)
          .tagSpecifications(NetworkFixture.named(ResourceType.SECURITY_GROUP, stack.physicalName(name))));
    }
  }

  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() throws Exception {
    // The database group waits for the functions group its rule names, so it is held back, not refused itself.
    madeByHand();
    stack.clearCalls();

    ResourceLoop.Result result = stack.converge();

    assertThat(stack.mutatingCalls()).as("mutating calls on an untagged resource").isEmpty();
    assertThat(own(result)).extracting(o -> o.resource().name + " " + o.action()).containsExactly("functions Failed", "database Blocked");
    assertThat(own(result).get(0).resource().message).startsWith(Reasons.NOT_OWNED + ": ");
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() throws Exception {
    // The database group waits for the functions group its rule names, so it is held back, not refused itself.
    ownedByAnotherService(OTHER_SERVICE);
    stack.clearCalls();

    ResourceLoop.Result result = stack.converge();

    assertThat(stack.mutatingCalls()).as("mutating calls on another service's resource").isEmpty();
    assertThat(own(result)).extracting(o -> o.resource().name + " " + o.action()).containsExactly("functions Failed", "database Blocked");
    assertThat(own(result).get(0).resource().message).startsWith(Reasons.OWNED_BY_ANOTHER_SERVICE + ": ").contains(OTHER_SERVICE);
  }

  @Test
  void aGroupNamingTheFunctionsComesAfterThemInStatusSoIsDeletedFirst() {
    stack.settle();

    assertThat(stack.status()).extracting(r -> r.key()).containsSubsequence("Vpc/network", "SecurityGroup/functions", "SecurityGroup/database");
  }

  private static NetworkSpec.SecurityGroup database(NetworkSpec network) {
    return network.securityGroups.get(0);
  }

  private String id(String group) {
    return stack.context().outputs().get("network.securityGroup." + group + ".id");
  }

  private SecurityGroup group(String name) {
    return ec2.describeSecurityGroups(r -> r.groupIds(id(name))).securityGroups().get(0);
  }

  /** The group's inbound rules as "protocol port from source". */
  private List<String> ingress(String name) {
    return group(name).ipPermissions().stream().flatMap(p -> java.util.stream.Stream.concat(
        p.userIdGroupPairs().stream().map(g -> p.ipProtocol() + " " + p.fromPort() + " from " + g.groupId()),
        p.ipRanges().stream().map(i -> p.ipProtocol() + " " + p.fromPort() + " from " + i.cidrIp()))).toList();
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateSecurityGroup");
  }
}
