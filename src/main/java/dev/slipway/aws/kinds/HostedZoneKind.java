package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Hashes;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.GetHostedZoneResponse;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.HostedZoneNotEmptyException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.Tag;
import software.amazon.awssdk.services.route53.model.TagResourceType;

/**
 * The public hosted zone of {@code spec.domain}, when the service creates it
 * ({@code domain.createHostedZone}), as seeds 001 and 002 do with {@code aws route53 create-hosted-zone}
 * before anything else of the domain. Zone names need not be unique, so status records the zone's id;
 * its name servers are an output, to be set at the domain's registrar. Under {@code Delete} the zone
 * goes last, after the records Slipway wrote in it; a record someone else wrote keeps it (and says so).
 */
public final class HostedZoneKind implements AwsResourceKind<HostedZoneKind.Desired, HostedZoneKind.Observed> {

  public static final String KIND = "Route53HostedZone";
  static final String LOGICAL = "zone";
  static final String ID_OUTPUT = "domain.hostedZoneId";
  /** The zone's name servers, comma-separated: what the registrar must point at. */
  static final String NAME_SERVERS_OUTPUT = "domain.nameServers";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  public record Desired(String physicalName) implements DesiredResource {}

  public record Observed(HostedZone zone, List<String> nameServers, Map<String, String> tags) {
    String id() {
      return Domains.bareId(zone.id());
    }
  }

  /** Whether the spec asks Slipway to create the zone rather than find an existing one. */
  static boolean created(DomainSpec d) {
    return d != null && Boolean.TRUE.equals(d.createHostedZone);
  }

  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    DomainSpec d = ctx.spec().domain;
    if (!created(d)) {
      return List.of();
    }
    String name = d.hostedZone.toLowerCase(Locale.ROOT);
    return List.of(new Planned<>(this, LOGICAL, name, List.of(), c -> new Desired(name)));
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Route53Client route53 = Domains.route53(ctx);
    Optional<Observed> recorded = ctx.previous(KIND, LOGICAL).map(r -> r.id).flatMap(id -> byId(route53, id))
        .filter(o -> Domains.fromRoute53(o.zone().name()).equalsIgnoreCase(d.physicalName()));
    if (recorded.isPresent()) {
      return recorded;
    }
    List<Observed> named = new ArrayList<>();
    for (HostedZone z : Domains.publicZonesNamed(route53, d.physicalName())) {
      byId(route53, Domains.bareId(z.id())).ifPresent(named::add);
    }
    return Lookups.unique(ctx, named, Observed::tags, "hosted zone", d.physicalName());
  }

  private static Optional<Observed> byId(Route53Client route53, String id) {
    return AwsErrors.unlessNotFound(() -> route53.getHostedZone(r -> r.id(id)))
        .map(z -> new Observed(z.hostedZone(), nameServers(z), tagsOf(route53, id)));
  }

  private static List<String> nameServers(GetHostedZoneResponse z) {
    return z.delegationSet() == null ? List.of() : z.delegationSet().nameServers();
  }

  private static Map<String, String> tagsOf(Route53Client route53, String id) {
    Map<String, String> tags = new LinkedHashMap<>();
    route53.listTagsForResource(r -> r.resourceType(TagResourceType.HOSTEDZONE).resourceId(id)).resourceTagSet().tags()
        .forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  /**
   * A public zone; Route53 takes no tags at creation, so the runtime tags it right after. The caller
   * reference is fixed per service and zone, so a create retried after a lost answer makes no second zone.
   */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    String reference = Hashes.sha256(ctx.owner() + " " + d.physicalName()).substring(0, 32);
    var made = Domains.route53(ctx).createHostedZone(r -> r.name(d.physicalName()).callerReference(reference)
        .hostedZoneConfig(c -> c.comment("Slipway: ServerlessService " + ctx.owner()).privateZone(false)));
    return new Observed(made.hostedZone(), made.delegationSet() == null ? List.of() : made.delegationSet().nameServers(), Map.of());
  }

  /** Nothing of a zone changes in place: its name cannot change, and the comment is Slipway's own. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    return List.of();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    List<Tag> add = set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    Domains.route53(ctx).changeTagsForResource(r -> r.resourceType(TagResourceType.HOSTEDZONE).resourceId(o.id())
        .addTags(add.isEmpty() ? null : add).removeTagKeys(remove.isEmpty() ? null : List.copyOf(remove)));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.id())
        .output(NAME_SERVERS_OUTPUT, String.join(",", o.nameServers()))
        .internal(ID_OUTPUT, o.id())
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    Route53Client route53 = Domains.route53(ctx);
    return AwsErrors.unlessNotFound(() -> route53.getHostedZone(r -> r.id(resource.id))).map(z -> tagsOf(route53, resource.id));
  }

  /**
   * Route53 deletes only a zone that holds nothing but its own apex NS and SOA records. The records
   * Slipway wrote went before it; any other record is someone else's, and deleting it with the zone
   * would lose it, so the zone stays and the error names the records and the way out.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Route53Client route53 = Domains.route53(ctx);
    try {
      route53.deleteHostedZone(r -> r.id(resource.id));
    } catch (HostedZoneNotEmptyException e) {
      String apex = resource.physicalName.toLowerCase(Locale.ROOT);
      List<String> others = route53.listResourceRecordSetsPaginator(r -> r.hostedZoneId(resource.id)).resourceRecordSets().stream()
          .filter(rs -> !(Domains.fromRoute53(rs.name()).equalsIgnoreCase(apex) && (rs.type() == RRType.NS || rs.type() == RRType.SOA)))
          .map(rs -> Domains.fromRoute53(rs.name()) + " " + rs.typeAsString())
          .limit(10)
          .toList();
      throw SlipwayException.terminal("HostedZoneNotEmpty", "hosted zone " + resource.physicalName + " (" + resource.id + ") holds records Slipway"
          + " did not write (" + String.join(", ", others) + "): delete them, or set spec.deletionPolicy to Retain to keep the zone");
    }
  }
}
