package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;

class SubnetKindTest extends InVpcKindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NetworkFixture.spec(), new VpcKind(), new SubnetKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    String vpc = stack.context().outputs().get("network.vpcId");
    assertThat(List.of("private-1", "private-2", "public-1", "public-2")).extracting(n -> {
      Subnet s = subnet(n);
      assertThat(s.vpcId()).isEqualTo(vpc);
      assertThat(Ec2Resources.all(s.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-" + n);
      return n + " " + s.cidrBlock() + " " + s.availabilityZone() + " " + s.mapPublicIpOnLaunch();
    }).containsExactly(
        "private-1 10.1.0.0/24 us-east-1a false",
        "private-2 10.1.1.0/24 us-east-1b false",
        "public-1 10.1.2.0/24 us-east-1a true",
        "public-2 10.1.3.0/24 us-east-1b true");
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // A subnet's CIDR and zone cannot change (see aSubnetIsNotMovedUnderItsFunctions); more zones are more subnets.
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("public-1", List.of("mapPublicIpOnLaunch"),
        () -> ec2.modifySubnetAttribute(r -> r.subnetId(id("public-1")).mapPublicIpOnLaunch(AttributeBooleanValue.builder().value(false).build())),
        List.of("ModifySubnetAttribute"), () -> assertThat(subnet("public-1").mapPublicIpOnLaunch()).isTrue()));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> s.network.subnetPrefixLength = 16, "is not inside the VPC CIDR 10.1.0.0/16"),
        Invalid.atValidation(s -> {
          s.network.cidr = "10.1.0.0/24";
          s.network.subnetPrefixLength = 26;
          s.network.availabilityZones = 3;
        }, "has room for 4 /26 subnets, not the 6 declared"),
        Invalid.atValidation(s -> s.network.cidr = "10.1.0.1/16", "has host bits set; the network address is 10.1.0.0/16"),
        // moto's us-east-1 has the six zones the CRD allows at most; most regions have three or four.
        Invalid.atConverge("private-7", s -> s.network.availabilityZones = 7, Reasons.INVALID_SPEC,
            "network.availabilityZones is 7 but region us-east-1 has 6 zones"));
  }

  @Override
  protected void makeNamesake() {
    String vpc = stack.context().outputs().get("network.vpcId");
    List<String> names = List.of("private-1", "private-2", "public-1", "public-2");
    for (int i = 0; i < names.size(); i++) {
      String cidr = "10.1." + (200 + i) + ".0/24";
      String name = stack.physicalName(names.get(i));
      ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).tagSpecifications(NetworkFixture.named(ResourceType.SUBNET, name)));
    }
  }

  @Test
  void aSubnetIsNotMovedUnderItsFunctions() {
    stack.settle();
    stack.spec().network.subnetPrefixLength = 25;

    var result = stack.converge();

    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(own(result)).filteredOn(o -> o.resource().name.equals("private-2")).singleElement()
        .satisfies(o -> assertThat(o.resource().message).startsWith(Reasons.INVALID_SPEC + ": ").contains("10.1.1.0/24").contains("cannot move"));
  }

  private String id(String subnet) {
    return stack.context().outputs().get("network.subnet." + subnet + ".id");
  }

  private Subnet subnet(String name) {
    return ec2.describeSubnets(r -> r.subnetIds(id(name))).subnets().get(0);
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateSubnet");
  }
}
