package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the kinds of resources the spec references by id share ({@link KindInfo.Ownership#REFERENCED}):
 * Slipway reads and publishes them and changes nothing. The runtime never tags or deletes them, so
 * the calls that would are refused here rather than left to do something.
 */
abstract class ReferencedKind<D extends DesiredResource, O> implements AwsResourceKind<D, O> {

  private final KindInfo info;

  ReferencedKind(KindInfo info) {
    this.info = info.referenced();
  }

  @Override
  public KindInfo info() {
    return info;
  }

  /** Nothing to change: the resource is used as it is. */
  @Override
  public List<Step> compare(StackContext ctx, D desired, O observed) {
    return List.of();
  }

  /** Its tags are not Slipway's to compare. */
  @Override
  public Map<String, String> tags(O observed) {
    return null;
  }

  @Override
  public void retag(StackContext ctx, O observed, Map<String, String> set, Collection<String> remove) {
    throw new IllegalStateException(info.name() + " is referenced, not Slipway's: it is never tagged");
  }

  /** Nothing of it is Slipway's to delete. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.empty();
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    throw new IllegalStateException(info.name() + " " + resource.physicalName + " is referenced, not Slipway's: it is never deleted");
  }
}
