package dev.slipway.canary;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CanaryPolicySpec.Preset;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.aws.SlipwayException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The traffic steps of a release, in order. After the last step all traffic moves to the new
 * version; an empty plan (AllAtOnce) moves it at once.
 */
public record StepPlan(List<Step> steps) {

  /**
   * One step: the canary's share of traffic, how long to hold it, and whether a person must
   * approve it before the release goes on.
   */
  public record Step(int weight, Duration pause, boolean approval) {
    public Step(int weight, Duration pause) {
      this(weight, pause, false);
    }
  }

  public StepPlan {
    steps = List.copyOf(steps);
    int previous = 0;
    for (Step s : steps) {
      if (s.weight() < 1 || s.weight() > 99) {
        throw invalid("step weight " + s.weight() + "% is outside 1..99");
      }
      if (s.weight() <= previous) {
        throw invalid("step weights must increase: " + s.weight() + "% after " + previous + "%");
      }
      if (s.pause().isNegative()) {
        throw invalid("step pause must not be negative");
      }
      previous = s.weight();
    }
  }

  public static StepPlan allAtOnce() {
    return new StepPlan(List.of());
  }

  /** The plan of a policy: its preset expanded as CodeDeploy does, or its explicit steps. */
  public static StepPlan of(CanaryPolicySpec policy) {
    if (policy == null) {
      return allAtOnce();
    }
    if (policy.preset != null) {
      return ofPreset(policy.preset);
    }
    List<Step> steps = new ArrayList<>();
    for (CanaryPolicySpec.Step s : policy.steps == null ? List.<CanaryPolicySpec.Step>of() : policy.steps) {
      if (s.weight == null || s.pause == null) {
        throw invalid("every step needs weight and pause");
      }
      try {
        steps.add(new Step(s.weight, Durations.parse(s.pause), Boolean.TRUE.equals(s.approval)));
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
    }
    return new StepPlan(steps);
  }

  public static StepPlan ofPreset(Preset preset) {
    return switch (preset) {
      case Canary10Percent5Minutes -> canary(5);
      case Canary10Percent10Minutes -> canary(10);
      case Canary10Percent15Minutes -> canary(15);
      case Canary10Percent30Minutes -> canary(30);
      case Linear10PercentEvery1Minute -> linear(1);
      case Linear10PercentEvery2Minutes -> linear(2);
      case Linear10PercentEvery3Minutes -> linear(3);
      case Linear10PercentEvery10Minutes -> linear(10);
      case AllAtOnce -> allAtOnce();
    };
  }

  private static StepPlan canary(int minutes) {
    return new StepPlan(List.of(new Step(10, Duration.ofMinutes(minutes))));
  }

  private static StepPlan linear(int minutes) {
    List<Step> steps = new ArrayList<>();
    for (int w = 10; w < 100; w += 10) {
      steps.add(new Step(w, Duration.ofMinutes(minutes)));
    }
    return new StepPlan(steps);
  }

  public int size() {
    return steps.size();
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** Step {@code index}, 1-based as in status. */
  public Step step(int index) {
    return steps.get(index - 1);
  }

  /** E.g. {@code 10%/30m+approval → 50%/10m → 100%}. */
  public String summary() {
    String shifts = steps.stream().map(s -> s.weight() + "%/" + Durations.format(s.pause()) + (s.approval() ? "+approval" : "")).collect(Collectors.joining(" → "));
    return shifts.isEmpty() ? "100%" : shifts + " → 100%";
  }

  private static SlipwayException invalid(String message) {
    return SlipwayException.terminal("InvalidPolicy", message);
  }
}
