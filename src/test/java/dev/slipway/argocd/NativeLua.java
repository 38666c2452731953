package dev.slipway.argocd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The C Lua 5.1 interpreter (Debian's lua5.1), where one is installed, with only the libraries Argo
 * CD opens: luaj implements Lua 5.2 and would accept 5.2-only syntax that gopher-lua rejects.
 */
final class NativeLua {

  private static final String LUA = "lua5.1";

  private NativeLua() {}

  static boolean installed() {
    try {
      return new ProcessBuilder(LUA, "-v").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Runs {@code script} (relative to {@link ArgoCdLua#SCRIPTS}) on {@code object}; {@code report}
   * is Lua that writes what the test compares, with the script's result in {@code result} and
   * {@code write} (io.write, kept back before io goes).
   */
  static Result run(Path script, Map<String, Object> object, String report) throws IOException, InterruptedException {
    String program = String.join("\n",
        "local write = io.write",
        "getmetatable('').__index = nil",
        "string, io, debug = nil, nil, nil",
        "os = { time = os.time, date = os.date }",
        "obj = " + literal(object),
        "local result = dofile(" + literal(ArgoCdLua.SCRIPTS.resolve(script).toString()) + ")",
        report);
    Process lua = new ProcessBuilder(LUA, "-").redirectErrorStream(true).start();
    lua.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
    lua.getOutputStream().close();
    String output = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(lua.waitFor(), output);
  }

  record Result(int exitCode, String output) {}

  /** A JSON value as a Lua constructor expression (objects keyed, arrays 1-based). */
  static String literal(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .filter(e -> e.getValue() != null)
          .map(e -> "[" + literal(e.getKey().toString()) + "] = " + literal(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(NativeLua::literal).collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof String s) {
      StringBuilder out = new StringBuilder("\"");
      for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        // Three digits, so that a digit after the escape is not read as part of it.
        out.append(c < 32 || c == '"' || c == '\\' || c > 126 ? String.format("\\%03d", c) : String.valueOf((char) c));
      }
      return out.append('"').toString();
    }
    return String.valueOf(value); // numbers and booleans read the same in Lua
  }
}
