package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.cli.Control;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kubectl slipway's controls are Argo CD's actions: on every case of the action tests, each control
 * is offered exactly where discovery.lua offers its action and writes exactly the merge patch the
 * action's script makes Argo CD send.
 */
class CliControlsTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachControlIsOfferedWhereItsActionIsAndWritesWhatItWrites(String name, Map<String, Object> object) {
    LambdaRelease release = Serialization.jsonMapper().convertValue(object, LambdaRelease.class);
    Set<String> offered = ArgoCdActions.enabled(ActionCases.KIND, object);
    for (Control control : Control.values()) {
      assertThat(control.offered(release)).as(control.action).isEqualTo(offered.contains(control.action));
      assertThat(control.patch(release)).as(control.action).isEqualTo(ArgoCdActions.patch(ActionCases.KIND, control.action, object));
    }
  }

  /**
   * The discovery cases and the action cases' objects, but for a phase this operator does not know
   * (unknown-phase): the typed API cannot read it, and the plugin reports that as an error. Each with
   * the CRD's defaults filled in, as the API server returns every object: a fixture without
   * {@code paused} is no state a live release can be in.
   */
  static Stream<Arguments> cases() {
    return Stream.concat(
            ActionCases.discovery().map(a -> Arguments.of(a.get()[0], a.get()[1])),
            ActionCases.actions().map(a -> Arguments.of(a.get()[1] + " on " + a.get()[0], a.get()[2])))
        .filter(a -> knownPhase(a.get()[1]))
        .peek(a -> withCrdDefaults(a.get()[1]));
  }

  @SuppressWarnings("unchecked")
  private static void withCrdDefaults(Object object) {
    Map<String, Object> spec = ActionCases.spec((Map<String, Object>) object);
    Map.of("paused", false, "promote", false, "abort", false, "retry", 0).forEach(spec::putIfAbsent);
  }

  @SuppressWarnings("unchecked")
  private static boolean knownPhase(Object object) {
    Object status = ((Map<String, Object>) object).get("status");
    Object phase = status == null ? null : ((Map<String, Object>) status).get("phase");
    return phase == null || Arrays.stream(ReleasePhase.values()).anyMatch(p -> p.name().equals(phase));
  }
}
