package dev.slipway.argocd;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LuaValue;

/**
 * Runs the Argo CD health scripts under deploy/argocd/health the way Argo CD does ({@link ArgoCdLua})
 * and reads the table the script returns as status and message.
 *
 * <p>Feed it any object as the API server returns it, e.g. one captured from an end-to-end test.
 */
public final class ArgoCdHealth {

  /** Argo CD's layout: {@code <group>/<kind>/health.lua}. */
  public static final Path SCRIPTS = ArgoCdLua.SCRIPTS;

  private static final Set<String> ARGO_CD_STATUSES =
      Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** What Argo CD would show for the object. */
  public record Result(String status, String message) {}

  private ArgoCdHealth() {}

  /** The health of an object of the given slipway.dev kind, as a JSON-like map. */
  public static Result health(String kind, Map<String, Object> object) {
    LuaValue hs = ArgoCdLua.run(Path.of(kind, "health.lua"), object);
    if (!hs.istable()) {
      throw new IllegalStateException(kind + "/health.lua returned " + hs.typename() + ", not a table");
    }
    String status = hs.get("status").optjstring(null);
    if (!ARGO_CD_STATUSES.contains(status)) {
      // Argo CD would turn this into Unknown; for us it is a broken script.
      throw new IllegalStateException(kind + "/health.lua returned status " + status);
    }
    return new Result(status, hs.get("message").optjstring(null));
  }

  /** The health of a typed resource, serialized as the API server would store it. */
  @SuppressWarnings("unchecked")
  public static Result health(HasMetadata resource) {
    return health(resource.getKind(), SERIALIZATION.convertValue(resource, Map.class));
  }
}
