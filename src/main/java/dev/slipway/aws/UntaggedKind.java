package dev.slipway.aws;

import java.util.Collection;
import java.util.Map;

/**
 * A kind whose resources carry no tags (DNS records, bucket policies, subscriptions, app clients...):
 * whose one is, {@link #ownerTags} reads from what it belongs to, and the runtime never retags it.
 */
public interface UntaggedKind<D extends DesiredResource, O> extends AwsResourceKind<D, O> {

  @Override
  default Map<String, String> tags(O observed) {
    return null;
  }

  @Override
  default void retag(StackContext ctx, O observed, Map<String, String> set, Collection<String> remove) {
    throw new UnsupportedOperationException(info().name() + " resources carry no tags");
  }
}
