package dev.slipway.aws.kinds;

import dev.slipway.aws.Delta;
import java.util.List;

/**
 * One change a kind plans: the difference it puts right and the calls that do it. A kind builds its
 * steps once from desired and observed; compare() reports them and update() runs them, so what is
 * reported and what is done cannot drift apart.
 */
record Step(String path, Object desired, Object observed, Runnable action) {

  static Delta delta(List<Step> steps) {
    Delta.Builder delta = Delta.builder();
    steps.forEach(s -> delta.add(s.path(), s.desired(), s.observed()));
    return delta.build();
  }

  static void run(List<Step> steps) {
    steps.forEach(s -> s.action().run());
  }
}
