package dev.slipway.aws.kinds;

import dev.slipway.aws.AwsClients;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.Tag;

/**
 * What the ElastiCache kinds share: the client, and tags, which ElastiCache keeps by ARN
 * (ListTagsForResource, AddTagsToResource, RemoveTagsFromResource) for every resource type.
 */
final class ElastiCacheResources {

  private ElastiCacheResources() {}

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
