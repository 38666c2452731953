package dev.slipway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * TEST DOUBLE for the ElastiCache operations moto 5.2.1 lacks or only half does, in front of the
 * fault proxy (so faults still apply to what it forwards), or behind it (routed to by {@link
 * AwsFaults#route}, forwarding to moto). moto has no ModifyReplicationGroup and no
 * DeleteCacheSubnetGroup, keeps a deleted replication group forever in status "deleting", and
 * ignores DeleteReplicationGroup's FinalSnapshotIdentifier. So the double:
 * <ul>
 *   <li>answers ModifyReplicationGroup itself and shows the changed node type, snapshot retention,
 *       automatic failover and multi-AZ in DescribeReplicationGroups answers from then on;
 *   <li>on DeleteReplicationGroup with FinalSnapshotIdentifier, first asks moto for CreateSnapshot
 *       of that name (what ElastiCache does as part of the delete), then forwards the delete;
 *   <li>after DeleteReplicationGroup or DeleteCacheSubnetGroup answers NotFound for that group, as
 *       ElastiCache does once the deletion is done;
 *   <li>plays ElastiCache Serverless, of which moto has nothing (its CreateServerlessCache is an
 *       HTTP 500 NotImplementedError): CreateServerlessCache, DescribeServerlessCaches,
 *       ModifyServerlessCache and DeleteServerlessCache on caches it keeps itself, and the tags of
 *       their ARNs (ListTagsForResource, AddTagsToResource, RemoveTagsFromResource). A cache is
 *       "creating" in the create answer, "modifying" in a modify answer and "available" in every
 *       describe; deleted, it is gone at once, and a FinalSnapshotName is kept in {@link
 *       #serverlessSnapshots()}.
 * </ul>
 * Every other request goes to moto unchanged.
 */
public final class ElastiCacheDouble implements AutoCloseable {

  private static final String XMLNS = "http://elasticache.amazonaws.com/doc/2015-02-02/";
  /** What ModifyReplicationGroup may set, as its parameter and as the element DescribeReplicationGroups shows it in. */
  private static final Map<String, String> MODIFIABLE = Map.of(
      "CacheNodeType", "CacheNodeType",
      "SnapshotRetentionLimit", "SnapshotRetentionLimit",
      "AutomaticFailoverEnabled", "AutomaticFailover",
      "MultiAZEnabled", "MultiAZ");
  private static final Set<String> FLAGS = Set.of("AutomaticFailover", "MultiAZ");

  private final MockWebServer server = new MockWebServer();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI upstream;
  /** The values ModifyReplicationGroup set, by replication group id and element. */
  private final Map<String, Map<String, String>> modified = new ConcurrentHashMap<>();
  private final Set<String> deletedGroups = ConcurrentHashMap.newKeySet();
  private final Set<String> deletedSubnetGroups = ConcurrentHashMap.newKeySet();
  private final Map<String, ServerlessCache> serverlessCaches = new ConcurrentHashMap<>();
  private final Map<String, String> serverlessSnapshots = new ConcurrentHashMap<>();

  /** In front of the fault proxy, as the kinds' tests use it. */
  public ElastiCacheDouble() {
    this(AwsFaults.shared().endpoint());
  }

  /** Forwarding what it does not serve to {@code upstream}: moto itself when the fault proxy {@link AwsFaults#route routes} to it. */
  public ElastiCacheDouble(URI upstream) {
    this.upstream = upstream;
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        byte[] body = request.getBody().readByteArray();
        return serve(request, body, form(new String(body, StandardCharsets.UTF_8)));
      }

      // The SDK's HTTP client sends "Expect: 100-continue"; answer it at once, as AWS and moto do.
      @Override
      public MockResponse peek() {
        return new MockResponse().setSocketPolicy(SocketPolicy.EXPECT_CONTINUE);
      }
    });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  /** The final snapshots DeleteServerlessCache took: snapshot name to the serverless cache's. */
  public Map<String, String> serverlessSnapshots() {
    return Map.copyOf(serverlessSnapshots);
  }

  private MockResponse serve(RecordedRequest request, byte[] body, Map<String, String> form) {
    String action = form.getOrDefault("Action", "");
    if (action.contains("ServerlessCache") || form.getOrDefault("ResourceName", "").contains(":serverlesscache:")) {
      return serveServerless(action, form, region(request));
    }
    String group = form.get("ReplicationGroupId");
    String subnetGroup = form.get("CacheSubnetGroupName");
    switch (action) {
      case "ModifyReplicationGroup" -> {
        if (deletedGroups.contains(group)) {
          return groupNotFound(group);
        }
        Map<String, String> values = modified.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
        MODIFIABLE.forEach((param, element) -> {
          if (form.containsKey(param)) {
            values.put(element, FLAGS.contains(element) ? (Boolean.parseBoolean(form.get(param)) ? "enabled" : "disabled") : form.get(param));
          }
        });
        return ok(action, "<ReplicationGroup><ReplicationGroupId>" + group + "</ReplicationGroupId><Status>modifying</Status></ReplicationGroup>");
      }
      case "DescribeReplicationGroups" -> {
        if (group != null && deletedGroups.contains(group)) {
          return groupNotFound(group);
        }
        MockResponse answer = Forwarding.forward(http, upstream, request, body);
        Map<String, String> values = group == null ? null : modified.get(group);
        if (values != null && answer.getStatus().contains(" 200 ")) {
          String xml = answer.getBody().readUtf8();
          for (Map.Entry<String, String> v : values.entrySet()) {
            xml = xml.replaceAll("<" + v.getKey() + ">[^<]*</" + v.getKey() + ">", "<" + v.getKey() + ">" + v.getValue() + "</" + v.getKey() + ">");
          }
          answer.setBody(xml);
        }
        return answer;
      }
      case "DeleteReplicationGroup" -> {
        if (deletedGroups.contains(group)) {
          return groupNotFound(group);
        }
        String snapshot = form.get("FinalSnapshotIdentifier");
        if (snapshot != null) {
          MockResponse taken = Forwarding.forward(http, upstream, request, query(Map.of("Action", "CreateSnapshot", "Version", form.get("Version"),
              "SnapshotName", snapshot, "ReplicationGroupId", group)));
          if (!taken.getStatus().contains(" 200 ")) {
            return taken;
          }
        }
        MockResponse answer = Forwarding.forward(http, upstream, request, body);
        if (answer.getStatus().contains(" 200 ")) {
          deletedGroups.add(group);
        }
        return answer;
      }
      case "DescribeCacheSubnetGroups", "DeleteCacheSubnetGroup" -> {
        if (subnetGroup != null && deletedSubnetGroups.contains(subnetGroup)) {
          return error(400, "CacheSubnetGroupNotFoundFault", "CacheSubnetGroup " + subnetGroup + " not found.");
        }
        if (action.equals("DescribeCacheSubnetGroups")) {
          return Forwarding.forward(http, upstream, request, body);
        }
        MockResponse exists = Forwarding.forward(http, upstream, request,
            query(Map.of("Action", "DescribeCacheSubnetGroups", "Version", form.get("Version"), "CacheSubnetGroupName", subnetGroup)));
        if (!exists.getStatus().contains(" 200 ")) {
          return exists;
        }
        deletedSubnetGroups.add(subnetGroup);
        return ok(action, null);
      }
      default -> {
        return Forwarding.forward(http, upstream, request, body);
      }
    }
  }

  /** One serverless cache as ElastiCache would keep it. */
  private static final class ServerlessCache {
    final String name;
    final String arn;
    final String engine;
    final String majorVersion;
    final String description;
    final String address;
    final List<String> subnetIds;
    volatile List<String> securityGroupIds;
    volatile String maxDataStorageGb;
    volatile String maxEcpuPerSecond;
    volatile String snapshotRetentionLimit;
    final Map<String, String> tags = new ConcurrentHashMap<>();

    ServerlessCache(String region, Map<String, String> form) {
      name = form.get("ServerlessCacheName").toLowerCase(java.util.Locale.ROOT);
      arn = "arn:aws:elasticache:" + region + ":123456789012:serverlesscache:" + name;
      engine = form.get("Engine");
      majorVersion = form.getOrDefault("MajorEngineVersion", engine.equals("valkey") ? "8" : "7");
      description = form.getOrDefault("Description", "");
      address = name + "-a1b2c3.serverless." + region + ".cache.amazonaws.com";
      subnetIds = list(form, "SubnetIds.SubnetId.");
      modify(form);
      snapshotRetentionLimit = form.getOrDefault("SnapshotRetentionLimit", "0");
      tags.putAll(tagsOf(form));
    }

    void modify(Map<String, String> form) {
      maxDataStorageGb = form.getOrDefault("CacheUsageLimits.DataStorage.Maximum", maxDataStorageGb);
      maxEcpuPerSecond = form.getOrDefault("CacheUsageLimits.ECPUPerSecond.Maximum", maxEcpuPerSecond);
      snapshotRetentionLimit = form.getOrDefault("SnapshotRetentionLimit", snapshotRetentionLimit);
      List<String> groups = list(form, "SecurityGroupIds.SecurityGroupId.");
      if (!groups.isEmpty() || securityGroupIds == null) {
        securityGroupIds = groups;
      }
    }

    String xml(String status) {
      StringBuilder b = new StringBuilder("<ServerlessCacheName>" + name + "</ServerlessCacheName><Description>" + description + "</Description>"
          + "<Status>" + status + "</Status><Engine>" + engine + "</Engine><MajorEngineVersion>" + majorVersion + "</MajorEngineVersion>"
          + "<FullEngineVersion>" + majorVersion + ".0</FullEngineVersion><CacheUsageLimits>");
      if (maxDataStorageGb != null) {
        b.append("<DataStorage><Maximum>").append(maxDataStorageGb).append("</Maximum><Unit>GB</Unit></DataStorage>");
      }
      if (maxEcpuPerSecond != null) {
        b.append("<ECPUPerSecond><Maximum>").append(maxEcpuPerSecond).append("</Maximum></ECPUPerSecond>");
      }
      b.append("</CacheUsageLimits><SecurityGroupIds>");
      securityGroupIds.forEach(g -> b.append("<SecurityGroupId>").append(g).append("</SecurityGroupId>"));
      b.append("</SecurityGroupIds><Endpoint><Address>").append(address).append("</Address><Port>6379</Port></Endpoint>")
          .append("<ReaderEndpoint><Address>").append(address).append("</Address><Port>6380</Port></ReaderEndpoint>")
          .append("<ARN>").append(arn).append("</ARN><SubnetIds>");
      subnetIds.forEach(id -> b.append("<SubnetId>").append(id).append("</SubnetId>"));
      return b.append("</SubnetIds><SnapshotRetentionLimit>").append(snapshotRetentionLimit).append("</SnapshotRetentionLimit>").toString();
    }
  }

  private MockResponse serveServerless(String action, Map<String, String> form, String region) {
    String name = form.containsKey("ServerlessCacheName") ? form.get("ServerlessCacheName").toLowerCase(java.util.Locale.ROOT) : null;
    String arn = form.get("ResourceName");
    ServerlessCache cache = name != null ? serverlessCaches.get(name)
        : arn == null ? null : serverlessCaches.values().stream().filter(c -> c.arn.equals(arn)).findFirst().orElse(null);
    String missing = name != null ? name : arn;
    switch (action) {
      case "CreateServerlessCache" -> {
        if (cache != null) {
          return error(400, "ServerlessCacheAlreadyExistsFault", "Serverless cache " + name + " already exists.");
        }
        ServerlessCache created = new ServerlessCache(region, form);
        serverlessCaches.put(created.name, created);
        return ok(action, "<ServerlessCache>" + created.xml("creating") + "</ServerlessCache>");
      }
      case "DescribeServerlessCaches" -> {
        if (name != null && cache == null) {
          return serverlessNotFound(name);
        }
        StringBuilder b = new StringBuilder("<ServerlessCaches>");
        (name == null ? serverlessCaches.values() : List.of(cache)).forEach(c -> b.append("<member>").append(c.xml("available")).append("</member>"));
        return ok(action, b.append("</ServerlessCaches>").toString());
      }
      case "ModifyServerlessCache" -> {
        if (cache == null) {
          return serverlessNotFound(missing);
        }
        cache.modify(form);
        return ok(action, "<ServerlessCache>" + cache.xml("modifying") + "</ServerlessCache>");
      }
      case "DeleteServerlessCache" -> {
        if (cache == null) {
          return serverlessNotFound(missing);
        }
        String snapshot = form.get("FinalSnapshotName");
        if (snapshot != null && serverlessSnapshots.putIfAbsent(snapshot, cache.name) != null) {
          return error(400, "ServerlessCacheSnapshotAlreadyExistsFault", "Serverless cache snapshot " + snapshot + " already exists.");
        }
        serverlessCaches.remove(cache.name);
        return ok(action, "<ServerlessCache>" + cache.xml("deleting") + "</ServerlessCache>");
      }
      case "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource" -> {
        if (cache == null) {
          return serverlessNotFound(missing);
        }
        cache.tags.putAll(tagsOf(form));
        list(form, "TagKeys.member.").forEach(cache.tags::remove);
        StringBuilder b = new StringBuilder("<TagList>");
        new java.util.TreeMap<>(cache.tags).forEach((k, v) -> b.append("<Tag><Key>").append(k).append("</Key><Value>").append(v).append("</Value></Tag>"));
        return ok(action, b.append("</TagList>").toString());
      }
      default -> {
        return error(400, "InvalidParameterValue", "ElastiCacheDouble does not play " + action + " for serverless caches");
      }
    }
  }

  private static MockResponse serverlessNotFound(String name) {
    return error(404, "ServerlessCacheNotFoundFault", "Serverless cache " + name + " not found.");
  }

  /** The values of a query-protocol list, {@code prefix1}, {@code prefix2}, ... in order. */
  private static List<String> list(Map<String, String> form, String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 1; form.containsKey(prefix + i); i++) {
      values.add(form.get(prefix + i));
    }
    return values;
  }

  private static Map<String, String> tagsOf(Map<String, String> form) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 1; form.containsKey("Tags.Tag." + i + ".Key"); i++) {
      tags.put(form.get("Tags.Tag." + i + ".Key"), form.getOrDefault("Tags.Tag." + i + ".Value", ""));
    }
    return tags;
  }

  /** The region a request is signed for (SigV4's credential scope). */
  private static String region(RecordedRequest request) {
    String authorization = request.getHeader("Authorization");
    java.util.regex.Matcher m = authorization == null ? null : java.util.regex.Pattern.compile("Credential=[^/]+/[0-9]+/([^/]+)/").matcher(authorization);
    return m != null && m.find() ? m.group(1) : "us-east-1";
  }

  private static MockResponse groupNotFound(String group) {
    return error(404, "ReplicationGroupNotFoundFault", "Replication group " + group + " not found.");
  }

  private static MockResponse ok(String action, String result) {
    String inner = result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>";
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/xml")
        .setBody("<" + action + "Response xmlns=\"" + XMLNS + "\">" + inner + "<ResponseMetadata><RequestId>elasticache-double</RequestId></ResponseMetadata></"
            + action + "Response>");
  }

  private static MockResponse error(int status, String code, String message) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "text/xml")
        .setBody("<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message
            + "</Message></Error><RequestId>elasticache-double</RequestId></ErrorResponse>");
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static byte[] query(Map<String, String> params) {
    StringBuilder b = new StringBuilder();
    params.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
