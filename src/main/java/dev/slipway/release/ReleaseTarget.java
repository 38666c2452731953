package dev.slipway.release;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.PinnedTarget;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.Naming;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.kinds.ServiceAlarms;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import dev.slipway.tenancy.TenancyRules;

/**
 * The function alias a release shifts, resolved from either a ServerlessService's function or a
 * bare function name. Two releases with the same key compete for one alias.
 *
 * @param apiName the service's REST API name, for API Gateway metrics
 * @param apiStage the service's REST API stage, for API Gateway metrics
 * @param serviceAlarms the AWS names of the alarms the service declares, by logical name
 */
public record ReleaseTarget(
    AwsTarget aws,
    String functionName,
    String alias,
    Optional<String> apiName,
    Optional<String> apiStage,
    Optional<Map<String, String>> serviceAlarms) {

  /** The same function and alias, reached through {@code target} (the STS session the tenancy allows). */
  public ReleaseTarget withAws(AwsTarget target) {
    return new ReleaseTarget(target, functionName, alias, apiName, apiStage, serviceAlarms);
  }

  /** What status keeps of this target once the release starts (the role as the spec names it, before the tenancy's session). */
  public PinnedTarget pin() {
    PinnedTarget p = new PinnedTarget();
    p.region = aws.region();
    p.roleArn = aws.roleArn().orElse(null);
    p.function = functionName;
    p.alias = alias;
    p.apiName = apiName.orElse(null);
    p.apiStage = apiStage.orElse(null);
    p.serviceAlarms = serviceAlarms.orElse(null);
    return p;
  }

  /** The target a started release pinned. */
  public static ReleaseTarget of(PinnedTarget p) {
    return new ReleaseTarget(AwsTarget.of(p.region, p.roleArn), p.function, p.alias,
        Optional.ofNullable(p.apiName), Optional.ofNullable(p.apiStage), Optional.ofNullable(p.serviceAlarms));
  }

  /** Identifies the alias across releases: region, function and alias. */
  public String key() {
    return aws.region() + "/" + functionName + ":" + alias;
  }

  /**
   * The physical alias a release moves, however its spec names it: region, account, bare function
   * name and alias. A service release and a functionName release (by name or ARN) of the same
   * function and alias have the same key, so they compete for it. The account is the one of the
   * function's ARN, else of the role the release assumes, else empty for the operator's own identity.
   */
  public record AliasKey(String region, String account, String function, String alias) {

    /** The key of {@code functionName} (a name, partial or full ARN) reached in {@code region} as {@code roleArn} (null: the operator). */
    public static AliasKey of(String region, String roleArn, String functionName, String alias) {
      TenancyRules.FunctionRef fn = TenancyRules.FunctionRef.parse(functionName);
      String account = fn.account().or(() -> Optional.ofNullable(roleArn).flatMap(r -> TenancyRules.arnPart(r, 4))).orElse("");
      return new AliasKey(fn.region().orElse(region), account, fn.name(), alias);
    }
  }

  /**
   * The alias key of {@code release}: its pinned target once started; before, from its spec for a
   * functionName release, from its service (as {@code services} finds it by namespace and name) for
   * a service release. Empty when the service
   * or its function is not there: then only releases with the same {@link #specKey} compete.
   */
  static Optional<AliasKey> aliasKey(LambdaRelease release, BiFunction<String, String, ServerlessService> services) {
    try {
      ReleaseTarget t = current(services, release);
      return Optional.of(AliasKey.of(t.aws().region(), t.aws().roleArn().orElse(null), t.functionName(), t.alias()));
    } catch (SlipwayException e) {
      return Optional.empty();
    }
  }

  /** The key a release targets, computed from its spec alone (no lookups), for supersession. */
  static String specKey(LambdaRelease release) {
    LambdaReleaseSpec s = release.getSpec();
    return s.service != null ? "service:" + s.service + "/" + s.function : "function:" + s.region + "/" + s.functionName + ":" + s.alias;
  }

  /**
   * Resolves the target. A missing service or function is terminal: the release cannot start, and
   * a new release (or a fixed spec) is the way forward.
   */
  public static ReleaseTarget resolve(KubernetesClient client, LambdaRelease release) {
    return resolve((ns, name) -> client.resources(ServerlessService.class).inNamespace(ns).withName(name).get(), release);
  }

  /** The target a release moves now: the one it pinned when it started, else resolved from its spec and service. */
  static ReleaseTarget current(BiFunction<String, String, ServerlessService> services, LambdaRelease release) {
    var status = release.getStatus();
    return status != null && status.target != null ? of(status.target) : resolve(services, release);
  }

  /** As {@link #resolve(KubernetesClient, LambdaRelease)}, finding services by namespace and name with {@code services}. */
  static ReleaseTarget resolve(BiFunction<String, String, ServerlessService> services, LambdaRelease release) {
    LambdaReleaseSpec spec = release.getSpec();
    String namespace = release.getMetadata().getNamespace();
    if (spec.service == null) {
      return new ReleaseTarget(
          AwsTarget.of(spec.region, spec.roleArn), spec.functionName, spec.alias, Optional.empty(), Optional.empty(), Optional.empty());
    }
    ServerlessService service = services.apply(namespace, spec.service);
    if (service == null) {
      throw SlipwayException.terminal("ServiceNotFound", "ServerlessService " + namespace + "/" + spec.service + " does not exist");
    }
    var s = FunctionDefaults.resolve(service.getSpec());
    FunctionSpec fn =
        s.functions.stream()
            .filter(f -> Objects.equals(f.name, spec.function))
            .findFirst()
            .orElseThrow(() -> SlipwayException.terminal("FunctionNotFound", "ServerlessService " + spec.service + " has no function " + spec.function));
    String name = service.getMetadata().getName();
    Optional<String> apiName = Optional.ofNullable(s.restApi).map(api -> Naming.restApiName(name, s));
    Optional<String> apiStage = Optional.ofNullable(s.restApi).map(api -> api.stageName);
    return new ReleaseTarget(
        AwsTarget.of(s.region, s.roleArn), Naming.physical(name, s, fn.name), s.stage, apiName, apiStage, Optional.of(ServiceAlarms.names(name, s)));
  }
}
