package dev.slipway.bench;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.canary.StepPlan;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@link StepPlan#of} for every preset, and for explicit steps (which parse their pauses). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StepPlanBench {

  @Param({"Canary10Percent30Minutes", "Linear10PercentEvery10Minutes", "AllAtOnce", "explicit3Steps"})
  public String policy;

  CanaryPolicySpec spec;

  @Setup
  public void setUp() {
    spec = new CanaryPolicySpec();
    if (policy.equals("explicit3Steps")) {
      spec.steps = List.of(new CanaryPolicySpec.Step(5, "5m"), new CanaryPolicySpec.Step(25, "10m"), new CanaryPolicySpec.Step(50, "1h30m"));
    } else {
      spec.preset = CanaryPolicySpec.Preset.valueOf(policy);
    }
  }

  @Benchmark
  public StepPlan of() {
    return StepPlan.of(spec);
  }
}
