package dev.slipway.reconciler;

import dev.slipway.aws.EventSink;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events on a custom resource, as {@code kubectl describe} shows them. Failing to
 * record an event is logged and otherwise ignored: events are a courtesy, never a reason to fail a
 * reconcile.
 */
public final class KubernetesEvents implements EventSink {

  private static final Logger LOG = Logger.getLogger(KubernetesEvents.class);
  static final String COMPONENT = "slipway-operator";

  private final KubernetesClient client;
  private final HasMetadata subject;
  private final Clock clock;

  public KubernetesEvents(KubernetesClient client, HasMetadata subject, Clock clock) {
    this.client = client;
    this.subject = subject;
    this.clock = clock;
  }

  @Override
  public void normal(String reason, String message) {
    record("Normal", reason, message);
  }

  @Override
  public void warning(String reason, String message) {
    record("Warning", reason, message);
  }

  private void record(String type, String reason, String message) {
    var meta = subject.getMetadata();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(meta.getNamespace())
            .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(subject.getApiVersion())
                    .withKind(subject.getKind())
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            // Event messages are capped at 1 KiB by the API server.
            .withMessage(message.length() > 1000 ? message.substring(0, 1000) + "…" : message)
            .withNewSource(COMPONENT, null)
            .withReportingComponent(COMPONENT)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.debugf("could not record event %s on %s/%s: %s", reason, meta.getNamespace(), meta.getName(), e.getMessage());
    }
  }
}
