package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CacheSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.Endpoint;
import software.amazon.awssdk.services.elasticache.model.Tag;

/**
 * What the ElastiCache kinds share: the client; tags, which ElastiCache keeps by ARN
 * (ListTagsForResource, AddTagsToResource, RemoveTagsFromResource) for every resource type; and
 * what a cache of {@code spec.caches} is to the rest of the stack whichever kind makes it (a
 * replication group or a serverless cache): its security group, its outputs, its final snapshot.
 */
final class ElastiCacheResources {

  /** The longest replication group or serverless cache name ElastiCache takes. */
  static final int MAX_ID = 40;
  /** How soon to look again at a cache ElastiCache is creating, modifying or deleting: it takes minutes. */
  static final Duration BUSY = Duration.ofSeconds(30);

  /** What a refused change of a cache says: how to get what was asked for without losing the data. */
  static final String NOT_REPLACED = ", and Slipway does not replace a cache and its data; set the spec back, or declare a new cache under"
      + " another name and move the clients to it";

  private ElastiCacheResources() {}

  /** The logical name of a cache's security group in the network. */
  static String groupName(String cache) {
    return "cache-" + cache;
  }

  /** The key of the resource a cache is: a serverless cache or a replication group. */
  static String key(CacheSpec cache) {
    return Planned.key(cache.nodeBased() ? CacheReplicationGroupKind.KIND : CacheServerlessKind.KIND, cache.name);
  }

  /** What a cache waits for: the security group the functions reach it through. */
  static String securityGroupKey(String cache) {
    return Planned.key(SecurityGroupKind.KIND, groupName(cache));
  }

  /** The id of a cache's security group, once the group published it. */
  static String securityGroupId(StackContext ctx, String cache) {
    return ctx.output(SecurityGroupKind.idOutput(groupName(cache)));
  }

  /**
   * A cache's AWS name ({@code what}: the replication group id or the serverless cache name),
   * refused when ElastiCache would not take it, and when status recorded the cache as the other
   * kind (a replication group now declared serverless, or the other way): Slipway does not replace a
   * cache and its data, and the refusal leaves the run incomplete, so the old cache is not deleted
   * as dropped either.
   */
  static String checkedName(StackContext ctx, CacheSpec cache, String physical, String what) {
    if (physical.length() > MAX_ID) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "cache " + cache.name + ": its " + what + " " + physical + " is longer than "
          + MAX_ID + " characters; set a shorter spec.namePrefix or cache name");
    }
    boolean wasServerless = ctx.previous(CacheServerlessKind.KIND, cache.name).isPresent();
    boolean wasNodes = ctx.previous(CacheReplicationGroupKind.KIND, cache.name).isPresent();
    if (cache.nodeBased() ? wasServerless : wasNodes) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, "cache " + cache.name + " is " + (wasServerless ? "a serverless cache" : "a replication group")
          + " and cannot become " + (wasServerless ? "a replication group" : "a serverless cache") + NOT_REPLACED);
    }
    return physical;
  }

  static String outputKey(String cache, FunctionSpec.CacheOutput.Value value) {
    return "caches." + cache + "." + value.name();
  }

  /**
   * The output a function's environmentFrom asks for, which the cache published before the function
   * (it waits for the caches it names); ElastiCache showing no reader endpoint is a terminal error.
   */
  static String output(StackContext ctx, FunctionSpec.CacheOutput ref, String where) {
    return ctx.findOutput(outputKey(ref.name, ref.value)).orElseThrow(() -> SlipwayException.terminal(Reasons.INVALID_SPEC,
        where + ": cache " + ref.name + " has no " + ref.value + " (ElastiCache shows none)"));
  }

  /** A cache's outputs, whichever kind it is: the primary's and the readers' address, and the port; null ones are left out. */
  static Published publish(String arn, String cache, String endpoint, String readerEndpoint, Integer port) {
    return Published.of(arn)
        .output(outputKey(cache, FunctionSpec.CacheOutput.Value.endpoint), endpoint)
        .output(outputKey(cache, FunctionSpec.CacheOutput.Value.readerEndpoint), readerEndpoint)
        .output(outputKey(cache, FunctionSpec.CacheOutput.Value.port), port == null ? null : String.valueOf(port))
        .build();
  }

  static String address(Endpoint e) {
    return e == null ? null : e.address();
  }

  /**
   * ElastiCache works for minutes after a create or a change: {@code what} (the kind and the id of
   * a cache) is NotReady until it is available again; a failed creation is terminal.
   */
  static Optional<NotReady> readiness(String what, String status) {
    if ("create-failed".equals(status)) {
      throw SlipwayException.terminal("CacheCreateFailed", what + " failed to be created");
    }
    return "available".equals(status) ? Optional.empty() : Optional.of(NotReady.awaiting(what + " is " + status, BUSY));
  }

  /**
   * Deletes cache {@code id} ({@code what}: its kind) with {@code delete}, which gets the name of a
   * final snapshot when the cache keeps snapshots (ElastiCache takes it as part of the delete) and
   * null otherwise, unless ElastiCache is deleting it already; while {@code describe} still finds
   * it, the pass waits, since the groups before it in status are in use until it is gone.
   */
  static void delete(String what, String id, String status, Integer retentionDays, Consumer<String> delete, Supplier<Optional<?>> describe) {
    if (!"deleting".equals(status)) {
      delete.accept(retentionDays != null && retentionDays > 0 ? DatabaseSettings.finalSnapshot(id, Clock.systemUTC()) : null);
    }
    if (AwsErrors.unlessNotFound(describe).flatMap(o -> o).isPresent()) {
      throw NotReady.awaiting(what + " " + id + " is being deleted", BUSY);
    }
  }

  /**
   * The network groups the caches bring: each admits the functions group on the cache's port,
   * nothing else; a serverless cache's also on 6380, where it serves reads from replicas.
   */
  static List<NetworkSpec.SecurityGroup> securityGroups(ServerlessServiceSpec spec) {
    return spec.caches.stream().map(c -> {
      NetworkSpec.SecurityGroup g = new NetworkSpec.SecurityGroup();
      g.name = groupName(c.name);
      List<Integer> ports = new ArrayList<>(List.of(c.port));
      if (!c.nodeBased()) {
        ports.add(CacheServerlessKind.READER_PORT);
      }
      ports.forEach(port -> g.ingressFrom.add(new NetworkSpec.Ingress(SecurityGroupKind.FUNCTIONS, null, port)));
      return g;
    }).toList();
  }

  static ElastiCacheClient elastiCache(AwsClients aws) {
    return aws.client(ElastiCacheClient.class, ElastiCacheClient::builder);
  }

  /** ElastiCache stores the names of replication and subnet groups in lowercase, so Slipway asks for them so. */
  static String name(String physicalName) {
    return physicalName.toLowerCase(Locale.ROOT);
  }

  static Map<String, String> tags(AwsClients aws, String arn) {
    Map<String, String> tags = new LinkedHashMap<>();
    elastiCache(aws).listTagsForResource(r -> r.resourceName(arn)).tagList().forEach(t -> tags.put(t.key(), t.value()));
    return tags;
  }

  static void retag(AwsClients aws, String arn, Map<String, String> set, Collection<String> remove) {
    if (!remove.isEmpty()) {
      elastiCache(aws).removeTagsFromResource(r -> r.resourceName(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      elastiCache(aws).addTagsToResource(r -> r.resourceName(arn).tags(toTags(set)));
    }
  }

  static List<Tag> toTags(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }
}
