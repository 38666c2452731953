package dev.slipway.argocd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseOsLib;

/**
 * Runs a script of deploy/argocd the way Argo CD does: a fresh VM per call with only the libraries
 * Argo CD opens, the object as the global {@code obj} (objects as tables, arrays as 1-based tables).
 */
final class ArgoCdLua {

  static final String GROUP = "slipway.dev";
  /** Argo CD's layout: {@code <group>/<kind>/health.lua} and {@code <group>/<kind>/actions/...}. */
  static final Path SCRIPTS = Path.of("deploy", "argocd", "health", GROUP);

  private ArgoCdLua() {}

  /** The value {@code script} (relative to {@link #SCRIPTS}) returns for {@code object}. */
  static LuaValue run(Path script, Map<String, Object> object) {
    Globals globals = argoCdGlobals();
    globals.set("obj", toLua(object));
    return globals.load(read(script), script.toString()).call();
  }

  static String read(Path script) {
    try {
      return Files.readString(SCRIPTS.resolve(script));
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

  /**
   * A Lua value back to JSON. Lua has one table type, so {@code original} (the value the script was
   * given at this place) says whether an empty table was an array.
   */
  static Object fromLua(LuaValue value, Object original) {
    switch (value.type()) {
      case LuaValue.TNIL:
        return null;
      case LuaValue.TBOOLEAN:
        return value.toboolean();
      case LuaValue.TNUMBER:
        double d = value.todouble();
        if (d != Math.rint(d)) {
          return d;
        }
        // As Jackson reads JSON: an int where it fits, so unchanged numbers compare equal.
        return d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (Object) (int) d : (Object) (long) d;
      case LuaValue.TSTRING:
        return value.tojstring();
      default:
        break;
    }
    LuaTable table = value.checktable();
    if (original instanceof List<?> list || (table.length() > 0 && table.length() == count(table))) {
      List<?> before = original instanceof List<?> l ? l : List.of();
      List<Object> out = new ArrayList<>();
      for (int i = 1; i <= table.length(); i++) {
        out.add(fromLua(table.get(i), i <= before.size() ? before.get(i - 1) : null));
      }
      return out;
    }
    Map<?, ?> before = original instanceof Map<?, ?> m ? m : Map.of();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Varargs next = table.next(LuaValue.NIL); !next.arg1().isnil(); next = table.next(next.arg1())) {
      String key = next.arg1().tojstring();
      out.put(key, fromLua(next.arg(2), before.get(key)));
    }
    return out;
  }

  private static int count(LuaTable table) {
    int n = 0;
    for (Varargs next = table.next(LuaValue.NIL); !next.arg1().isnil(); next = table.next(next.arg1())) {
      n++;
    }
    return n;
  }
}
