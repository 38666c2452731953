package dev.slipway.canary.notify;

/**
 * A transition of a ServerlessService worth announcing: {@code kind} is ServiceReady, ServiceDegraded
 * or ServiceDeleted; {@code reason} and {@code message} are its Ready condition's (or what its
 * deletion did); {@code commit} and {@code deployer} come from its annotations, when they say so.
 */
public record ServiceEvent(
    Kind kind, String namespace, String service, String stage, String region, long generation, String reason, String message,
    String commit, String deployer) {

  /** The service events of {@link dev.slipway.api.v1alpha1.NotificationEvent}, by the same names. */
  public enum Kind {
    ServiceReady,
    ServiceDegraded,
    ServiceDeleted
  }
}
