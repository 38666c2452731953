package dev.slipway.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.ReleasePhase;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the history API writes of a release, the plugin's --server reads back as the same record. */
class ReleaseJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRecordSurvivesItsJson() throws Exception {
    Instant start = Instant.parse("2026-12-04T10:00:00Z");
    ReleaseRecord finished = new ReleaseRecord("team-a", "api-7", "shop", "api", "shop-prod-api", ReleasePhase.RolledBack,
        "CheckFailed", start, start.plusSeconds(95), "6", "7", "3f9f0ba", "ci-pipeline");
    ReleaseRecord pending = new ReleaseRecord("team-a", "fresh", null, "legacy-fn", null, null, null, start, null, null, null, null, null);

    for (ReleaseRecord r : new ReleaseRecord[] {finished, pending}) {
      String written = JSON.writeValueAsString(ReleaseJson.release(r));
      assertThat(ReleaseJson.record(JSON.readTree(written))).isEqualTo(r);
    }
    assertThat(ReleaseJson.release(finished)).containsEntry("durationSeconds", 95.0).containsEntry("finished", true);
    assertThat(ReleaseJson.release(pending)).containsEntry("phase", null).containsEntry("durationSeconds", null);
  }
}
