package dev.slipway.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CanaryPolicySpec.Preset;
import dev.slipway.aws.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StepPlanTest {

  @ParameterizedTest
  @CsvSource({"Canary10Percent5Minutes,5", "Canary10Percent10Minutes,10", "Canary10Percent15Minutes,15", "Canary10Percent30Minutes,30"})
  void canaryPresetsHoldTenPercentThenShiftEverything(Preset preset, int minutes) {
    StepPlan plan = StepPlan.ofPreset(preset);

    assertThat(plan.steps()).containsExactly(new StepPlan.Step(10, Duration.ofMinutes(minutes)));
    assertThat(plan.summary()).isEqualTo("10%/" + minutes + "m → 100%");
  }

  @ParameterizedTest
  @CsvSource({"Linear10PercentEvery1Minute,1", "Linear10PercentEvery2Minutes,2", "Linear10PercentEvery3Minutes,3", "Linear10PercentEvery10Minutes,10"})
  void linearPresetsAddTenPercentPerInterval(Preset preset, int minutes) {
    StepPlan plan = StepPlan.ofPreset(preset);

    assertThat(plan.steps())
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 9).mapToObj(i -> new StepPlan.Step(10 * i, Duration.ofMinutes(minutes))).toList());
    assertThat(plan.summary()).startsWith("10%/" + minutes + "m → 20%/" + minutes + "m").endsWith("90%/" + minutes + "m → 100%");
  }

  @Test
  void allAtOnceHasNoSteps() {
    assertThat(StepPlan.ofPreset(Preset.AllAtOnce).isEmpty()).isTrue();
    assertThat(StepPlan.of(null).summary()).isEqualTo("100%");
  }

  @Test
  void explicitStepsKeepTheirOrderAndPauses() {
    StepPlan plan = StepPlan.of(policy(new CanaryPolicySpec.Step(10, "30m"), new CanaryPolicySpec.Step(50, "1h30m")));

    assertThat(plan.size()).isEqualTo(2);
    assertThat(plan.step(2)).isEqualTo(new StepPlan.Step(50, Duration.ofMinutes(90)));
    assertThat(plan.summary()).isEqualTo("10%/30m → 50%/1h30m → 100%");
  }

  @Test
  void presetWinsOverEmptyStepList() {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.preset = Preset.Canary10Percent5Minutes;

    assertThat(StepPlan.of(spec).size()).isEqualTo(1);
  }

  @Test
  void rejectsWeightsThatDoNotIncrease() {
    assertThatThrownBy(() -> StepPlan.of(policy(new CanaryPolicySpec.Step(50, "1m"), new CanaryPolicySpec.Step(10, "1m"))))
        .isInstanceOf(SlipwayException.class)
        .hasMessageContaining("must increase")
        .matches(e -> ((SlipwayException) e).reason().equals("InvalidPolicy"));
    assertThatThrownBy(() -> StepPlan.of(policy(new CanaryPolicySpec.Step(10, "1m"), new CanaryPolicySpec.Step(10, "1m"))))
        .hasMessageContaining("must increase");
  }

  @Test
  void rejectsWeightsOutsideOneToNinetyNine() {
    assertThatThrownBy(() -> StepPlan.of(policy(new CanaryPolicySpec.Step(100, "1m")))).hasMessageContaining("outside 1..99");
    assertThatThrownBy(() -> StepPlan.of(policy(new CanaryPolicySpec.Step(0, "1m")))).hasMessageContaining("outside 1..99");
  }

  @Test
  void rejectsUnreadablePause() {
    assertThatThrownBy(() -> StepPlan.of(policy(new CanaryPolicySpec.Step(10, "soon")))).hasMessageContaining("not a duration");
  }

  private static CanaryPolicySpec policy(CanaryPolicySpec.Step... steps) {
    CanaryPolicySpec spec = new CanaryPolicySpec();
    spec.steps = List.of(steps);
    return spec;
  }
}
