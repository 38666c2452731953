package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/** The Elastic IP of each NAT gateway ({@code <prefix>-<nat>-eip}), released after its gateway is deleted. */
public final class ElasticIpKind extends Ec2Kind<ElasticIpKind.Desired, ElasticIpKind.Observed, Address> {

  public static final String KIND = "ElasticIp";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  public record Desired(String name, String physicalName) implements DesiredResource {}

  public record Observed(Address address) {}

  /** The output key of the allocation id of a NAT gateway's address. */
  static String allocationOutput(String nat) {
    return "network.elasticIp." + nat + ".allocationId";
  }

  public ElasticIpKind() {
    super(INFO, "Elastic IP", Observed::address, Address::allocationId, Address::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null) {
      return List.of();
    }
    return NatGatewayKind.names(ctx.spec().network).stream().map(nat -> {
      String physical = ctx.physicalName(nat + "-eip");
      return new Planned<>(this, nat, physical, List.<String>of(), c -> new Desired(nat, physical));
    }).toList();
  }

  @Override
  Ec2Resources.Describe<Address> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeAddresses(r -> r.allocationIds(ids).filters(filters)).addresses();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  /** The response has no tags, so the runtime reads the address back. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    Ec2Resources.ec2(ctx.aws()).allocateAddress(r -> r.domain(DomainType.VPC).tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.ELASTIC_IP, d.physicalName())));
    return null;
  }

  /** An address has nothing to change but its tags, which the runtime keeps. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    return List.of();
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String id = o.address().allocationId();
    return Published.of(id).internal(allocationOutput(d.name()), id).output("network.natGateway." + d.name() + ".publicIp", o.address().publicIp()).build();
  }

  /** EC2 refuses while the gateway using it is still being deleted: the deletion fails and the next cleanup tries again. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).releaseAddress(r -> r.allocationId(resource.id));
  }
}
