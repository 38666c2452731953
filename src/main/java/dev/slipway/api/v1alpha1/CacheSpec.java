package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * An ElastiCache replication group (one shard, a primary and its replicas) or, with {@code
 * serverless}, an ElastiCache Serverless cache, in the network's private subnets, behind a security
 * group that admits only the functions group on its port.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.automaticFailover) && self.automaticFailover) || (has(self.replicas) && self.replicas >= 1)",
    message = "automaticFailover needs at least one replica to fail over to",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!(has(self.multiAz) && self.multiAz) || (has(self.automaticFailover) && self.automaticFailover)",
    message = "multiAz needs automaticFailover",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.serverless) || !(has(self.nodeType) || has(self.replicas) || has(self.automaticFailover) || has(self.multiAz))",
    message = "a serverless cache has no nodeType, replicas, automaticFailover or multiAz: ElastiCache sizes and spreads it itself",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.serverless) || ((!has(self.port) || self.port == 6379) && (!has(self.transitEncryption) || self.transitEncryption)"
        + " && (!has(self.atRestEncryption) || self.atRestEncryption))",
    message = "a serverless cache always listens on 6379 (6380 for reads from replicas) and always encrypts in transit and at rest",
    reason = "FieldValueInvalid")
public class CacheSpec {

  @Required
  @Size(max = 20)
  @Pattern("^[a-z]([a-z0-9]|-[a-z0-9])*$")
  @JsonPropertyDescription("Logical name, lowercase letters, digits and single hyphens; the replication group is <namePrefix>-<name> (at most 40"
      + " characters in all, lowercased) and its security group <namePrefix>-cache-<name>. Functions refer to it by this name.")
  public String name;

  @JsonPropertyDescription("valkey or redis. Default valkey. A change is refused: Slipway never replaces a cache.")
  public Engine engine = Engine.valkey;

  @Size(max = 16)
  @Pattern("^[0-9]+(\\.[0-9]+)*$")
  @JsonPropertyDescription("Engine version at creation, for example 8.0 (valkey) or 7.1 (redis); absent means ElastiCache's default. Only"
      + " used when the cache is created: Slipway does not upgrade an existing cache's engine.")
  public String engineVersion;

  @Size(max = 64)
  @Pattern("^cache\\.[a-z0-9]+\\.[a-z0-9]+$")
  @JsonPropertyDescription("Node type, for example cache.t4g.micro in dev and cache.r7g.large in prod (set per stage in an overlay). Changed in"
      + " place. Default cache.t4g.micro. Not with serverless.")
  public String nodeType = "cache.t4g.micro";

  @Min(0)
  @Max(5)
  @JsonPropertyDescription("Read replicas of the primary, 0 to 5. Fixed once the cache exists: a different count is refused with a reason."
      + " Default 0. Not with serverless.")
  public Integer replicas = 0;

  @JsonPropertyDescription("Promote a replica when the primary fails. Needs replicas of at least 1. Changed in place. Default false. Not with serverless.")
  public Boolean automaticFailover = false;

  @JsonPropertyDescription("Spread the primary and replicas over availability zones. Needs automaticFailover. Changed in place. Default false. Not with serverless.")
  public Boolean multiAz = false;

  @Min(1024)
  @Max(65535)
  @JsonPropertyDescription("The port clients connect to, and the only one the cache's security group opens to the functions group."
      + " Fixed once the cache exists. Default 6379; a serverless cache takes only 6379 (and opens 6380 too, for reads from replicas).")
  public Integer port = 6379;

  @JsonPropertyDescription("TLS between clients and the cache (clients connect with rediss://). No AUTH token or user group is set:"
      + " only the functions group reaches the cache. Fixed once the cache exists. Default true; a serverless cache is always so.")
  public Boolean transitEncryption = true;

  @JsonPropertyDescription("Encryption of the cache's disk and snapshots with the ElastiCache service key. Fixed once the cache exists."
      + " Default true; a serverless cache is always so.")
  public Boolean atRestEncryption = true;

  @Min(0)
  @Max(35)
  @JsonPropertyDescription("Days ElastiCache keeps daily automatic snapshots, 0 to 35 (0: none). Changed in place. Above 0, deleting the cache"
      + " under deletionPolicy Delete first takes a final snapshot, <replication group or serverless cache>-final-<time>. Serverless"
      + " caches too. Default 0.")
  public Integer snapshotRetentionDays = 0;

  @JsonPropertyDescription("An ElastiCache Serverless cache <namePrefix>-<name> instead of a replication group: ElastiCache scales it within"
      + " these limits, in the network's private subnets and the same security group. Set per stage in an overlay, as nodeType is (for"
      + " example serverless in dev, nodes in prod). Not with nodeType, replicas, automaticFailover or multiAz. An existing cache does"
      + " not turn from one kind into the other: declare the other kind under another name.")
  public Serverless serverless;

  /** Whether this is a replication group of nodes rather than an ElastiCache Serverless cache. */
  public boolean nodeBased() {
    return serverless == null;
  }

  /** The limits an ElastiCache Serverless cache scales within, changed in place by ModifyServerlessCache. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Serverless {
    @Required
    @Min(1)
    @Max(5000)
    @JsonPropertyDescription("The most data the cache holds, in GB, 1 to 5000; ElastiCache evicts or refuses writes beyond it. Changed in place.")
    public Integer maxDataStorageGb;

    @Required
    @Min(1000)
    @Max(15000000)
    @JsonPropertyDescription("The most ElastiCache Processing Units the cache uses a second, 1000 to 15000000; requests beyond it are"
        + " throttled. Changed in place.")
    public Integer maxEcpuPerSecond;
  }

  /** The engines ElastiCache runs in a replication group. */
  public enum Engine {
    valkey,
    redis
  }
}
