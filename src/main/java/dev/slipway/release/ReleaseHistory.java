package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.history.Since;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finished releases are the deployment history of an alias, kept by count and by age. By count, like
 * a Deployment's revisions: only the newest {@code limit} are kept, and only releases a
 * ServerlessService created are pruned: one a user or GitOps created is theirs to delete (pruning it
 * would make Argo CD create it again). By age, for every release whoever created it: one finished
 * longer than {@code retention} ago is deleted (a zero retention keeps them for ever).
 */
final class ReleaseHistory {

  private static final Logger LOG = Logger.getLogger(ReleaseHistory.class);

  private final KubernetesClient client;
  private final int limit;
  private final Duration retention;
  private final Clock clock;

  ReleaseHistory(KubernetesClient client, int limit, Duration retention, Clock clock) {
    this.client = client;
    this.limit = Math.max(1, limit); // the newest release is the record of what is live: never pruned
    this.retention = retention;
    this.clock = clock;
  }

  void prune(LambdaRelease finished) {
    String ns = finished.getMetadata().getNamespace();
    String key = ReleaseTarget.specKey(finished);
    List<LambdaRelease> old =
        client.resources(LambdaRelease.class).inNamespace(ns).list().getItems().stream()
            .filter(r -> key.equals(ReleaseTarget.specKey(r)))
            .filter(r -> r.getStatus() != null && r.getStatus().finishTime != null)
            .filter(ReleaseHistory::ownedByService)
            .sorted(Comparator.comparing((LambdaRelease r) -> r.getStatus().finishTime).reversed())
            .skip(limit)
            .toList();
    for (LambdaRelease r : old) {
      LOG.infof("pruning release %s/%s from the history of %s", ns, r.getMetadata().getName(), key);
      client.resource(r).delete();
    }
  }

  /**
   * Retention by age of a finished release: deleted once it finished {@code retention} ago (then
   * empty), else how long until then, for the reconciler to look again. Empty too without a retention.
   */
  Optional<Duration> expire(LambdaRelease finished) {
    String finishTime = finished.getStatus() == null ? null : finished.getStatus().finishTime;
    if (retention.isZero() || finishTime == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), Instant.parse(finishTime).plus(retention));
    if (!left.isNegative() && !left.isZero()) {
      return Optional.of(left);
    }
    LOG.infof("deleting release %s/%s: it finished at %s, longer ago than the retention of %s",
        finished.getMetadata().getNamespace(), finished.getMetadata().getName(), finishTime, Since.format(retention));
    client.resource(finished).delete();
    return Optional.empty();
  }

  private static boolean ownedByService(LambdaRelease r) {
    return r.getMetadata().getOwnerReferences().stream().anyMatch(o -> new ServerlessService().getKind().equals(o.getKind()));
  }
}
