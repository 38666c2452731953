package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HealthScriptTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("dev.slipway.argocd.HealthCases#all")
  void scriptMapsStatusToArgoCdHealth(String kind, String fixture, String status, String message) {
    assertThat(ArgoCdHealth.health(kind, HealthCases.fixture(kind, fixture)))
        .isEqualTo(new ArgoCdHealth.Result(status, message));
  }

  /** A new kind's script, or a fixture nobody asserts on, must not slip in untested. */
  @Test
  void everyScriptAndFixtureHasCases() throws IOException {
    Set<String> cased = HealthCases.all().map(a -> a.get()[0] + "/" + a.get()[1]).collect(Collectors.toSet());
    Set<String> casedKinds = HealthCases.all().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
    Path fixtures = Path.of("src", "test", "resources", "argocd");
    try (Stream<Path> scripts = Files.list(ArgoCdHealth.SCRIPTS);
        Stream<Path> files = Files.walk(fixtures)) {
      assertThat(scripts.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(casedKinds);
      assertThat(files.filter(p -> p.toString().endsWith(".yaml"))
              .map(p -> fixtures.relativize(p).toString().replaceFirst("\\.yaml$", "")))
          .containsExactlyInAnyOrderElementsOf(cased);
    }
  }
}
