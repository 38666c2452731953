package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.canary.ReleaseEvent;
import dev.slipway.net.OutboundPolicy;
import java.net.http.HttpClient;

/**
 * POSTs each event as one JSON document to a generic webhook (a chat bot, an incident tool, a CI
 * gate), with the same guards as Slack's ({@link WebhookPost}). The document, version 1:
 * {@code {"apiVersion":"slipway.dev/v1","kind":"ReleaseEvent","event":"RolledBack","release":...,
 * "function":...,"alias":...,"stableVersion":...,"canaryVersion":...,"weight":10,"step":"1/2",
 * "reason":...,"message":...,"commit":...,"deployer":...,"failingCheck":{"metric","value","threshold"},
 * "text":...}}; fields without a value are left out.
 */
public final class WebhookNotifier extends PostingNotifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** @throws WebhookPost.InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL */
  public WebhookNotifier(HttpClient http, String url, OutboundPolicy outbound) {
    super("webhook", "webhook", http, url, outbound);
  }

  @Override
  String payload(ReleaseEvent e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", "slipway.dev/v1");
    root.put("kind", "ReleaseEvent");
    root.put("event", e.kind().name());
    root.put("release", e.release());
    root.put("function", e.function());
    putIf(root, "alias", e.alias());
    putIf(root, "stableVersion", e.stableVersion());
    putIf(root, "canaryVersion", e.canaryVersion());
    root.put("weight", e.weight());
    putIf(root, "step", e.step());
    putIf(root, "reason", e.reason());
    putIf(root, "message", e.message());
    putIf(root, "commit", e.commit());
    putIf(root, "deployer", e.deployer());
    AnalysisResult f = e.failing();
    if (f != null) {
      ObjectNode check = root.putObject("failingCheck");
      check.put("metric", f.metric);
      if (f.value != null) {
        check.put("value", f.value);
      }
      putIf(check, "threshold", f.threshold);
    }
    root.put("text", ReleaseMessages.headline(e));
    return root.toString();
  }

  private static void putIf(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
