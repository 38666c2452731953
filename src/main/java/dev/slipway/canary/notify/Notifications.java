package dev.slipway.canary.notify;

import dev.slipway.canary.ReleaseEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends every announcement to every channel of a policy. A channel that fails is logged and counted
 * ({@code slipway_notifications_total{outcome="error"}}) and never fails the release.
 */
public final class Notifications {

  private static final Logger LOG = Logger.getLogger(Notifications.class);

  private final List<Notifier> channels;
  private final MeterRegistry registry;

  public Notifications(List<Notifier> channels, MeterRegistry registry) {
    this.channels = List.copyOf(channels);
    this.registry = registry;
  }

  public void announce(ReleaseEvent e) {
    for (Notifier n : channels) {
      String outcome = "ok";
      try {
        n.send(e);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        outcome = "error";
      } catch (Exception failure) {
        outcome = "error";
        LOG.warnf("could not announce %s of release %s on %s: %s", e.kind(), e.release(), n.channel(), failure.getMessage());
      }
      registry.counter("slipway.notifications", "channel", n.channel(), "event", e.kind().name(), "outcome", outcome).increment();
    }
  }
}
