package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

class ElasticIpKindTest extends KindContractTest {

  private Ec2Client ec2;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(NatGatewayKindTest.perAz(), new ElasticIpKind());
    ec2 = Ec2Resources.ec2(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(stack.status(ElasticIpKind.KIND)).extracting(r -> r.name).containsExactly("nat-1", "nat-2");
    for (var entry : stack.status(ElasticIpKind.KIND)) {
      Address a = ec2.describeAddresses(r -> r.allocationIds(entry.id)).addresses().get(0);
      assertThat(Ec2Resources.all(a.tags())).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-" + entry.name + "-eip");
      assertThat(stack.context().outputs()).containsEntry("network.natGateway." + entry.name + ".publicIp", a.publicIp());
    }
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // An address has no field of its own.
  }

  @Override
  @Test
  void contractDriftIsRepaired() {
    // Nothing of an address can be changed but its tags, which the runtime repairs for every kind.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Addresses take nothing from the spec but how many NAT gateways there are.
  }

  @Override
  protected void makeNamesake() {
    for (String n : List.of("nat-1", "nat-2")) {
      ec2.allocateAddress(r -> r.domain(DomainType.VPC).tagSpecifications(NetworkFixture.named(ResourceType.ELASTIC_IP, stack.physicalName(n + "-eip"))));
    }
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("AllocateAddress");
  }
}
