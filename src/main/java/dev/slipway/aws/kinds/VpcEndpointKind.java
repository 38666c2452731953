package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/** A gateway VPC endpoint ({@code <prefix>-<service>-endpoint}) on every private route table of the network. */
public final class VpcEndpointKind extends Ec2Kind<VpcEndpointKind.Desired, VpcEndpointKind.Observed, VpcEndpoint> {

  public static final String KIND = "VpcEndpoint";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND, RouteTableKind.KIND));

  public record Desired(String name, String physicalName, String vpcId, String serviceName, SortedSet<String> routeTableIds) implements DesiredResource {}

  public record Observed(VpcEndpoint endpoint) {
    SortedSet<String> routeTableIds() {
      return new TreeSet<>(endpoint.routeTableIds());
    }
  }

  public VpcEndpointKind() {
    super(INFO, "VPC endpoint", Observed::endpoint, VpcEndpoint::vpcEndpointId, VpcEndpoint::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null) {
      return List.of();
    }
    List<String> tables = SubnetKind.names(network, false);
    List<String> deps = new ArrayList<>(List.of(VpcKind.key()));
    tables.forEach(t -> deps.add(Planned.key(RouteTableKind.KIND, t)));
    return network.endpoints.stream().distinct().map(e -> {
      String physical = ctx.physicalName(e.name() + "-endpoint");
      return new Planned<>(this, e.name(), physical, deps, c -> new Desired(e.name(), physical, c.output(VpcKind.ID_OUTPUT),
          "com.amazonaws." + c.region() + "." + e.name(), new TreeSet<>(tables.stream().map(t -> c.output(RouteTableKind.idOutput(t))).toList())));
    }).toList();
  }

  /** Deleted endpoints stay visible for a while; they are gone, not namesakes. EC2 spells states in either case. */
  @Override
  Ec2Resources.Describe<VpcEndpoint> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeVpcEndpoints(r -> r.vpcEndpointIds(ids).filters(filters)).vpcEndpoints().stream()
        .filter(e -> !e.stateAsString().equalsIgnoreCase("deleted") && !e.stateAsString().equalsIgnoreCase("deleting"))
        .toList();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    return new Observed(Ec2Resources.ec2(ctx.aws()).createVpcEndpoint(r -> r.clientToken(ctx.clientToken()).vpcEndpointType(VpcEndpointType.GATEWAY).vpcId(d.vpcId()).serviceName(d.serviceName())
        .routeTableIds(d.routeTableIds()).tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.VPC_ENDPOINT, d.physicalName()))).vpcEndpoint());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    SortedSet<String> have = o.routeTableIds();
    if (have.equals(d.routeTableIds())) {
      return List.of();
    }
    List<String> add = d.routeTableIds().stream().filter(t -> !have.contains(t)).toList();
    List<String> remove = have.stream().filter(t -> !d.routeTableIds().contains(t)).toList();
    return List.of(new Step("routeTables", d.routeTableIds(), have, () -> Ec2Resources.ec2(ctx.aws()).modifyVpcEndpoint(r -> r.vpcEndpointId(o.endpoint().vpcEndpointId())
        .addRouteTableIds(add.isEmpty() ? null : add).removeRouteTableIds(remove.isEmpty() ? null : remove))));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.endpoint().vpcEndpointId()).build();
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).deleteVpcEndpoints(r -> r.vpcEndpointIds(resource.id));
  }
}
