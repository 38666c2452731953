package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ServerlessServiceStatus;
import dev.slipway.canary.notify.ServiceEvent;
import dev.slipway.status.Conditions;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which service transitions are announced: judged from the status as stored and the status a
 * reconcile computes, and from nothing the operator remembers, so a restarted operator that finds a
 * Ready (or Degraded) service in the same state announces nothing again.
 */
class ServiceTransitionTest {

  private final Clock clock = Clock.systemUTC();

  @Test
  void readyIsAnnouncedWhenItBecomesTrueOrIsTrueForANewGeneration() {
    assertThat(ServerlessServiceReconciler.transition(new ServerlessServiceStatus(), ready(1))).contains(ServiceEvent.Kind.ServiceReady);
    assertThat(ServerlessServiceReconciler.transition(progressing(1), ready(1))).contains(ServiceEvent.Kind.ServiceReady);
    assertThat(ServerlessServiceReconciler.transition(degraded(1), ready(1))).contains(ServiceEvent.Kind.ServiceReady);
    assertThat(ServerlessServiceReconciler.transition(ready(1), ready(2))).contains(ServiceEvent.Kind.ServiceReady);
  }

  @Test
  void theSameStateAgainIsNoTransitionAfterAResyncOrARestart() {
    assertThat(ServerlessServiceReconciler.transition(ready(2), ready(2))).isEmpty();
    assertThat(ServerlessServiceReconciler.transition(degraded(2), degraded(2))).isEmpty();
    assertThat(ServerlessServiceReconciler.transition(degraded(1), degraded(2))).as("still degraded, on a new generation").isEmpty();
  }

  @Test
  void degradedIsAnnouncedWhenItBecomesTrueAndProgressingIsNotAnnounced() {
    assertThat(ServerlessServiceReconciler.transition(ready(1), degraded(1))).contains(ServiceEvent.Kind.ServiceDegraded);
    assertThat(ServerlessServiceReconciler.transition(progressing(1), degraded(1))).contains(ServiceEvent.Kind.ServiceDegraded);
    assertThat(ServerlessServiceReconciler.transition(new ServerlessServiceStatus(), degraded(1))).contains(ServiceEvent.Kind.ServiceDegraded);
    assertThat(ServerlessServiceReconciler.transition(ready(1), progressing(2))).isEqualTo(Optional.empty());
  }

  private ServerlessServiceStatus ready(long generation) {
    return status(true, false, generation);
  }

  private ServerlessServiceStatus degraded(long generation) {
    return status(false, true, generation);
  }

  private ServerlessServiceStatus progressing(long generation) {
    return status(false, false, generation);
  }

  private ServerlessServiceStatus status(boolean ready, boolean degraded, long generation) {
    ServerlessServiceStatus s = new ServerlessServiceStatus();
    Conditions.set(s.conditions, Conditions.READY, ready, ready ? "Converged" : degraded ? "AccessDenied" : "Progressing", "", generation, clock);
    Conditions.set(s.conditions, Conditions.DEGRADED, degraded, degraded ? "AccessDenied" : "Converged", "", generation, clock);
    return s;
  }
}
