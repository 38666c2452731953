package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.cli.KubectlSlipway;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's history API on its HTTP port, against the real API server: each caller authorised
 * for its namespace by TokenReview and SubjectAccessReview, with ServiceAccounts whose Roles allow
 * what they allow; the JSON of the releases and of the stats, whose figures are the plugin's.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class HistoryApiTest {

  /** Keeps the operator under test from reconciling the fixtures: they are history, not work. */
  private static final String LABEL = "slipway.dev/test-operator";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Instant now = Instant.now();

  @TestHTTPResource("/")
  URI base;

  private String teamA;
  private String teamB;

  @BeforeEach
  void history() {
    teamA = kube.newNamespace("history-a");
    teamB = kube.newNamespace("history-b");
    release(teamA, "api-1", "shop", "api", ReleasePhase.Succeeded, 3 * 3600, 600, Map.of());
    release(teamA, "api-2", "shop", "api", ReleasePhase.RolledBack, 2 * 3600, 240, Map.of());
    release(teamA, "api-3", "shop", "api", ReleasePhase.Succeeded, 3600, 120, Map.of());
    release(teamA, "api-old", "shop", "api", ReleasePhase.Succeeded, 40 * 86_400, 60, Map.of());
    release(teamA, "legacy-1", null, "legacy-fn", ReleasePhase.Failed, 1800, 30,
        Map.of(ReleaseRecord.COMMIT, "3f9f0ba", ReleaseRecord.DEPLOYER, "ci-pipeline"));
    release(teamA, "legacy-running", null, "legacy-fn", ReleasePhase.Progressing, 300, null, Map.of());
    release(teamB, "secret-1", null, "other-fn", ReleasePhase.Succeeded, 600, 60, Map.of());
  }

  @Test
  void aCallerAllowedToListReleasesInOneNamespaceReadsItsHistoryAndNotAnothers() throws Exception {
    String reader = token(teamA, "reader", "get", "list");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(get("/api/v1/namespaces/" + teamA + "/releases", reader).json().get("releases")).hasSize(5));

    Response all = get("/api/v1/namespaces/" + teamA + "/releases", reader);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().get("namespace").asText()).isEqualTo(teamA);
    assertThat(all.json().get("since").asText()).isEqualTo("30d");
    assertThat(names(all.json())).as("newest first, the 40-day-old one outside the window")
        .containsExactly("legacy-running", "legacy-1", "api-3", "api-2", "api-1");
    assertThat(names(get("/api/v1/namespaces/" + teamA + "/releases?service=shop", reader).json()))
        .containsExactly("api-3", "api-2", "api-1");
    assertThat(names(get("/api/v1/namespaces/" + teamA + "/releases?function=legacy-fn", reader).json()))
        .containsExactly("legacy-running", "legacy-1");
    assertThat(names(get("/api/v1/namespaces/" + teamA + "/releases?function=shop/api&since=60d", reader).json()))
        .containsExactly("api-3", "api-2", "api-1", "api-old");
    assertThat(get("/api/v1/namespaces/" + teamA + "/releases?since=soon", reader).status()).isEqualTo(400);

    Response one = get("/api/v1/namespaces/" + teamA + "/releases/legacy-1", reader);
    assertThat(one.status()).isEqualTo(200);
    JsonNode r = one.json();
    assertThat(r.get("name").asText()).isEqualTo("legacy-1");
    assertThat(r.get("service").isNull()).isTrue();
    assertThat(r.get("function").asText()).isEqualTo("legacy-fn");
    assertThat(r.get("physicalFunction").asText()).isEqualTo("legacy-fn");
    assertThat(r.get("phase").asText()).isEqualTo("Failed");
    assertThat(r.get("finished").asBoolean()).isTrue();
    assertThat(Instant.parse(r.get("startTime").asText())).isEqualTo(at(1800));
    assertThat(Instant.parse(r.get("finishTime").asText())).isEqualTo(at(1800).plusSeconds(30));
    assertThat(r.get("durationSeconds").asDouble()).isEqualTo(30.0);
    assertThat(r.get("stableVersion").asText()).isEqualTo("1");
    assertThat(r.get("canaryVersion").asText()).isEqualTo("2");
    assertThat(r.get("commit").asText()).isEqualTo("3f9f0ba");
    assertThat(r.get("deployer").asText()).isEqualTo("ci-pipeline");
    assertThat(get("/api/v1/namespaces/" + teamA + "/releases/legacy-running", reader).json().get("durationSeconds").isNull()).isTrue();
    assertThat(get("/api/v1/namespaces/" + teamA + "/releases/no-such-release", reader).status()).isEqualTo(404);

    // Another namespace, whose releases exist, is refused: list, get and stats alike.
    assertThat(get("/api/v1/namespaces/" + teamB + "/releases", reader).status()).isEqualTo(403);
    assertThat(get("/api/v1/namespaces/" + teamB + "/releases/secret-1", reader).status()).isEqualTo(403);
    Response stats = get("/api/v1/namespaces/" + teamB + "/stats", reader);
    assertThat(stats.status()).isEqualTo(403);
    assertThat(stats.json().get("message").asText()).isEqualTo("not allowed to list lambdareleases.slipway.dev in namespace " + teamB);
    assertThat(stats.body()).doesNotContain("secret-1", "other-fn");
  }

  @Test
  void withoutAValidTokenEveryEndpointAnswers401AndAListOnlyRoleGetsNoSingleRelease() throws Exception {
    for (String path : List.of("releases", "releases/api-1", "stats")) {
      String url = "/api/v1/namespaces/" + teamA + "/" + path;
      Response none = get(url, null);
      assertThat(none.status()).as(url).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertThat(get(url, "not-a-token").status()).as(url).isEqualTo(401);
    }
    String lister = token(teamA, "lister", "list");
    assertThat(get("/api/v1/namespaces/" + teamA + "/releases", lister).status()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/" + teamA + "/releases/api-1", lister).status()).isEqualTo(403);
  }

  @Test
  void statsHaveTheRatesAndDurationsOfThePluginsStats() throws Exception {
    String reader = token(teamA, "reader", "list");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(get("/api/v1/namespaces/" + teamA + "/stats", reader).json().get("total").get("releases").asInt()).isEqualTo(5));

    JsonNode stats = get("/api/v1/namespaces/" + teamA + "/stats", reader).json();
    assertThat(stats.get("since").asText()).isEqualTo("30d");
    assertThat(stats.get("services")).hasSize(1);
    JsonNode shop = stats.get("services").get(0);
    assertThat(shop.get("key").asText()).isEqualTo(teamA + "/shop");
    assertThat(List.of(shop.get("releases").asInt(), shop.get("succeeded").asInt(), shop.get("rolledBack").asInt(),
        shop.get("failed").asInt(), shop.get("superseded").asInt(), shop.get("running").asInt())).containsExactly(3, 2, 1, 0, 0, 0);
    assertThat(shop.get("successRate").asDouble()).isEqualTo(2.0 / 3);
    assertThat(shop.get("rollbackRate").asDouble()).isEqualTo(1.0 / 3);
    assertThat(shop.get("meanSeconds").asDouble()).isEqualTo(320.0);
    assertThat(shop.get("p95Seconds").asDouble()).isEqualTo(600.0);
    assertThat(StreamSupport.stream(stats.get("functions").spliterator(), false).map(f -> f.get("key").asText()))
        .containsExactly(teamA + "/legacy-fn", teamA + "/shop/api");
    JsonNode total = stats.get("total");
    assertThat(total.get("key").asText()).isEqualTo("all");
    assertThat(List.of(total.get("releases").asInt(), total.get("succeeded").asInt(), total.get("rolledBack").asInt(),
        total.get("failed").asInt(), total.get("running").asInt())).containsExactly(5, 2, 1, 1, 1);
    assertThat(total.get("successRate").asDouble()).isEqualTo(0.5);
    assertThat(total.get("meanSeconds").asDouble()).isEqualTo(247.5);
    assertThat(total.get("p95Seconds").asDouble()).isEqualTo(600.0);

    // The plugin, reading the same objects itself, prints the same figures row by row.
    StringWriter out = new StringWriter();
    int code = KubectlSlipway.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
        "stats", "-n", teamA, "--kubeconfig", kube.kubeconfig().toString());
    assertThat(code).isZero();
    System.out.println("$ curl .../api/v1/namespaces/" + teamA + "/stats\n" + stats + "\n$ kubectl slipway stats\n" + out);
    List<JsonNode> rows = new java.util.ArrayList<>();
    stats.get("services").forEach(rows::add);
    stats.get("functions").forEach(rows::add);
    rows.add(total);
    for (JsonNode row : rows) {
      assertThat(out.toString()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(row.get("key").asText()) + " +" + String.join(" +",
          row.get("releases").asText(), row.get("succeeded").asText(), row.get("rolledBack").asText(), row.get("failed").asText(),
          row.get("superseded").asText(), row.get("running").asText(), percent(row.get("successRate")), percent(row.get("rollbackRate")),
          seconds(row.get("meanSeconds")), seconds(row.get("p95Seconds"))) + "$");
    }
  }

  @Test
  void thePluginReadsTheSameHistoryAndStatsThroughTheApiWithTheCallersToken() throws Exception {
    String reader = token(teamA, "reader", "list");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(get("/api/v1/namespaces/" + teamA + "/releases", reader).json().get("releases")).hasSize(5));

    for (List<String> command : List.of(List.of("history"), List.of("history", "shop"), List.of("stats"), List.of("stats", "--since=60d"))) {
      List<String> direct = new java.util.ArrayList<>(command);
      direct.addAll(List.of("-n", teamA, "--kubeconfig", kube.kubeconfig().toString()));
      List<String> served = new java.util.ArrayList<>(command);
      served.addAll(List.of("-n", teamA, "--server", base.toString(), "--token", reader));
      Plugin itself = plugin(direct);
      Plugin api = plugin(served);
      assertThat(api.code()).as(api.err()).isZero();
      assertThat(api.out()).as(String.join(" ", command)).isEqualTo(itself.out());
    }
    Plugin refused = plugin(List.of("history", "-n", teamB, "--server", base.toString(), "--token", reader));
    assertThat(refused.code()).isEqualTo(KubectlSlipway.ERROR);
    assertThat(refused.err()).contains("answered 403: not allowed to list lambdareleases.slipway.dev in namespace " + teamB);
  }

  private record Plugin(int code, String out, String err) {}

  private static Plugin plugin(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KubectlSlipway.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    return new Plugin(code, out.toString(), err.toString());
  }

  private record Response(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private Response get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body(), response.headers());
  }

  private static List<String> names(JsonNode list) {
    return StreamSupport.stream(list.get("releases").spliterator(), false).map(r -> r.get("name").asText()).toList();
  }

  /** As the plugin prints a rate: one decimal, "-" when absent. */
  private static String percent(JsonNode rate) {
    return rate.isNull() ? "-" : java.util.regex.Pattern.quote(String.format("%.1f%%", rate.asDouble() * 100));
  }

  private static String seconds(JsonNode s) {
    return s.isNull() ? "-" : Durations.format(Duration.ofMillis((long) (s.asDouble() * 1000)));
  }

  /** A ServiceAccount in {@code ns} whose Role there allows {@code verbs} on lambdareleases, and a token of it. */
  private String token(String ns, String name, String... verbs) {
    client.resource(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().build()).create();
    client.resource(new RoleBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .addNewRule().withApiGroups("slipway.dev").withResources("lambdareleases").withVerbs(verbs).endRule().build()).create();
    client.resource(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(ns).endSubject().build()).create();
    KubeApiServer.Result token = kube.kubectl(null, "create", "token", name, "-n", ns);
    assertThat(token.exitCode()).as(token.stderr()).isZero();
    return token.stdout().trim();
  }

  private Instant at(long secondsAgo) {
    return now.minusSeconds(secondsAgo).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  /** A release of version 2 over 1 that started {@code startedAgo} seconds ago and took {@code took} seconds (null: running). */
  private void release(String ns, String name, String service, String function, ReleasePhase phase, long startedAgo, Integer took,
      Map<String, String> annotations) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).addToLabels(LABEL, "history-api")
        .withAnnotations(annotations).build());
    r.setSpec(new LambdaReleaseSpec());
    if (service != null) {
      r.getSpec().service = service;
      r.getSpec().function = function;
    } else {
      r.getSpec().functionName = function;
      r.getSpec().alias = "live";
      r.getSpec().region = SlipwayTestEnvironment.AWS_REGION;
    }
    r.getSpec().code = CodeSource.s3("artifacts", name + ".zip");
    LambdaRelease created = client.resource(r).create();
    LambdaReleaseStatus status = new LambdaReleaseStatus();
    status.phase = phase;
    status.function = service == null ? function : service + "-prod-" + function;
    status.startTime = at(startedAgo).toString();
    status.finishTime = took == null ? null : at(startedAgo).plusSeconds(took).toString();
    status.stableVersion = "1";
    status.canaryVersion = "2";
    created.setStatus(status);
    client.resource(created).updateStatus();
  }
}
