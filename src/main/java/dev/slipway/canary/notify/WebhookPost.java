package dev.slipway.canary.notify;

import dev.slipway.net.OutboundPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs JSON to a webhook whose URL is a credential (Slack's, or a generic one with a token in it):
 * the URL never appears in a message, an exception or a log line — not even when it is malformed,
 * since the JDK's own parse errors quote the whole input. A webhook on an internal address is
 * refused unless the tenancy allows it ({@link OutboundPolicy}, checked at every post); the
 * answer's body is never read.
 */
public final class WebhookPost {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final URI url;
  private final OutboundPolicy outbound;
  /** What the messages call the webhook, e.g. {@code Slack webhook}. */
  private final String name;

  /** @throws InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL */
  WebhookPost(HttpClient http, String url, OutboundPolicy outbound, String name) {
    this.http = http;
    this.name = name;
    this.url = parse(url, name);
    this.outbound = outbound;
  }

  /** Thrown for a webhook URL that cannot be used; says what is wrong, never what the URL is. */
  public static final class InvalidWebhookException extends IllegalArgumentException {
    InvalidWebhookException(String name, String problem) {
      super(name + " URL " + problem);
    }
  }

  private static URI parse(String url, String name) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException | NullPointerException e) {
      // Not chained: URISyntaxException's message and input carry the whole value.
      throw new InvalidWebhookException(name, "is not a valid URI" + (e instanceof URISyntaxException s ? " (" + s.getReason() + ")" : ""));
    }
    if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))) {
      throw new InvalidWebhookException(name, "is not an http(s) URL");
    }
    if (uri.getHost() == null) {
      throw new InvalidWebhookException(name, "has no host");
    }
    return uri;
  }

  /** Posts {@code json}; throws when the webhook is refused, unreachable, or answers other than 2xx. */
  void post(String json) throws IOException, InterruptedException {
    try {
      outbound.check(url, name);
    } catch (OutboundPolicy.RefusedTarget refused) {
      throw new IOException(refused.getMessage());
    }
    int status;
    try {
      HttpRequest req = HttpRequest.newBuilder(url)
          .timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json))
          .build();
      HttpResponse<java.io.InputStream> response = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      response.body().close();
      status = response.statusCode();
    } catch (IOException | RuntimeException failure) {
      // The JDK may put the address in the message; say only what kind of failure it was.
      throw new IOException(name + " unreachable: " + failure.getClass().getSimpleName());
    }
    if (status / 100 != 2) {
      throw new IOException(name + " answered " + status);
    }
  }
}
