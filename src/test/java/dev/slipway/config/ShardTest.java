package dev.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.testing.TestConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardTest {

  private static final URI MOTO = URI.create("http://127.0.0.1:1");

  @Test
  void anOperatorWithoutAShardOwnsEverythingUnderTheLeaseItHadBefore() {
    Shard shard = Shard.of(TestConfig.slipway(MOTO, Optional.empty()));
    assertThat(shard.sharded()).isFalse();
    assertThat(shard.selector()).isEmpty();
    assertThat(shard.leaseName(Optional.empty())).isEqualTo("slipway-operator");
  }

  @Test
  void aShardSelectsItsLabelValueAndElectsItsOwnLeader() {
    Shard shard = Shard.of(Optional.of("payments"), false);
    assertThat(shard.sharded()).isTrue();
    assertThat(shard.selector()).contains("slipway.dev/shard=payments");
    assertThat(shard.leaseName(Optional.empty())).isEqualTo("slipway-operator-payments");
    assertThat(shard.leaseName(Optional.of("mine"))).as("a lease named in configuration wins").isEqualTo("mine");
  }

  @Test
  void theUnlabelledShardSelectsTheObjectsWithoutTheLabel() {
    Shard shard = Shard.of(Optional.empty(), true);
    assertThat(shard.selector()).contains("!slipway.dev/shard");
    assertThat(shard.leaseName(Optional.empty())).isEqualTo("slipway-operator-unlabelled");
  }

  @Test
  void aShardValueMustFitALeaseNameAndCannotBeCombinedWithTheUnlabelledShard() {
    assertThatThrownBy(() -> Shard.of(Optional.of("Payments_EU"), false)).hasMessageContaining("no DNS label");
    assertThatThrownBy(() -> Shard.of(Optional.of("a"), true)).hasMessageContaining("exclude each other");
  }

  @Test
  void objectsSayWhichShardTheyAreLabelledFor() {
    ServerlessService labelled = new ServerlessService();
    labelled.setMetadata(new ObjectMetaBuilder().addToLabels("slipway.dev/shard", "b").build());
    ServerlessService bare = new ServerlessService();
    bare.setMetadata(new ObjectMetaBuilder().build());
    assertThat(Shard.of(labelled)).contains("b");
    assertThat(Shard.of(bare)).isEmpty();
    assertThat(Shard.same(labelled, bare)).isFalse();
    assertThat(Shard.same(bare, bare)).isTrue();
  }
}
