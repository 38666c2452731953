package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.GetApiKeyResponse;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;

/**
 * An API key of the REST API ({@code restApi.apiKeys}, named {@code <prefix>-<name>}). API Gateway
 * generates its value, which is written to the Kubernetes Secret {@code <service>-<key>-apikey} (key
 * {@code apiKey}) the service owns, through {@link dev.slipway.aws.SecretValues} as a Cognito client's
 * secret is: compared there and shown nowhere else. Key names need not be unique, so a key is found
 * by its recorded id, or as the one of its name. The usage plans that meter it are {@link UsagePlanKind}'s.
 */
public final class ApiKeyKind implements AwsResourceKind<ApiKeyKind.Desired, ApiKeyKind.Observed> {

  public static final String KIND = "ApiKey";
  /** The key of the Secret's data that holds the value. */
  public static final String SECRET_KEY = "apiKey";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  public record Desired(String name, String physicalName, boolean enabled, String secretName) implements DesiredResource {}

  /** The key as API Gateway shows it, value included, and the data of the Secret holding the value (empty when none). */
  public record Observed(String id, String name, boolean enabled, String value, Map<String, String> tags, Map<String, String> secret) {}

  /** The output key of an API key's id. */
  public static String idOutput(String key) {
    return "apiKey." + key + ".id";
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    RestApiSpec api = ctx.spec().restApi;
    if (api == null) {
      return List.of();
    }
    return api.apiKeys.stream()
        .map(k -> new Planned<>(this, k.name, ctx.physicalName(k.name), List.<String>of(),
            c -> new Desired(k.name, c.physicalName(k.name), !Boolean.FALSE.equals(k.enabled), RestApiSpec.ApiKey.secretName(c.serviceName(), k.name))))
        .toList();
  }

  private static ApiGatewayClient gw(StackContext ctx) {
    return ctx.aws().apiGateway();
  }

  /** By the recorded id while it still names this key; otherwise the one key of the name. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    Optional<Observed> key = ctx.previous(KIND, d.name()).map(r -> r.id)
        .flatMap(id -> AwsErrors.unlessNotFound(() -> gw(ctx).getApiKey(r -> r.apiKey(id).includeValue(true))))
        .filter(k -> d.physicalName().equals(k.name()))
        .map(ApiKeyKind::observed)
        .or(() -> find(ctx, d));
    return key.map(k -> withSecret(ctx, d, k));
  }

  private static Optional<Observed> find(StackContext ctx, Desired d) {
    List<Observed> named = new ArrayList<>();
    // The name filter matches prefixes: only keys of exactly this name count.
    gw(ctx).getApiKeysPaginator(r -> r.nameQuery(d.physicalName()).includeValues(true).limit(500)).items().forEach(k -> {
      if (d.physicalName().equals(k.name())) {
        named.add(new Observed(k.id(), k.name(), Boolean.TRUE.equals(k.enabled()), k.value(), k.tags(), Map.of()));
      }
    });
    return Lookups.unique(ctx, named, Observed::tags, "API key", d.physicalName());
  }

  private static Observed observed(GetApiKeyResponse k) {
    return new Observed(k.id(), k.name(), Boolean.TRUE.equals(k.enabled()), k.value(), k.tags(), Map.of());
  }

  private static Observed withSecret(StackContext ctx, Desired d, Observed k) {
    return new Observed(k.id(), k.name(), k.enabled(), k.value(), k.tags(), ctx.secrets().owned(d.secretName()).orElse(Map.of()));
  }

  /** With its tags and state; API Gateway generates the value, which the Secret step then writes. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    var k = gw(ctx).createApiKey(r -> r.name(d.physicalName()).description("Managed by Slipway").enabled(d.enabled()).tags(ctx.tags()));
    return new Observed(k.id(), k.name(), Boolean.TRUE.equals(k.enabled()), k.value(), k.tags(), Map.of());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    if (d.enabled() != o.enabled()) {
      steps.add(new Step("enabled", d.enabled(), o.enabled(), () -> gw(ctx).updateApiKey(r -> r.apiKey(o.id())
          .patchOperations(PatchOperation.builder().op("replace").path("/enabled").value(String.valueOf(d.enabled())).build()))));
    }
    ctx.secrets().ownWhenChanged(d.secretName(), Map.of(SECRET_KEY, o.value()), o.secret()).ifPresent(steps::add);
    return steps;
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    ApiGatewayArns.retag(ctx, "/apikeys/" + o.id(), set, remove);
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.id()).output(idOutput(d.name()), o.id()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(gw(ctx).getApiKey(r -> r.apiKey(resource.id)).tags());
  }

  /** Its Secret goes with it; API Gateway drops the key from the usage plans that named it. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.secrets().disown(RestApiSpec.ApiKey.secretName(ctx.serviceName(), resource.name));
    gw(ctx).deleteApiKey(r -> r.apiKey(resource.id));
  }
}
