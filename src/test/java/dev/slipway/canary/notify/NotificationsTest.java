package dev.slipway.canary.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.NotificationEvent;
import dev.slipway.aws.EventSink;
import dev.slipway.canary.ReleaseEvent;
import dev.slipway.canary.ReleaseEvent.Kind;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.testing.MotoServer;
import dev.slipway.net.OutboundPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Slack is a local server recording what it receives; SNS is moto, read back through an HTTP
 * subscription to a local server (moto delivers to http endpoints; its /moto-api/data.json is not
 * used because it fails whenever another backend holds state it cannot serialise).
 */
class NotificationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The receiver is a MockWebServer on loopback: reachable only when allowed explicitly. */
  private static final OutboundPolicy LOOPBACK = OutboundPolicy.allowing(List.of("127.0.0.0/8"));

  private final MockWebServer receiver = new MockWebServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();
  /** The Warning events the announcements record, as reason and message. */
  private final List<String> warned = new java.util.ArrayList<>();
  private final EventSink warnings = new EventSink() {
    @Override
    public void normal(String reason, String message) {}

    @Override
    public void warning(String reason, String message) {
      warned.add(reason + ": " + message);
    }
  };
  private AwsClientFactory factory;
  private SnsClient sns;

  @BeforeEach
  void start() throws IOException {
    receiver.start();
    factory = new AwsClientFactory(
        Optional.of(MotoServer.shared().endpoint()),
        new AwsCallRecorder(registry),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    sns = factory.forTarget(AwsTarget.of("us-east-1", null)).sns();
  }

  @AfterEach
  void stop() throws IOException {
    receiver.shutdown();
    factory.close();
  }

  @Test
  void slackReceivesTextAndBlocksWithTheFailingMetric() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(200));
    Notifications n = new Notifications(List.of(new SlackNotifier(http, receiver.url("/services/T0/B0/secret").toString(), LOOPBACK)), registry, warnings);

    n.announce(rolledBack());

    RecordedRequest req = receiver.takeRequest(5, TimeUnit.SECONDS);
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getHeader("Content-Type")).startsWith("application/json");
    JsonNode body = JSON.readTree(req.getBody().readUtf8());
    assertThat(body.get("text").asText()).isEqualTo(":rewind: conversation-api-1-5-0 rolled back (nexus-prod-conversation-api:prod)");
    // Red for a rollback: the colour is the attachment's, the words its section's.
    JsonNode attachment = body.get("attachments").get(0);
    assertThat(attachment.get("color").asText()).isEqualTo("#a30200");
    String section = attachment.get("blocks").get(0).get("text").get("text").asText();
    assertThat(section)
        .contains("Function: nexus-prod-conversation-api:prod")
        .contains("Versions: stable 4, canary 5")
        .contains("Weight: 10% on the canary, step 1/2")
        .contains("Reason: AnalysisFailed")
        .contains("Failing check: error-rate = 0.2 (threshold <= 0.05)")
        .contains("Commit: 9f2c1ab, deployed by ci/nexus#812");
    assertThat(count("slack", "ok")).isEqualTo(1);
  }

  @Test
  void slackColoursSayTheOutcome() throws Exception {
    Notifications n = new Notifications(List.of(new SlackNotifier(http, receiver.url("/hook").toString(), LOOPBACK)), registry, warnings);
    for (Kind k : List.of(Kind.Promoted, Kind.CheckFailed, Kind.Failed, Kind.StepCompleted)) {
      receiver.enqueue(new MockResponse().setResponseCode(200));
      n.announce(new ReleaseEvent(k, "r", "fn", "prod", "1", "2", 10, "1/2", "Reason", "msg", null));
    }
    List<String> colours = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      colours.add(JSON.readTree(receiver.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8()).get("attachments").get(0).get("color").asText());
    }
    assertThat(colours).containsExactly("#2eb886", "#daa038", "#a30200", "#439fe0");
  }

  @Test
  void aWebhookReceivesTheDocumentedJsonEvent() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(204));
    Notifications n = new Notifications(List.of(new WebhookNotifier(http, receiver.url("/hooks/slipway?token=t0k3n").toString(), LOOPBACK)), registry, warnings);

    n.announce(rolledBack());

    RecordedRequest req = receiver.takeRequest(5, TimeUnit.SECONDS);
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getPath()).isEqualTo("/hooks/slipway?token=t0k3n");
    assertThat(req.getHeader("Content-Type")).startsWith("application/json");
    JsonNode body = JSON.readTree(req.getBody().readUtf8());
    assertThat(body.get("apiVersion").asText()).isEqualTo("slipway.dev/v1");
    assertThat(body.get("kind").asText()).isEqualTo("ReleaseEvent");
    assertThat(body.get("event").asText()).isEqualTo("RolledBack");
    assertThat(body.get("release").asText()).isEqualTo("conversation-api-1-5-0");
    assertThat(body.get("function").asText()).isEqualTo("nexus-prod-conversation-api");
    assertThat(body.get("alias").asText()).isEqualTo("prod");
    assertThat(body.get("stableVersion").asText()).isEqualTo("4");
    assertThat(body.get("canaryVersion").asText()).isEqualTo("5");
    assertThat(body.get("weight").asInt()).isEqualTo(10);
    assertThat(body.get("step").asText()).isEqualTo("1/2");
    assertThat(body.get("reason").asText()).isEqualTo("AnalysisFailed");
    assertThat(body.get("commit").asText()).isEqualTo("9f2c1ab");
    assertThat(body.get("deployer").asText()).isEqualTo("ci/nexus#812");
    assertThat(body.get("failingCheck").get("metric").asText()).isEqualTo("error-rate");
    assertThat(body.get("failingCheck").get("value").asDouble()).isEqualTo(0.2);
    assertThat(body.get("failingCheck").get("threshold").asText()).isEqualTo("<= 0.05");
    assertThat(body.get("text").asText()).contains("rolled back");
    assertThat(count("webhook", "ok")).isEqualTo(1);
  }

  @Test
  void aWebhookOnAnInternalAddressIsRefusedWithoutARequestAndItsFailuresNeverRevealTheUrl() throws IOException {
    String url = receiver.url("/hooks/slipway?token=t0k3n").toString();
    assertThatThrownBy(() -> new WebhookNotifier(http, url, OutboundPolicy.publicOnly()).send(ReleaseMessages.of(rolledBack())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("webhook refused")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0k3n").doesNotContain(String.valueOf(receiver.getPort())));
    assertThat(receiver.getRequestCount()).isZero();

    receiver.enqueue(new MockResponse().setResponseCode(500));
    WebhookNotifier allowed = new WebhookNotifier(http, url, LOOPBACK);
    assertThatThrownBy(() -> allowed.send(ReleaseMessages.of(rolledBack()))).hasMessage("webhook answered 500");
    assertThatThrownBy(() -> new WebhookNotifier(http, "ftp://hooks.invalid/t0k3n", LOOPBACK))
        .isInstanceOf(WebhookPost.InvalidWebhookException.class)
        .hasMessage("webhook URL is not an http(s) URL");
  }

  @Test
  void snsPublishesSubjectAndDetailsToTheTopic() throws Exception {
    String topic = sns.createTopic(b -> b.name("deploys-" + UUID.randomUUID().toString().substring(0, 8))).topicArn();
    sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(receiver.url("/sns").toString()));
    // moto delivers inside the Publish call: the subscriber must answer for Publish to return.
    receiver.enqueue(new MockResponse().setResponseCode(200));
    Notifications n = new Notifications(List.of(new SnsNotifier(sns, topic)), registry, warnings);

    n.announce(rolledBack());

    JsonNode delivered = JSON.readTree(receiver.takeRequest(10, TimeUnit.SECONDS).getBody().readUtf8());
    assertThat(delivered.get("Type").asText()).isEqualTo("Notification");
    assertThat(delivered.get("TopicArn").asText()).isEqualTo(topic);
    assertThat(delivered.get("Subject").asText()).isEqualTo("Slipway: nexus-prod-conversation-api:prod release rolled back");
    assertThat(delivered.get("Message").asText())
        .contains("Versions: stable 4, canary 5")
        .contains("Failing check: error-rate = 0.2")
        .contains("Commit: 9f2c1ab, deployed by ci/nexus#812");
    assertThat(count("sns", "ok")).isEqualTo(1);
  }

  @Test
  void aFailingChannelIsCountedAndDoesNotStopTheOthers() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(500));
    receiver.enqueue(new MockResponse().setResponseCode(200));
    String webhook = receiver.url("/services/T0/B0/secret").toString();
    Notifications n = new Notifications(List.of(
        new SnsNotifier(sns, "arn:aws:sns:us-east-1:123456789012:no-such-topic"),
        new SlackNotifier(http, webhook, LOOPBACK),
        new SlackNotifier(http, webhook, LOOPBACK)), registry, warnings);

    n.announce(rolledBack());

    assertThat(count("sns", "error")).isEqualTo(1);
    assertThat(count("slack", "error")).isEqualTo(1);
    assertThat(count("slack", "ok")).isEqualTo(1);
    // Each failure is a Warning event on the release, saying which channel without the webhook's URL.
    assertThat(warned).hasSize(2).allSatisfy(w -> assertThat(w).startsWith("NotificationFailed: could not announce RolledBack on ")
        .doesNotContain("secret").doesNotContain(String.valueOf(receiver.getPort())));
    assertThat(warned).anyMatch(w -> w.contains("on slack: Slack webhook answered 500")).anyMatch(w -> w.contains("on sns: "));
  }

  @Test
  void aRoutedChannelReceivesOnlyTheEventsItLists() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(200));
    receiver.enqueue(new MockResponse().setResponseCode(200));
    Notifier slack = new SlackNotifier(http, receiver.url("/services/T0/B0/secret").toString(), LOOPBACK);
    Notifications n = new Notifications(List.of(Notifier.routed(slack, List.of(NotificationEvent.RolledBack, NotificationEvent.Failed))),
        registry, warnings);

    for (Kind k : List.of(Kind.Started, Kind.StepCompleted, Kind.RollbackStarted, Kind.RolledBack, Kind.Promoted, Kind.Failed)) {
      n.announce(new ReleaseEvent(k, "r", "fn", "prod", "1", "2", 10, "1/2", "Reason", "msg", null));
    }

    List<String> got = new java.util.ArrayList<>();
    for (RecordedRequest r; (r = receiver.takeRequest(2, TimeUnit.SECONDS)) != null; ) {
      got.add(JSON.readTree(r.getBody().readUtf8()).get("text").asText());
    }
    assertThat(got).containsExactly(":rewind: r rolled back (fn:prod)", ":x: r failed (fn:prod)");
    // An event not routed to a channel is neither sent nor counted.
    assertThat(registry.find("slipway.notifications").counters()).extracting(c -> c.getId().getTag("event"))
        .containsExactlyInAnyOrder("RolledBack", "Failed");
  }

  @Test
  void anEmptyEventListReceivesNothingAndNoListReceivesEverything() throws Exception {
    Notifier never = Notifier.routed(Notifier.failed("slack", "unused"), List.of());
    Notifier always = Notifier.routed(Notifier.failed("slack", "unused"), null);
    for (NotificationEvent e : NotificationEvent.values()) {
      assertThat(never.receives(e)).isFalse();
      assertThat(always.receives(e)).isTrue();
    }
  }

  @Test
  void aServiceEventReachesSlackAndTheWebhookInItsOwnWords() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(200));
    receiver.enqueue(new MockResponse().setResponseCode(204));
    Notifications n = new Notifications(List.of(
        new SlackNotifier(http, receiver.url("/services/T0/B0/secret").toString(), LOOPBACK),
        new WebhookNotifier(http, receiver.url("/hooks/slipway?token=t0k3n").toString(), LOOPBACK)), registry, warnings);

    n.announce(new ServiceEvent(ServiceEvent.Kind.ServiceDegraded, "team-a", "nexus", "prod", "us-east-1", 4, "AccessDenied",
        "Table nexus-prod-items: not authorized", "9f2c1ab", "ci/nexus#812"));

    JsonNode slack = JSON.readTree(receiver.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8());
    assertThat(slack.get("text").asText()).isEqualTo(":x: ServerlessService team-a/nexus degraded (stage prod, us-east-1)");
    JsonNode attachment = slack.get("attachments").get(0);
    assertThat(attachment.get("color").asText()).isEqualTo("#a30200");
    assertThat(attachment.get("blocks").get(0).get("text").get("text").asText())
        .contains("Service: team-a/nexus, stage prod in us-east-1")
        .contains("Generation: 4")
        .contains("Reason: AccessDenied - Table nexus-prod-items: not authorized")
        .contains("Commit: 9f2c1ab, deployed by ci/nexus#812");
    JsonNode doc = JSON.readTree(receiver.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8());
    assertThat(doc.get("apiVersion").asText()).isEqualTo("slipway.dev/v1");
    assertThat(doc.get("kind").asText()).isEqualTo("ServiceEvent");
    assertThat(doc.get("event").asText()).isEqualTo("ServiceDegraded");
    assertThat(doc.get("namespace").asText()).isEqualTo("team-a");
    assertThat(doc.get("service").asText()).isEqualTo("nexus");
    assertThat(doc.get("generation").asLong()).isEqualTo(4);
    assertThat(doc.get("reason").asText()).isEqualTo("AccessDenied");
    assertThat(doc.get("commit").asText()).isEqualTo("9f2c1ab");
    assertThat(doc.get("text").asText()).contains("degraded");
    assertThat(count("webhook", "ok")).isEqualTo(1);
  }

  @Test
  void snsCarriesAServiceEventInItsOwnWords() throws Exception {
    String topic = sns.createTopic(b -> b.name("stacks-" + UUID.randomUUID().toString().substring(0, 8))).topicArn();
    sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(receiver.url("/sns").toString()));
    receiver.enqueue(new MockResponse().setResponseCode(200));
    Notifications n = new Notifications(List.of(new SnsNotifier(sns, topic)), registry, warnings);

    n.announce(new ServiceEvent(ServiceEvent.Kind.ServiceReady, "team-a", "nexus", "prod", "us-east-1", 2, "Converged",
        "75 AWS resources in sync", null, null));

    JsonNode delivered = JSON.readTree(receiver.takeRequest(10, TimeUnit.SECONDS).getBody().readUtf8());
    assertThat(delivered.get("Subject").asText()).isEqualTo("Slipway: service team-a/nexus ready");
    assertThat(delivered.get("Message").asText()).startsWith(":white_check_mark: ServerlessService team-a/nexus ready (stage prod, us-east-1)")
        .contains("Reason: Converged - 75 AWS resources in sync").doesNotContain("Commit");
  }

  @Test
  void everyReleaseAndServiceEventCanBeRoutedByItsName() {
    List<String> names = java.util.stream.Stream.concat(
        java.util.Arrays.stream(Kind.values()).map(Enum::name), java.util.Arrays.stream(ServiceEvent.Kind.values()).map(Enum::name)).toList();
    assertThat(java.util.Arrays.stream(NotificationEvent.values()).map(Enum::name)).containsExactlyElementsOf(names);
  }

  @Test
  void slackFailuresNeverRevealTheWebhookUrl() throws IOException {
    receiver.enqueue(new MockResponse().setResponseCode(404));
    String webhook = receiver.url("/services/T0/B0/secret").toString();
    SlackNotifier slack = new SlackNotifier(http, webhook, LOOPBACK);

    assertThatThrownBy(() -> slack.send(ReleaseMessages.of(rolledBack()))).hasMessage("Slack webhook answered 404");
    receiver.shutdown();
    assertThatThrownBy(() -> slack.send(ReleaseMessages.of(rolledBack())))
        .hasMessageStartingWith("Slack webhook unreachable")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain(String.valueOf(receiver.getPort())));
  }

  @Test
  void anUnusableWebhookUrlIsRefusedWithoutRepeatingIt() {
    String marker = "marker-" + UUID.randomUUID();
    for (String url : List.of("https://hooks.slack.invalid/services/T0/B0/" + marker + " |{bad}", "file:///" + marker, marker, "https:///" + marker)) {
      assertThatThrownBy(() -> new SlackNotifier(http, url, LOOPBACK)).as(url)
          .isInstanceOf(WebhookPost.InvalidWebhookException.class)
          .satisfies(e -> {
            assertThat(e.getMessage()).startsWith("Slack webhook URL").doesNotContain(marker);
            assertThat(e.getCause()).as("a cause would carry the value").isNull();
          });
    }
  }

  @Test
  void aChannelThatCouldNotBeBuiltIsANotificationErrorForEveryAnnouncement() throws Exception {
    receiver.enqueue(new MockResponse().setResponseCode(200));
    Notifications n = new Notifications(List.of(
        Notifier.failed("slack", "Slack webhook URL is not a valid URI (Secret ns/hook key url)"),
        new SlackNotifier(http, receiver.url("/services/T0/B0/secret").toString(), LOOPBACK)), registry, warnings);

    n.announce(rolledBack());

    assertThat(count("slack", "error")).isEqualTo(1);
    assertThat(count("slack", "ok")).isEqualTo(1);
    assertThat(receiver.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void byDefaultAWebhookOnAnInternalAddressIsRefusedWithoutARequest() {
    String webhook = receiver.url("/services/T0/B0/secret").toString();
    SlackNotifier slack = new SlackNotifier(http, webhook, OutboundPolicy.publicOnly());

    assertThatThrownBy(() -> slack.send(ReleaseMessages.of(rolledBack())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Slack webhook refused")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain(String.valueOf(receiver.getPort())));
    assertThat(receiver.getRequestCount()).isZero();
  }

  @Test
  void everyKindHasItsOwnWords() {
    for (Kind k : Kind.values()) {
      ReleaseEvent e = new ReleaseEvent(k, "r", "fn", "prod", "1", "2", 10, "1/2", "Reason", "msg", null);
      assertThat(ReleaseMessages.subject(e)).startsWith("Slipway: fn:prod release ").matches("\\p{ASCII}+");
      assertThat(ReleaseMessages.details(e)).doesNotContain("Failing check").doesNotContain("Commit");
    }
  }

  @Test
  void topicRegionComesFromItsArn() {
    assertThat(SnsNotifier.region("arn:aws:sns:ap-northeast-2:123456789012:nexus-deploys")).isEqualTo("ap-northeast-2");
  }

  private double count(String channel, String outcome) {
    return registry.find("slipway.notifications").tag("channel", channel).tag("outcome", outcome).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static ReleaseEvent rolledBack() {
    AnalysisResult failing = new AnalysisResult();
    failing.metric = "error-rate";
    failing.value = 0.2;
    failing.threshold = "<= 0.05";
    failing.verdict = AnalysisResult.Verdict.Fail;
    return new ReleaseEvent(Kind.RolledBack, "conversation-api-1-5-0", "nexus-prod-conversation-api", "prod", "4", "5", 10, "1/2",
        "AnalysisFailed", "2 consecutive failed analysis runs", failing).withOrigin("9f2c1ab", "ci/nexus#812");
  }
}
