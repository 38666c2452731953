package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

class VpcEndpointKindTest extends InVpcKindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    spec.network.endpoints.add(NetworkSpec.Endpoint.dynamodb);
    KindHarness harness = new KindHarness(spec, new VpcKind(), new SubnetKind(), new InternetGatewayKind(), new RouteTableKind(), new VpcEndpointKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    VpcEndpoint e = endpoint();
    assertThat(e.serviceName()).isEqualTo("com.amazonaws.us-east-1.dynamodb");
    assertThat(e.vpcId()).isEqualTo(stack.context().outputs().get("network.vpcId"));
    assertThat(e.routeTableIds()).containsExactlyInAnyOrder(table("private-1"), table("private-2"));
    assertThat(Ec2Resources.all(e.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-dynamodb-endpoint");
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // The endpoint's route tables follow from the subnets: an edit of the network changes those kinds too.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("dynamodb", List.of("routeTables"),
        () -> ec2.modifyVpcEndpoint(r -> r.vpcEndpointId(endpoint().vpcEndpointId()).removeRouteTableIds(table("private-2"))),
        List.of("ModifyVpcEndpoint"), () -> assertThat(endpoint().routeTableIds()).containsExactlyInAnyOrder(table("private-1"), table("private-2"))));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // The services an endpoint may serve are an enum of the CRD.
  }

  @Override
  protected void makeNamesake() {
    String vpc = stack.context().outputs().get("network.vpcId");
    ec2.createVpcEndpoint(r -> r.vpcEndpointType(VpcEndpointType.GATEWAY).vpcId(vpc).serviceName("com.amazonaws.us-east-1.dynamodb")
        .tagSpecifications(NetworkFixture.named(ResourceType.VPC_ENDPOINT, stack.physicalName("dynamodb-endpoint"))));
  }

  private VpcEndpoint endpoint() {
    String id = stack.status(VpcEndpointKind.KIND).get(0).id;
    return ec2.describeVpcEndpoints(r -> r.vpcEndpointIds(id)).vpcEndpoints().get(0);
  }

  private String table(String name) {
    return stack.status(RouteTableKind.KIND).stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow().id;
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateVpcEndpoint");
  }
}
