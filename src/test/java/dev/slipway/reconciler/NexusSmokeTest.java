package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class NexusSmokeTest {

  @Inject KubernetesClient client;

  @Test
  void converges() throws Exception {
    try (var s3 = software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(dev.slipway.testing.MotoServer.shared().endpoint()).forcePathStyle(true).build()) {
      dev.slipway.testing.Artifacts.upload(s3, "nexus-artifacts", "backend/1.4.0.zip", "v1");
    }
    String ns = KubeApiServer.shared().newNamespace("smoke");
    ServerlessService sls = client.getKubernetesSerialization().unmarshal(
        java.nio.file.Files.readString(java.nio.file.Path.of("examples/nexus/20-serverlessservice.yaml")), ServerlessService.class);
    sls.getMetadata().setNamespace(ns);
    client.resource(sls).create();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      ServerlessService s = client.resource(sls).get();
      assertThat(s.getStatus()).isNotNull();
      System.out.println(client.getKubernetesSerialization().asYaml(s.getStatus()));
      assertThat(s.getStatus().conditions).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    });
  }
}
