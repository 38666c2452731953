package dev.slipway.canary.notify;

import dev.slipway.canary.ReleaseEvent;

/** One channel that announces release transitions. */
public interface Notifier {

  /** Short channel name for logs and metrics, e.g. {@code sns}. */
  String channel();

  /** Sends one announcement; throws when the channel did not take it. */
  void send(ReleaseEvent event) throws Exception;
}
