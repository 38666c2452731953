package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesPerConsecutiveFailureUpToTheMaximumAndStartsOverAfterProgress() {
    Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(1));

    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(10));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(20));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(40));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofMinutes(1));
    assertThat(backoff.next("a")).isEqualTo(Duration.ofMinutes(1));
    // Counted per object.
    assertThat(backoff.next("b")).isEqualTo(Duration.ofSeconds(5));

    backoff.reset("a");
    assertThat(backoff.next("a")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aLongRunOfFailuresNeitherOverflowsNorPassesTheMaximum() {
    assertThat(Backoff.delay(Duration.ofSeconds(5), Duration.ofMinutes(5), 1_000)).isEqualTo(Duration.ofMinutes(5));
  }
}
