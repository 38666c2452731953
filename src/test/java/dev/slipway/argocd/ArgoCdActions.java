package dev.slipway.argocd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Runs the Argo CD resource actions under deploy/argocd/health/slipway.dev/KIND/actions as Argo CD
 * does: {@code discovery.lua} returns the actions with their {@code disabled} flags, an action's
 * {@code action.lua} returns the modified object, and Argo CD writes the JSON merge patch (RFC 7386)
 * from the live object to the returned one (argo-cd server/application/application.go,
 * RunResourceAction). Feed it objects as the API server returns them.
 */
public final class ArgoCdActions {

  private ArgoCdActions() {}

  /** The names of the actions of {@code kind}: one directory with an action.lua each. */
  public static Set<String> names(String kind) {
    try (Stream<Path> dirs = Files.list(ArgoCdLua.SCRIPTS.resolve(kind).resolve("actions"))) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What discovery.lua offers: action name to its disabled flag (absent means false, as in Argo CD). */
  public static Map<String, Boolean> discovery(String kind, Map<String, Object> object) {
    LuaValue actions = ArgoCdLua.run(Path.of(kind, "actions", "discovery.lua"), object);
    Map<String, Boolean> out = new TreeMap<>();
    LuaTable table = actions.checktable();
    for (Varargs next = table.next(LuaValue.NIL); !next.arg1().isnil(); next = table.next(next.arg1())) {
      out.put(next.arg1().checkjstring(), next.arg(2).checktable().get("disabled").optboolean(false));
    }
    return out;
  }

  /** The actions discovery.lua offers and does not disable. */
  public static Set<String> enabled(String kind, Map<String, Object> object) {
    return discovery(kind, object).entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The object {@code action} returns for {@code object}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> run(String kind, String action, Map<String, Object> object) {
    LuaValue result = ArgoCdLua.run(Path.of(kind, "actions", action, "action.lua"), object);
    return (Map<String, Object>) ArgoCdLua.fromLua(result, object);
  }

  /** The patch Argo CD sends for {@code action} on {@code object}: a JSON merge patch, empty if nothing changed. */
  public static Map<String, Object> patch(String kind, String action, Map<String, Object> object) {
    return mergePatch(object, run(kind, action, object));
  }

  /** RFC 7386: the keys whose values differ, recursively for objects; removed keys as null. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> mergePatch(Map<String, Object> from, Map<String, Object> to) {
    Map<String, Object> patch = new LinkedHashMap<>();
    from.keySet().stream().filter(k -> !to.containsKey(k) && from.get(k) != null).forEach(k -> patch.put(k, null));
    to.forEach((k, v) -> {
      Object was = from.get(k);
      if (was instanceof Map<?, ?> a && v instanceof Map<?, ?> b) {
        Map<String, Object> inner = mergePatch((Map<String, Object>) a, (Map<String, Object>) b);
        if (!inner.isEmpty()) {
          patch.put(k, inner);
        }
      } else if (!same(was, v)) {
        patch.put(k, v);
      }
    });
    return patch;
  }

  /** JSON equality: 3 and 3L (Lua has one number type) are the same number. */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return Objects.equals(a, b);
  }
}
