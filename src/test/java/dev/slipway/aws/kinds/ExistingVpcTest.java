package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/**
 * A network naming an existing VPC and private subnets by id (made here with the EC2 client, as a
 * platform team's would be): Slipway reads them, creates its groups, gateway endpoint and function
 * placement inside them, never changes or tags them, and leaves them standing when it deletes.
 */
class ExistingVpcTest {

  private KindHarness stack;
  private Ec2Client ec2;
  private String vpc;
  private String first;
  private String second;
  /** The table associated with the first subnet; the second is served by the VPC's main table. */
  private String firstTable;
  private String mainTable;

  @BeforeEach
  void up() {
    stack = new KindHarness(KindHarness.bare(), new VpcKind(), new ExistingVpcKind(), new SubnetKind(), new ExistingSubnetKind(), new RouteTableKind(),
        new SecurityGroupKind(), new VpcEndpointKind(), new LambdaFunctionKind());
    ec2 = Ec2Resources.ec2(stack.raw());
    vpc = ec2.createVpc(r -> r.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    List<String> zones = ec2.describeAvailabilityZones().availabilityZones().stream().map(AvailabilityZone::zoneName).sorted().toList();
    first = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.40.1.0/24").availabilityZone(zones.get(0))).subnet().subnetId();
    second = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.40.2.0/24").availabilityZone(zones.get(1))).subnet().subnetId();
    firstTable = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
    ec2.associateRouteTable(r -> r.routeTableId(firstTable).subnetId(first));
    mainTable = ec2.describeRouteTables(r -> r.filters(filter("vpc-id", vpc), filter("association.main", "true"))).routeTables().get(0).routeTableId();
    stack.spec(spec(vpc, List.of(first, second)));
    FunctionSpec f = stack.addFunction("health-check", stack.upload("health-1.0.zip", "ok"));
    f.vpc = new FunctionSpec.VpcConfig();
    f.vpc.network = true;
  }

  @AfterEach
  void down() {
    stack.close();
  }

  private static ServerlessServiceSpec spec(String vpcId, List<String> subnets) {
    ServerlessServiceSpec spec = KindHarness.bare();
    spec.network = new NetworkSpec();
    spec.network.vpcId = vpcId;
    spec.network.privateSubnetIds = subnets;
    spec.network.endpoints = List.of(NetworkSpec.Endpoint.dynamodb);
    return spec;
  }

  @Test
  void slipwayBuildsInsideTheExistingVpcAndPlacesTheFunctionInItsSubnets() {
    Result result = stack.settle();

    assertThat(result.firstFailure()).isEmpty();
    Map<String, String> outputs = stack.context().outputs();
    assertThat(outputs).containsEntry("network.vpcId", vpc).containsEntry("network.subnet.private-1.id", first)
        .containsEntry("network.subnet.private-2.id", second);
    VpcConfigResponse placed = stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("health-check"))).vpcConfig();
    assertThat(placed.subnetIds()).containsExactlyInAnyOrder(first, second);
    String group = outputs.get("network.securityGroup.functions.id");
    assertThat(placed.securityGroupIds()).containsExactly(group);
    assertThat(ec2.describeSecurityGroups(r -> r.groupIds(group)).securityGroups().get(0).vpcId()).isEqualTo(vpc);
    VpcEndpoint endpoint = gatewayEndpoints().get(0);
    assertThat(endpoint.vpcId()).isEqualTo(vpc);
    assertThat(endpoint.routeTableIds()).containsExactlyInAnyOrder(firstTable, mainTable);
    assertThat(stack.status()).extracting(r -> r.key()).doesNotContain("Vpc/network", "Subnet/private-1").contains("ExistingVpc/network", "ExistingSubnet/private-2");
    assertUntouched();
  }

  @Test
  void aSecondPassChangesNothing() {
    stack.settle();

    stack.settle();

    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void deletionDeletesWhatSlipwayMadeAndLeavesTheVpcAndSubnets() {
    stack.settle();

    assertThat(stack.delete()).as("delete failures").isEmpty();

    assertThat(ec2.describeSecurityGroups(r -> r.filters(filter("vpc-id", vpc), filter("tag:" + Tags.SERVICE, stack.tags().get(Tags.SERVICE))))
        .securityGroups()).isEmpty();
    assertThat(gatewayEndpoints()).isEmpty();
    assertThat(ec2.describeVpcs(r -> r.vpcIds(vpc)).vpcs()).hasSize(1);
    assertThat(ec2.describeSubnets(r -> r.subnetIds(first, second)).subnets()).hasSize(2);
    assertThat(ec2.describeRouteTables(r -> r.routeTableIds(firstTable)).routeTables()).hasSize(1);
    assertThat(stack.events).anyMatch(e -> e.contains("Left ExistingVpc " + vpc + " as it is"));
    assertUntouched();
  }

  @Test
  void aVpcThatDoesNotExistIsATerminalConditionNamingIt() {
    stack.spec().network.vpcId = "vpc-0123456789abcdef0";

    Outcome failed = stack.settle().firstFailure().orElseThrow();

    assertThat(failed.resource().key()).isEqualTo("ExistingVpc/network");
    assertThat(AwsErrors.reason(failed.error())).isEqualTo("VpcNotFound");
    assertThat(failed.resource().message).contains("vpc-0123456789abcdef0");
    assertThat(ec2.describeVpcs(r -> r.filters(filter("tag:" + Tags.SERVICE, stack.tags().get(Tags.SERVICE)))).vpcs()).isEmpty();
  }

  @Test
  void aSubnetOfAnotherVpcIsRefusedNamingBoth() {
    String other = ec2.createVpc(r -> r.cidrBlock("10.41.0.0/16")).vpc().vpcId();
    String foreign = ec2.createSubnet(r -> r.vpcId(other).cidrBlock("10.41.1.0/24")).subnet().subnetId();
    stack.spec().network.privateSubnetIds = List.of(first, foreign);

    Outcome failed = stack.settle().firstFailure().orElseThrow();

    assertThat(failed.resource().key()).isEqualTo("ExistingSubnet/private-2");
    assertThat(failed.resource().message).contains(foreign).contains(other).contains(vpc);
  }

  @Test
  void aSubnetThatDoesNotExistIsATerminalConditionNamingIt() {
    stack.spec().network.privateSubnetIds = List.of(first, "subnet-0123456789abcdef0");

    Outcome failed = stack.settle().firstFailure().orElseThrow();

    assertThat(AwsErrors.reason(failed.error())).isEqualTo("SubnetNotFound");
    assertThat(failed.resource().message).contains("subnet-0123456789abcdef0");
  }

  @Test
  void subnetIdsAreCheckedAndADatabaseNeedsTwo() {
    ServerlessServiceSpec spec = spec(vpc, List.of("subnet-nothex", first, first));

    assertThat(StackKinds.validate(spec)).contains("network.privateSubnetIds subnet-nothex is not a subnet id such as subnet-0123456789abcdef0",
        "network.privateSubnetIds names " + first + " twice");
    ServerlessServiceSpec oneSubnet = spec(vpc, List.of(first));
    oneSubnet.databases.add(DatabaseFixture.aurora());
    assertThat(new DbSubnetGroupKind().validate(oneSubnet)).singleElement().asString().startsWith("spec.databases needs private subnets in at least 2 zones");
  }

  /** The VPC and subnets carry no tag Slipway set, and nothing about them changed. */
  private void assertUntouched() {
    assertThat(ec2.describeVpcs(r -> r.vpcIds(vpc)).vpcs().get(0).tags()).isEmpty();
    List<Subnet> subnets = ec2.describeSubnets(r -> r.subnetIds(first, second)).subnets();
    assertThat(subnets).allSatisfy(s -> assertThat(s.tags()).isEmpty()).allSatisfy(s -> assertThat(s.mapPublicIpOnLaunch()).isFalse());
    assertThat(stack.calls()).noneMatch(c -> c.matches("(Create|Delete|Modify)(Vpc|Subnet|RouteTable|Route)(Attribute)?|(Dis)?AssociateRouteTable|ReplaceRoute|CreateTags|DeleteTags"));
  }

  private List<VpcEndpoint> gatewayEndpoints() {
    return ec2.describeVpcEndpoints(r -> r.filters(filter("vpc-id", vpc))).vpcEndpoints().stream()
        .filter(e -> !e.stateAsString().equalsIgnoreCase("deleted")).toList();
  }

  private static Filter filter(String name, String value) {
    return Filter.builder().name(name).values(value).build();
  }
}
