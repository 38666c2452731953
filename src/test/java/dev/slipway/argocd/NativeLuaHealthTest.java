package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The health cases under the C Lua 5.1 interpreter ({@link NativeLua}), where one is installed. CI needs none. */
@EnabledIf("dev.slipway.argocd.NativeLua#installed")
class NativeLuaHealthTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("dev.slipway.argocd.HealthCases#all")
  void scriptBehavesTheSameUnderLua51(String kind, String fixture, String status, String message) throws Exception {
    NativeLua.Result lua = NativeLua.run(Path.of(kind, "health.lua"), HealthCases.fixture(kind, fixture),
        "write(result.status, '\\n', result.message or '', '\\n')");

    assertThat(lua.exitCode()).as(lua.output()).isZero();
    assertThat(lua.output()).isEqualTo(status + "\n" + message + "\n");
  }
}
