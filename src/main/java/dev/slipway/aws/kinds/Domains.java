package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * The service's custom domain: the public hosted zone it lives in, either an existing one, found by
 * name (and by id when given) and only read, or the one {@link HostedZoneKind} creates.
 */
final class Domains {

  /** How the outputs name the REST API's and the WebSocket API's custom-domain URLs. */
  static final String REST_URL_OUTPUT = "domain.restApiUrl";
  static final String WEBSOCKET_URL_OUTPUT = "domain.webSocketUrl";

  /** The hosted zone, as Route53 names it. */
  record Zone(String id, String name) {}

  private Domains() {}

  static Route53Client route53(StackContext ctx) {
    return ctx.aws().client(Route53Client.class, Route53Client::builder);
  }

  /** Whether the spec declares any name that a regional certificate must cover. */
  static boolean regionalNames(DomainSpec d) {
    return d != null && (d.api != null || d.webSocket != null);
  }

  /** Every name the frontend's distribution serves: domain.frontend first, then its aliases. */
  static List<String> frontendNames(DomainSpec d) {
    if (d == null || d.frontend == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>(List.of(d.frontend));
    names.addAll(d.frontendAliases);
    return names;
  }

  /** The names a certificate of the zone covers: the apex and one level of subdomains. */
  static List<String> certificateNames(String zone) {
    return List.of(zone, "*." + zone);
  }

  /** The ARN API Gateway tags a custom domain name by (REST and WebSocket domains alike). */
  static String domainNameArn(StackContext ctx, String domainName) {
    return ApiGatewayArns.of(ctx.region(), "/domainnames/" + domainName);
  }

  /** A domain name's tags as API Gateway returns them, where an absent map means none. */
  static Map<String, String> tagsOf(Map<String, String> tags) {
    return tags == null ? Map.of() : new LinkedHashMap<>(tags);
  }

  /**
   * The zone of {@code spec.domain}: the one this service created (its id an output, so whatever writes
   * in it depends on {@link HostedZoneKind}), or the existing one, read once per reconcile.
   */
  static Zone zone(StackContext ctx) {
    DomainSpec d = ctx.spec().domain;
    if (HostedZoneKind.created(d)) {
      return new Zone(ctx.output(HostedZoneKind.ID_OUTPUT), d.hostedZone);
    }
    return ctx.sharedRead("route53-zone " + d.hostedZone + " " + d.hostedZoneId, () -> find(route53(ctx), d));
  }

  /** The public zones of this name (Route53 lists by name from there on, so the list is cut at it). */
  static List<HostedZone> publicZonesNamed(Route53Client route53, String name) {
    String dotted = name.toLowerCase(Locale.ROOT) + ".";
    return route53.listHostedZonesByName(r -> r.dnsName(name).maxItems("100")).hostedZones().stream()
        .filter(z -> z.name().equalsIgnoreCase(dotted))
        .filter(z -> z.config() == null || !Boolean.TRUE.equals(z.config().privateZone()))
        .toList();
  }

  private static Zone find(Route53Client route53, DomainSpec d) {
    List<HostedZone> named = publicZonesNamed(route53, d.hostedZone).stream()
        .filter(z -> d.hostedZoneId == null || bareId(z.id()).equals(d.hostedZoneId))
        .toList();
    if (named.isEmpty()) {
      throw SlipwayException.terminal("HostedZoneNotFound", "no public Route53 hosted zone is named " + d.hostedZone
          + (d.hostedZoneId == null ? "" : " with id " + d.hostedZoneId) + "; set domain.createHostedZone for Slipway to create it");
    }
    if (named.size() > 1) {
      throw SlipwayException.terminal("AmbiguousHostedZone", "several public Route53 hosted zones are named " + d.hostedZone
          + "; set domain.hostedZoneId to the one to use");
    }
    return new Zone(bareId(named.get(0).id()), d.hostedZone);
  }

  /** {@code /hostedzone/Z123} as {@code Z123}. */
  static String bareId(String id) {
    return id.substring(id.lastIndexOf('/') + 1);
  }

  /** Route53 names end with a dot and escape {@code *} as {@code \052}. */
  static String fromRoute53(String name) {
    String n = name.replace("\\052", "*");
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** The first page of a zone's records, and whether it is the whole zone. */
  private record ZonePage(List<ResourceRecordSet> sets, boolean complete) {}

  /**
   * The record set {@code name}/{@code type} of the zone, as this reconcile first read the zone: the
   * record kinds share one ListResourceRecordSets of the zone's first page (up to 300 record sets, the
   * most one call returns) instead of one call per record. A record not on that page is read on its
   * own unless the page was the whole zone (then it is absent). Writers call {@link #forgetRecords}.
   */
  static Optional<ResourceRecordSet> record(StackContext ctx, String zoneId, String name, RRType type) {
    Route53Client route53 = route53(ctx);
    ZonePage page = ctx.sharedRead(recordsKey(zoneId), () -> {
      ListResourceRecordSetsResponse r = route53.listResourceRecordSets(q -> q.hostedZoneId(zoneId).maxItems("300"));
      return new ZonePage(r.resourceRecordSets(), !Boolean.TRUE.equals(r.isTruncated()));
    });
    Optional<ResourceRecordSet> found = find(page.sets(), name, type);
    if (found.isPresent() || page.complete()) {
      return found;
    }
    return readRecord(route53, zoneId, name, type);
  }

  /** The record set {@code name}/{@code type}, read on its own (Route53 lists from there on). */
  static Optional<ResourceRecordSet> readRecord(Route53Client route53, String zoneId, String name, RRType type) {
    return find(route53.listResourceRecordSets(r -> r.hostedZoneId(zoneId).startRecordName(name).startRecordType(type).maxItems("1"))
        .resourceRecordSets(), name, type);
  }

  private static Optional<ResourceRecordSet> find(List<ResourceRecordSet> sets, String name, RRType type) {
    return sets.stream().filter(rs -> rs.type() == type && fromRoute53(rs.name()).equalsIgnoreCase(name)).findFirst();
  }

  /** After a write to the zone: the next {@link #record} reads it again. */
  static void forgetRecords(StackContext ctx, String zoneId) {
    ctx.forgetRead(recordsKey(zoneId));
  }

  private static String recordsKey(String zoneId) {
    return "route53-records " + zoneId;
  }

  /** The region of an ARN. */
  static String regionOf(String arn) {
    return arn.split(":", 5)[3];
  }
}
