package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.canary.ReleaseEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts to a Slack incoming webhook. The webhook URL is a credential: it never appears in a
 * message, an exception or a log line.
 */
public final class SlackNotifier implements Notifier {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI webhook;

  public SlackNotifier(HttpClient http, String webhookUrl) {
    this.http = http;
    this.webhook = URI.create(webhookUrl);
  }

  @Override
  public String channel() {
    return "slack";
  }

  @Override
  public void send(ReleaseEvent e) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(webhook)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(payload(e)))
        .build();
    int status;
    try {
      status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException failure) {
      // The JDK may put the address in the message; say only what kind of failure it was.
      throw new IOException("Slack webhook unreachable: " + failure.getClass().getSimpleName());
    }
    if (status / 100 != 2) {
      throw new IOException("Slack webhook answered " + status);
    }
  }

  /** {@code text} for notifications and old clients, one mrkdwn section for the channel. */
  static String payload(ReleaseEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", ReleaseMessages.headline(e));
    ObjectNode section = root.putArray("blocks").addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", "*" + ReleaseMessages.headline(e) + "*\n" + ReleaseMessages.details(e));
    return root.toString();
  }
}
