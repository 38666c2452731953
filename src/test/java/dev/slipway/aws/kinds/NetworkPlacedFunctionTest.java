package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/** A function with vpc: { network: true } is placed in the service's private subnets and functions group, after them. */
class NetworkPlacedFunctionTest {

  private KindHarness stack;

  @BeforeEach
  void up() {
    stack = new KindHarness(NetworkFixture.spec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(), new LambdaFunctionKind());
    FunctionSpec f = stack.addFunction("health-check", stack.upload("health-1.0.zip", "ok"));
    f.vpc = new FunctionSpec.VpcConfig();
    f.vpc.network = true;
  }

  @AfterEach
  void down() {
    stack.close();
  }

  @Test
  void theFunctionGetsThePrivateSubnetsAndTheFunctionsGroup() {
    Result result = stack.settle();

    assertThat(result.firstFailure()).isEmpty();
    VpcConfigResponse vpc = stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("health-check"))).vpcConfig();
    assertThat(vpc.subnetIds()).containsExactlyInAnyOrder(output("network.subnet.private-1.id"), output("network.subnet.private-2.id"));
    assertThat(vpc.securityGroupIds()).containsExactly(output("network.securityGroup.functions.id"));
    assertThat(stack.status()).extracting(r -> r.key()).containsSubsequence("Subnet/private-2", "SecurityGroup/functions", "LambdaFunction/health-check");
  }

  @Test
  void aSecondPassChangesNothing() {
    stack.settle();

    stack.settle();

    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void switchingToExplicitIdsMovesTheFunction() {
    stack.settle();
    FunctionSpec f = stack.spec().functions.get(0);
    f.vpc.network = null;
    f.vpc.subnetIds = List.of(output("network.subnet.public-1.id"));
    f.vpc.securityGroupIds = List.of(output("network.securityGroup.database.id"));

    stack.settle();

    VpcConfigResponse vpc = stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("health-check"))).vpcConfig();
    assertThat(vpc.subnetIds()).containsExactly(output("network.subnet.public-1.id"));
    assertThat(vpc.securityGroupIds()).containsExactly(output("network.securityGroup.database.id"));
  }

  @Test
  void onlyAFunctionInTheNetworkGetsTheEniGrant() {
    FunctionSpec outside = stack.addFunction("usage", stack.upload("usage-1.0.zip", "ok"));
    PolicyStatement.Scope scope = new PolicyStatement.Scope(KindHarness.REGION, KindHarness.ACCOUNT);
    var ctx = new dev.slipway.aws.StackContext(null, KindHarness.NAMESPACE, KindHarness.SERVICE, stack.spec(), List.of(), List.of());

    assertThat(ExecutionRolePolicy.document(ctx, scope, stack.spec().functions.get(0))).contains("VpcNetworkInterfaces").contains("ec2:CreateNetworkInterface");
    assertThat(ExecutionRolePolicy.document(ctx, scope, outside)).doesNotContain("ec2:");
  }

  /**
   * Deletion under Delete leaves no group of the service behind, nor an ENI in its VPC: the VPC
   * itself is gone. Lambda's ENIs linger after their function; one left in the functions group (made
   * here by hand, as moto's Lambda makes none) holds the group as NotReady naming it, not as failed,
   * and once it is released the next pass deletes the rest.
   */
  @Test
  void deletionLeavesNoGroupBehindAndWaitsForALingeringEni() {
    stack.settle();
    String vpc = output("network.vpcId");
    String group = output("network.securityGroup.functions.id");
    var ec2 = Ec2Resources.ec2(stack.raw());
    String eni = ec2.createNetworkInterface(r -> r.subnetId(output("network.subnet.private-1.id")).groups(group)).networkInterface().networkInterfaceId();

    List<Outcome> held = stack.delete();

    assertThat(held).filteredOn(o -> o.action() == ResourceLoop.Action.NotReady).singleElement()
        .satisfies(o -> assertThat(o.resource().key()).isEqualTo("SecurityGroup/functions"))
        .satisfies(o -> assertThat(o.notReady().awaited()).contains(group).contains(eni));
    assertThat(held).allMatch(o -> o.error() == null);
    ec2.deleteNetworkInterface(r -> r.networkInterfaceId(eni));

    assertThat(stack.delete()).as("delete failures").isEmpty();
    Filter inVpc = Filter.builder().name("vpc-id").values(vpc).build();
    assertThat(ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("tag:" + Tags.SERVICE).values(stack.tags().get(Tags.SERVICE)).build()))
        .securityGroups()).isEmpty();
    assertThat(ec2.describeNetworkInterfaces(r -> r.filters(inVpc)).networkInterfaces()).isEmpty();
    assertThat(ec2.describeVpcs(r -> r.filters(Filter.builder().name("vpc-id").values(vpc).build())).vpcs()).isEmpty();
  }

  private String output(String key) {
    return stack.context().outputs().get(key);
  }
}
