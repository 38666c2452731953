package dev.slipway.release;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.canary.notify.Notifier;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.canary.notify.SlackNotifier;
import dev.slipway.canary.notify.SnsNotifier;
import dev.slipway.canary.notify.WebhookNotifier;
import dev.slipway.canary.notify.WebhookPost;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The channels a CanaryPolicy names, built per announcement so a rotated Secret is picked up.
 * A webhook URL (Slack's or a generic one) is read from its Secret and handed to the notifier only: never logged, never put in
 * status or events.
 */
final class ReleaseNotifiers {

  private static final Logger LOG = Logger.getLogger(ReleaseNotifiers.class);

  private final KubernetesClient client;
  private final AwsClientFactory aws;
  private final HttpClient http;

  ReleaseNotifiers(KubernetesClient client, AwsClientFactory aws, HttpClient http) {
    this.client = client;
    this.aws = aws;
    this.http = http;
  }

  /**
   * One notifier per configured channel. A channel that cannot be built becomes a failed channel
   * ({@link Notifier#failed}): a notification error, never a failed release, and never a message that
   * repeats the Secret's value.
   */
  List<Notifier> channels(String namespace, CanaryPolicySpec.Notifications n, AwsTarget releaseTarget, OutboundPolicy outbound) {
    List<Notifier> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.snsTopicArn != null) {
      try {
        AwsTarget topicTarget = releaseTarget.inRegion(SnsNotifier.region(n.snsTopicArn));
        out.add(new SnsNotifier(aws.forTarget(topicTarget).sns(), n.snsTopicArn));
      } catch (RuntimeException e) {
        out.add(Notifier.failed("sns", "SNS channel unusable: " + e.getMessage()));
      }
    }
    if (n.slack != null && n.slack.webhookSecretRef != null) {
      fromSecret(namespace, n.slack.webhookSecretRef, "slack", url -> new SlackNotifier(http, url, outbound)).ifPresent(out::add);
    }
    if (n.webhook != null && n.webhook.urlSecretRef != null) {
      fromSecret(namespace, n.webhook.urlSecretRef, "webhook", url -> new WebhookNotifier(http, url, outbound)).ifPresent(out::add);
    }
    return out;
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
