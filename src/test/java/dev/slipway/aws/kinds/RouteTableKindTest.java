package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

class RouteTableKindTest extends InVpcKindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NetworkFixture.spec(), new VpcKind(), new SubnetKind(), new InternetGatewayKind(), new RouteTableKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    String igw = stack.status(InternetGatewayKind.KIND).get(0).id;
    RouteTable pub = table("public");
    assertThat(new RouteTableKind.Observed(pub).routes()).isEqualTo(Map.of("0.0.0.0/0", igw));
    assertThat(subnets(pub)).containsExactlyInAnyOrder(subnet("public-1"), subnet("public-2"));
    assertThat(Ec2Resources.all(pub.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-public-routes");
    for (String p : List.of("private-1", "private-2")) {
      RouteTable t = table(p);
      assertThat(new RouteTableKind.Observed(t).routes()).as(p + " routes besides local").isEmpty();
      assertThat(subnets(t)).containsExactly(subnet(p));
    }
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Routes and associations follow from the subnets and gateways: an edit of the network changes those kinds too.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("public", List.of("routes"), () -> ec2.deleteRoute(r -> r.routeTableId(id("public")).destinationCidrBlock("0.0.0.0/0")),
            List.of("CreateRoute"), () -> assertThat(new RouteTableKind.Observed(table("public")).routes()).containsKey("0.0.0.0/0")),
        new Drift("private-1", List.of("subnets"),
            () -> ec2.disassociateRouteTable(r -> r.associationId(table("private-1").associations().get(0).routeTableAssociationId())),
            List.of("AssociateRouteTable"), () -> assertThat(subnets(table("private-1"))).containsExactly(subnet("private-1"))));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Route tables take nothing from the spec that the subnet kind does not already check.
  }

  @Override
  protected void makeNamesake() {
    String vpc = stack.context().outputs().get("network.vpcId");
    for (String name : List.of("public", "private-1", "private-2")) {
      ec2.createRouteTable(r -> r.vpcId(vpc).tagSpecifications(NetworkFixture.named(ResourceType.ROUTE_TABLE, stack.physicalName(name + "-routes"))));
    }
  }

  @Test
  void deletionDisassociatesTheSubnetsAndDeletesInReverseOrder() {
    stack.settle();

    assertThat(stack.delete()).isEmpty();

    assertThat(stack.events).filteredOn(e -> e.startsWith("Deleted: ")).last().isEqualTo("Deleted: Deleted Vpc nexus-prod-vpc");
    assertThat(ec2.describeVpcs(r -> r.filters(NetworkFixture.name("nexus-prod-vpc"))).vpcs()).isEmpty();
  }

  private String id(String table) {
    return stack.status(RouteTableKind.KIND).stream().filter(r -> r.name.equals(table)).findFirst().orElseThrow().id;
  }

  private RouteTable table(String name) {
    return ec2.describeRouteTables(r -> r.routeTableIds(id(name))).routeTables().get(0);
  }

  private String subnet(String name) {
    return stack.context().outputs().get("network.subnet." + name + ".id");
  }

  private static List<String> subnets(RouteTable t) {
    return t.associations().stream().filter(a -> !Boolean.TRUE.equals(a.main())).map(RouteTableAssociation::subnetId).toList();
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateRouteTable");
  }
}
