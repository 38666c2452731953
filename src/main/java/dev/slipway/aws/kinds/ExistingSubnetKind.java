package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * The existing private subnets a network names by {@code network.privateSubnetIds}, as {@code
 * private-<n>} in the order given: read and never created, changed, tagged or deleted. Each must be
 * in {@code network.vpcId}. It publishes the subnet's id output a subnet Slipway creates does, and the
 * id of the route table serving it (the one associated with it, else the VPC's main table), on which
 * gateway endpoints go.
 */
public final class ExistingSubnetKind extends ReferencedKind<ExistingSubnetKind.Desired, ExistingSubnetKind.Observed> {

  public static final String KIND = "ExistingSubnet";
  private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{8,17}");

  /** @param physicalName the subnet's id */
  public record Desired(String name, String physicalName, String vpcId) implements DesiredResource {}

  public record Observed(Subnet subnet, String routeTableId) {}

  public ExistingSubnetKind() {
    super(KindInfo.named(KIND, Set.of(ExistingVpcKind.KIND)));
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null || VpcKind.created(network)) {
      return List.of();
    }
    List<String> names = SubnetKind.names(network, false);
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String id = network.privateSubnetIds.get(i);
      plan.add(new Planned<>(this, name, id, List.of(VpcKind.key(network)), c -> new Desired(name, id, c.output(VpcKind.ID_OUTPUT))));
    }
    return plan;
  }

  /** Subnet ids, each once. Here, not in CEL: a pattern over every item of a list costs too much of the schema's budget. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.network == null || VpcKind.created(spec.network) || spec.network.privateSubnetIds == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (String id : spec.network.privateSubnetIds) {
      if (id == null || !SUBNET_ID.matcher(id).matches()) {
        problems.add("network.privateSubnetIds " + id + " is not a subnet id such as subnet-0123456789abcdef0");
      } else if (!seen.add(id)) {
        problems.add("network.privateSubnetIds names " + id + " twice");
      }
    }
    return problems;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    Optional<Subnet> subnet = Ec2Resources.byId((ids, filters) -> ec2.describeSubnets(r -> r.subnetIds(ids)).subnets(), d.physicalName());
    return subnet.map(s -> new Observed(s, routeTable(ec2, s)));
  }

  /** The table serving the subnet: the one associated with it, else its VPC's main table (every VPC has one). */
  private static String routeTable(Ec2Client ec2, Subnet s) {
    List<RouteTable> associated = ec2.describeRouteTables(r -> r.filters(filter("association.subnet-id", s.subnetId()))).routeTables();
    List<RouteTable> tables = associated.isEmpty()
        ? ec2.describeRouteTables(r -> r.filters(filter("vpc-id", s.vpcId()), filter("association.main", "true"))).routeTables()
        : associated;
    return tables.stream().map(RouteTable::routeTableId).findFirst().orElse(null);
  }

  private static Filter filter(String name, String value) {
    return Filter.builder().name(name).values(value).build();
  }

  /** Called when the subnet is not there: Slipway never makes the subnets it is told to use. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    throw SlipwayException.terminal("SubnetNotFound", "network.privateSubnetIds " + d.physicalName() + " names no subnet in " + ctx.region()
        + "; Slipway uses existing subnets as they are and never creates them");
  }

  /** A subnet of another VPC is refused: groups and endpoints live in network.vpcId. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    if (!d.vpcId().equals(o.subnet().vpcId())) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "network.privateSubnetIds " + d.physicalName() + " is a subnet of VPC " + o.subnet().vpcId()
          + ", not of network.vpcId " + d.vpcId());
    }
    if (o.routeTableId() == null) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "subnet " + d.physicalName() + " of VPC " + d.vpcId() + " has no route table, nor has the VPC a main one");
    }
    return List.of();
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String id = o.subnet().subnetId();
    return Published.of(id).output(SubnetKind.idOutput(d.name()), id).internal(RouteTableKind.idOutput(d.name()), o.routeTableId()).build();
  }
}
