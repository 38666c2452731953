package dev.slipway.api.v1alpha1;

/** Names shared by the API types and the operator. */
public final class Slipway {
  public static final String GROUP = "slipway.dev";
  public static final String VERSION = "v1alpha1";
  /** Finalizer that guards AWS clean-up of a ServerlessService. */
  public static final String FINALIZER = "slipway.dev/finalizer";
  /** Label put on every object Slipway creates for a service. */
  public static final String SERVICE_LABEL = "slipway.dev/service";
  /** Label carrying the function name on LambdaReleases. */
  public static final String FUNCTION_LABEL = "slipway.dev/function";

  /**
   * Label naming the shard, i.e. the operator Deployment ({@code slipway.shard}), that owns a
   * ServerlessService, LambdaRelease or CanaryPolicy. A service's releases carry the service's value.
   */
  public static final String SHARD_LABEL = "slipway.dev/shard";

  /**
   * Label a Secret carries when ServerlessService parameters take values from it: the Secret's own
   * consent to be read. The operator reads parameter Secrets by name and refuses one without it.
   */
  public static final String SECRET_SOURCE_LABEL = "slipway.dev/parameter-source";

  /**
   * Annotation of a ServerlessService that lets it take over existing resources without its
   * {@code slipway.dev/service} tag: {@code "true"} for every kind, or kind names separated by commas.
   */
  public static final String ADOPT_ANNOTATION = "slipway.dev/adopt";

  /**
   * Annotation whose changed value (any string; a timestamp by convention, as {@code date +%s} or
   * RFC 3339) asks for a reconcile at once, though the generation did not change: Flux's
   * {@code reconcile.fluxcd.io/requestedAt}. The value handled last is {@code status.lastHandledReconcileAt}.
   */
  public static final String RECONCILE_REQUESTED_AT = "slipway.dev/reconcile-requested-at";

  /**
   * Annotation of a LambdaRelease (or of the ServerlessService, copied to the releases it creates):
   * the commit, tag or build being released, named in every notification.
   */
  public static final String COMMIT_ANNOTATION = "slipway.dev/commit";

  /** Annotation like {@link #COMMIT_ANNOTATION}: who or what (a person, a CI job) deployed the release. */
  public static final String DEPLOYER_ANNOTATION = "slipway.dev/deployer";

  private Slipway() {}
}
