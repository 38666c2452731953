package dev.slipway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/api-reference.md must be what the committed CRDs render to; `make docs` rewrites it. */
class ApiReferenceTest {

  private static final Path DOC = Path.of("docs/api-reference.md");

  @Test
  void apiReferenceMatchesTheCrds() throws Exception {
    String rendered = ApiReference.render(Path.of("deploy/crds"));
    if (Boolean.getBoolean("slipway.docs.write")) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, rendered);
    }
    assertThat(DOC).as("docs/api-reference.md is stale: run `make docs`").exists();
    assertThat(Files.readString(DOC)).as("docs/api-reference.md is stale: run `make docs`").isEqualTo(rendered);
  }
}
