package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroupIdentifier;
import software.amazon.awssdk.services.ec2.model.VpcEndpoint;
import software.amazon.awssdk.services.ec2.model.VpcEndpointType;

/**
 * A VPC endpoint of the network: a gateway endpoint ({@code <prefix>-<service>-endpoint}) on every
 * private route table, or an interface endpoint ({@code <prefix>-<service>-interface-endpoint}) in
 * every private subnet, in the {@link #GROUP endpoints} group, with private DNS on so that the
 * service's usual name resolves to it inside the VPC.
 */
public final class VpcEndpointKind extends Ec2Kind<VpcEndpointKind.Desired, VpcEndpointKind.Observed, VpcEndpoint> {

  public static final String KIND = "VpcEndpoint";
  /** The group interface endpoints are in: HTTPS from the functions group, nothing else. */
  static final String GROUP = "endpoints";
  private static final String INTERFACE_SUFFIX = "-interface";
  private static final Duration PENDING = Duration.ofSeconds(20);
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND, RouteTableKind.KIND, SubnetKind.KIND, ExistingVpcKind.KIND,
      ExistingSubnetKind.KIND, SecurityGroupKind.KIND));

  /**
   * @param routeTableIds a gateway endpoint's route tables, empty for an interface endpoint
   * @param subnetIds an interface endpoint's subnets, empty for a gateway endpoint
   * @param groupIds an interface endpoint's security groups, empty for a gateway endpoint
   */
  public record Desired(String name, String physicalName, String vpcId, String serviceName, VpcEndpointType type, SortedSet<String> routeTableIds,
      SortedSet<String> subnetIds, SortedSet<String> groupIds) implements DesiredResource {
    boolean isInterface() {
      return type == VpcEndpointType.INTERFACE;
    }
  }

  public record Observed(VpcEndpoint endpoint) {
    SortedSet<String> routeTableIds() {
      return new TreeSet<>(endpoint.routeTableIds());
    }

    SortedSet<String> subnetIds() {
      return new TreeSet<>(endpoint.subnetIds());
    }

    SortedSet<String> groupIds() {
      return new TreeSet<>(endpoint.groups().stream().map(SecurityGroupIdentifier::groupId).toList());
    }

    boolean privateDns() {
      return Boolean.TRUE.equals(endpoint.privateDnsEnabled());
    }
  }

  public VpcEndpointKind() {
    super(INFO, "VPC endpoint", Observed::endpoint, VpcEndpoint::vpcEndpointId, VpcEndpoint::tags);
  }

  /** The endpoints group, when the network declares interface endpoints. */
  static List<NetworkSpec.SecurityGroup> securityGroups(ServerlessServiceSpec spec) {
    if (spec.network == null || spec.network.interfaceEndpoints.isEmpty()) {
      return List.of();
    }
    NetworkSpec.SecurityGroup group = new NetworkSpec.SecurityGroup();
    group.name = GROUP;
    group.ingressFrom = List.of(new NetworkSpec.Ingress(SecurityGroupKind.FUNCTIONS, null, 443));
    return List.of(group);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null) {
      return List.of();
    }
    List<String> privateSubnets = SubnetKind.names(network, false);
    List<String> gatewayDeps = new ArrayList<>(List.of(VpcKind.key(network)));
    privateSubnets.forEach(t -> gatewayDeps.add(RouteTableKind.key(network, t)));
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    network.endpoints.stream().distinct().forEach(e -> {
      String physical = ctx.physicalName(e.name() + "-endpoint");
      plan.add(new Planned<>(this, e.name(), physical, gatewayDeps, c -> new Desired(e.name(), physical, c.output(VpcKind.ID_OUTPUT),
          serviceName(c, e.name()), VpcEndpointType.GATEWAY, ids(c, privateSubnets, RouteTableKind::idOutput), new TreeSet<>(), new TreeSet<>())));
    });
    List<String> interfaceDeps = new ArrayList<>(List.of(VpcKind.key(network), Planned.key(SecurityGroupKind.KIND, GROUP)));
    privateSubnets.forEach(t -> interfaceDeps.add(SubnetKind.key(network, t)));
    network.interfaceEndpoints.stream().distinct().forEach(service -> {
      String name = service + INTERFACE_SUFFIX;
      String physical = ctx.physicalName(name + "-endpoint");
      plan.add(new Planned<>(this, name, physical, interfaceDeps, c -> new Desired(name, physical, c.output(VpcKind.ID_OUTPUT),
          serviceName(c, service), VpcEndpointType.INTERFACE, new TreeSet<>(), ids(c, privateSubnets, SubnetKind::idOutput),
          new TreeSet<>(List.of(c.output(SecurityGroupKind.idOutput(GROUP)))))));
    });
    return plan;
  }

  /**
   * Interface endpoint names are unique endpoint service names. Here, not in CEL: a pattern over every
   * item of the list exceeds the API server's cost budget for the whole schema.
   */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.network == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (String service : spec.network.interfaceEndpoints) {
      if (service == null || service.length() > 48 || !SERVICE_NAME.matcher(service).matches()) {
        problems.add("network.interfaceEndpoints " + service + " is not an AWS endpoint service name such as secretsmanager or execute-api");
      } else if (!seen.add(service)) {
        problems.add("network.interfaceEndpoints names " + service + " twice");
      }
    }
    return problems;
  }

  private static String serviceName(StackContext ctx, String service) {
    return "com.amazonaws." + ctx.region() + "." + service;
  }

  private static SortedSet<String> ids(StackContext ctx, List<String> names, UnaryOperator<String> output) {
    return new TreeSet<>(names.stream().map(n -> ctx.output(output.apply(n))).toList());
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
    return new Observed(Ec2Resources.ec2(ctx.aws()).createVpcEndpoint(r -> {
      r.clientToken(ctx.clientToken()).vpcEndpointType(d.type()).vpcId(d.vpcId()).serviceName(d.serviceName())
          .tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.VPC_ENDPOINT, d.physicalName()));
      if (d.isInterface()) {
        r.subnetIds(d.subnetIds()).securityGroupIds(d.groupIds()).privateDnsEnabled(true);
      } else {
        r.routeTableIds(d.routeTableIds());
      }
    }).vpcEndpoint());
  }

  /** Route tables, subnets, groups and private DNS change in place; the service and type are the endpoint's identity. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    String id = o.endpoint().vpcEndpointId();
    if (!d.serviceName().equals(o.endpoint().serviceName()) || d.type() != o.endpoint().vpcEndpointType()) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "VPC endpoint " + id + " is a " + o.endpoint().vpcEndpointTypeAsString() + " endpoint of "
          + o.endpoint().serviceName() + ", not a " + d.type() + " endpoint of " + d.serviceName() + "; delete it or rename the service's endpoint");
    }
    List<Step> steps = new ArrayList<>();
    if (!d.routeTableIds().equals(o.routeTableIds())) {
      IdChange delta = new IdChange(d.routeTableIds(), o.routeTableIds());
      steps.add(new Step("routeTables", d.routeTableIds(), o.routeTableIds(), () -> ec2(ctx).modifyVpcEndpoint(r -> r.vpcEndpointId(id)
          .addRouteTableIds(delta.add()).removeRouteTableIds(delta.remove()))));
    }
    if (!d.subnetIds().equals(o.subnetIds())) {
      IdChange delta = new IdChange(d.subnetIds(), o.subnetIds());
      steps.add(new Step("subnets", d.subnetIds(), o.subnetIds(), () -> ec2(ctx).modifyVpcEndpoint(r -> r.vpcEndpointId(id)
          .addSubnetIds(delta.add()).removeSubnetIds(delta.remove()))));
    }
    if (!d.groupIds().equals(o.groupIds())) {
      IdChange delta = new IdChange(d.groupIds(), o.groupIds());
      steps.add(new Step("securityGroups", d.groupIds(), o.groupIds(), () -> ec2(ctx).modifyVpcEndpoint(r -> r.vpcEndpointId(id)
          .addSecurityGroupIds(delta.add()).removeSecurityGroupIds(delta.remove()))));
    }
    if (d.isInterface() && !o.privateDns()) {
      steps.add(new Step("privateDns", true, false, () -> ec2(ctx).modifyVpcEndpoint(r -> r.vpcEndpointId(id).privateDnsEnabled(true))));
    }
    return steps;
  }

  /** The additions and removals that turn a set of ids into another, null where empty (EC2 refuses empty lists). */
  private record IdChange(List<String> add, List<String> remove) {
    IdChange(SortedSet<String> want, SortedSet<String> have) {
      this(orNull(want.stream().filter(i -> !have.contains(i)).toList()), orNull(have.stream().filter(i -> !want.contains(i)).toList()));
    }

    private static List<String> orNull(List<String> ids) {
      return ids.isEmpty() ? null : ids;
    }
  }

  /** An interface endpoint takes a while to get its network interfaces; until then it is not usable. */
  @Override
  public Optional<NotReady> readiness(Observed o) {
    String state = o.endpoint().stateAsString();
    if (state != null && state.equalsIgnoreCase("failed")) {
      throw SlipwayException.terminal("VpcEndpointFailed", "VPC endpoint " + o.endpoint().vpcEndpointId() + " of " + o.endpoint().serviceName() + " failed");
    }
    if (state != null && state.equalsIgnoreCase("pending")) {
      return Optional.of(NotReady.awaiting("VPC endpoint " + o.endpoint().vpcEndpointId() + " pending", PENDING));
    }
    return Optional.empty();
  }

  private static Ec2Client ec2(StackContext ctx) {
    return Ec2Resources.ec2(ctx.aws());
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
