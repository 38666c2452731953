package dev.slipway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.LambdaRelease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and patches LambdaReleases for the commands. */
final class Releases {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Attempts at a control's patch while the operator's status writes move the resourceVersion. */
  private static final int ATTEMPTS = 5;

  private Releases() {}

  /** The release; a missing one is an error the user must see, not an empty status. */
  static LambdaRelease get(KubernetesClient client, String ns, String name) {
    LambdaRelease r = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    if (r == null) {
      throw new IllegalArgumentException("lambdarelease \"" + name + "\" not found in namespace " + ns);
    }
    return r;
  }

  static List<LambdaRelease> list(KubernetesClient client, String ns) {
    var releases = client.resources(LambdaRelease.class);
    return (ns == null ? releases.inAnyNamespace().list() : releases.inNamespace(ns).list()).getItems();
  }

  /**
   * Writes {@code control} as its Argo CD action would, as a JSON merge patch of spec. The patch
   * carries the resourceVersion it was computed from: promote-step and retry derive their value from
   * status, so one computed on a stale read is refused (409) and computed again on a fresh one.
   * Returns the patch written, empty if the control does not apply now.
   */
  static Map<String, Object> control(KubernetesClient client, String ns, String name, Control control) {
    for (int attempt = 1; ; attempt++) {
      LambdaRelease live = get(client, ns, name);
      if (!control.offered(live)) {
        return Map.of();
      }
      Map<String, Object> patch = new LinkedHashMap<>(control.patch(live));
      patch.put("metadata", Map.of("resourceVersion", live.getMetadata().getResourceVersion()));
      try {
        client.resources(LambdaRelease.class).inNamespace(ns).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
        return control.patch(live);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
