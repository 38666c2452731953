package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.testing.KubeApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of invalid manifests under src/test/resources/invalid/: each file is one of the valid
 * manifests under src/test/resources/valid/ with one mistake, and says in its first two lines what
 * is wrong ({@code # wrong: ...}) and what kubectl must print ({@code # expect: ...}); an optional
 * third line {@code # expect-server-side: ...} is for the rare case where server-side apply words
 * the same rejection differently (type errors, found before the schema is checked). Every one is
 * rejected by {@code kubectl apply}, client-side and server-side, with that readable fragment, and
 * nothing is stored. No operator runs here: this is the CRD schema alone, on a real kube-apiserver.
 * The mistakes the schema cannot express are in {@link KubectlE2ETest}.
 */
class InvalidManifestsTest {

  private static final Path VALID = Path.of("src/test/resources/valid");
  private static final Path INVALID = Path.of("src/test/resources/invalid");
  private static final Map<String, String> RESOURCE_OF_PREFIX =
      Map.of("sls-", "serverlessservices.slipway.dev", "cp-", "canarypolicies.slipway.dev", "lr-", "lambdareleases.slipway.dev",
          "st-", "slipwaytenancies.slipway.dev");

  private static KubeApiServer kube;
  private static String ns;

  @BeforeAll
  static void cluster() {
    kube = KubeApiServer.shared();
    ns = kube.newNamespace("invalid");
  }

  record Case(Path file, String wrong, String expect, String expectServerSide) {
    @Override
    public String toString() {
      return file.getFileName() + " (" + wrong + ")";
    }
  }

  static Stream<Case> corpus() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      List<Case> cases = files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(InvalidManifestsTest::parse).toList();
      assertThat(cases).as("the corpus").hasSizeGreaterThanOrEqualTo(30);
      return cases.stream();
    }
  }

  private static Case parse(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      assertThat(lines.get(0)).as(file + ": first line").startsWith("# wrong: ");
      assertThat(lines.get(1)).as(file + ": second line").startsWith("# expect: ");
      String expect = lines.get(1).substring("# expect: ".length());
      String serverSide = lines.get(2).startsWith("# expect-server-side: ") ? lines.get(2).substring("# expect-server-side: ".length()) : expect;
      return new Case(file, lines.get(0).substring("# wrong: ".length()), expect, serverSide);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theValidManifestsTheCorpusIsMadeFromAreAccepted() {
    for (String file : List.of("canarypolicy.yaml", "serverlessservice.yaml", "lambdarelease.yaml", "slipwaytenancy.yaml")) {
      // Validated by the API server (schema and CEL) but not stored: stored, the operator of the
      // @QuarkusTest classes in this JVM would try to build them for the rest of the run (and a
      // stored tenancy, cluster-scoped, would change what every other test's namespace may do).
      KubeApiServer.Result r = kube.kubectl(null, "apply", "--dry-run=server", "-n", ns, "-f", VALID.resolve(file).toString());
      assertThat(r.exitCode()).as("%s: %s", file, r.stderr()).isZero();
      assertThat(r.stderr()).as("%s: no warnings", file).isEmpty();
    }
  }

  @Test
  void aReleasesTargetCannotBeEditedOnceItExists() {
    // Labelled so that the operator of the @QuarkusTest classes in this JVM leaves it alone.
    String release = """
        apiVersion: slipway.dev/v1alpha1
        kind: LambdaRelease
        metadata: { name: pinned, labels: { slipway.dev/test-operator: corpus } }
        spec:
          functionName: billing
          alias: live
          region: eu-west-1
          code: { s3: { bucket: artifacts, key: billing/2.zip } }
        """;
    assertThat(kube.kubectl(release, "apply", "-n", ns, "-f", "-").exitCode()).isZero();
    for (String patch : List.of("{\"spec\":{\"alias\":\"other\"}}", "{\"spec\":{\"region\":\"us-east-1\"}}",
        "{\"spec\":{\"roleArn\":\"arn:aws:iam::123456789012:role/other\"}}")) {
      KubeApiServer.Result r = kube.kubectl(null, "patch", "lambdarelease", "pinned", "-n", ns, "--type=merge", "-p", patch);
      assertThat(r.exitCode()).as(patch).isNotZero();
      assertThat(r.stderr()).as(patch).contains("alias, region and roleArn are immutable");
    }
    KubeApiServer.Result code = kube.kubectl(null, "patch", "lambdarelease", "pinned", "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"code\":{\"s3\":{\"key\":\"billing/3.zip\"}}}}");
    assertThat(code.stderr()).contains("code is immutable");
    assertThat(kube.kubectl(null, "patch", "lambdarelease", "pinned", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"paused\":true}}").exitCode())
        .as("controls stay editable").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRejectedByKubectlApplyWithAReadableMessage(Case c) {
    String name = c.file().getFileName().toString().replaceFirst("\\.yaml$", "");
    String resource =
        RESOURCE_OF_PREFIX.entrySet().stream()
            .filter(e -> name.startsWith(e.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + ": file names start with sls-, cp-, lr- or st-"));
    for (List<String> mode : List.of(List.<String>of(), List.of("--server-side"))) {
      List<String> args = new java.util.ArrayList<>(List.of("apply", "-n", ns, "-f", c.file().toString()));
      args.addAll(mode);
      KubeApiServer.Result r = kube.kubectl(null, args.toArray(String[]::new));
      String how = mode.isEmpty() ? "kubectl apply" : "kubectl apply --server-side";
      assertThat(r.exitCode()).as("%s should reject %s (%s); it said %s", how, name, c.wrong(), r.stdout()).isNotZero();
      assertThat(r.stderr()).as("%s of %s", how, name).contains(mode.isEmpty() ? c.expect() : c.expectServerSide());
      if (c.expectServerSide().equals(c.expect())) {
        // Readable: kubectl names the object, and the message is no Go struct dump.
        assertThat(r.stderr()).as("%s of %s", how, name).contains('"' + name + "\" is invalid").doesNotContain("&{");
      }
    }
    KubeApiServer.Result get = kube.kubectl(null, "get", resource, name, "-n", ns);
    assertThat(get.stderr().toLowerCase(Locale.ROOT)).as("nothing stored").contains("notfound");
  }
}
