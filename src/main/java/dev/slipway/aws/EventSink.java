package dev.slipway.aws;

/** Where the resource loop reports what it did; the reconciler turns these into Kubernetes Events. */
public interface EventSink {

  void normal(String reason, String message);

  void warning(String reason, String message);

  EventSink NONE =
      new EventSink() {
        @Override
        public void normal(String reason, String message) {}

        @Override
        public void warning(String reason, String message) {}
      };
}
