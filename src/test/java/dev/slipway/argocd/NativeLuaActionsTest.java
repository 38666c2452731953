package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The action cases under the C Lua 5.1 interpreter ({@link NativeLua}), where one is installed. CI needs none. */
@EnabledIf("dev.slipway.argocd.NativeLua#installed")
class NativeLuaActionsTest {

  /** The spec fields the actions write, one line each, nil when absent. */
  private static final String CONTROLS = "paused promote abort approvedStep retry";

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("dev.slipway.argocd.ActionCases#discovery")
  void discoveryBehavesTheSameUnderLua51(String name, Map<String, Object> object, Set<String> enabled) throws Exception {
    String expected = ActionCases.ALL.stream().sorted().map(a -> a + " " + !enabled.contains(a) + "\n").collect(Collectors.joining());

    NativeLua.Result lua = NativeLua.run(Path.of(ActionCases.KIND, "actions", "discovery.lua"), object, String.join("\n",
        "local names = {}",
        "for name in pairs(result) do table.insert(names, name) end",
        "table.sort(names)",
        "for _, name in ipairs(names) do write(name, ' ', tostring(result[name].disabled == true), '\\n') end"));

    assertThat(lua.exitCode()).as(lua.output()).isZero();
    assertThat(lua.output()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("dev.slipway.argocd.ActionCases#actions")
  void actionBehavesTheSameUnderLua51(String name, String action, Map<String, Object> object, Map<String, Object> patch)
      throws Exception {
    Map<String, Object> spec = ActionCases.spec(object);
    @SuppressWarnings("unchecked")
    Map<String, Object> written = (Map<String, Object>) patch.getOrDefault("spec", Map.of());
    StringBuilder expected = new StringBuilder();
    for (String field : CONTROLS.split(" ")) {
      Object value = written.containsKey(field) ? written.get(field) : spec.get(field);
      expected.append(field).append(' ').append(value == null ? "nil" : value).append('\n');
    }

    NativeLua.Result lua = NativeLua.run(Path.of(ActionCases.KIND, "actions", action, "action.lua"), object, String.join("\n",
        "for _, field in ipairs({'paused', 'promote', 'abort', 'approvedStep', 'retry'}) do",
        "  write(field, ' ', tostring(result.spec[field]), '\\n')",
        "end"));

    assertThat(lua.exitCode()).as(lua.output()).isZero();
    assertThat(lua.output()).isEqualTo(expected.toString());
  }
}
