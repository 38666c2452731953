package dev.slipway.canary.notify;

import dev.slipway.api.v1alpha1.NotificationEvent;
import java.util.EnumSet;
import java.util.List;

/** One channel that announces release and service transitions. */
public interface Notifier {

  /** Short channel name for logs and metrics, e.g. {@code sns}. */
  String channel();

  /** Sends one announcement; throws when the channel did not take it. */
  void send(Announcement announcement) throws Exception;

  /** Whether this channel is routed {@code event} (a channel without an event list receives every event). */
  default boolean receives(NotificationEvent event) {
    return true;
  }

  /** {@code channel}, receiving only {@code events}; every event when the list is null, as without routing. */
  static Notifier routed(Notifier channel, List<NotificationEvent> events) {
    if (events == null) {
      return channel;
    }
    EnumSet<NotificationEvent> only = events.isEmpty() ? EnumSet.noneOf(NotificationEvent.class) : EnumSet.copyOf(events);
    return new Notifier() {
      @Override
      public String channel() {
        return channel.channel();
      }

      @Override
      public void send(Announcement announcement) throws Exception {
        channel.send(announcement);
      }

      @Override
      public boolean receives(NotificationEvent event) {
        return only.contains(event);
      }
    };
  }

  /**
   * A channel that could not be set up (a malformed webhook URL, an unreadable Secret): every
   * announcement on it is a notification error, counted and logged with {@code problem} (which must
   * hold no secret), and never fails the release.
   */
  static Notifier failed(String channel, String problem) {
    return new Notifier() {
      @Override
      public String channel() {
        return channel;
      }

      @Override
      public void send(Announcement announcement) throws java.io.IOException {
        throw new java.io.IOException(problem);
      }
    };
  }
}
