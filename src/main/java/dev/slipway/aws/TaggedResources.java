package dev.slipway.aws;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.Tag;

/**
 * The tags of a service's resources of one type, read in one go: a paged GetResources of the
 * Resource Groups Tagging API filtered by the service's {@link Tags#SERVICE} tag, shared by the
 * kinds of a reconcile. A resync then reads the tags of 29 alarms with one call (two pages) instead of 29.
 *
 * <p>It lists only resources that carry the tag. For one it does not list (untagged, another
 * service's, or not indexed yet: the tagging API is eventually consistent) a kind reads that
 * resource's tags itself, so ownership and tag drift are judged exactly as before. Deletions never
 * use it: the tags that allow one are read from the resource right before it.
 */
public final class TaggedResources {

  private TaggedResources() {}

  /**
   * The tags of the resource {@code arn} of {@code resourceType} ({@code cloudwatch:alarm}, or a
   * service such as {@code logs}): from the shared listing when it lists the resource, else from
   * {@code own}, the resource's own tag read.
   */
  public static Map<String, String> of(StackContext ctx, String resourceType, String arn, Supplier<Map<String, String>> own) {
    Map<String, String> listed = listing(ctx, resourceType).get(arn);
    return listed != null ? listed : own.get();
  }

  /** The tags of this service's resources of {@code resourceType} in the context's region, by ARN. */
  private static Map<String, Map<String, String>> listing(StackContext ctx, String resourceType) {
    return ctx.sharedRead("tagged " + ctx.region() + " " + resourceType, () -> {
      ResourceGroupsTaggingApiClient tagging = ctx.aws().client(ResourceGroupsTaggingApiClient.class, ResourceGroupsTaggingApiClient::builder);
      Map<String, Map<String, String>> byArn = new HashMap<>();
      tagging.getResourcesPaginator(r -> r.resourceTypeFilters(resourceType).tagFilters(f -> f.key(Tags.SERVICE).values(ctx.tags().get(Tags.SERVICE))))
          .resourceTagMappingList()
          // A key twice (emulators keep a re-tagged key twice): the later value, as a tag read by itself would give.
          .forEach(m -> byArn.put(m.resourceARN(), m.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (first, later) -> later))));
      return Map.copyOf(byArn);
    });
  }
}
