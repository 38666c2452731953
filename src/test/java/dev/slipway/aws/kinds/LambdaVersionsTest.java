package dev.slipway.aws.kinds;

import dev.slipway.testing.Artifacts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.kinds.LambdaVersions.AliasRouting;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The version and alias operations the release engine uses, against moto. */
class LambdaVersionsTest {

  private KindHarness stack;
  private LambdaVersions versions;
  private LambdaClient aws;
  private FunctionSpec api;
  private String function;

  @BeforeEach
  void function() {
    stack = new KindHarness(KindHarness.bare(), new LambdaFunctionKind());
    aws = stack.raw().lambda();
    api = stack.addFunction("api", stack.upload("api-1.0.zip", "v1"));
    stack.settle(); // version 1, alias prod -> 1
    versions = new LambdaVersions(stack.operator().lambda());
    function = stack.physicalName("api");
    stack.recorder.clear();
  }

  @AfterEach
  void close() {
    stack.close();
  }

  private AliasRouting alias() {
    return versions.readAlias(function, "prod").orElseThrow();
  }

  @Test
  void ensureVersionUploadsAndPublishesNewCodeOnceAndFindsItAfterwards() {
    CodeSource v2 = stack.upload("api-2.0.zip", "v2");

    assertThat(versions.ensureVersion(function, v2)).isEqualTo("2");
    assertThat(stack.mutatingCalls()).containsExactly("UpdateFunctionCode", "PublishVersion");

    stack.recorder.clear();
    assertThat(versions.ensureVersion(function, v2)).isEqualTo("2");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void ensureVersionFindsTheVersionTheFunctionKindPublished() {
    api.code = stack.upload("api-2.0.zip", "v2");
    stack.settle(); // the service's own update publishes version 2 and leaves the alias on 1
    stack.recorder.clear();

    assertThat(versions.ensureVersion(function, api.code)).isEqualTo("2");
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void findVersionMatchesCodeAndConfigurationAndAPinnedChecksum() throws Exception {
    var latest = aws.getFunction(r -> r.functionName(function)).configuration();
    String hash = LambdaVersions.configHash(latest);
    CodeSource v1 = api.code;

    assertThat(versions.findVersion(function, v1, hash)).map(v -> v.version()).contains("1");
    assertThat(versions.findVersion(function, v1, "another-config")).isEmpty();
    assertThat(versions.findVersion(function, CodeSource.s3(KindHarness.BUCKET, "other.zip"), hash)).isEmpty();
    v1.sha256 = Artifacts.codeSha256(Artifacts.zip("v1"));
    assertThat(versions.findVersion(function, v1, hash)).isPresent();
    v1.sha256 = Artifacts.codeSha256(Artifacts.zip("v2"));
    assertThat(versions.findVersion(function, v1, hash)).isEmpty();
  }

  @Test
  void routeSplitsTrafficBetweenStableAndCanaryAndPointAtEndsIt() {
    String canary = versions.ensureVersion(function, stack.upload("api-2.0.zip", "v2"));

    AliasRouting routed = versions.route(function, "prod", "1", canary, 10);

    assertThat(routed.version()).isEqualTo("1");
    assertThat(routed.canaryVersion()).isEqualTo("2");
    assertThat(routed.canaryPercent()).isEqualTo(10);
    var read = aws.getAlias(r -> r.functionName(function).name("prod"));
    assertThat(read.functionVersion()).isEqualTo("1");
    assertThat(read.routingConfig().additionalVersionWeights()).isEqualTo(Map.of("2", 0.1));
    assertThat(alias()).isEqualTo(routed);

    AliasRouting promoted = versions.pointAt(function, "prod", canary);

    assertThat(promoted.version()).isEqualTo("2");
    assertThat(promoted.weighted()).isFalse();
    assertThat(alias()).isEqualTo(promoted);
    assertThat(aws.getAlias(r -> r.functionName(function).name("prod")).functionVersion()).isEqualTo("2");
  }

  @Test
  void aWeightedAliasCarriesOneAdditionalVersionOnly() {
    versions.ensureVersion(function, stack.upload("api-2.0.zip", "v2"));
    versions.ensureVersion(function, stack.upload("api-3.0.zip", "v3"));

    assertThatThrownBy(() -> versions.route(function, "prod", "1", "2", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> versions.route(function, "prod", "1", "2", 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> versions.route(function, "prod", "1", "1", 10)).isInstanceOf(IllegalArgumentException.class);

    // AWS refuses two additional versions; moto stores them, so the reader must not trust it.
    aws.updateAlias(r -> r.functionName(function).name("prod").functionVersion("1")
        .routingConfig(c -> c.additionalVersionWeights(Map.of("2", 0.1, "3", 0.1))));
    assertThatThrownBy(this::alias).satisfies(e -> assertThat(AwsErrors.reason(e)).isEqualTo("AliasRoutingUnsupported"));
    // Routing replaces the whole map, which repairs it.
    assertThat(versions.route(function, "prod", "1", "3", 20).canaryVersion()).isEqualTo("3");
    assertThat(aws.getAlias(r -> r.functionName(function).name("prod")).routingConfig().additionalVersionWeights()).containsOnlyKeys("3");
  }

  @Test
  void aMissingAliasReadsAsEmpty() {
    assertThat(versions.readAlias(function, "staging")).isEmpty();
  }

  @Test
  void aLongCodeIdentityIsDigestedToFitTheDescription() {
    CodeSource longKey = CodeSource.s3(KindHarness.BUCKET, "builds/" + "x".repeat(400) + ".zip");

    String description = LambdaVersions.versionDescription(longKey, "0123456789abcdef");

    assertThat(description).hasSizeLessThanOrEqualTo(256).startsWith("slipway code=sha256:").endsWith(" config=0123456789abcdef");
    assertThat(LambdaVersions.versionDescription(longKey, "0123456789abcdef")).isEqualTo(description);
  }
}
