package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
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
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayAddress;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The NAT gateways of the network ({@code nat-<n>}, in public subnet {@code public-<n>}, with Elastic
 * IP {@code nat-<n>}): one per zone under PerAZ, one under Single. AWS takes minutes to make one, so
 * a pending gateway is NotReady and the private route tables wait for it; a gateway cannot move, so
 * a changed subnet or address is refused.
 */
public final class NatGatewayKind extends Ec2Kind<NatGatewayKind.Desired, NatGatewayKind.Observed, NatGateway> {

  public static final String KIND = "NatGateway";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(SubnetKind.KIND, ElasticIpKind.KIND, InternetGatewayKind.KIND));
  private static final Duration PENDING = Duration.ofSeconds(30);
  // Deleted gateways stay visible for an hour; they are gone, not namesakes.
  private static final Filter LIVE = Filter.builder().name("state").values("pending", "available", "failed").build();

  public record Desired(String name, String physicalName, String subnetId, String allocationId) implements DesiredResource {}

  public record Observed(NatGateway gateway) {
    List<String> allocations() {
      return gateway.natGatewayAddresses().stream().map(NatGatewayAddress::allocationId).toList();
    }
  }

  /** The output key of a NAT gateway's id. */
  static String idOutput(String nat) {
    return "network.natGateway." + nat + ".id";
  }

  /** The NAT gateways the network declares, in zone order. */
  static List<String> names(NetworkSpec network) {
    if (!VpcKind.created(network)) {
      return List.of();
    }
    int count = switch (network.natGateways) {
      case PerAZ -> network.availabilityZones;
      case Single -> 1;
      case None -> 0;
    };
    List<String> names = new ArrayList<>();
    for (int zone = 1; zone <= count; zone++) {
      names.add("nat-" + zone);
    }
    return names;
  }

  /** The NAT gateway the private subnet of the n-th zone (from 1) routes through, if any. */
  static Optional<String> forZone(NetworkSpec network, int zone) {
    List<String> names = names(network);
    return names.isEmpty() ? Optional.empty() : Optional.of(names.get(Math.min(zone, names.size()) - 1));
  }

  public NatGatewayKind() {
    super(INFO, "NAT gateway", Observed::gateway, NatGateway::natGatewayId, NatGateway::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    List<String> names = names(network);
    for (int i = 0; i < names.size(); i++) {
      String nat = names.get(i);
      String subnet = SubnetKind.names(network, true).get(i);
      String physical = ctx.physicalName(nat);
      // The internet gateway first: a NAT gateway without a way out fails.
      List<String> deps = List.of(Planned.key(SubnetKind.KIND, subnet), Planned.key(ElasticIpKind.KIND, nat), InternetGatewayKind.key());
      plan.add(new Planned<>(this, nat, physical, deps,
          c -> new Desired(nat, physical, c.output(SubnetKind.idOutput(subnet)), c.output(ElasticIpKind.allocationOutput(nat)))));
    }
    return plan;
  }

  @Override
  Ec2Resources.Describe<NatGateway> describe(StackContext ctx) {
    return (ids, filters) -> {
      List<Filter> live = new ArrayList<>(filters == null ? List.of() : filters);
      live.add(LIVE);
      return Ec2Resources.ec2(ctx.aws()).describeNatGateways(r -> r.natGatewayIds(ids).filter(live)).natGateways();
    };
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    return new Observed(Ec2Resources.ec2(ctx.aws()).createNatGateway(r -> r.clientToken(ctx.clientToken()).subnetId(d.subnetId()).allocationId(d.allocationId())
        .tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.NATGATEWAY, d.physicalName()))).natGateway());
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    NatGateway n = o.gateway();
    if (n.state() == NatGatewayState.FAILED) {
      throw SlipwayException.terminal("NatGatewayFailed", n.natGatewayId() + ": " + n.failureMessage());
    }
    if (n.state() == NatGatewayState.PENDING) {
      return Optional.of(NotReady.awaiting("NAT gateway " + n.natGatewayId() + " pending", PENDING));
    }
    return Optional.empty();
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    NatGateway n = o.gateway();
    if (!d.subnetId().equals(n.subnetId()) || !o.allocations().contains(d.allocationId())) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "NAT gateway " + n.natGatewayId() + " is in " + n.subnetId() + " with " + o.allocations()
          + ", the spec wants " + d.subnetId() + " with " + d.allocationId() + "; a NAT gateway cannot move");
    }
    return List.of();
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String id = o.gateway().natGatewayId();
    return Published.of(id).internal(idOutput(d.name()), id).build();
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).deleteNatGateway(r -> r.natGatewayId(resource.id));
  }
}
