package dev.slipway.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The argocd-cm patch is generated from the scripts under deploy/argocd/health: Argo CD must read
 * exactly those health checks and resource actions.
 */
class ConfigMapPatchTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path HEALTH = Path.of("deploy", "argocd", "health");
  private static final Path PATCH = Path.of("deploy", "argocd", "argocd-cm-patch.yaml");

  @Test
  void patchCarriesEveryScriptVerbatim() throws IOException {
    Map<String, Object> scripts = new TreeMap<>();
    try (Stream<Path> kinds = Files.list(HEALTH).flatMap(ConfigMapPatchTest::list)) {
      for (Path kind : kinds.toList()) {
        String key = kind.getParent().getFileName() + "_" + kind.getFileName();
        scripts.put("resource.customizations.health." + key, Files.readString(kind.resolve("health.lua")));
        if (Files.isDirectory(kind.resolve("actions"))) {
          scripts.put("resource.customizations.actions." + key, actions(kind.resolve("actions")));
        }
      }
    }
    Map<String, Object> patch = YAML.readValue(PATCH.toFile(), new TypeReference<>() {});
    @SuppressWarnings("unchecked")
    Map<String, Object> data = new TreeMap<>((Map<String, Object>) patch.get("data"));
    // Argo CD reads an actions key as YAML of its own: compare what it would read.
    for (var e : data.entrySet()) {
      if (e.getKey().startsWith("resource.customizations.actions.")) {
        e.setValue(YAML.readValue((String) e.getValue(), new TypeReference<Map<String, Object>>() {}));
      }
    }

    assertThat(patch).containsEntry("kind", "ConfigMap").containsEntry("metadata", Map.of("name", "argocd-cm"));
    assertThat(data).as("%s is out of date: run deploy/argocd/generate-cm-patch.sh", PATCH).isEqualTo(scripts);
    assertThat(scripts).containsOnlyKeys(
        "resource.customizations.health.slipway.dev_ServerlessService",
        "resource.customizations.health.slipway.dev_LambdaRelease",
        "resource.customizations.actions.slipway.dev_LambdaRelease",
        "resource.customizations.health.slipway.dev_CanaryPolicy");
  }

  /** Argo CD's format: {@code discovery.lua}, and {@code definitions} with each action's name and {@code action.lua}. */
  private static Map<String, Object> actions(Path dir) throws IOException {
    List<Map<String, String>> definitions = new ArrayList<>();
    try (Stream<Path> actions = list(dir).sorted()) {
      for (Path action : actions.toList()) {
        definitions.add(Map.of("name", action.getFileName().toString(), "action.lua", Files.readString(action.resolve("action.lua"))));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("discovery.lua", Files.readString(dir.resolve("discovery.lua")));
    out.put("definitions", definitions);
    return out;
  }

  private static Stream<Path> list(Path dir) {
    try {
      return Files.list(dir).filter(Files::isDirectory);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
