package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.ApiMapping;
import software.amazon.awssdk.services.apigatewayv2.model.DomainNameConfiguration;
import software.amazon.awssdk.services.apigatewayv2.model.GetDomainNameResponse;
import software.amazon.awssdk.services.route53.Route53Client;

/** The WebSocket API's custom domain over the nexus WebSocket API and the zone's regional certificate. */
class WebSocketDomainKindTest extends TaggedAtCreationContractTest {

  static final String NAME = "ws." + CertificateKindTest.ZONE;

  private ApiGatewayV2Client v2;

  static ServerlessServiceSpec withWebSocketDomain() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    spec.domain = new DomainSpec();
    spec.domain.hostedZone = CertificateKindTest.ZONE;
    spec.domain.webSocket = NAME;
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withWebSocketDomain(), new CertificateKind(), new CertificateValidationKind(), new WebSocketApiKind(),
        new WebSocketDomainKind());
    harness.deployFunctions();
    v2 = harness.raw().apiGatewayV2();
    CertificateKindTest.createZone(harness.raw().client(Route53Client.class, Route53Client::builder), CertificateKindTest.ZONE);
    return harness;
  }

  private GetDomainNameResponse domain() {
    return v2.getDomainName(r -> r.domainName(NAME));
  }

  private List<ApiMapping> mappings() {
    return v2.getApiMappings(r -> r.domainName(NAME)).items();
  }

  private String apiId() {
    return stack.context().output(Outputs.WEBSOCKET_API_ID);
  }

  @Override
  protected void assertDeclaredShape() {
    GetDomainNameResponse d = domain();
    assertThat(d.domainNameConfigurations()).singleElement().satisfies(c -> {
      assertThat(c.certificateArn()).isEqualTo(stack.context().output(CertificateKind.ARN_OUTPUT));
      assertThat(c.endpointTypeAsString()).isEqualTo("REGIONAL");
      assertThat(c.securityPolicyAsString()).isEqualTo("TLS_1_2");
    });
    assertThat(d.tags()).containsEntry(Tags.SERVICE, "chat.nexus");
    assertMapped();
    assertThat(stack.context().outputs()).containsEntry(Domains.WEBSOCKET_URL_OUTPUT, "wss://" + NAME);
  }

  private void assertMapped() {
    assertThat(mappings()).singleElement().satisfies(m -> {
      assertThat(m.apiMappingKey()).isEmpty();
      assertThat(m.apiId()).isEqualTo(apiId());
      assertThat(m.stage()).isEqualTo("prod");
    });
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone unmaps the API: clients cannot connect.
        new Drift(WebSocketDomainKind.LOGICAL, List.of("mapping"), () -> v2.deleteApiMapping(r -> r.domainName(NAME).apiMappingId(mappings().get(0).apiMappingId())),
            List.of("CreateApiMapping"), this::assertMapped),
        // Someone maps another key of the service's domain.
        new Drift(WebSocketDomainKind.LOGICAL, List.of("mapping"), () -> v2.createApiMapping(r -> r.domainName(NAME).apiMappingKey("v2").apiId(apiId()).stage("prod")),
            List.of("DeleteApiMapping"), this::assertMapped));
  }

  /** The domain name recreated by hand with {@code tags} (moto 5.2.1 keeps tags set after creation apart from the domain name it returns). */
  @Override
  protected void recreate(Map<String, String> tags) {
    stack.settle();
    DomainNameConfiguration c = domain().domainNameConfigurations().get(0);
    String api = apiId();
    mappings().forEach(m -> v2.deleteApiMapping(r -> r.domainName(NAME).apiMappingId(m.apiMappingId())));
    v2.deleteDomainName(r -> r.domainName(NAME));
    v2.createDomainName(r -> r.domainName(NAME).domainNameConfigurations(c).tags(tags));
    v2.createApiMapping(r -> r.domainName(NAME).apiMappingKey("").apiId(api).stage("prod"));
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Its inputs are its name (another name is another domain name) and the API's stage, whose edit is the WebSocketApi's too.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Its names are checked by the CRD (DomainSpec's rules, the invalid corpus); the zone by the certificate.
  }

  /** API Gateway v2 CreateDomainName. */
  @Override
  protected java.util.function.Predicate<dev.slipway.testing.AwsFaults.Request> createCall() {
    return dev.slipway.testing.AwsFaults.rest("POST", "/v2/domainnames");
  }
}
