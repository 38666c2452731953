package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ActionScriptTest {

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("dev.slipway.argocd.ActionCases#discovery")
  void discoveryOffersExactlyTheActionsTheOperatorActsOn(String name, Map<String, Object> object, Set<String> enabled) {
    Map<String, Boolean> disabled = new TreeMap<>();
    ActionCases.ALL.forEach(a -> disabled.put(a, !enabled.contains(a)));

    assertThat(ArgoCdActions.discovery(ActionCases.KIND, object)).isEqualTo(disabled);
  }

  @ParameterizedTest(name = "{1} on {0} -> {3}")
  @MethodSource("dev.slipway.argocd.ActionCases#actions")
  void actionWritesExactlyItsControl(String name, String action, Map<String, Object> object, Map<String, Object> patch) {
    assertThat(ArgoCdActions.patch(ActionCases.KIND, action, object)).isEqualTo(patch);
  }

  /** An action the menu offers must ask the operator for something: a no-op in the menu would be a lie. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.slipway.argocd.ActionCases#discovery")
  void everyOfferedActionChangesTheObject(String name, Map<String, Object> object, Set<String> enabled) {
    for (String action : enabled) {
      assertThat(ArgoCdActions.patch(ActionCases.KIND, action, object)).as(action).isNotEmpty();
    }
  }

  /** A new action, or one nobody asserts on, must not slip in untested. */
  @Test
  void everyActionHasAScriptAndCases() {
    assertThat(ArgoCdActions.names(ActionCases.KIND)).containsExactlyInAnyOrderElementsOf(ActionCases.ALL);
    Set<String> cased = ActionCases.actions().map(a -> (String) a.get()[1]).collect(Collectors.toSet());
    assertThat(cased).containsExactlyInAnyOrderElementsOf(ActionCases.ALL);
    Set<String> offeredSomewhere = ActionCases.discovery().flatMap(a -> ((Set<?>) a.get()[2]).stream())
        .map(String.class::cast).collect(Collectors.toSet());
    assertThat(offeredSomewhere).containsExactlyInAnyOrderElementsOf(ActionCases.ALL);
  }

  /** discovery.lua keeps the CRD's bound on approvedStep to know when promote-step cannot be written. */
  @Test
  void discoveryKnowsTheCrdsBoundOnApprovedStep() {
    assertThat(ArgoCdLua.read(Path.of(ActionCases.KIND, "actions", "discovery.lua")))
        .contains("local MAX_STEPS = " + CanaryPolicySpec.MAX_STEPS + "\n");
  }
}
