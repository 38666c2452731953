package dev.slipway.release;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ServerlessService;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Finished releases are the deployment history of an alias; like a Deployment's revisions, only the
 * newest {@code limit} are kept. Only releases a ServerlessService created are pruned: one a user or
 * GitOps created is theirs to delete (pruning it would make Argo CD create it again).
 */
final class ReleaseHistory {

  private static final Logger LOG = Logger.getLogger(ReleaseHistory.class);

  private final KubernetesClient client;
  private final int limit;

  ReleaseHistory(KubernetesClient client, int limit) {
    this.client = client;
    this.limit = Math.max(1, limit); // the newest release is the record of what is live: never pruned
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

  private static boolean ownedByService(LambdaRelease r) {
    return r.getMetadata().getOwnerReferences().stream().anyMatch(o -> new ServerlessService().getKind().equals(o.getKind()));
  }
}
