package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.rest;
import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.NotificationEvent;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A ServerlessService's own notifications, with the real reconciler: each transition of its Ready
 * condition announced once (not per resync), its policy-less releases announced on its channels, each
 * channel only the events routed to it. Slack and the webhook are a local server the test plays
 * itself (on loopback, which the namespace's tenancy allows); SNS is moto, delivering to the same
 * server through an HTTP subscription. See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceNotificationsTest extends ServiceReconcilerTestBase {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The change the test has AWS refuse: the function's configuration. */
  private static final Predicate<AwsFaults.Request> REFUSED_UPDATE = rest("PUT", "/2015-03-31/functions/announced-prod-api/configuration");

  private final MockWebServer hooks = new MockWebServer();
  /** What reached the local server, as path and body, in order. */
  private final List<String[]> received = new CopyOnWriteArrayList<>();
  private SnsClient sns;

  @BeforeEach
  void receiver() throws IOException {
    hooks.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        received.add(new String[] {r.getPath(), r.getBody().readUtf8()});
        return new MockResponse().setResponseCode(200);
      }
    });
    hooks.start();
    sns = SnsClient.builder().endpointOverride(MotoServer.shared().endpoint()).region(Region.of(SlipwayTestEnvironment.AWS_REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
  }

  @AfterEach
  void stopReceiver() throws IOException {
    hooks.shutdown();
    sns.close();
  }

  @Test
  void eachTransitionIsAnnouncedOnceOnTheChannelsRoutedItAndPolicyLessReleasesOnTheServicesChannels() {
    String topic = sns.createTopic(b -> b.name("stacks-" + UUID.randomUUID().toString().substring(0, 8))).topicArn();
    sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(hooks.url("/sns").toString()));
    Tenancies.grant(client, ns, t -> {
      t.internalTargets = List.of("127.0.0.0/8");
      t.topicArns = List.of(topic);
    });
    client.resource(new SecretBuilder().withNewMetadata().withName("hooks").withNamespace(ns).endMetadata()
        .addToStringData("slack", hooks.url("/slack").toString())
        .addToStringData("webhook", hooks.url("/webhook?token=t0k3n").toString()).build()).create();

    ServerlessService s = small("announced");
    s.getMetadata().setAnnotations(Map.of(Slipway.COMMIT_ANNOTATION, "9f2c1ab", Slipway.DEPLOYER_ANNOTATION, "ci/notes#7"));
    CanaryPolicySpec.Notifications n = new CanaryPolicySpec.Notifications();
    n.snsTopicArn = topic;
    n.snsEvents = List.of(NotificationEvent.ServiceDegraded);
    n.slack = new CanaryPolicySpec.Slack();
    n.slack.webhookSecretRef = ref("slack");
    n.webhook = new CanaryPolicySpec.Webhook();
    n.webhook.urlSecretRef = ref("webhook");
    n.webhook.events = List.of(NotificationEvent.ServiceReady, NotificationEvent.ServiceDegraded, NotificationEvent.ServiceDeleted,
        NotificationEvent.Promoted);
    s.getSpec().notifications = n;
    create(s);

    // Converged: once, however many resyncs follow.
    awaitReady("announced", 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(webhookEvents()).containsExactly("ServiceReady"));
    awaitPasses(target("DescribeTable").and(r -> r.bodyContains("announced-prod-items")), 2);
    assertThat(webhookEvents()).containsExactly("ServiceReady");
    assertThat(slackTexts()).containsExactly(":white_check_mark: ServerlessService " + ns + "/announced ready (stage prod, us-east-1)");
    JsonNode ready = webhookDocuments().get(0);
    assertThat(ready.get("kind").asText()).isEqualTo("ServiceEvent");
    assertThat(ready.get("namespace").asText()).isEqualTo(ns);
    assertThat(ready.get("service").asText()).isEqualTo("announced");
    assertThat(ready.get("generation").asLong()).isEqualTo(1);
    assertThat(ready.get("reason").asText()).isEqualTo("Converged");
    assertThat(ready.get("commit").asText()).isEqualTo("9f2c1ab");
    assertThat(ready.get("deployer").asText()).isEqualTo("ci/notes#7");
    assertThat(snsSubjects()).as("SNS is routed ServiceDegraded only").isEmpty();

    // A change AWS refuses: Degraded, announced once on every channel routed it, SNS among them.
    faults.accessDenied(REFUSED_UPDATE, Integer.MAX_VALUE);
    long gen = edit("announced", x -> function(x, "api").memoryMB = 512);
    awaitCondition("announced", gen, "Degraded", "True", "AccessDenied");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(snsSubjects()).containsExactly("Slipway: service " + ns + "/announced degraded"));
    awaitPasses(REFUSED_UPDATE, 3);
    assertThat(webhookEvents()).containsExactly("ServiceReady", "ServiceDegraded");
    assertThat(snsSubjects()).hasSize(1);
    assertThat(slackTexts()).hasSize(2).last().asString().contains("degraded");
    assertThat(events("announced", e -> "NotificationFailed".equals(e.getReason()))).as("no channel failed").isEmpty();

    // Allowed again: the next resync converges generation 2, and the release it starts (no releasePolicy)
    // is announced on the service's channels, each event as routed.
    faults.clearFaults();
    awaitReady("announced", gen);
    // The release runs beside the reconcile that started it: its Promoted may come before that reconcile's ServiceReady.
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(webhookEvents()).hasSize(4).startsWith("ServiceReady", "ServiceDegraded")
        .contains("Promoted").filteredOn("ServiceReady"::equals).hasSize(2));
    String release = functionStatus(get("announced"), "api").release;
    JsonNode promoted = webhookDocuments().stream().filter(d -> d.get("event").asText().equals("Promoted")).findFirst().orElseThrow();
    assertThat(promoted.get("kind").asText()).isEqualTo("ReleaseEvent");
    assertThat(promoted.get("release").asText()).isEqualTo(release);
    assertThat(promoted.get("commit").asText()).isEqualTo("9f2c1ab");
    // An AllAtOnce release is one announcement, Promoted.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(slackTexts()).hasSize(4)
        .contains(":white_check_mark: " + release + " promoted (announced-prod-api:prod)"));
    assertThat(snsSubjects()).hasSize(1);

    // Deleted: announced when the cleanup lets the object go.
    client.resources(ServerlessService.class).inNamespace(ns).withName("announced").delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(webhookEvents()).last().isEqualTo("ServiceDeleted"));
    JsonNode deleted = webhookDocuments().get(webhookDocuments().size() - 1);
    assertThat(deleted.get("reason").asText()).isEqualTo("Deleted");
    assertThat(deleted.get("message").asText()).endsWith("AWS resources deleted");
    assertThat(received).allSatisfy(r -> assertThat(r[1]).doesNotContain("t0k3n"));
  }

  @Test
  void aFailingChannelIsAWarningEventAndTheServiceStillConverges() {
    Tenancies.grant(client, ns, t -> t.internalTargets = List.of("127.0.0.0/8"));
    String url = hooks.url("/webhook?token=t0k3n").toString();
    client.resource(new SecretBuilder().withNewMetadata().withName("hooks").withNamespace(ns).endMetadata()
        .addToStringData("webhook", url).build()).create();
    hooks.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        received.add(new String[] {r.getPath(), r.getBody().readUtf8()});
        return new MockResponse().setResponseCode(500);
      }
    });
    ServerlessService s = small("unheard");
    s.getSpec().notifications = new CanaryPolicySpec.Notifications();
    s.getSpec().notifications.webhook = new CanaryPolicySpec.Webhook();
    s.getSpec().notifications.webhook.urlSecretRef = ref("webhook");
    create(s);

    awaitReady("unheard", 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("unheard", e -> "NotificationFailed".equals(e.getReason())))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).isEqualTo("could not announce ServiceReady on webhook: webhook answered 500")
              .doesNotContain("t0k3n").doesNotContain(String.valueOf(hooks.getPort()));
        }));
    assertThat(received).hasSize(1);
  }

  private static SecretKeyRef ref(String key) {
    SecretKeyRef r = new SecretKeyRef();
    r.name = "hooks";
    r.key = key;
    return r;
  }

  /**
   * Waits for {@code n} more requests matching {@code perPass}, one of each whole reconcile of the
   * service (the resync period apart), so any repeated announcement would have been sent.
   */
  private void awaitPasses(Predicate<AwsFaults.Request> perPass, int n) {
    int before = faults.requests(perPass).size();
    await().atMost(CONVERGE).until(() -> faults.requests(perPass).size() >= before + n);
  }

  private List<JsonNode> bodies(String pathPrefix) {
    List<JsonNode> out = new ArrayList<>();
    for (String[] r : received) {
      if (r[0].startsWith(pathPrefix)) {
        try {
          out.add(JSON.readTree(r[1]));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  private List<JsonNode> webhookDocuments() {
    return bodies("/webhook");
  }

  private List<String> webhookEvents() {
    return webhookDocuments().stream().map(d -> d.get("event").asText()).toList();
  }

  private List<String> slackTexts() {
    return bodies("/slack").stream().map(d -> d.get("text").asText()).toList();
  }

  private List<String> snsSubjects() {
    return bodies("/sns").stream().filter(d -> "Notification".equals(d.path("Type").asText())).map(d -> d.get("Subject").asText()).toList();
  }
}
