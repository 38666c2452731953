package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.ApiStage;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;
import software.amazon.awssdk.services.apigateway.model.QuotaSettings;
import software.amazon.awssdk.services.apigateway.model.ThrottleSettings;
import software.amazon.awssdk.services.apigateway.model.UsagePlanKey;

/**
 * A usage plan on the REST API's stage ({@code restApi.usagePlans}, named {@code <prefix>-<name>}):
 * exactly that stage, the declared throttling and quota, and exactly the declared API keys. The
 * key associations (CreateUsagePlanKey) are part of the plan, not a kind of their own: they carry no
 * tags and no settings, they go when the plan goes, and one read of the plan's keys tells every
 * missing or extra one, so a key dropped behind Slipway's back is put back with the plan's other
 * drift and status holds one entry per plan rather than one per pair.
 */
public final class UsagePlanKind implements AwsResourceKind<UsagePlanKind.Desired, UsagePlanKind.Observed> {

  public static final String KIND = "UsagePlan";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(RestApiKind.KIND, ApiKeyKind.KIND));
  private static final String API_KEY = "API_KEY";

  /** A plan's throttling; an absent field is left as AWS has it. */
  record Throttle(Double rateLimit, Integer burstLimit) {}

  record Quota(Integer limit, String period) {}

  /**
   * The plan as the spec wants it: its stage as {@code <apiId>:<stage>}, and its keys' ids by their
   * logical names; {@code throttle} and {@code quota} null for none.
   */
  public record Desired(String name, String physicalName, String stage, Throttle throttle, Quota quota, SortedMap<String, String> keys)
      implements DesiredResource {}

  /** The plan as API Gateway shows it: its stages as {@code <apiId>:<stage>}, and the ids of its keys. */
  public record Observed(String id, String name, SortedSet<String> stages, Throttle throttle, Quota quota, Map<String, String> tags, Set<String> keyIds) {}

  /** The output key of a usage plan's id. */
  public static String idOutput(String plan) {
    return "usagePlan." + plan + ".id";
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
    List<Planned<Desired, Observed>> planned = new ArrayList<>();
    for (RestApiSpec.UsagePlan p : api.usagePlans) {
      List<String> dependencies = new ArrayList<>(List.of(Planned.key(RestApiKind.KIND, "api")));
      p.keys.stream().distinct().forEach(k -> dependencies.add(Planned.key(ApiKeyKind.KIND, k)));
      planned.add(new Planned<>(this, p.name, ctx.physicalName(p.name), dependencies, c -> desired(c, api, p)));
    }
    return planned;
  }

  private static Desired desired(StackContext ctx, RestApiSpec api, RestApiSpec.UsagePlan p) {
    SortedMap<String, String> keys = new TreeMap<>();
    p.keys.forEach(k -> keys.put(k, ctx.output(ApiKeyKind.idOutput(k))));
    return new Desired(p.name, ctx.physicalName(p.name), ctx.output(Outputs.REST_API_ID) + ":" + api.stageName,
        p.throttle == null ? null : new Throttle(p.throttle.rateLimit, p.throttle.burstLimit),
        p.quota == null ? null : new Quota(p.quota.limit, p.quota.period.name()), keys);
  }

  /** A plan naming a key restApi.apiKeys does not declare (the CRD's rule says the same). */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.restApi == null) {
      return List.of();
    }
    Set<String> declared = new TreeSet<>();
    spec.restApi.apiKeys.forEach(k -> declared.add(k.name));
    List<String> problems = new ArrayList<>();
    spec.restApi.usagePlans.forEach(p -> p.keys.stream().filter(k -> !declared.contains(k)).distinct()
        .forEach(k -> problems.add("restApi.usagePlans " + p.name + " names API key " + k + ", which restApi.apiKeys does not declare")));
    return problems;
  }

  private static ApiGatewayClient gw(StackContext ctx) {
    return ctx.aws().apiGateway();
  }

  /** By the recorded id while it still names this plan; otherwise the one plan of the name. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    ApiGatewayClient gw = gw(ctx);
    Optional<Observed> plan = ctx.previous(KIND, d.name()).map(r -> r.id)
        .flatMap(id -> AwsErrors.unlessNotFound(() -> gw.getUsagePlan(r -> r.usagePlanId(id))))
        .filter(p -> d.physicalName().equals(p.name()))
        .map(p -> observed(p.id(), p.name(), p.apiStages(), p.throttle(), p.quota(), p.tags(), Set.of()))
        .or(() -> find(ctx, d));
    return plan.map(p -> {
      Set<String> keyIds = new TreeSet<>();
      gw.getUsagePlanKeysPaginator(r -> r.usagePlanId(p.id()).limit(500)).items().stream().map(UsagePlanKey::id).forEach(keyIds::add);
      return new Observed(p.id(), p.name(), p.stages(), p.throttle(), p.quota(), p.tags(), keyIds);
    });
  }

  private static Optional<Observed> find(StackContext ctx, Desired d) {
    List<Observed> named = new ArrayList<>();
    gw(ctx).getUsagePlansPaginator(r -> r.limit(500)).items().forEach(p -> {
      if (d.physicalName().equals(p.name())) {
        named.add(observed(p.id(), p.name(), p.apiStages(), p.throttle(), p.quota(), p.tags(), Set.of()));
      }
    });
    return Lookups.unique(ctx, named, Observed::tags, "usage plan", d.physicalName());
  }

  private static Observed observed(String id, String name, List<ApiStage> stages, ThrottleSettings throttle, QuotaSettings quota,
      Map<String, String> tags, Set<String> keyIds) {
    SortedSet<String> stageKeys = new TreeSet<>();
    stages.forEach(s -> stageKeys.add(s.apiId() + ":" + s.stage()));
    return new Observed(id, name, stageKeys,
        throttle == null ? null : new Throttle(throttle.rateLimit(), throttle.burstLimit()),
        quota == null || quota.limit() == null ? null : new Quota(quota.limit(), quota.periodAsString()),
        tags == null ? Map.of() : tags, keyIds);
  }

  /** With its stage, throttling, quota and tags; its keys are the compare's steps. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    String[] stage = d.stage().split(":", 2);
    var p = gw(ctx).createUsagePlan(r -> {
      r.name(d.physicalName()).description("Managed by Slipway").tags(ctx.tags())
          .apiStages(ApiStage.builder().apiId(stage[0]).stage(stage[1]).build());
      if (d.throttle() != null) {
        r.throttle(t -> t.rateLimit(d.throttle().rateLimit()).burstLimit(d.throttle().burstLimit()));
      }
      if (d.quota() != null) {
        r.quota(q -> q.limit(d.quota().limit()).period(d.quota().period()));
      }
    });
    return observed(p.id(), p.name(), p.apiStages(), p.throttle(), p.quota(), p.tags(), Set.of());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<Step> steps = new ArrayList<>();
    List<PatchOperation> stageOps = new ArrayList<>();
    if (!o.stages().contains(d.stage())) {
      stageOps.add(op("add", "/apiStages", d.stage()));
    }
    o.stages().stream().filter(s -> !s.equals(d.stage())).forEach(s -> stageOps.add(op("remove", "/apiStages", s)));
    if (!stageOps.isEmpty()) {
      steps.add(update(ctx, o, "apiStages", List.of(d.stage()), o.stages(), stageOps));
    }
    List<PatchOperation> throttleOps = new ArrayList<>();
    Throttle want = d.throttle();
    Throttle have = o.throttle();
    if (want == null) {
      if (have != null && (have.rateLimit() != null || have.burstLimit() != null)) {
        throttleOps.add(op("remove", "/throttle", null));
      }
    } else {
      if (want.rateLimit() != null && (have == null || !want.rateLimit().equals(have.rateLimit()))) {
        throttleOps.add(op("replace", "/throttle/rateLimit", number(want.rateLimit())));
      }
      if (want.burstLimit() != null && (have == null || !want.burstLimit().equals(have.burstLimit()))) {
        throttleOps.add(op("replace", "/throttle/burstLimit", want.burstLimit().toString()));
      }
    }
    if (!throttleOps.isEmpty()) {
      steps.add(update(ctx, o, "throttle", want, have, throttleOps));
    }
    if (!Objects.equals(d.quota(), o.quota())) {
      List<PatchOperation> quotaOps = d.quota() == null ? List.of(op("remove", "/quota", null))
          : List.of(op("replace", "/quota/limit", d.quota().limit().toString()), op("replace", "/quota/period", d.quota().period()));
      steps.add(update(ctx, o, "quota", d.quota(), o.quota(), quotaOps));
    }
    d.keys().forEach((name, id) -> {
      if (!o.keyIds().contains(id)) {
        steps.add(new Step("key " + name, id, null, () -> gw(ctx).createUsagePlanKey(r -> r.usagePlanId(o.id()).keyId(id).keyType(API_KEY))));
      }
    });
    o.keyIds().stream().filter(id -> !d.keys().containsValue(id))
        .forEach(id -> steps.add(new Step("key " + id, null, id, () -> gw(ctx).deleteUsagePlanKey(r -> r.usagePlanId(o.id()).keyId(id)))));
    return steps;
  }

  private static Step update(StackContext ctx, Observed o, String path, Object desired, Object observed, List<PatchOperation> ops) {
    return new Step(path, desired, observed, () -> gw(ctx).updateUsagePlan(r -> r.usagePlanId(o.id()).patchOperations(ops)));
  }

  private static PatchOperation op(String op, String path, String value) {
    return PatchOperation.builder().op(op).path(path).value(value).build();
  }

  /** A rate without a fraction is written as a whole number, which API Gateway takes as well (and moto 5.2.1 only). */
  private static String number(Double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    ApiGatewayArns.retag(ctx, "/usageplans/" + o.id(), set, remove);
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.id()).output(idOutput(d.name()), o.id()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(gw(ctx).getUsagePlan(r -> r.usagePlanId(resource.id)).tags());
  }

  /** API Gateway deletes only a plan on no stage: its stages are removed first. Its key associations go with it. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ApiGatewayClient gw = gw(ctx);
    List<PatchOperation> stages = gw.getUsagePlan(r -> r.usagePlanId(resource.id)).apiStages().stream()
        .map(s -> op("remove", "/apiStages", s.apiId() + ":" + s.stage()))
        .toList();
    if (!stages.isEmpty()) {
      gw.updateUsagePlan(r -> r.usagePlanId(resource.id).patchOperations(stages));
    }
    gw.deleteUsagePlan(r -> r.usagePlanId(resource.id));
  }
}
