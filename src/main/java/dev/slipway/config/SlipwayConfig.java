package dev.slipway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** All of Slipway's own settings, under {@code slipway.*} (environment: {@code SLIPWAY_*}). */
@ConfigMapping(prefix = "slipway")
public interface SlipwayConfig {

  /** How often a converged ServerlessService is compared with AWS again to repair drift. */
  @WithDefault("10m")
  Duration resyncPeriod();

  /**
   * How often a resync of a converged service also reads what its spec leaves at its default (no TTL,
   * point-in-time recovery, provisioned concurrency, role policy besides Slipway's), to undo a change
   * made by hand; the resyncs in between read only what the spec sets. A spec change, a service that
   * is not Ready and the first reconcile after this period always check. 0 checks on every resync.
   */
  @WithDefault("1h")
  Duration defaultsCheckPeriod();

  Aws aws();

  Releases releases();

  Iam iam();

  Capacity capacity();

  LeaderElection leaderElection();

  /**
   * The shard this operator owns: it reconciles only the ServerlessServices, LambdaReleases and
   * CanaryPolicies labelled {@code slipway.dev/shard=<shard>} (a DNS label: lower-case letters,
   * digits and '-'). Absent, and {@link #shardUnlabelled()} false, it reconciles every object.
   */
  Optional<String> shard();

  /**
   * This operator owns the objects without the {@code slipway.dev/shard} label: the shard that
   * keeps the objects of a cluster that had one operator before it was sharded. Not with {@link #shard()}.
   */
  @WithDefault("false")
  boolean shardUnlabelled();

  /** Leader election (active in the prod profile, i.e. the packaged operator): one replica reconciles. */
  interface LeaderElection {
    /**
     * Name of the coordination.k8s.io Lease; by default {@code slipway-operator}, or
     * {@code slipway-operator-<shard>} ({@code -unlabelled}) for a shard, so each shard elects its own leader.
     */
    Optional<String> leaseName();

    /** Namespace of the Lease; defaults to the client's namespace (the pod's, in a cluster). */
    Optional<String> leaseNamespace();
  }

  interface Aws {
    /**
     * Send every AWS call here instead of the real endpoints (an emulator such as moto). When
     * absent the SDK's own {@code AWS_ENDPOINT_URL} handling still applies.
     */
    Optional<URI> endpointUrl();

    /**
     * How many AWS calls the call recorder keeps (the newest; for tests and diagnosis). 0, the
     * default, keeps none: the calls are counted in {@code slipway_aws_calls_total} only.
     */
    @WithDefault("0")
    int callLogSize();

    /** How many AWS resources are reconciled at once: the workers of the one pool all services share. */
    @WithDefault("4")
    int parallelism();

    /**
     * How many of those workers one service may have at once (at most {@link #parallelism()}): one
     * big stack cannot take the whole pool, and a service that starts later waits behind this many
     * resources of each running service, not all of them.
     */
    @WithDefault("2")
    int parallelismPerService();

    /** First delay before retrying a retryable AWS failure (of a service or a release); doubles per attempt in a row. */
    @WithDefault("5s")
    Duration retryInitialDelay();

    /** Longest delay between retries of a retryable failure. */
    @WithDefault("5m")
    Duration retryMaxDelay();
  }

  /**
   * How JOSDK's reconciler threads (one pool for every controller,
   * {@code quarkus.operator-sdk.concurrent-reconciliation-threads}, 50) are shared: services and
   * ordinary release work each have a bound, and the threads beyond both are left for rollbacks and
   * final alias moves, which are never deferred. A reconcile that finds its bound reached comes back
   * after the requeue delay without doing anything.
   */
  interface Capacity {
    /** ServerlessService reconciles (and cleanups) that may run at once. */
    @WithDefault("8")
    int serviceReconciles();

    /** LambdaRelease reconciles that may run at once, rollbacks and final alias moves not counted. */
    @WithDefault("32")
    int releaseReconciles();

    /** How soon a deferred reconcile comes back (plus a random part of as much again). */
    @WithDefault("2s")
    Duration requeueDelay();
  }

  /** How the IAM roles Slipway creates (one execution role per function) are fenced in. */
  interface Iam {
    /**
     * ARN of a managed policy set as the permissions boundary of every role Slipway manages: a role
     * can then do at most what this policy allows, whatever its inline policy grants. A role found
     * without it (or with another) is repaired; absent, roles carry no boundary and one found is removed.
     */
    Optional<String> permissionsBoundary();
  }

  interface Releases {
    /** Finished LambdaReleases kept per function as deployment history (like Deployment revisions). */
    @WithDefault("10")
    int historyLimit();

    /**
     * How long a finished LambdaRelease is kept: older ones are deleted, whoever created them (the
     * count limit above prunes only those a ServerlessService created). 0 keeps them for ever.
     */
    @WithDefault("90d")
    Duration retention();

    /** Analysis results kept in a release's status. */
    @WithDefault("20")
    int analysisHistory();
  }
}
