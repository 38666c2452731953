package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.InternetGatewayAttachment;
import software.amazon.awssdk.services.ec2.model.ResourceType;

class InternetGatewayKindTest extends KindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NetworkFixture.spec(), new VpcKind(), new InternetGatewayKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    InternetGateway igw = gateway();
    assertThat(igw.attachments()).extracting(InternetGatewayAttachment::vpcId).containsExactly(stack.context().outputs().get("network.vpcId"));
    assertThat(Ec2Resources.all(igw.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-igw");
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // The gateway has no field of its own: it exists while there are public subnets, attached to the VPC.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("internet", List.of("attachment"),
        () -> ec2.detachInternetGateway(r -> r.internetGatewayId(id()).vpcId(stack.context().outputs().get("network.vpcId"))),
        List.of("AttachInternetGateway"), () -> assertThat(gateway().attachments()).hasSize(1)));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Nothing of the gateway comes from the spec but whether there is one.
  }

  @Override
  protected void makeNamesake() {
    ec2.createInternetGateway(r -> r.tagSpecifications(NetworkFixture.named(ResourceType.INTERNET_GATEWAY, stack.physicalName("igw"))));
  }

  @Test
  void aNetworkWithoutPublicSubnetsHasNoGateway() {
    stack.spec().network.publicSubnets = false;

    stack.settle();

    assertThat(stack.status(InternetGatewayKind.KIND)).isEmpty();
  }

  private String id() {
    return stack.status(InternetGatewayKind.KIND).get(0).id;
  }

  private InternetGateway gateway() {
    return ec2.describeInternetGateways(r -> r.internetGatewayIds(id())).internetGateways().get(0);
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateInternetGateway");
  }
}
