package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.BasePathMapping;
import software.amazon.awssdk.services.apigateway.model.GetDomainNameResponse;
import software.amazon.awssdk.services.route53.Route53Client;

/** The REST API's custom domain over the nexus REST API and the zone's regional certificate. */
class RestApiDomainKindTest extends TaggedAtCreationContractTest {

  static final String NAME = "api." + CertificateKindTest.ZONE;

  private ApiGatewayClient gw;

  static ServerlessServiceSpec withApiDomain() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    spec.domain = new DomainSpec();
    spec.domain.hostedZone = CertificateKindTest.ZONE;
    spec.domain.api = NAME;
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withApiDomain(), new CertificateKind(), new CertificateValidationKind(), new RestApiKind(), new RestApiDomainKind());
    harness.deployFunctions();
    gw = harness.raw().apiGateway();
    CertificateKindTest.createZone(harness.raw().client(Route53Client.class, Route53Client::builder), CertificateKindTest.ZONE);
    return harness;
  }

  private GetDomainNameResponse domain() {
    return gw.getDomainName(r -> r.domainName(NAME));
  }

  private List<BasePathMapping> mappings() {
    return gw.getBasePathMappings(r -> r.domainName(NAME)).items();
  }

  private String apiId() {
    return stack.context().output(Outputs.REST_API_ID);
  }

  @Override
  protected void assertDeclaredShape() {
    GetDomainNameResponse d = domain();
    assertThat(d.regionalCertificateArn()).isEqualTo(stack.context().output(CertificateKind.ARN_OUTPUT));
    assertThat(d.endpointConfiguration().typesAsStrings()).containsExactly("REGIONAL");
    assertThat(d.securityPolicyAsString()).isEqualTo("TLS_1_2");
    assertThat(d.tags()).containsEntry(Tags.SERVICE, "chat.nexus");
    assertRootMapped();
    assertThat(stack.context().outputs()).containsEntry(Domains.REST_URL_OUTPUT, "https://" + NAME);
    assertThat(stack.context().findOutput(RestApiDomainKind.TARGET_OUTPUT)).contains(d.regionalDomainName());
  }

  private void assertRootMapped() {
    assertThat(mappings()).singleElement().satisfies(m -> {
      assertThat(m.basePath()).isEqualTo(RestApiDomainKind.ROOT);
      assertThat(m.restApiId()).isEqualTo(apiId());
      assertThat(m.stage()).isEqualTo("prod");
    });
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone unmaps the API: the domain answers 403 to everyone.
        new Drift(RestApiDomainKind.LOGICAL, List.of("mapping"), () -> gw.deleteBasePathMapping(r -> r.domainName(NAME).basePath(RestApiDomainKind.ROOT)),
            List.of("CreateBasePathMapping"), this::assertRootMapped),
        // Someone maps another path of the service's domain.
        new Drift(RestApiDomainKind.LOGICAL, List.of("mapping"), () -> gw.createBasePathMapping(r -> r.domainName(NAME).basePath("v2").restApiId(apiId()).stage("prod")),
            List.of("DeleteBasePathMapping"), this::assertRootMapped));
  }

  /** The domain name recreated by hand with {@code tags} (moto 5.2.1 cannot tag an API Gateway domain name after its creation). */
  @Override
  protected void recreate(Map<String, String> tags) {
    stack.settle();
    String cert = domain().regionalCertificateArn();
    String api = apiId();
    gw.deleteDomainName(r -> r.domainName(NAME));
    gw.createDomainName(r -> r.domainName(NAME).regionalCertificateArn(cert).endpointConfiguration(e -> e.typesWithStrings("REGIONAL"))
        .securityPolicy("TLS_1_2").tags(tags));
    gw.createBasePathMapping(r -> r.domainName(NAME).restApiId(api).stage("prod"));
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Its inputs are its name (another name is another domain name) and the API's stage, whose edit is the RestApi's too.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Its names are checked by the CRD (DomainSpec's rules, the invalid corpus); the zone by the certificate.
  }

  /** API Gateway CreateDomainName. */
  @Override
  protected java.util.function.Predicate<dev.slipway.testing.AwsFaults.Request> createCall() {
    return dev.slipway.testing.AwsFaults.rest("POST", "/domainnames");
  }

  @Override
  @Test
  void contractACreateWhoseResponseIsLostConvergesToExactlyOneResource() {
    // A lost CreateDomainName leaves a domain without its mapping, and moto 5.2.1 answers GetBasePathMappings of such a domain with HTTP 500 (AWS: an empty list).
  }
}
