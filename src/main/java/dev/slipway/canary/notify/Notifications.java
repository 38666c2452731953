package dev.slipway.canary.notify;

import dev.slipway.aws.EventSink;
import dev.slipway.canary.ReleaseEvent;
import dev.slipway.status.Reasons;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends every announcement to every channel routed its event. A channel that fails is logged,
 * counted ({@code slipway_notifications_total{outcome="error"}}) and reported as a Warning event
 * (NotificationFailed, whose message, as every notifier's failure, holds no secret); it never fails
 * the release or the reconcile, nor stops the other channels.
 */
public final class Notifications {

  private static final Logger LOG = Logger.getLogger(Notifications.class);

  private final List<Notifier> channels;
  private final MeterRegistry registry;
  private final EventSink events;

  /** @param events where a channel's failure is reported, as a Warning event on the object announced */
  public Notifications(List<Notifier> channels, MeterRegistry registry, EventSink events) {
    this.channels = List.copyOf(channels);
    this.registry = registry;
    this.events = events;
  }

  public void announce(ReleaseEvent e) {
    deliver(ReleaseMessages.of(e), "release " + e.release());
  }

  public void announce(ServiceEvent e) {
    deliver(ServiceMessages.of(e), "ServerlessService " + e.namespace() + "/" + e.service());
  }

  private void deliver(Announcement a, String subject) {
    for (Notifier n : channels) {
      if (!n.receives(a.event())) {
        continue;
      }
      String outcome = "ok";
      try {
        n.send(a);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        outcome = "error";
      } catch (Exception failure) {
        outcome = "error";
        LOG.warnf("could not announce %s of %s on %s: %s", a.event(), subject, n.channel(), failure.getMessage());
        events.warning(Reasons.NOTIFICATION_FAILED, "could not announce " + a.event() + " on " + n.channel() + ": " + failure.getMessage());
      }
      registry.counter("slipway.notifications", "channel", n.channel(), "event", a.event().name(), "outcome", outcome).increment();
    }
  }
}
