package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.net.OutboundPolicy;
import java.net.http.HttpClient;

/**
 * POSTs each event as one JSON document to a generic webhook (a chat bot, an incident tool, a CI
 * gate), with the same guards as Slack's ({@link WebhookPost}): a release's is kind ReleaseEvent
 * ({@link ReleaseMessages}), a service's kind ServiceEvent ({@link ServiceMessages}), each with the
 * headline as {@code text}.
 */
public final class WebhookNotifier extends PostingNotifier {

  /** @throws WebhookPost.InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL */
  public WebhookNotifier(HttpClient http, String url, OutboundPolicy outbound) {
    super("webhook", "webhook", http, url, outbound);
  }

  @Override
  String payload(Announcement a) {
    ObjectNode root = a.document().deepCopy();
    root.put("text", a.headline());
    return root.toString();
  }
}
