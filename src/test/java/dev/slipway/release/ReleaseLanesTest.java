package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.reconciler.ReconcileCapacity.Lane;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class ReleaseLanesTest {

  @Test
  void movingTheAliasBackOrToItsFinalPlaceIsUrgentAndTheRestOrdinary() {
    assertThat(ReleaseLanes.of(release(null, null))).isEqualTo(Lane.RELEASE);
    assertThat(ReleaseLanes.of(release(ReleasePhase.Progressing, null))).isEqualTo(Lane.RELEASE);
    // A rollback (or other final phase) stored, its alias move not confirmed yet: after a restart, this one goes first.
    assertThat(ReleaseLanes.of(release(ReleasePhase.RolledBack, null))).isEqualTo(Lane.URGENT);
    assertThat(ReleaseLanes.of(release(ReleasePhase.Succeeded, null))).isEqualTo(Lane.URGENT);
    assertThat(ReleaseLanes.of(release(ReleasePhase.RolledBack, "2026-01-01T00:00:00Z"))).isEqualTo(Lane.RELEASE);

    LambdaRelease aborting = release(ReleasePhase.Progressing, null);
    aborting.getSpec().abort = true;
    assertThat(ReleaseLanes.of(aborting)).isEqualTo(Lane.URGENT);
    aborting.getSpec().abort = null;
    assertThat(ReleaseLanes.of(aborting)).isEqualTo(Lane.RELEASE);

    LambdaRelease deleted = release(ReleasePhase.Progressing, null);
    deleted.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertThat(ReleaseLanes.of(deleted)).isEqualTo(Lane.URGENT);
  }

  private static LambdaRelease release(ReleasePhase phase, String finishTime) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withNamespace("team").withName("r").build());
    r.setSpec(new LambdaReleaseSpec());
    if (phase != null) {
      LambdaReleaseStatus s = new LambdaReleaseStatus();
      s.phase = phase;
      s.finishTime = finishTime;
      r.setStatus(s);
    }
    return r;
  }
}
