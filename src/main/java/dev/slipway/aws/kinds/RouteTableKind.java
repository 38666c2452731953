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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/**
 * The route tables of the network: {@code public}, routing 0.0.0.0/0 to the internet gateway, for
 * every public subnet; one per private subnet ({@code private-<n>}), routing 0.0.0.0/0 to its zone's
 * NAT gateway when the network has them. Routes other than the local one and subnet
 * associations are Slipway's: others are removed.
 */
public final class RouteTableKind extends Ec2Kind<RouteTableKind.Desired, RouteTableKind.Observed, RouteTable> {

  public static final String KIND = "RouteTable";
  static final String PUBLIC = "public";
  static final String ANYWHERE = "0.0.0.0/0";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND, SubnetKind.KIND, InternetGatewayKind.KIND, NatGatewayKind.KIND));

  /** A table: its routes by destination CIDR to a gateway id, and the subnets it serves. */
  public record Desired(String name, String physicalName, String vpcId, SortedMap<String, String> routes, SortedSet<String> subnetIds)
      implements DesiredResource {}

  public record Observed(RouteTable table) {
    /** The routes Slipway manages: all but the VPC's local one. */
    SortedMap<String, String> routes() {
      SortedMap<String, String> routes = new TreeMap<>();
      for (Route r : table.routes()) {
        String target = r.gatewayId() != null ? r.gatewayId() : r.natGatewayId();
        if (r.destinationCidrBlock() != null && !"local".equals(target)) {
          routes.put(r.destinationCidrBlock(), target);
        }
      }
      return routes;
    }

    /** Association ids by subnet id, the VPC's main association left out. */
    SortedMap<String, String> associations() {
      SortedMap<String, String> associations = new TreeMap<>();
      for (RouteTableAssociation a : table.associations()) {
        if (!Boolean.TRUE.equals(a.main()) && a.subnetId() != null) {
          associations.put(a.subnetId(), a.routeTableAssociationId());
        }
      }
      return associations;
    }
  }

  /** The output key of a route table's id. */
  static String idOutput(String table) {
    return "network.routeTable." + table + ".id";
  }

  /** The key a private subnet's table dependents declare: this kind's, or, in an existing VPC, the subnet's, which publishes its table. */
  static String key(NetworkSpec network, String subnet) {
    return VpcKind.created(network) ? Planned.key(KIND, subnet) : SubnetKind.key(network, subnet);
  }

  public RouteTableKind() {
    super(INFO, "route table", Observed::table, RouteTable::routeTableId, RouteTable::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null || !VpcKind.created(network)) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    List<String> publicSubnets = SubnetKind.names(network, true);
    if (!publicSubnets.isEmpty()) {
      List<String> deps = new ArrayList<>(List.of(VpcKind.key(network), InternetGatewayKind.key()));
      publicSubnets.forEach(s -> deps.add(Planned.key(SubnetKind.KIND, s)));
      plan.add(planned(ctx, PUBLIC, deps, publicSubnets, c -> new TreeMap<>(Map.of(ANYWHERE, c.output(InternetGatewayKind.ID_OUTPUT)))));
    }
    List<String> privateSubnets = SubnetKind.names(network, false);
    for (int zone = 1; zone <= privateSubnets.size(); zone++) {
      String subnet = privateSubnets.get(zone - 1);
      List<String> deps = new ArrayList<>(List.of(VpcKind.key(network), Planned.key(SubnetKind.KIND, subnet)));
      Optional<String> nat = NatGatewayKind.forZone(network, zone);
      nat.ifPresent(n -> deps.add(Planned.key(NatGatewayKind.KIND, n)));
      plan.add(planned(ctx, subnet, deps, List.of(subnet),
          c -> new TreeMap<>(nat.map(n -> Map.of(ANYWHERE, c.output(NatGatewayKind.idOutput(n)))).orElse(Map.of()))));
    }
    return plan;
  }

  private Planned<Desired, Observed> planned(StackContext ctx, String name, List<String> deps, List<String> subnets,
      java.util.function.Function<StackContext, SortedMap<String, String>> routes) {
    String physical = ctx.physicalName(name + "-routes");
    return new Planned<>(this, name, physical, deps, c -> new Desired(name, physical, c.output(VpcKind.ID_OUTPUT), routes.apply(c),
        new TreeSet<>(subnets.stream().map(s -> c.output(SubnetKind.idOutput(s))).toList())));
  }

  @Override
  Ec2Resources.Describe<RouteTable> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeRouteTables(r -> r.routeTableIds(ids).filters(filters)).routeTables();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  /** Routes and associations follow as steps. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    return new Observed(Ec2Resources.ec2(ctx.aws()).createRouteTable(r -> r.vpcId(d.vpcId()).clientToken(ctx.clientToken())
        .tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.ROUTE_TABLE, d.physicalName()))).routeTable());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    String id = o.table().routeTableId();
    List<Step> steps = new ArrayList<>();
    SortedMap<String, String> routes = o.routes();
    if (!routes.equals(d.routes())) {
      steps.add(new Step("routes", d.routes(), routes, () -> {
        routes.keySet().stream().filter(dest -> !d.routes().containsKey(dest))
            .forEach(dest -> ec2.deleteRoute(r -> r.routeTableId(id).destinationCidrBlock(dest)));
        d.routes().forEach((dest, gateway) -> {
          if (!routes.containsKey(dest)) {
            ec2.createRoute(r -> r.routeTableId(id).destinationCidrBlock(dest).gatewayId(internet(gateway)).natGatewayId(nat(gateway)));
          } else if (!routes.get(dest).equals(gateway)) {
            ec2.replaceRoute(r -> r.routeTableId(id).destinationCidrBlock(dest).gatewayId(internet(gateway)).natGatewayId(nat(gateway)));
          }
        });
      }));
    }
    SortedMap<String, String> associations = o.associations();
    if (!associations.keySet().equals(d.subnetIds())) {
      steps.add(new Step("subnets", d.subnetIds(), associations.keySet(), () -> {
        associations.forEach((subnet, association) -> {
          if (!d.subnetIds().contains(subnet)) {
            ec2.disassociateRouteTable(r -> r.associationId(association));
          }
        });
        d.subnetIds().stream().filter(s -> !associations.containsKey(s)).forEach(s -> ec2.associateRouteTable(r -> r.routeTableId(id).subnetId(s)));
      }));
    }
    return steps;
  }

  /** EC2 takes a NAT gateway as a route's target in its own parameter. */
  private static String nat(String target) {
    return target.startsWith("nat-") ? target : null;
  }

  private static String internet(String target) {
    return target.startsWith("nat-") ? null : target;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.table().routeTableId()).internal(idOutput(d.name()), o.table().routeTableId()).build();
  }

  /** EC2 deletes no table that still serves a subnet: its associations go first. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    Ec2Resources.byId(describe(ctx), resource.id).map(Observed::new).ifPresent(o -> {
      o.associations().values().forEach(a -> ec2.disassociateRouteTable(r -> r.associationId(a)));
      ec2.deleteRouteTable(r -> r.routeTableId(resource.id));
    });
  }
}
