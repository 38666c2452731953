package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.StackContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * What every EC2 network kind does the same way once it can say which SDK object its observed state
 * wraps, that object's id and tags, and how to describe it: find it (recorded id, else Name tag),
 * compare and change its tags, and read them for the ownership check before deletion.
 *
 * @param <T> the SDK type DescribeX returns (Vpc, Subnet, NatGateway...)
 */
abstract class Ec2Kind<D extends DesiredResource, O, T> implements AwsResourceKind<D, O> {

  private final KindInfo info;
  private final String what;
  private final Function<O, T> resource;
  private final Function<T, String> id;
  private final Function<T, List<Tag>> tags;

  /**
   * @param what the resource in messages ("NAT gateway")
   * @param resource the SDK object in the observed state
   */
  Ec2Kind(KindInfo info, String what, Function<O, T> resource, Function<T, String> id, Function<T, List<Tag>> tags) {
    this.info = info;
    this.what = what;
    this.resource = resource;
    this.id = id;
    this.tags = tags;
  }

  @Override
  public KindInfo info() {
    return info;
  }

  /** DescribeX by ids or by filters. */
  abstract Ec2Resources.Describe<T> describe(StackContext ctx);

  /** The resource this plan entry names: by the id status recorded while it exists, else by its Name tag. */
  Optional<T> find(StackContext ctx, String logicalName, String physicalName) {
    return Ec2Resources.find(ctx, info().name(), logicalName, physicalName, describe(ctx), tags, what);
  }

  @Override
  public Map<String, String> tags(O o) {
    return Ec2Resources.serviceTags(tags.apply(resource.apply(o)));
  }

  @Override
  public void retag(StackContext ctx, O o, Map<String, String> set, Collection<String> remove) {
    Ec2Resources.retag(ctx, id.apply(resource.apply(o)), set, remove);
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Ec2Resources.ownerTags(resource, describe(ctx), tags);
  }
}
