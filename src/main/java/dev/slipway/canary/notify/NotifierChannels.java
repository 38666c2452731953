package dev.slipway.canary.notify;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.tenancy.PolicyBounds;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The channels a notifications block names (a CanaryPolicy's or a ServerlessService's), each routed
 * the events it lists, built per announcement so a rotated Secret is picked up.
 * A webhook URL (Slack's or a generic one) is read from its Secret and handed to the notifier only: never logged, never put in
 * status or events.
 */
public final class NotifierChannels {

  private static final Logger LOG = Logger.getLogger(NotifierChannels.class);

  private final KubernetesClient client;
  private final AwsClientFactory aws;
  private final HttpClient http;

  public NotifierChannels(KubernetesClient client, AwsClientFactory aws, HttpClient http) {
    this.client = client;
    this.aws = aws;
    this.http = http;
  }

  /**
   * One notifier per configured channel. A channel that cannot be built becomes a failed channel
   * ({@link Notifier#failed}): a notification error, never a failed release or reconcile, and never a
   * message that repeats the Secret's value.
   *
   * @param target the AWS identity of the object announced; the SNS topic is reached with it, in the topic's region
   * @param bounds what the tenancy lets the namespace publish to: a topic beyond them is a failed channel, never published to
   */
  public List<Notifier> channels(
      String namespace, CanaryPolicySpec.Notifications n, AwsTarget target, OutboundPolicy outbound, PolicyBounds bounds) {
    List<Notifier> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.snsTopicArn != null) {
      out.add(Notifier.routed(sns(n, target, bounds), n.snsEvents));
    }
    if (n.slack != null && n.slack.webhookSecretRef != null) {
      fromSecret(namespace, n.slack.webhookSecretRef, "slack", url -> new SlackNotifier(http, url, outbound))
          .ifPresent(c -> out.add(Notifier.routed(c, n.slack.events)));
    }
    if (n.webhook != null && n.webhook.urlSecretRef != null) {
      fromSecret(namespace, n.webhook.urlSecretRef, "webhook", url -> new WebhookNotifier(http, url, outbound))
          .ifPresent(c -> out.add(Notifier.routed(c, n.webhook.events)));
    }
    return out;
  }

  /** The SNS channel of {@code n}: a failed one when the tenancy refuses its topic or no client can be built for it. */
  private Notifier sns(CanaryPolicySpec.Notifications n, AwsTarget target, PolicyBounds bounds) {
    Optional<String> refused = bounds.topicRefusal(n);
    if (refused.isPresent()) {
      return Notifier.failed("sns", "SNS channel refused: " + refused.get());
    }
    try {
      return new SnsNotifier(aws.forTarget(target.inRegion(SnsNotifier.region(n.snsTopicArn))).sns(), n.snsTopicArn);
    } catch (RuntimeException e) {
      return Notifier.failed("sns", "SNS channel unusable: " + e.getMessage());
    }
  }

  /**
   * The channel whose URL {@code ref} holds; none when the key is missing (a warning), a failed
   * channel when the Secret cannot be read or the URL cannot be used, saying so without the URL.
   */
  private Optional<Notifier> fromSecret(String namespace, SecretKeyRef ref, String channel, Function<String, Notifier> build) {
    String source = "Secret " + namespace + "/" + ref.name + " key " + ref.key;
    try {
      return url(namespace, ref, channel).map(build);
    } catch (WebhookPost.InvalidWebhookException e) {
      return Optional.of(Notifier.failed(channel, e.getMessage() + " (" + source + ")"));
    } catch (RuntimeException e) {
      // Reading the Secret failed (forbidden, API server away); the exception is not about its value.
      return Optional.of(Notifier.failed(channel, "cannot read " + source + ": " + e.getClass().getSimpleName()));
    }
  }

  private Optional<String> url(String namespace, SecretKeyRef ref, String channel) {
    Optional<String> url = ref.valueIn(client.secrets().inNamespace(namespace).withName(ref.name).get()).map(String::trim);
    if (url.isEmpty()) {
      LOG.warnf("%s notifications skipped: Secret %s/%s has no key %s", channel, namespace, ref.name, ref.key);
    }
    return url;
  }

}
