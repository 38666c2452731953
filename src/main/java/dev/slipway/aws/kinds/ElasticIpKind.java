package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/** The Elastic IP of each NAT gateway ({@code <prefix>-<nat>-eip}), released after its gateway is deleted. */
public final class ElasticIpKind implements AwsResourceKind<ElasticIpKind.Desired, ElasticIpKind.Observed> {

  public static final String KIND = "ElasticIp";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  public record Desired(String name, String physicalName) implements DesiredResource {}

  public record Observed(Address address) {}

  /** The output key of the allocation id of a NAT gateway's address. */
  static String allocationOutput(String nat) {
    return "network.elasticIp." + nat + ".allocationId";
  }

  @Override
  public KindInfo info() {
    return INFO;
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

  static Ec2Resources.Describe<Address> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeAddresses(r -> r.allocationIds(ids).filters(filters)).addresses();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return Ec2Resources.find(ctx, KIND, d.name(), d.physicalName(), describe(ctx), Address::tags, "Elastic IP").map(Observed::new);
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
  public Map<String, String> tags(Observed o) {
    return Ec2Resources.serviceTags(o.address().tags());
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    Ec2Resources.retag(ctx, o.address().allocationId(), set, remove);
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String id = o.address().allocationId();
    return Published.of(id).internal(allocationOutput(d.name()), id).output("network.natGateway." + d.name() + ".publicIp", o.address().publicIp()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Ec2Resources.ownerTags(resource, describe(ctx), Address::tags);
  }

  /** EC2 refuses while the gateway using it is still being deleted: the deletion fails and the next cleanup tries again. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).releaseAddress(r -> r.allocationId(resource.id));
  }
}
