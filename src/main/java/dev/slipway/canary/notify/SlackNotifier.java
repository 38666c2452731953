package dev.slipway.canary.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.net.OutboundPolicy;
import java.net.http.HttpClient;

/** Posts to a Slack incoming webhook, whose URL is a credential ({@link WebhookPost} keeps it out of every message). */
public final class SlackNotifier extends PostingNotifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param outbound where the webhook may be (internal addresses only as the tenancy allows), checked at every send
   * @throws WebhookPost.InvalidWebhookException (whose message never holds the URL) when the URL is not an http(s) URL
   */
  public SlackNotifier(HttpClient http, String webhookUrl, OutboundPolicy outbound) {
    super("slack", "Slack webhook", http, webhookUrl, outbound);
  }

  /**
   * {@code text} for notifications and old clients; one mrkdwn section in an attachment whose colour
   * says the outcome (Slack colours attachments, not top-level blocks).
   */
  @Override
  String payload(Announcement a) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", a.headline());
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("color", a.colour());
    ObjectNode section = attachment.putArray("blocks").addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", "*" + a.headline() + "*\n" + a.details());
    return root.toString();
  }
}
