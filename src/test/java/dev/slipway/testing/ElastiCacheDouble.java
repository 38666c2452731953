package dev.slipway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
 *       ElastiCache does once the deletion is done.
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

  private MockResponse serve(RecordedRequest request, byte[] body, Map<String, String> form) {
    String action = form.getOrDefault("Action", "");
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
