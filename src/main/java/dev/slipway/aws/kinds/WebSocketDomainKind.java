package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.ApiMapping;
import software.amazon.awssdk.services.apigatewayv2.model.DomainNameConfiguration;
import software.amazon.awssdk.services.apigatewayv2.model.DomainNameStatus;
import software.amazon.awssdk.services.apigatewayv2.model.EndpointType;
import software.amazon.awssdk.services.apigatewayv2.model.GetDomainNameResponse;
import software.amazon.awssdk.services.apigatewayv2.model.SecurityPolicy;

/**
 * The WebSocket API's custom domain name ({@code domain.webSocket}): a regional API Gateway v2
 * domain name with the zone's regional certificate (TLS 1.2) and one API mapping, the empty key, to
 * the API's stage; other mappings on the domain are removed. Found by name, unique in the region.
 */
public final class WebSocketDomainKind implements AwsResourceKind<WebSocketDomainKind.Desired, WebSocketDomainKind.Observed> {

  public static final String KIND = "WebSocketApiDomainName";
  static final String LOGICAL = "websocket";
  static final String TARGET_OUTPUT = "domain.websocket.regionalDomainName";
  static final String ZONE_OUTPUT = "domain.websocket.regionalHostedZoneId";
  private static final Duration UPDATING = Duration.ofSeconds(30);
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(CertificateValidationKind.KIND, WebSocketApiKind.KIND));

  public record Desired(String physicalName, String certificateArn, String apiId, String stage) implements DesiredResource {}

  public record Observed(GetDomainNameResponse domain, List<ApiMapping> mappings) {
    DomainNameConfiguration config() {
      return domain.domainNameConfigurations() == null || domain.domainNameConfigurations().isEmpty() ? null : domain.domainNameConfigurations().get(0);
    }
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    var d = ctx.spec().domain;
    if (d == null || d.webSocket == null || ctx.spec().webSocketApi == null) {
      return List.of();
    }
    String stage = ctx.spec().webSocketApi.stageName;
    return List.of(new Planned<>(this, LOGICAL, d.webSocket, List.of(CertificateValidationKind.key(), Planned.key(WebSocketApiKind.KIND, "websocket")),
        c -> new Desired(d.webSocket, c.output(CertificateKind.ARN_OUTPUT), c.output(Outputs.WEBSOCKET_API_ID), stage)));
  }

  private static ApiGatewayV2Client v2(StackContext ctx) {
    return ctx.aws().apiGatewayV2();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    GetDomainNameResponse domain = v2(ctx).getDomainName(r -> r.domainName(d.physicalName()));
    return Optional.of(new Observed(domain, v2(ctx).getApiMappings(r -> r.domainName(d.physicalName()).maxResults("100")).items()));
  }

  private static DomainNameConfiguration config(Desired d) {
    return DomainNameConfiguration.builder().certificateArn(d.certificateArn()).endpointType(EndpointType.REGIONAL)
        .securityPolicy(SecurityPolicy.TLS_1_2).build();
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    v2(ctx).createDomainName(r -> r.domainName(d.physicalName()).domainNameConfigurations(config(d)).tags(ctx.tags()));
    return null;
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    DomainNameConfiguration c = o.config();
    if (c != null && c.domainNameStatus() == DomainNameStatus.UPDATING) {
      return Optional.of(NotReady.awaiting("API Gateway domain name " + o.domain().domainName() + " UPDATING", UPDATING));
    }
    return Optional.empty();
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    String name = d.physicalName();
    DomainNameConfiguration have = o.config();
    String haveCert = have == null ? null : have.certificateArn();
    if (!Objects.equals(d.certificateArn(), haveCert)) {
      steps.add(new Step("certificateArn", d.certificateArn(), haveCert,
          () -> v2(ctx).updateDomainName(r -> r.domainName(name).domainNameConfigurations(config(d)))));
    }
    ApiMapping root = null;
    for (ApiMapping m : o.mappings()) {
      boolean wanted = root == null && (m.apiMappingKey() == null || m.apiMappingKey().isEmpty())
          && d.apiId().equals(m.apiId()) && d.stage().equals(m.stage());
      if (wanted) {
        root = m;
      } else {
        steps.add(new Step("mapping " + Objects.requireNonNullElse(m.apiMappingKey(), ""), null, m.apiId() + "/" + m.stage(),
            () -> v2(ctx).deleteApiMapping(r -> r.domainName(name).apiMappingId(m.apiMappingId()))));
      }
    }
    if (root == null) {
      steps.add(new Step("mapping /", d.apiId() + "/" + d.stage(), null,
          () -> v2(ctx).createApiMapping(r -> r.domainName(name).apiId(d.apiId()).stage(d.stage()).apiMappingKey(""))));
    }
    return steps;
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return Domains.tagsOf(o.domain().tags());
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    String arn = Domains.domainNameArn(ctx, o.domain().domainName());
    if (!remove.isEmpty()) {
      v2(ctx).untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      v2(ctx).tagResource(r -> r.resourceArn(arn).tags(set));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    DomainNameConfiguration c = o.config();
    return Published.of(d.physicalName())
        .output(Domains.WEBSOCKET_URL_OUTPUT, "wss://" + d.physicalName())
        .internal(TARGET_OUTPUT, c == null ? null : c.apiGatewayDomainName())
        .internal(ZONE_OUTPUT, c == null ? null : c.hostedZoneId())
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(Domains.tagsOf(v2(ctx).getDomainName(r -> r.domainName(resource.id)).tags()));
  }

  /** Its mappings first, then the domain name. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    for (ApiMapping m : v2(ctx).getApiMappings(r -> r.domainName(resource.id).maxResults("100")).items()) {
      v2(ctx).deleteApiMapping(r -> r.domainName(resource.id).apiMappingId(m.apiMappingId()));
    }
    v2(ctx).deleteDomainName(r -> r.domainName(resource.id));
  }
}
