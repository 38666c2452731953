package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;

class VpcKindTest extends KindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NetworkFixture.spec(), new VpcKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    String id = stack.context().outputs().get("network.vpcId");
    Vpc vpc = ec2.describeVpcs(r -> r.vpcIds(id)).vpcs().get(0);
    assertThat(vpc.cidrBlock()).isEqualTo(NetworkFixture.CIDR);
    assertThat(Ec2Resources.all(vpc.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-vpc").containsEntry("team", "chat");
    assertThat(hostnames(id)).isTrue();
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // The VPC's one field, its CIDR, is immutable (a CRD rule).
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("network", List.of("enableDnsHostnames"),
        () -> ec2.modifyVpcAttribute(r -> r.vpcId(id()).enableDnsHostnames(AttributeBooleanValue.builder().value(false).build())),
        List.of("ModifyVpcAttribute"), () -> assertThat(hostnames(id())).isTrue()));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // The CIDR's form and its immutability are CRD rules; what the subnets need of it is SubnetKind's to refuse.
  }

  @Override
  protected void makeNamesake() {
    ec2.createVpc(r -> r.cidrBlock("10.9.0.0/16").tagSpecifications(NetworkFixture.named(ResourceType.VPC, stack.physicalName("vpc"))));
  }

  private String id() {
    return stack.context().outputs().get("network.vpcId");
  }

  private boolean hostnames(String id) {
    return ec2.describeVpcAttribute(r -> r.vpcId(id).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES)).enableDnsHostnames().value();
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateVpc");
  }
}
