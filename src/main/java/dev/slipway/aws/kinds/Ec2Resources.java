package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.StackContext;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * What the EC2 network kinds share. EC2 generates every id and names nothing, so a resource is found
 * by the id status recorded, else by its {@code Name} tag (the physical name) among those of that
 * name; its tags are set at creation and changed with CreateTags/DeleteTags. The {@code Name} tag is
 * the kind's identity, not one of the service's tags, so the runtime never sees it.
 */
final class Ec2Resources {

  /** The EC2 client of these clients' target (built like every other client: nothing is added to AwsClients for a kind). */
  static Ec2Client ec2(AwsClients aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder);
  }

  static final String NAME = "Name";

  private Ec2Resources() {}

  /** How one EC2 kind describes its resources: by id, and by a filter. */
  interface Describe<T> {
    List<T> by(List<String> ids, List<Filter> filters);
  }

  /**
   * The resource a plan entry names: by the recorded id while it exists, else the one named {@code
   * physicalName} (several are ambiguous unless one carries this service's tag).
   */
  static <T> Optional<T> find(StackContext ctx, String kind, String logical, String physicalName, Describe<T> describe,
      Function<T, List<Tag>> tags, String what) {
    Optional<T> recorded = ctx.previous(kind, logical).map(r -> r.id).flatMap(id -> byId(describe, id));
    if (recorded.isPresent()) {
      return recorded;
    }
    // Checked here as well: not every EC2 describe call honours a tag filter (moto's DescribeNatGateways ignores it).
    List<T> named = describe.by(null, List.of(Filter.builder().name("tag:" + NAME).values(physicalName).build())).stream()
        .filter(t -> physicalName.equals(all(tags.apply(t)).get(NAME)))
        .toList();
    return Lookups.unique(ctx, named, t -> all(tags.apply(t)), what, physicalName);
  }

  /** The resource with this id; empty when EC2 answers NotFound. */
  static <T> Optional<T> byId(Describe<T> describe, String id) {
    return AwsErrors.unlessNotFound(() -> describe.by(List.of(id), null)).flatMap(l -> l.stream().findFirst());
  }

  /** The tags a status entry's resource carries, for the runtime's ownership check before deletion. */
  static <T> Optional<Map<String, String>> ownerTags(ManagedResource resource, Describe<T> describe, Function<T, List<Tag>> tags) {
    return Optional.ofNullable(resource.id).flatMap(id -> byId(describe, id)).map(t -> all(tags.apply(t)));
  }

  /** The service's tags and the Name tag, for the TagSpecifications of a create call. */
  static TagSpecification tagging(StackContext ctx, ResourceType type, String physicalName) {
    Map<String, String> tags = new LinkedHashMap<>(ctx.tags());
    tags.put(NAME, physicalName);
    return TagSpecification.builder().resourceType(type).tags(toTags(tags)).build();
  }

  /** Every tag, Name included. */
  static Map<String, String> all(List<Tag> tags) {
    Map<String, String> m = new LinkedHashMap<>();
    tags.forEach(t -> m.put(t.key(), t.value()));
    return m;
  }

  /** The tags the runtime compares: all but Name. */
  static Map<String, String> serviceTags(List<Tag> tags) {
    Map<String, String> m = all(tags);
    m.remove(NAME);
    return m;
  }

  static void retag(StackContext ctx, String id, Map<String, String> set, Collection<String> remove) {
    if (!remove.isEmpty()) {
      Ec2Resources.ec2(ctx.aws()).deleteTags(r -> r.resources(id).tags(remove.stream().map(k -> Tag.builder().key(k).build()).toList()));
    }
    if (!set.isEmpty()) {
      Ec2Resources.ec2(ctx.aws()).createTags(r -> r.resources(id).tags(toTags(set)));
    }
  }

  private static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }
}
