package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The A and AAAA alias records of a custom domain name in the hosted zone, pointing at the API
 * Gateway domain name's regional target or at the frontend's CloudFront distribution. DNS records carry no tags: they are the domain name's, whose
 * tags say whose they are, and a name that is the service's domain name is the service's in the zone
 * (a record already there is overwritten). Status records {@code <zone id>:<record name>}.
 */
public final class AliasRecordKind implements UntaggedKind<AliasRecordKind.Desired, AliasRecordKind.Observed> {

  public static final String KIND = "Route53AliasRecord";
  static final List<RRType> TYPES = List.of(RRType.A, RRType.AAAA);
  static final String FRONTEND = "frontend";
  private static final Pattern NAME = Pattern.compile(DomainSpec.DNS_NAME);
  /** The hosted zone every CloudFront distribution's alias target is in. */
  static final String CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(RestApiDomainKind.KIND, WebSocketDomainKind.KIND, DistributionKind.KIND)).ownedByParent();

  public record Desired(String physicalName, String zoneId, String target, String targetZoneId) implements DesiredResource {}

  /** @param aliases record type to the alias target as {@code <dns name> <zone id>} */
  public record Observed(String zoneId, String name, Map<RRType, String> aliases) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    DomainSpec d = ctx.spec().domain;
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    if (d != null && d.api != null && ctx.spec().restApi != null) {
      plan.add(planned(d.api, RestApiDomainKind.LOGICAL, RestApiDomainKind.key(), RestApiDomainKind.TARGET_OUTPUT, RestApiDomainKind.ZONE_OUTPUT));
    }
    if (d != null && d.webSocket != null && ctx.spec().webSocketApi != null) {
      plan.add(planned(d.webSocket, WebSocketDomainKind.LOGICAL, Planned.key(WebSocketDomainKind.KIND, WebSocketDomainKind.LOGICAL),
          WebSocketDomainKind.TARGET_OUTPUT, WebSocketDomainKind.ZONE_OUTPUT));
    }
    if (ctx.spec().frontend != null) {
      for (String name : Domains.frontendNames(d)) {
        String logical = name.equals(d.frontend) ? FRONTEND : FRONTEND + ":" + name;
        plan.add(new Planned<>(this, logical, name, List.of(DistributionKind.key()),
            c -> new Desired(name, Domains.zone(c).id(), c.output(DistributionKind.DOMAIN_OUTPUT), CLOUDFRONT_ZONE)));
      }
    }
    return plan;
  }

  private Planned<Desired, Observed> planned(String name, String logical, String parent, String targetOutput, String zoneOutput) {
    return new Planned<>(this, logical, name, List.of(parent), c -> {
      String target = c.findOutput(targetOutput).orElse(null);
      String targetZone = c.findOutput(zoneOutput).orElse(null);
      if (target == null || targetZone == null) {
        throw NotReady.awaiting("API Gateway domain name " + name + " shows no regional target yet", Duration.ofSeconds(30));
      }
      return new Desired(name, Domains.zone(c).id(), target, targetZone);
    });
  }

  /** The frontend's extra names, which the schema cannot check against the zone and the other names within its cost budget. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    DomainSpec d = spec.domain;
    if (d == null || d.frontendAliases.isEmpty()) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    if (d.frontend == null) {
      problems.add("domain.frontendAliases needs domain.frontend");
    }
    Set<String> taken = new HashSet<>();
    Stream.of(d.frontend, d.api, d.webSocket).filter(Objects::nonNull).forEach(taken::add);
    for (String name : d.frontendAliases) {
      if (name == null || !NAME.matcher(name).matches() || !(name.equals(d.hostedZone) || name.endsWith("." + d.hostedZone)
          && !name.substring(0, name.length() - d.hostedZone.length() - 1).contains("."))) {
        problems.add("domain.frontendAliases " + name + " must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)");
      } else if (!taken.add(name)) {
        problems.add("domain.frontendAliases " + name + " is already a name of spec.domain");
      }
    }
    return problems;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Map<RRType, String> aliases = new TreeMap<>();
    for (RRType type : TYPES) {
      Domains.record(ctx, d.zoneId(), d.physicalName(), type).ifPresent(rs -> aliases.put(type, describe(rs.aliasTarget())));
    }
    return aliases.isEmpty() ? Optional.empty() : Optional.of(new Observed(d.zoneId(), d.physicalName(), aliases));
  }

  /** The zone's A and AAAA records of {@code name}, by type. */
  private static Map<RRType, ResourceRecordSet> current(Route53Client route53, String zoneId, String name) {
    Map<RRType, ResourceRecordSet> found = new TreeMap<>();
    for (RRType type : TYPES) {
      Domains.readRecord(route53, zoneId, name, type).ifPresent(rs -> found.put(type, rs));
    }
    return found;
  }

  private static String describe(AliasTarget t) {
    return t == null ? "not an alias" : Domains.fromRoute53(t.dnsName()).toLowerCase(Locale.ROOT) + " " + t.hostedZoneId();
  }

  private static String wanted(Desired d) {
    return Domains.fromRoute53(d.target()).toLowerCase(Locale.ROOT) + " " + d.targetZoneId();
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    upsert(ctx, d, TYPES);
    return null;
  }

  private static void upsert(StackContext ctx, Desired d, List<RRType> types) {
    List<Change> changes = types.stream().map(type -> Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(rs -> rs.name(d.physicalName()).type(type)
        .aliasTarget(a -> a.dnsName(d.target()).hostedZoneId(d.targetZoneId()).evaluateTargetHealth(false))).build()).toList();
    try {
      Domains.route53(ctx).changeResourceRecordSets(r -> r.hostedZoneId(d.zoneId()).changeBatch(b -> b.changes(changes)));
    } finally {
      Domains.forgetRecords(ctx, d.zoneId());
    }
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    String want = wanted(d);
    for (RRType type : TYPES) {
      String have = o.aliases().get(type);
      if (!want.equals(have)) {
        steps.add(new Step(type.toString(), want, have, () -> upsert(ctx, d, List.of(type))));
      }
    }
    return steps;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(d.zoneId() + ":" + d.physicalName()).build();
  }

  /** The tags of the API Gateway domain name the records point at. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    String name = resource.id.substring(resource.id.indexOf(':') + 1);
    if (FRONTEND.equals(resource.name) || resource.name.startsWith(FRONTEND + ":")) {
      // The distribution's: found through its status entry, its tags read from CloudFront.
      Optional<ManagedResource> distribution = ctx.previous(DistributionKind.KIND, DistributionKind.LOGICAL);
      return distribution.isEmpty() ? Optional.empty()
          : new DistributionKind().ownerTags(ctx.inRegion(DistributionKind.REGION), distribution.get()).map(AliasRecordKind::withoutName);
    }
    Map<String, String> tags = WebSocketDomainKind.LOGICAL.equals(resource.name)
        ? ctx.aws().apiGatewayV2().getDomainName(r -> r.domainName(name)).tags()
        : ctx.aws().apiGateway().getDomainName(r -> r.domainName(name)).tags();
    return Optional.of(tags == null ? Map.of() : tags);
  }

  private static Map<String, String> withoutName(Map<String, String> tags) {
    Map<String, String> own = new TreeMap<>(tags);
    own.remove(Ec2Resources.NAME);
    return own;
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    String zoneId = resource.id.substring(0, resource.id.indexOf(':'));
    String name = resource.id.substring(resource.id.indexOf(':') + 1);
    Route53Client route53 = Domains.route53(ctx);
    List<Change> changes = current(route53, zoneId, name).values().stream()
        .map(rs -> Change.builder().action(ChangeAction.DELETE).resourceRecordSet(rs).build()).toList();
    if (!changes.isEmpty()) {
      route53.changeResourceRecordSets(r -> r.hostedZoneId(zoneId).changeBatch(b -> b.changes(changes)));
      Domains.forgetRecords(ctx, zoneId);
    }
  }
}
