package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.canary.ReleaseEvent;
import dev.slipway.net.OutboundPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts to a Slack incoming webhook. The webhook URL is a credential: it never appears in a
 * message, an exception or a log line — not even when it is malformed, since the JDK's own parse
 * errors quote the whole input. A webhook on an internal address is refused unless the tenancy
 * allows it ({@link OutboundPolicy}); the answer's body is never read.
 */
public final class SlackNotifier implements Notifier {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI webhook;
  private final OutboundPolicy outbound;

  /**
   * @param outbound where the webhook may be (internal addresses only as the tenancy allows), checked at every send
   * @throws InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL
   */
  public SlackNotifier(HttpClient http, String webhookUrl, OutboundPolicy outbound) {
    this.http = http;
    this.webhook = parse(webhookUrl);
    this.outbound = outbound;
  }

  /** Thrown for a webhook URL that cannot be used; says what is wrong, never what the URL is. */
  public static final class InvalidWebhookException extends IllegalArgumentException {
    InvalidWebhookException(String problem) {
      super("Slack webhook URL " + problem);
    }
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      // Not chained: URISyntaxException's message and input carry the whole value.
      throw new InvalidWebhookException("is not a valid URI" + (e instanceof URISyntaxException s ? " (" + s.getReason() + ")" : ""));
    }
    if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))) {
      throw new InvalidWebhookException("is not an http(s) URL");
    }
    if (uri.getHost() == null) {
      throw new InvalidWebhookException("has no host");
    }
    return uri;
  }

  @Override
  public String channel() {
    return "slack";
  }

  @Override
  public void send(ReleaseEvent e) throws IOException, InterruptedException {
    try {
      outbound.check(webhook, "Slack webhook");
    } catch (OutboundPolicy.RefusedTarget refused) {
      throw new IOException(refused.getMessage());
    }
    int status;
    try {
      HttpRequest req = HttpRequest.newBuilder(webhook)
          .timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(payload(e)))
          .build();
      HttpResponse<java.io.InputStream> response = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      response.body().close();
      status = response.statusCode();
    } catch (IOException | RuntimeException failure) {
      // The JDK may put the address in the message; say only what kind of failure it was.
      throw new IOException("Slack webhook unreachable: " + failure.getClass().getSimpleName());
    }
    if (status / 100 != 2) {
      throw new IOException("Slack webhook answered " + status);
    }
  }

  /**
   * {@code text} for notifications and old clients; one mrkdwn section in an attachment whose colour
   * says the outcome (Slack colours attachments, not top-level blocks).
   */
  static String payload(ReleaseEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", ReleaseMessages.headline(e));
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("color", ReleaseMessages.colour(e.kind()));
    ObjectNode section = attachment.putArray("blocks").addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", "*" + ReleaseMessages.headline(e) + "*\n" + ReleaseMessages.details(e));
    return root.toString();
  }
}
