package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayAddress;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;

class NatGatewayKindTest extends InVpcKindContractTest {

  private Ec2Client ec2;

  /** The fixture network with a NAT gateway per zone. */
  static ServerlessServiceSpec perAz() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    spec.network.natGateways = NetworkSpec.NatGateways.PerAZ;
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(perAz(), new VpcKind(), new SubnetKind(), new InternetGatewayKind(), new ElasticIpKind(), new NatGatewayKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    for (String n : List.of("1", "2")) {
      NatGateway nat = gateway("nat-" + n);
      assertThat(nat.subnetId()).isEqualTo(stack.context().outputs().get("network.subnet.public-" + n + ".id"));
      assertThat(nat.natGatewayAddresses()).extracting(NatGatewayAddress::allocationId)
          .containsExactly(stack.status(ElasticIpKind.KIND).stream().filter(r -> r.name.equals("nat-" + n)).findFirst().orElseThrow().id);
      assertThat(Ec2Resources.all(nat.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-nat-" + n);
    }
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // A NAT gateway's subnet and address cannot change; PerAZ or Single only adds or removes gateways.
  }

  @Override
  @Test
  void contractDriftIsRepaired() {
    // Nothing of a NAT gateway can be changed in place but its tags, which the runtime repairs for every kind.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // natGateways without public subnets is a CRD rule; the rest comes from the subnets.
  }

  @Override
  protected void makeNamesake() {
    String subnet = stack.context().outputs().get("network.subnet.public-1.id");
    for (String n : List.of("nat-1", "nat-2")) {
      String allocation = ec2.allocateAddress(r -> r.domain(DomainType.VPC)).allocationId();
      ec2.createNatGateway(r -> r.subnetId(subnet).allocationId(allocation).tagSpecifications(NetworkFixture.named(ResourceType.NATGATEWAY, stack.physicalName(n))));
    }
  }

  @Test
  void aPendingGatewayIsNotReadyAndAFailedOneIsRefused() {
    NatGatewayKind kind = new NatGatewayKind();
    NatGateway pending = NatGateway.builder().natGatewayId("nat-0a").state(NatGatewayState.PENDING).build();
    NatGateway failed = NatGateway.builder().natGatewayId("nat-0b").state(NatGatewayState.FAILED).failureMessage("no route to the internet").build();

    assertThat(kind.readiness(new NatGatewayKind.Observed(pending))).get().satisfies(nr -> assertThat(nr.awaited()).isEqualTo("NAT gateway nat-0a pending"));
    assertThatThrownBy(() -> kind.readiness(new NatGatewayKind.Observed(failed))).isInstanceOf(SlipwayException.class).hasMessageContaining("no route to the internet");
  }

  @Test
  void aSingleGatewayServesEveryPrivateSubnetThroughItsRouteTable() {
    stack.use(new RouteTableKind());
    stack.spec().network.natGateways = NetworkSpec.NatGateways.Single;

    stack.settle();

    assertThat(stack.status(NatGatewayKind.KIND)).extracting(r -> r.name).containsExactly("nat-1");
    String nat = stack.status(NatGatewayKind.KIND).get(0).id;
    for (String table : List.of("private-1", "private-2")) {
      String id = stack.status(RouteTableKind.KIND).stream().filter(r -> r.name.equals(table)).findFirst().orElseThrow().id;
      assertThat(ec2.describeRouteTables(r -> r.routeTableIds(id)).routeTables().get(0).routes())
          .anySatisfy(route -> assertThat(route.destinationCidrBlock() + " " + route.natGatewayId()).isEqualTo("0.0.0.0/0 " + nat));
    }
    stack.settle();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  private NatGateway gateway(String name) {
    String id = stack.status(NatGatewayKind.KIND).stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow().id;
    return ec2.describeNatGateways(r -> r.natGatewayIds(id)).natGateways().get(0);
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateNatGateway");
  }
}
