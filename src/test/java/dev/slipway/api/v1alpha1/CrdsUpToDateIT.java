package dev.slipway.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under deploy/crds are exactly what the build generates from the API types.
 * Runs in Maven's integration-test phase (Failsafe) because Quarkus generates target/kubernetes
 * while packaging, after the unit-test phase.
 */
class CrdsUpToDateIT {

  private static final String FIX = "run `make crds` and commit deploy/crds";
  private static final Path GENERATED = Path.of("target/kubernetes");
  private static final Path COMMITTED = Path.of("deploy/crds");
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  @Test
  void committedCrdsEqualTheGeneratedOnes() throws IOException {
    Map<String, Path> generated = crds(GENERATED, "-v1.yml");
    Map<String, Path> committed = crds(COMMITTED, ".yaml");
    assertThat(generated).as("no CRDs generated in %s; build with `mvn package` first", GENERATED).isNotEmpty();

    assertThat(committed.keySet())
        .as("CRD files in %s vs generated in %s: %s", COMMITTED, GENERATED, FIX)
        .containsExactlyInAnyOrderElementsOf(generated.keySet());
    for (String name : generated.keySet()) {
      String difference = firstDifference("", yaml.readTree(generated.get(name).toFile()), yaml.readTree(committed.get(name).toFile()));
      assertThat(difference)
          .as("%s differs from %s at %s: %s", committed.get(name), generated.get(name), difference, FIX)
          .isNull();
    }
  }

  private static Map<String, Path> crds(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Map.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .collect(Collectors.toMap(f -> f.getFileName().toString().replace(suffix, ""), f -> f, (a, b) -> a, TreeMap::new));
    }
  }

  /** The JSON pointer of the first place where the two trees differ, or null when they are equal. */
  private static String firstDifference(String at, JsonNode expected, JsonNode actual) {
    if (expected.equals(actual)) {
      return null;
    }
    if (expected.isObject() && actual.isObject()) {
      Set<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode e = expected.get(name);
        JsonNode a = actual.get(name);
        if (e == null || a == null) {
          return at + "/" + name + (e == null ? " (not generated)" : " (missing)");
        }
        String d = firstDifference(at + "/" + name, e, a);
        if (d != null) {
          return d;
        }
      }
    }
    if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      Iterator<JsonNode> e = expected.elements();
      Iterator<JsonNode> a = actual.elements();
      for (int i = 0; e.hasNext(); i++) {
        String d = firstDifference(at + "/" + i, e.next(), a.next());
        if (d != null) {
          return d;
        }
      }
    }
    return at.isEmpty() ? "/" : at;
  }
}
