package dev.slipway.canary.notify;

import dev.slipway.net.OutboundPolicy;
import java.io.IOException;
import java.net.http.HttpClient;

/** A channel that POSTs one JSON document per announcement to a webhook ({@link WebhookPost}); subclasses shape the document. */
abstract class PostingNotifier implements Notifier {

  private final String channel;
  private final WebhookPost webhook;

  /** @throws WebhookPost.InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL */
  PostingNotifier(String channel, String name, HttpClient http, String url, OutboundPolicy outbound) {
    this.channel = channel;
    this.webhook = new WebhookPost(http, url, outbound, name);
  }

  @Override
  public final String channel() {
    return channel;
  }

  @Override
  public final void send(Announcement a) throws IOException, InterruptedException {
    webhook.post(payload(a));
  }

  abstract String payload(Announcement a);
}
