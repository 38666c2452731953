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
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.BasePathMapping;
import software.amazon.awssdk.services.apigateway.model.DomainNameStatus;
import software.amazon.awssdk.services.apigateway.model.EndpointType;
import software.amazon.awssdk.services.apigateway.model.GetDomainNameResponse;
import software.amazon.awssdk.services.apigateway.model.Op;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;
import software.amazon.awssdk.services.apigateway.model.SecurityPolicy;

/**
 * The REST API's custom domain name ({@code domain.api}): a regional API Gateway domain name with the
 * zone's regional certificate (TLS 1.2), and its one base path mapping, the root, to the API's stage.
 * Other base paths on the domain are removed: the domain is the service's. Domain names are unique in
 * an account and region, so it is found by name.
 */
public final class RestApiDomainKind implements AwsResourceKind<RestApiDomainKind.Desired, RestApiDomainKind.Observed> {

  public static final String KIND = "RestApiDomainName";
  static final String LOGICAL = "api";
  /** How API Gateway names the root base path. */
  static final String ROOT = "(none)";
  static final String TARGET_OUTPUT = "domain.api.regionalDomainName";
  static final String ZONE_OUTPUT = "domain.api.regionalHostedZoneId";
  private static final Duration UPDATING = Duration.ofSeconds(30);
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(CertificateValidationKind.KIND, RestApiKind.KIND));

  public record Desired(String physicalName, String certificateArn, String restApiId, String stage) implements DesiredResource {}

  public record Observed(GetDomainNameResponse domain, List<BasePathMapping> mappings) {}

  static String key() {
    return Planned.key(KIND, LOGICAL);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    var d = ctx.spec().domain;
    if (d == null || d.api == null || ctx.spec().restApi == null) {
      return List.of();
    }
    String stage = ctx.spec().restApi.stageName;
    return List.of(new Planned<>(this, LOGICAL, d.api, List.of(CertificateValidationKind.key(), Planned.key(RestApiKind.KIND, "api")),
        c -> new Desired(d.api, c.output(CertificateKind.ARN_OUTPUT), c.output(Outputs.REST_API_ID), stage)));
  }

  private static ApiGatewayClient gw(StackContext ctx) {
    return ctx.aws().apiGateway();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    GetDomainNameResponse domain = gw(ctx).getDomainName(r -> r.domainName(d.physicalName()));
    return Optional.of(new Observed(domain, gw(ctx).getBasePathMappings(r -> r.domainName(d.physicalName()).limit(500)).items()));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    gw(ctx).createDomainName(r -> r.domainName(d.physicalName())
        .regionalCertificateArn(d.certificateArn())
        .endpointConfiguration(e -> e.types(EndpointType.REGIONAL))
        .securityPolicy(SecurityPolicy.TLS_1_2)
        .tags(ctx.tags()));
    // With its mapping at once: a domain name is of no use without one (and moto 5.2.1 cannot list the
    // mappings of a domain that never had any).
    gw(ctx).createBasePathMapping(r -> r.domainName(d.physicalName()).restApiId(d.restApiId()).stage(d.stage()));
    return null;
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    DomainNameStatus status = o.domain().domainNameStatus();
    if (status == DomainNameStatus.UPDATING || status == DomainNameStatus.PENDING) {
      return Optional.of(NotReady.awaiting("API Gateway domain name " + o.domain().domainName() + " " + status, UPDATING));
    }
    return Optional.empty();
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    String name = d.physicalName();
    if (!Objects.equals(d.certificateArn(), o.domain().regionalCertificateArn())) {
      steps.add(new Step("regionalCertificateArn", d.certificateArn(), o.domain().regionalCertificateArn(), () -> gw(ctx).updateDomainName(r -> r
          .domainName(name).patchOperations(PatchOperation.builder().op(Op.REPLACE).path("/regionalCertificateArn").value(d.certificateArn()).build()))));
    }
    BasePathMapping root = null;
    for (BasePathMapping m : o.mappings()) {
      if (ROOT.equals(m.basePath()) || m.basePath() == null || m.basePath().isEmpty()) {
        root = m;
      } else {
        steps.add(new Step("mapping " + m.basePath(), null, m.restApiId() + "/" + m.stage(),
            () -> gw(ctx).deleteBasePathMapping(r -> r.domainName(name).basePath(m.basePath()))));
      }
    }
    String want = d.restApiId() + "/" + d.stage();
    if (root == null) {
      steps.add(new Step("mapping /", want, null,
          () -> gw(ctx).createBasePathMapping(r -> r.domainName(name).restApiId(d.restApiId()).stage(d.stage()))));
    } else if (!want.equals(root.restApiId() + "/" + root.stage())) {
      steps.add(new Step("mapping /", want, root.restApiId() + "/" + root.stage(), () -> gw(ctx).updateBasePathMapping(r -> r.domainName(name).basePath(ROOT)
          .patchOperations(PatchOperation.builder().op(Op.REPLACE).path("/restapiId").value(d.restApiId()).build(),
              PatchOperation.builder().op(Op.REPLACE).path("/stage").value(d.stage()).build()))));
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
      gw(ctx).untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      gw(ctx).tagResource(r -> r.resourceArn(arn).tags(set));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(d.physicalName())
        .output(Domains.REST_URL_OUTPUT, "https://" + d.physicalName())
        .internal(TARGET_OUTPUT, o.domain().regionalDomainName())
        .internal(ZONE_OUTPUT, o.domain().regionalHostedZoneId())
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(Domains.tagsOf(gw(ctx).getDomainName(r -> r.domainName(resource.id)).tags()));
  }

  /** Its base path mappings go with it. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    gw(ctx).deleteDomainName(r -> r.domainName(resource.id));
  }
}
