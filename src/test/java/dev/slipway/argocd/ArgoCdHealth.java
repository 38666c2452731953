package dev.slipway.argocd;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseOsLib;

/**
 * Runs the Argo CD health scripts under deploy/argocd/health the way Argo CD does: a fresh VM per
 * object with only the libraries Argo CD opens, the object as the global {@code obj} (objects as
 * tables, arrays as 1-based tables), and the table the script returns read as status and message.
 *
 * <p>Feed it any object as the API server returns it, e.g. one captured from an end-to-end test.
 */
public final class ArgoCdHealth {

  public static final String GROUP = "slipway.dev";
  /** Argo CD's layout: {@code <group>/<kind>/health.lua}. */
  public static final Path SCRIPTS = Path.of("deploy", "argocd", "health", GROUP);

  private static final Set<String> ARGO_CD_STATUSES =
      Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** What Argo CD would show for the object. */
  public record Result(String status, String message) {}

  private ArgoCdHealth() {}

  /** The health of an object of the given slipway.dev kind, as a JSON-like map. */
  public static Result health(String kind, Map<String, Object> object) {
    Globals globals = argoCdGlobals();
    globals.set("obj", toLua(object));
    LuaValue hs = globals.load(script(kind), kind + "/health.lua").call();
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

  static String script(String kind) {
    try {
      return Files.readString(SCRIPTS.resolve(kind).resolve("health.lua"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Argo CD opens package, base, table and an os with only time and date: no string, io or debug. */
  private static Globals argoCdGlobals() {
    Globals globals = new Globals();
    globals.load(new JseBaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    globals.load(new JseOsLib());
    LuaValue os = globals.get("os");
    LuaTable safeOs = new LuaTable();
    safeOs.set("time", os.get("time"));
    safeOs.set("date", os.get("date"));
    globals.set("os", safeOs);
    globals.get("package").get("loaded").set("os", safeOs);
    LoadState.install(globals);
    LuaC.install(globals);
    return globals;
  }

  /** JSON value to Lua as Argo CD decodes it: numbers become Lua numbers, null leaves the key out. */
  static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    }
    if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.set(k.toString(), toLua(v)));
      return table;
    }
    if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.set(i + 1, toLua(list.get(i)));
      }
      return table;
    }
    if (value instanceof String s) {
      return LuaValue.valueOf(s);
    }
    if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    }
    if (value instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass());
  }
}
