package dev.slipway.aws;

import java.util.Set;

/**
 * What the runtime needs to know of a resource kind, declared once by the kind itself.
 *
 * @param name the kind name in status and events, for example {@code SNSTopic}
 * @param dependsOn the kinds whose resources this kind's resources may depend on; the runtime refuses
 *     a planned dependency on any other kind, so this list is the truth about the order
 * @param identity how an existing resource is found again
 * @param region null for the service's region, or the one region the kind lives in (CloudFront and
 *     its ACM certificates: us-east-1)
 * @param ownership how the runtime tells whose resource it is
 */
public record KindInfo(String name, Set<String> dependsOn, Identity identity, String region, Ownership ownership) {

  /** How an existing resource is found again. */
  public enum Identity {
    /** By its physical name, which is unique in the account and region (tables, roles, functions, topics). */
    NAME,
    /**
     * By the id the last status recorded, for kinds whose ids AWS generates and whose names need not be
     * unique (APIs, distributions, user pools): the kind reads by that id and, without one, looks for
     * the single resource of the name ({@link Lookups#unique}).
     */
    RECORDED_ID
  }

  /** How the runtime tells whose resource it is. */
  public enum Ownership {
    /** The resource carries tags: one naming another ServerlessService makes it foreign. */
    TAG,
    /**
     * The resource cannot carry tags (DNS records, base-path mappings, subscriptions, dashboards): it belongs to the
     * service that owns the resource it is part of, which the kind names in its dependencies.
     */
    PARENT,
    /**
     * The resource is not Slipway's but one the spec references by id (an existing VPC and its subnets):
     * read and published, never created, changed, tagged or deleted.
     */
    REFERENCED
  }

  /** A taggable kind in the service's region, identified by name. */
  public static KindInfo named(String name, Set<String> dependsOn) {
    return new KindInfo(name, dependsOn, Identity.NAME, null, Ownership.TAG);
  }

  /** A taggable kind in the service's region whose AWS ids are generated. */
  public static KindInfo recordedId(String name, Set<String> dependsOn) {
    return new KindInfo(name, dependsOn, Identity.RECORDED_ID, null, Ownership.TAG);
  }

  /** The same kind, living in one fixed region whatever the service's region is. */
  public KindInfo inRegion(String fixed) {
    return new KindInfo(name, dependsOn, identity, fixed, ownership);
  }

  /** The same kind, for resources the spec references and Slipway only reads. */
  public KindInfo referenced() {
    return new KindInfo(name, dependsOn, identity, region, Ownership.REFERENCED);
  }

  /** The same kind, owned through its parent because it carries no tags. */
  public KindInfo ownedByParent() {
    return new KindInfo(name, dependsOn, identity, region, Ownership.PARENT);
  }
}
