package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The argocd-cm patch is generated from the health.lua files; Argo CD must read exactly those scripts. */
class HealthConfigMapPatchTest {

  private static final Path HEALTH = Path.of("deploy", "argocd", "health");
  private static final Path PATCH = Path.of("deploy", "argocd", "argocd-cm-patch.yaml");

  @Test
  void patchCarriesEveryScriptVerbatim() throws IOException {
    Map<String, String> scripts = new TreeMap<>();
    try (Stream<Path> files = Files.walk(HEALTH)) {
      for (Path script : files.filter(p -> p.endsWith("health.lua")).toList()) {
        Path kind = script.getParent();
        String key = "resource.customizations.health." + kind.getParent().getFileName() + "_" + kind.getFileName();
        scripts.put(key, Files.readString(script));
      }
    }
    Map<String, Object> patch = new ObjectMapper(new YAMLFactory()).readValue(PATCH.toFile(), new TypeReference<>() {});

    assertThat(patch).containsEntry("kind", "ConfigMap").containsEntry("metadata", Map.of("name", "argocd-cm"));
    assertThat(patch.get("data"))
        .as("%s is out of date: run deploy/argocd/generate-cm-patch.sh", PATCH)
        .isEqualTo(scripts);
    assertThat(scripts).containsOnlyKeys(
        "resource.customizations.health.slipway.dev_ServerlessService",
        "resource.customizations.health.slipway.dev_LambdaRelease",
        "resource.customizations.health.slipway.dev_CanaryPolicy");
  }
}
