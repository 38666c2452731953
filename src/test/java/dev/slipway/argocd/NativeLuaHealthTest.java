package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same cases under the C Lua 5.1 interpreter (Debian's lua5.1), where one is installed: luaj
 * implements Lua 5.2 and would accept 5.2-only syntax that gopher-lua rejects. CI needs none.
 */
@EnabledIf("luaInstalled")
class NativeLuaHealthTest {

  private static final String LUA = "lua5.1";

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("dev.slipway.argocd.HealthCases#all")
  void scriptBehavesTheSameUnderLua51(String kind, String fixture, String status, String message) throws Exception {
    Path script = ArgoCdHealth.SCRIPTS.resolve(kind).resolve("health.lua");
    // Only the libraries Argo CD opens: keep io.write for our answer, drop string (methods too), io, debug.
    String program = String.join("\n",
        "local write = io.write",
        "getmetatable('').__index = nil",
        "string, io, debug = nil, nil, nil",
        "os = { time = os.time, date = os.date }",
        "obj = " + literal(HealthCases.fixture(kind, fixture)),
        "local hs = dofile(" + literal(script.toString()) + ")",
        "write(hs.status, '\\n', hs.message or '', '\\n')");
    Process lua = new ProcessBuilder(LUA, "-").redirectErrorStream(true).start();
    lua.getOutputStream().write(program.getBytes(StandardCharsets.UTF_8));
    lua.getOutputStream().close();
    String output = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(lua.waitFor()).as(output).isZero();
    assertThat(output).isEqualTo(status + "\n" + message + "\n");
  }

  static boolean luaInstalled() {
    try {
      return new ProcessBuilder(LUA, "-v").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** A JSON value as a Lua constructor expression (objects keyed, arrays 1-based). */
  private static String literal(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .filter(e -> e.getValue() != null)
          .map(e -> "[" + literal(e.getKey().toString()) + "] = " + literal(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(NativeLuaHealthTest::literal).collect(Collectors.joining(", ", "{", "}"));
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
