package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.GetApiKeyResponse;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;

/** The REST API's keys: partner (enabled) and internal (disabled), their values in the service's Secrets. */
class ApiKeyKindTest extends TaggedAtCreationContractTest {

  static final String PARTNER_SECRET = "nexus-partner-apikey";

  private ApiGatewayClient gw;

  /** The nexus spec with two API keys, partner and a disabled internal one. */
  static ServerlessServiceSpec withKeys() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    RestApiSpec.ApiKey internal = new RestApiSpec.ApiKey("internal");
    internal.enabled = false;
    spec.restApi.apiKeys = new java.util.ArrayList<>(List.of(new RestApiSpec.ApiKey("partner"), internal));
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withKeys(), new ApiKeyKind());
    gw = harness.raw().apiGateway();
    return harness;
  }

  private String keyId(String name) {
    return stack.status(kind()).stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow().id;
  }

  private GetApiKeyResponse key(String name) {
    return gw.getApiKey(r -> r.apiKey(keyId(name)).includeValue(true));
  }

  @Override
  protected void assertDeclaredShape() {
    GetApiKeyResponse partner = key("partner");
    assertThat(partner.name()).isEqualTo("nexus-prod-partner");
    assertThat(partner.enabled()).isTrue();
    assertThat(partner.tags()).containsEntry(Tags.SERVICE, stack.tags().get(Tags.SERVICE));
    GetApiKeyResponse internal = key("internal");
    assertThat(internal.enabled()).isFalse();
    assertThat(stack.ownedSecrets.get(PARTNER_SECRET)).isEqualTo(Map.of(ApiKeyKind.SECRET_KEY, partner.value()));
    assertThat(stack.ownedSecrets.get("nexus-internal-apikey")).isEqualTo(Map.of(ApiKeyKind.SECRET_KEY, internal.value()));
    assertValueShownNowhere(partner.value());
    assertValueShownNowhere(internal.value());
    assertThat(stack.context().outputs()).containsEntry(ApiKeyKind.idOutput("partner"), partner.id()).containsEntry(ApiKeyKind.idOutput("internal"), internal.id());
  }

  /** The key's value is in its Secret only: in no event, status entry, output or call log line. */
  private void assertValueShownNowhere(String value) {
    assertThat(value).isNotBlank();
    assertThat(stack.events).noneMatch(e -> e.contains(value));
    assertThat(stack.status()).noneMatch(r -> String.valueOf(r.message).contains(value) || String.valueOf(r.id).contains(value));
    assertThat(stack.context().outputs()).doesNotContainValue(value);
    assertThat(stack.outcomes()).noneMatch(o -> o.delta().describe().contains(value));
    assertThat(stack.calls()).noneMatch(c -> c.contains(value));
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("partner", List.of("enabled"), s -> s.restApi.apiKeys.get(0).enabled = false, List.of("UpdateApiKey"),
            () -> assertThat(key("partner").enabled()).isFalse()),
        new Edit("internal", List.of("enabled"), s -> s.restApi.apiKeys.get(1).enabled = null, List.of("UpdateApiKey"),
            () -> assertThat(key("internal").enabled()).isTrue()));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("partner", List.of("enabled"),
        () -> gw.updateApiKey(r -> r.apiKey(keyId("partner")).patchOperations(PatchOperation.builder().op("replace").path("/enabled").value("false").build())),
        List.of("UpdateApiKey"), () -> assertThat(key("partner").enabled()).isTrue()));
  }

  @Test
  void aLostOrEditedValueSecretIsWrittenAgainWithoutAnAwsWrite() {
    stack.settle();
    Map<String, String> written = stack.ownedSecrets.get(PARTNER_SECRET);
    stack.ownedSecrets.put(PARTNER_SECRET, Map.of(ApiKeyKind.SECRET_KEY, "edited-by-hand-000000000000"));
    stack.ownedSecrets.remove("nexus-internal-apikey");

    stack.settle();

    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(stack.ownedSecrets.get(PARTNER_SECRET)).isEqualTo(written);
    assertThat(stack.ownedSecrets).containsKey("nexus-internal-apikey");
    assertThat(stack.outcomes()).filteredOn(o -> o.resource().name.equals("partner")).singleElement()
        .satisfies(o -> assertThat(o.delta().describe()).contains("secret " + PARTNER_SECRET).doesNotContain(written.get(ApiKeyKind.SECRET_KEY)));
    assertValueShownNowhere(written.get(ApiKeyKind.SECRET_KEY));
  }

  @Test
  void deletingAKeyDeletesItsValueSecret() {
    stack.settle();

    assertThat(stack.delete()).isEmpty();

    assertThat(stack.ownedSecrets).doesNotContainKeys(PARTNER_SECRET, "nexus-internal-apikey");
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Its inputs are a name (the CRD's pattern and uniqueness rule, RestApiSpec) and a boolean: nothing is left for the kind to refuse.
  }

  @Override
  protected void makeNamesake() {
    gw.createApiKey(r -> r.name("nexus-prod-partner").enabled(true));
  }

  /** Each key deleted and made again by hand with {@code tags} (moto 5.2.1's TagResource takes every API Gateway ARN for a stage's). */
  @Override
  protected void recreate(Map<String, String> tags) {
    stack.settle();
    for (var entry : stack.status(kind())) {
      GetApiKeyResponse old = gw.getApiKey(r -> r.apiKey(entry.id));
      gw.deleteApiKey(r -> r.apiKey(entry.id));
      entry.id = gw.createApiKey(r -> r.name(old.name()).enabled(old.enabled()).tags(tags)).id();
    }
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/apikeys");
  }
}
