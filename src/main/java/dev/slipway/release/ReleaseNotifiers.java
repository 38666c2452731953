package dev.slipway.release;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.canary.notify.Notifier;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.canary.notify.SlackNotifier;
import dev.slipway.canary.notify.SnsNotifier;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The channels a CanaryPolicy names, built per announcement so a rotated Slack Secret is picked up.
 * The webhook URL is read from the Secret and handed to the notifier only: never logged, never put in
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
      SecretKeyRef ref = n.slack.webhookSecretRef;
      String source = "Secret " + namespace + "/" + ref.name + " key " + ref.key;
      try {
        slackUrl(namespace, ref).ifPresent(url -> out.add(new SlackNotifier(http, url, outbound)));
      } catch (SlackNotifier.InvalidWebhookException e) {
        out.add(Notifier.failed("slack", e.getMessage() + " (" + source + ")"));
      } catch (RuntimeException e) {
        // Reading the Secret failed (forbidden, API server away); the exception is not about its value.
        out.add(Notifier.failed("slack", "cannot read " + source + ": " + e.getClass().getSimpleName()));
      }
    }
    return out;
  }

  private Optional<String> slackUrl(String namespace, SecretKeyRef ref) {
    Optional<String> url = ref.valueIn(client.secrets().inNamespace(namespace).withName(ref.name).get()).map(String::trim);
    if (url.isEmpty()) {
      LOG.warnf("Slack notifications skipped: Secret %s/%s has no key %s", namespace, ref.name, ref.key);
    }
    return url;
  }

}
