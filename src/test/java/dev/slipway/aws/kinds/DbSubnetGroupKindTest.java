package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Subnet;

class DbSubnetGroupKindTest extends KindContractTest {

  private RdsClient rds;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(DatabaseFixture.spec(), new VpcKind(), new SubnetKind(), new DbSubnetGroupKind());
    rds = RdsResources.rds(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    for (String db : List.of("orders", "willbook")) {
      DBSubnetGroup g = group(db);
      assertThat(g.vpcId()).isEqualTo(stack.context().outputs().get("network.vpcId"));
      assertThat(subnets(db)).as(db).containsExactlyInAnyOrder(subnet("private-1"), subnet("private-2"));
      assertThat(RdsResources.tags(rds, g.dbSubnetGroupArn())).containsEntry(Tags.SERVICE, "chat.nexus");
    }
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // A group has no field of its own: its subnets are the network's private ones, which the drift clause changes.
  }

  @Override
  @Test
  void contractDriftIsRepaired() {
    // moto 5.2.1's ModifyDBSubnetGroup pops the group and never stores it back, so no drift can be made or repaired there;
    // aGroupMissingASubnetIsModifiedBackToThePrivateSubnets checks the step against an in-memory group instead.
  }

  @Test
  void aGroupMissingASubnetIsModifiedBackToThePrivateSubnets() {
    stack.settle();
    StackContext ctx = stack.readingContext();
    DbSubnetGroupKind kind = new DbSubnetGroupKind();
    var planned = kind.plan(ctx).get(0);
    DbSubnetGroupKind.Desired desired = planned.desired().apply(ctx);
    // A test double of what DescribeDBSubnetGroups shows after someone removed private-2 by hand.
    DBSubnetGroup drifted = group("orders").toBuilder().subnets(Subnet.builder().subnetIdentifier(subnet("private-1")).build()).build();

    List<Step> steps = kind.compare(ctx, desired, new DbSubnetGroupKind.Observed(drifted, stack.tags()));

    assertThat(steps).singleElement().satisfies(step -> {
      assertThat(step.path()).isEqualTo("subnetIds");
      assertThat(step.changes().get(0).desired()).asString().contains(subnet("private-1"), subnet("private-2"));
    });
    assertThat(kind.compare(ctx, desired, new DbSubnetGroupKind.Observed(group("orders"), stack.tags()))).isEmpty();
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atValidation(s -> s.network = null, "spec.databases needs spec.network"),
        // moto takes a one-zone group; RDS answers DBSubnetGroupDoesNotCoverEnoughAZs.
        Invalid.atValidation(s -> s.network.availabilityZones = 1, "spec.databases needs private subnets in at least 2 zones"));
  }

  private DBSubnetGroup group(String db) {
    return rds.describeDBSubnetGroups(r -> r.dbSubnetGroupName("nexus-prod-" + db)).dbSubnetGroups().get(0);
  }

  private List<String> subnets(String db) {
    return group(db).subnets().stream().map(Subnet::subnetIdentifier).toList();
  }

  private String subnet(String name) {
    return stack.context().outputs().get("network.subnet." + name + ".id");
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateDBSubnetGroup");
  }
}
