package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/** The interface endpoints of {@code network.interfaceEndpoints}: in the private subnets, in the endpoints group, private DNS on. */
class InterfaceEndpointKindTest extends InVpcKindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    spec.network.interfaceEndpoints.add("secretsmanager");
    KindHarness harness = new KindHarness(spec, new VpcKind(), new SubnetKind(), new InternetGatewayKind(), new RouteTableKind(),
        new SecurityGroupKind(), new VpcEndpointKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    VpcEndpoint e = endpoint();
    assertThat(e.vpcEndpointType()).isEqualTo(VpcEndpointType.INTERFACE);
    assertThat(e.serviceName()).isEqualTo("com.amazonaws.us-east-1.secretsmanager");
    assertThat(e.subnetIds()).containsExactlyInAnyOrder(subnet("private-1"), subnet("private-2"));
    assertThat(e.groups()).extracting(SecurityGroupIdentifier::groupId).containsExactly(group("endpoints"));
    assertThat(e.privateDnsEnabled()).isTrue();
    assertThat(Ec2Resources.all(e.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-secretsmanager-interface-endpoint");
  }

  /** The endpoints group admits HTTPS from the functions group and nothing else. */
  @Test
  void theEndpointsGroupAdmitsOnlyTheFunctionsOnHttps() {
    stack.settle();
    SecurityGroup endpoints = ec2.describeSecurityGroups(r -> r.groupIds(group("endpoints"))).securityGroups().get(0);
    assertThat(endpoints.ipPermissions()).singleElement().satisfies((IpPermission p) -> {
      assertThat(p.fromPort()).isEqualTo(443);
      assertThat(p.toPort()).isEqualTo(443);
      assertThat(p.ipRanges()).isEmpty();
      assertThat(p.userIdGroupPairs()).singleElement().satisfies(g -> assertThat(g.groupId()).isEqualTo(group("functions")));
    });
  }

  /** Declaring no interface endpoint any more deletes the endpoint, then its group, which nothing else uses. */
  @Test
  void droppingTheLastInterfaceEndpointDeletesItsGroupToo() {
    stack.settle();
    var before = stack.status();
    stack.spec().network.interfaceEndpoints.clear();

    assertThat(stack.settle().firstFailure()).as("failure").isEmpty();
    assertThat(stack.deleteDropped(before)).as("deletion failures").isEmpty();

    assertThat(stack.events).containsExactly("Deleted: Deleted VpcEndpoint nexus-prod-secretsmanager-interface-endpoint",
        "Deleted: Deleted SecurityGroup nexus-prod-endpoints");
    assertThat(stack.status(VpcEndpointKind.KIND)).isEmpty();
    assertThat(stack.status(SecurityGroupKind.KIND)).extracting(r -> r.name).doesNotContain("endpoints");
    assertThat(ec2.describeSecurityGroups(r -> r.filters(NetworkFixture.name("nexus-prod-endpoints"))).securityGroups()).isEmpty();
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // The endpoint's subnets and group follow from the network: an edit of the network changes those kinds too.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("secretsmanager-interface", List.of("subnets"),
            () -> ec2.modifyVpcEndpoint(r -> r.vpcEndpointId(endpoint().vpcEndpointId()).removeSubnetIds(subnet("private-2"))),
            List.of("ModifyVpcEndpoint"), () -> assertThat(endpoint().subnetIds()).containsExactlyInAnyOrder(subnet("private-1"), subnet("private-2"))),
        new Drift("secretsmanager-interface", List.of("securityGroups"),
            () -> ec2.modifyVpcEndpoint(r -> r.vpcEndpointId(endpoint().vpcEndpointId()).addSecurityGroupIds(group("database"))),
            List.of("ModifyVpcEndpoint"), () -> assertThat(endpoint().groups()).extracting(SecurityGroupIdentifier::groupId).containsExactly(group("endpoints"))));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> s.network.interfaceEndpoints.add("Secrets Manager"), "is not an AWS endpoint service name"),
        Invalid.atValidation(s -> s.network.interfaceEndpoints.add("secretsmanager"), "names secretsmanager twice"));
  }

  @Override
  protected void makeNamesake() {
    String vpc = stack.context().outputs().get("network.vpcId");
    ec2.createVpcEndpoint(r -> r.vpcEndpointType(VpcEndpointType.INTERFACE).vpcId(vpc).serviceName("com.amazonaws.us-east-1.secretsmanager")
        .subnetIds(subnet("private-1"))
        .tagSpecifications(NetworkFixture.named(ResourceType.VPC_ENDPOINT, stack.physicalName("secretsmanager-interface-endpoint"))));
  }

  private VpcEndpoint endpoint() {
    String id = stack.status(VpcEndpointKind.KIND).get(0).id;
    return ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().get(0);
  }

  private String subnet(String name) {
    return stack.status(SubnetKind.KIND).stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow().id;
  }

  private String group(String name) {
    return stack.status(SecurityGroupKind.KIND).stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow().id;
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateVpcEndpoint");
  }
}
