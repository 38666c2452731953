package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.testing.CapturedLogs;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing secret leaves its Secret: a marker is planted wherever a secret enters Slipway — the Slack
 * webhook Secret (as a URL with characters illegal in a URI, whose parse error would quote it) and a
 * Lambda environment value (created, then changed) — and searched for in every status, every event
 * of the namespace, every log record of the operator and every metric series.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class SecretMarkerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final String marker = "slipway-marker-" + UUID.randomUUID();
  private CapturedLogs logs;
  private String ns;

  @Inject MeterRegistry registry;

  @BeforeEach
  void capture() {
    logs = CapturedLogs.install();
    ns = kube.newNamespace("secrets");
    Tenancies.allowFunctionReleases(client, ns, ReleaseFixture.REGION);
  }

  @AfterEach
  void stop() {
    logs.close();
    client.resources(ServerlessService.class).inNamespace(ns).delete();
    await().atMost(TIMEOUT).until(() -> client.resources(ServerlessService.class).inNamespace(ns).list().getItems().isEmpty());
    Tenancies.revoke(client, ns);
    aws.close();
  }

  @Test
  void noMarkerFromAWebhookSecretOrAnEnvironmentValueAppearsInStatusEventsLogsOrMetrics() {
    // 1. A webhook URL a URI parser rejects: the release goes on, the channel counts an error.
    String fn = unique("marker");
    aws.function(fn, fn + "/v1.zip");
    CanaryPolicy p = policy(ns, "quick", null, null, 50, "1s");
    ReleaseFixture.slack(client, p, "https://hooks.slack.invalid/services/T0/B0/" + marker + " |{bad}");
    client.resource(p).create();
    double errorsBefore = slackErrors();
    client.resource(release(ns, "ship", fn, aws.code(fn + "/v2.zip", "v2"), "quick")).create();
    LambdaReleaseStatus shipped = await().atMost(TIMEOUT).until(() -> status("ship"), s -> s != null && s.finishTime != null);
    assertThat(shipped.phase).as(shipped.message).isEqualTo(ReleasePhase.Succeeded);
    assertThat(slackErrors()).as("announcements lost to the unusable webhook").isGreaterThan(errorsBefore);

    // 2. An environment value, created and then changed (a Lambda update and a service-created release).
    String svc = unique("envsvc");
    aws.code(svc + "/1.zip", "one");
    ServerlessService service = new ServerlessService();
    service.setMetadata(new ObjectMetaBuilder().withName(svc).withNamespace(ns).build());
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.stage = "prod";
    spec.region = ReleaseFixture.REGION;
    spec.deletionPolicy = ServerlessServiceSpec.DeletionPolicy.Delete;
    spec.functions.add(ReleaseFixture.functionSpec("api", svc + "/1.zip", null));
    spec.functions.get(0).environment = Map.of("API_TOKEN", marker + "-old");
    service.setSpec(spec);
    client.resource(service).create();
    awaitConverged(svc, 1);
    long generation = client.resources(ServerlessService.class).inNamespace(ns).withName(svc).edit(s -> {
      s.getSpec().functions.get(0).environment = Map.of("API_TOKEN", marker + "-new");
      return s;
    }).getMetadata().getGeneration();
    awaitConverged(svc, generation);
    // The change was reported, with its field named and its values redacted.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(everyEvent()).anyMatch(e -> e.contains("environment")));

    List<String> places = new ArrayList<>();
    client.resources(LambdaRelease.class).inNamespace(ns).list().getItems()
        .forEach(r -> places.add("status of LambdaRelease " + r.getMetadata().getName() + ": " + json(r.getStatus())));
    client.resources(ServerlessService.class).inNamespace(ns).list().getItems()
        .forEach(s -> places.add("status of ServerlessService " + s.getMetadata().getName() + ": " + json(s.getStatus())));
    client.resources(CanaryPolicy.class).inNamespace(ns).list().getItems()
        .forEach(c -> places.add("status of CanaryPolicy " + c.getMetadata().getName() + ": " + json(c.getStatus())));
    everyEvent().forEach(e -> places.add("event: " + e));
    logs.lines().forEach(l -> places.add("log: " + l));
    registry.getMeters().stream().map(Meter::getId).forEach(id -> places.add("metric: " + id));
    assertThat(places).as("the search covered statuses, events and logs")
        .anyMatch(s -> s.startsWith("status of LambdaRelease ship"))
        .anyMatch(s -> s.startsWith("event: "))
        .anyMatch(s -> s.startsWith("log: "));
    assertThat(places).noneMatch(s -> s.contains(marker));
  }

  private void awaitConverged(String svc, long generation) {
    await().atMost(TIMEOUT).untilAsserted(() -> {
      ServerlessService s = client.resources(ServerlessService.class).inNamespace(ns).withName(svc).get();
      assertThat(s.getStatus()).isNotNull();
      assertThat(s.getStatus().observedGeneration).isEqualTo(generation);
      assertThat(s.getStatus().conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    });
  }

  private LambdaReleaseStatus status(String name) {
    LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    return r == null ? null : r.getStatus();
  }

  private List<String> everyEvent() {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(e -> e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }

  private double slackErrors() {
    return registry.find("slipway.notifications").tag("channel", "slack").tag("outcome", "error").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private String json(Object o) {
    return client.getKubernetesSerialization().asJson(o);
  }
}
