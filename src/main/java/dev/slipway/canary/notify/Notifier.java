package dev.slipway.canary.notify;

import dev.slipway.canary.ReleaseEvent;

/** One channel that announces release transitions. */
public interface Notifier {

  /** Short channel name for logs and metrics, e.g. {@code sns}. */
  String channel();

  /** Sends one announcement; throws when the channel did not take it. */
  void send(ReleaseEvent event) throws Exception;

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
      public void send(ReleaseEvent event) throws java.io.IOException {
        throw new java.io.IOException(problem);
      }
    };
  }
}
