package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.RestApiSpec.Authorization;
import dev.slipway.api.v1alpha1.RestApiSpec.Cors;
import dev.slipway.api.v1alpha1.RestApiSpec.Method;
import dev.slipway.api.v1alpha1.RestApiSpec.Route;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Naming;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.Step;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.LambdaInvokePermissions.Grant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.Authorizer;
import software.amazon.awssdk.services.apigateway.model.AuthorizerType;
import software.amazon.awssdk.services.apigateway.model.GetResourcesRequest;
import software.amazon.awssdk.services.apigateway.model.GetRestApiResponse;
import software.amazon.awssdk.services.apigateway.model.Integration;
import software.amazon.awssdk.services.apigateway.model.IntegrationResponse;
import software.amazon.awssdk.services.apigateway.model.MethodResponse;
import software.amazon.awssdk.services.apigateway.model.MethodSetting;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;
import software.amazon.awssdk.services.apigateway.model.Resource;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigateway.model.GetStageResponse;

/**
 * A REST API (API Gateway v1): one resource per path segment, per route method an AWS_PROXY
 * integration to the function's stage alias, a MOCK OPTIONS method per path when CORS is declared,
 * invoke grants on the aliases, and a stage. Method changes only go live with a deployment; the
 * deployment carries a fingerprint of the routes it was made from, so a new one is created exactly
 * when the live routes are not the declared ones.
 */
public final class RestApiKind extends ApiKind<RestApiKind.Desired, RestApiKind.Observed> {

  public static final String KIND = "RestApi";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(LambdaFunctionKind.KIND, CognitoUserPoolKind.KIND, LogGroupKind.KIND));
  /**
   * The authorizers Slipway keeps on an API check tokens of the service's user pool; each is named
   * after its pool, so a new pool gets a new authorizer and the methods move to it before the old
   * one goes (API Gateway refuses to delete an authorizer in use).
   */
  static final String COGNITO_AUTHORIZER = "slipway-cognito-";
  /** Prefix of the description of the deployments Slipway makes; the fingerprint follows. */
  static final String DEPLOYMENT_MARK = "slipway routes ";
  private static final String ALL_METHODS = "*/*";
  private static final String HEADER = "method.response.header.";
  private static final String JSON = "application/json";

  /**
   * How one method of one path looks; integration responses only matter for the MOCK OPTIONS. The
   * authorizer is named, not identified: its id is known only once it exists.
   */
  record MethodShape(String authorization, String authorizer, List<String> scopes, boolean apiKeyRequired, String integrationType, String integrationUri,
      Integer timeoutMillis, SortedMap<String, String> responseParameters, SortedMap<String, String> responseTemplates) {

    /**
     * The form the deployment fingerprint hashes: a method without an API key requirement reads as it
     * did before methods had one, so the deployments of such APIs stay current.
     */
    @Override
    public String toString() {
      return "MethodShape[authorization=" + authorization + ", authorizer=" + authorizer + ", scopes=" + scopes
          + (apiKeyRequired ? ", apiKeyRequired=true" : "") + ", integrationType=" + integrationType + ", integrationUri=" + integrationUri
          + ", timeoutMillis=" + timeoutMillis + ", responseParameters=" + responseParameters + ", responseTemplates=" + responseTemplates + "]";
    }
  }

  /** API Gateway's integration timeout when none is set. */
  static final int DEFAULT_TIMEOUT_MILLIS = 29000;

  /** A route method that invokes a function alias, and so needs a grant. */
  record Invoke(String aliasArn, String httpMethod, String path) {}

  /** Stage-wide throttling; an absent field is left as AWS has it. */
  record Throttle(Double rateLimit, Integer burstLimit) {}

  /** Stage settings besides throttling; null fields are left as AWS has them, but for {@code accessLog}, which is null for none. */
  record StageSettings(Boolean detailedMetrics, Boolean tracing, SortedMap<String, String> variables, ApiAccessLogs.Settings accessLog) {}

  /** The API as the spec wants it, alias ARNs resolved. */
  public record Desired(
      String physicalName,
      String stageName,
      String endpointType,
      Map<String, String> tags,
      SortedMap<String, SortedMap<String, MethodShape>> methods,
      Throttle throttle,
      StageSettings stageSettings,
      List<Invoke> invokes,
      Set<String> knownAliases,
      String userPoolArn)
      implements DesiredResource {

    /** Identifies the declared routes; stored in the description of the deployment made from them. */
    String fingerprint() {
      return LambdaInvokePermissions.shortHash(methods.toString());
    }
  }

  /** A resource of the API: its id and its methods by HTTP method. */
  record ObservedResource(String id, Map<String, MethodShape> methods) {}

  /**
   * The API as AWS shows it; {@code stage} is null while there is none. {@code accountRole} is the
   * account's CloudWatch role, read only when the stage wants access logs (empty for none).
   */
  public record Observed(
      String apiId,
      String endpointType,
      Map<String, String> tags,
      Map<String, ObservedResource> resources,
      GetStageResponse stage,
      String deployedFingerprint,
      Set<Grant> grants,
      Map<String, Authorizer> authorizers,
      Optional<String> accountRole) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  boolean declared(StackContext ctx) {
    return ctx.spec().restApi != null;
  }

  @Override
  String physicalName(StackContext ctx) {
    return Naming.restApiName(ctx.serviceName(), ctx.spec());
  }

  @Override
  java.util.Collection<String> routedFunctions(StackContext ctx) {
    return ctx.spec().restApi.routes.stream().map(r -> r.function).toList();
  }

  @Override
  public void retag(StackContext ctx, Observed observed, Map<String, String> set, java.util.Collection<String> remove) {
    ApiGatewayArns.retag(ctx, "/restapis/" + observed.apiId(), set, remove);
  }

  /** The desired API of the service; the Lambda kind must have published the alias ARNs. */
  @Override
  public Desired desired(StackContext ctx) {
    RestApiSpec spec = ctx.spec().restApi;
    SortedMap<String, SortedMap<String, MethodShape>> methods = new TreeMap<>();
    List<Invoke> invokes = new ArrayList<>();
    for (Route route : spec.routes) {
      String alias = ctx.output(Outputs.aliasArn(route.function));
      String uri = LambdaInvokePermissions.invocationUri(ctx.region(), alias);
      SortedMap<String, MethodShape> byMethod = methods.computeIfAbsent(route.path, p -> new TreeMap<>());
      boolean cognito = route.authorization == Authorization.COGNITO;
      String authorizer = cognito ? authorizerName(ctx.output(CognitoUserPoolKind.POOL_ARN)) : null;
      String authorization = cognito ? "COGNITO_USER_POOLS" : route.authorization.name();
      List<String> scopes = route.scopes.stream().sorted().toList();
      for (Method m : route.methods) {
        byMethod.put(m.name(), new MethodShape(authorization, authorizer, scopes, Boolean.TRUE.equals(route.apiKeyRequired), "AWS_PROXY", uri,
            route.timeoutMillis == null ? DEFAULT_TIMEOUT_MILLIS : route.timeoutMillis, new TreeMap<>(), new TreeMap<>()));
        invokes.add(new Invoke(alias, m.name(), route.path));
      }
    }
    if (spec.cors != null) {
      // A path's preflight lists the methods of all its routes; a path whose function serves OPTIONS answers it itself.
      methods.values().forEach(byMethod -> byMethod.computeIfAbsent("OPTIONS", o -> preflight(spec.cors, byMethod.keySet())));
    }
    Throttle throttle = spec.throttling == null ? null : new Throttle(spec.throttling.rateLimit, spec.throttling.burstLimit);
    StageSettings settings = new StageSettings(spec.detailedMetrics, spec.tracing,
        spec.stageVariables == null ? null : new TreeMap<>(spec.stageVariables), ApiAccessLogs.settings(ctx, spec.accessLog, ApiAccessLogs.Api.REST));
    return new Desired(
        physicalName(ctx),
        spec.stageName,
        spec.endpointType.name(),
        ctx.tags(),
        methods,
        throttle,
        settings,
        invokes,
        LambdaInvokePermissions.knownAliases(ctx),
        usesCognito(spec) ? ctx.output(CognitoUserPoolKind.POOL_ARN) : null);
  }

  @Override
  public List<String> validate(dev.slipway.api.v1alpha1.ServerlessServiceSpec spec) {
    return spec.restApi == null ? List.of() : stageVariableNames("restApi", spec.restApi.stageVariables);
  }

  static String authorizerName(String userPoolArn) {
    return COGNITO_AUTHORIZER + LambdaInvokePermissions.shortHash(userPoolArn);
  }

  private static boolean usesCognito(RestApiSpec spec) {
    return spec.routes.stream().anyMatch(r -> r.authorization == Authorization.COGNITO);
  }

  /** The user pool, when a route checks its tokens. */
  @Override
  List<String> otherDependencies(StackContext ctx) {
    RestApiSpec spec = ctx.spec().restApi;
    List<String> dependencies = new ArrayList<>(ApiAccessLogs.dependencies(spec.accessLog, ApiAccessLogs.Api.REST));
    if (usesCognito(spec)) {
      dependencies.add(Planned.key(CognitoUserPoolKind.KIND, CognitoUserPoolKind.LOGICAL));
    }
    return dependencies;
  }

  /** The MOCK OPTIONS method answering CORS preflight requests of one path. */
  private static MethodShape preflight(Cors cors, Set<String> pathMethods) {
    SortedMap<String, String> headers = new TreeMap<>();
    SortedMap<String, String> templates = new TreeMap<>();
    List<String> allowMethods = new ArrayList<>(cors.allowMethods);
    if (allowMethods.isEmpty()) {
      pathMethods.stream()
          .flatMap(m -> m.equals(Method.ANY.name()) ? Stream.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD") : Stream.of(m))
          .distinct()
          .forEach(allowMethods::add);
      allowMethods.add("OPTIONS");
    }
    headers.put(HEADER + "Access-Control-Allow-Methods", quote(String.join(",", allowMethods)));
    if (!cors.allowHeaders.isEmpty()) {
      headers.put(HEADER + "Access-Control-Allow-Headers", quote(String.join(",", cors.allowHeaders)));
    }
    if (Boolean.TRUE.equals(cors.allowCredentials)) {
      headers.put(HEADER + "Access-Control-Allow-Credentials", quote("true"));
    }
    if (cors.maxAgeSeconds != null) {
      headers.put(HEADER + "Access-Control-Max-Age", quote(cors.maxAgeSeconds.toString()));
    }
    if (cors.allowOrigins.size() == 1) {
      headers.put(HEADER + "Access-Control-Allow-Origin", quote(cors.allowOrigins.get(0)));
    } else {
      // The header takes one origin: echo the caller's when it is one of those allowed.
      String allowed = cors.allowOrigins.stream().map(o -> "$origin == \"" + o + "\"").collect(Collectors.joining(" || "));
      templates.put(JSON, "#set($origin = $input.params(\"Origin\"))\n#if(" + allowed
          + ")#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end");
      headers.put(HEADER + "Vary", quote("Origin"));
    }
    return new MethodShape("NONE", null, List.of(), false, "MOCK", null, null, headers, templates);
  }

  private static String quote(String value) {
    return "'" + value + "'";
  }

  @Override
  String logicalName() {
    return "api";
  }

  @Override
  Optional<String> nameOf(StackContext ctx, String id) {
    return readById(ctx, id, () -> ctx.aws().apiGateway().getRestApi(r -> r.restApiId(id))).map(GetRestApiResponse::name);
  }

  @Override
  Map<String, String> tagsOf(StackContext ctx, String id) {
    return ctx.aws().apiGateway().getRestApi(r -> r.restApiId(id)).tags();
  }

  @Override
  Optional<String> find(StackContext ctx, String name) {
    List<RestApi> named = new ArrayList<>();
    ctx.aws().apiGateway().getRestApisPaginator(r -> r.limit(500)).items().forEach(a -> {
      if (name.equals(a.name())) {
        named.add(a);
      }
    });
    return Lookups.unique(ctx, named, RestApi::tags, "REST API", name, duplicates(ctx)).map(RestApi::id);
  }

  /** A duplicate REST API is untouched while it has only its root resource and no deployment. */
  private Lookups.Duplicates<RestApi> duplicates(StackContext ctx) {
    ApiGatewayClient gw = ctx.aws().apiGateway();
    return new Lookups.Duplicates<>(RestApi::createdDate,
        a -> gw.getResources(r -> r.restApiId(a.id()).limit(2)).items().size() <= 1 && gw.getDeployments(r -> r.restApiId(a.id()).limit(1)).items().isEmpty(),
        a -> deleteById(ctx, a.id()));
  }

  @Override
  Observed observe(StackContext ctx, Desired desired, String apiId) {
    ApiGatewayClient gw = ctx.aws().apiGateway();
    GetRestApiResponse api = takeById(ctx, apiId, () -> gw.getRestApi(r -> r.restApiId(apiId)));
    List<Resource> items = new ArrayList<>();
    gw.getResourcesPaginator(GetResourcesRequest.builder().restApiId(apiId).embed("methods").limit(500).build()).items().forEach(items::add);
    // Authorizers are read only when something uses or wants one: most APIs have none.
    boolean authorized = desired.userPoolArn() != null
        || items.stream().anyMatch(r -> r.resourceMethods().values().stream().anyMatch(m -> m.authorizerId() != null));
    Map<String, Authorizer> authorizers = new TreeMap<>();
    if (authorized) {
      gw.getAuthorizers(r -> r.restApiId(apiId).limit(500)).items().forEach(a -> authorizers.put(a.name(), a));
    }
    Map<String, String> authorizerNames = new HashMap<>();
    authorizers.values().forEach(a -> authorizerNames.put(a.id(), a.name()));
    Map<String, ObservedResource> resources = new TreeMap<>();
    items.forEach(r -> resources.put(r.path(), observedResource(r, authorizerNames)));
    GetStageResponse stage = null;
    String fingerprint = null;
    try {
      stage = gw.getStage(r -> r.restApiId(apiId).stageName(desired.stageName()));
    } catch (RuntimeException e) {
      if (!AwsErrors.isNotFound(e)) {
        throw e;
      }
    }
    String deploymentId = stage == null ? null : stage.deploymentId();
    if (deploymentId != null) {
      String description = gw.getDeployment(r -> r.restApiId(apiId).deploymentId(deploymentId)).description();
      if (description != null && description.startsWith(DEPLOYMENT_MARK)) {
        fingerprint = description.substring(DEPLOYMENT_MARK.length());
      }
    }
    Set<Grant> grants = permissions(desired.physicalName()).observe(ctx, desired.knownAliases());
    String endpointType = api.endpointConfiguration() == null ? null : api.endpointConfiguration().typesAsStrings().stream().findFirst().orElse(null);
    Optional<String> accountRole = desired.stageSettings().accessLog() == null ? Optional.empty()
        : Optional.ofNullable(gw.getAccount(r -> {}).cloudwatchRoleArn()).filter(a -> !a.isBlank());
    return new Observed(apiId, endpointType, api.tags(), resources, stage, fingerprint, grants, authorizers, accountRole);
  }

  private static ObservedResource observedResource(Resource r, Map<String, String> authorizerNames) {
    Map<String, MethodShape> methods = new TreeMap<>();
    r.resourceMethods().forEach((name, m) -> {
      Integration i = m.methodIntegration();
      SortedMap<String, String> params = new TreeMap<>();
      SortedMap<String, String> templates = new TreeMap<>();
      IntegrationResponse ok = i == null ? null : i.integrationResponses().get("200");
      MethodResponse declared = m.methodResponses().get("200");
      if (ok != null) {
        // A header only reaches the client when the method response declares it too.
        ok.responseParameters().forEach((k, v) -> {
          if (declared != null && declared.responseParameters().containsKey(k)) {
            params.put(k, v);
          }
        });
        ok.responseTemplates().forEach((k, v) -> {
          if (v != null) {
            templates.put(k, v);
          }
        });
      }
      String authorizer = m.authorizerId() == null ? null : authorizerNames.getOrDefault(m.authorizerId(), m.authorizerId());
      List<String> scopes = m.authorizationScopes() == null ? List.of() : m.authorizationScopes().stream().sorted().toList();
      // A proxy integration without a timeout of its own has API Gateway's; a MOCK's does not matter.
      Integer timeout = i == null || "MOCK".equals(i.typeAsString()) ? null : i.timeoutInMillis() == null ? DEFAULT_TIMEOUT_MILLIS : i.timeoutInMillis();
      methods.put(name, new MethodShape(m.authorizationType(), authorizer, scopes, Boolean.TRUE.equals(m.apiKeyRequired()), i == null ? null : i.typeAsString(), i == null ? null : i.uri(), timeout, params, templates));
    });
    return new ObservedResource(r.id(), methods);
  }

  @Override
  String createBare(StackContext ctx, Desired desired) {
    return ctx.aws().apiGateway().createRestApi(r -> r
            .name(desired.physicalName())
            .description("Managed by Slipway")
            .endpointConfiguration(e -> e.typesWithStrings(desired.endpointType()))
            .tags(desired.tags()))
        .id();
  }

  @Override
  String id(Observed observed) {
    return observed.apiId();
  }

  /**
   * Every change that brings the observed API to the desired one, in the order they must run:
   * API settings, new resources (parents first), methods, stale resources (children first), grants,
   * the deployment, then stage settings.
   */
  @Override
  List<Step> changes(StackContext ctx, Desired desired, Observed observed) {
    ApiGatewayClient gw = ctx.aws().apiGateway();
    String apiId = observed.apiId();
    List<Step> steps = new ArrayList<>();

    String endpointType = observed.endpointType();
    if (!desired.endpointType().equals(endpointType)) {
      steps.add(new Step("endpointType", desired.endpointType(), endpointType, () -> gw.updateRestApi(r -> r.restApiId(apiId).patchOperations(
          PatchOperation.builder().op("replace").path("/endpointConfiguration/types/" + endpointType).value(desired.endpointType()).build()))));
    }

    // Resource ids by path; resources created below add theirs before their children need them.
    Map<String, String> ids = new HashMap<>();
    observed.resources().forEach((path, r) -> ids.put(path, r.id()));
    Set<String> wantedPaths = new TreeSet<>(Comparator.comparingInt(RestApiKind::depth).thenComparing(Comparator.naturalOrder()));
    desired.methods().keySet().forEach(p -> wantedPaths.addAll(withAncestors(p)));
    for (String path : wantedPaths) {
      if (!observed.resources().containsKey(path)) {
        steps.add(new Step("resource " + path, "present", null, () -> ids.put(path,
            gw.createResource(r -> r.restApiId(apiId).parentId(ids.get(parent(path))).pathPart(lastSegment(path))).id())));
      }
    }
    // Authorizer ids by name; one created below adds its id before the methods that use it.
    Map<String, String> authorizerIds = new HashMap<>();
    observed.authorizers().forEach((name, a) -> authorizerIds.put(name, a.id()));
    String authorizer = desired.userPoolArn() == null ? null : authorizerName(desired.userPoolArn());
    if (authorizer != null && !authorizerIds.containsKey(authorizer)) {
      steps.add(new Step("authorizer " + authorizer, desired.userPoolArn(), null, () -> authorizerIds.put(authorizer, gw.createAuthorizer(r -> r
          .restApiId(apiId).name(authorizer).type(AuthorizerType.COGNITO_USER_POOLS).providerARNs(desired.userPoolArn())
          .identitySource("method.request.header.Authorization")).id())));
    }
    desired.methods().forEach((path, wanted) -> {
      Map<String, MethodShape> have = Optional.ofNullable(observed.resources().get(path)).map(ObservedResource::methods).orElse(Map.of());
      have.forEach((method, shape) -> {
        if (!wanted.containsKey(method)) {
          steps.add(new Step("method " + method + " " + path, null, shape, () -> deleteMethod(gw, apiId, ids.get(path), method)));
        }
      });
      wanted.forEach((method, shape) -> {
        MethodShape current = have.get(method);
        if (!shape.equals(current)) {
          steps.add(new Step("method " + method + " " + path, shape, current, () -> {
            if (current != null) {
              // Not live until the next deployment, so replacing the whole method is safe.
              deleteMethod(gw, apiId, ids.get(path), method);
            }
            putMethod(gw, apiId, ids.get(path), method, shape, authorizerIds);
          }));
        }
      });
    });
    observed.resources().keySet().stream()
        .filter(p -> !wantedPaths.contains(p) && !p.equals("/"))
        // Children first: emulators do not all cascade a parent's deletion.
        .sorted(Comparator.comparingInt(RestApiKind::depth).reversed())
        .forEach(p -> steps.add(new Step("resource " + p, null, "present", () -> gw.deleteResource(r -> r.restApiId(apiId).resourceId(ids.get(p))))));
    // Once no method uses them: the authorizers of a pool the service no longer has, or of none.
    observed.authorizers().forEach((name, a) -> {
      if (name.startsWith(COGNITO_AUTHORIZER) && !name.equals(authorizer)) {
        steps.add(new Step("authorizer " + name, null, a.providerARNs(), () -> gw.deleteAuthorizer(r -> r.restApiId(apiId).authorizerId(a.id()))));
      }
    });

    LambdaInvokePermissions permissions = permissions(desired.physicalName());
    Set<Grant> grants = LambdaInvokePermissions.sorted(desired.invokes().stream()
        .map(i -> permissions.grant(i.aliasArn(), i.httpMethod() + " " + i.path(),
            LambdaInvokePermissions.executeApiArn(i.aliasArn(), apiId, "*/" + ("ANY".equals(i.httpMethod()) ? "*" : i.httpMethod()) + sourcePath(i.path()))))
        .toList());
    steps.addAll(permissions.steps(ctx.aws().lambda(), grants, observed.grants()));

    String fingerprint = desired.fingerprint();
    if (!fingerprint.equals(observed.deployedFingerprint())) {
      steps.add(new Step("deployment", fingerprint, observed.deployedFingerprint(), () -> gw.createDeployment(r -> r
          .restApiId(apiId).stageName(desired.stageName()).description(DEPLOYMENT_MARK + fingerprint))));
    }
    Throttle throttle = desired.throttle();
    MethodSetting all = observed.stage() == null ? null : observed.stage().methodSettings().get(ALL_METHODS);
    List<PatchOperation> throttling = new ArrayList<>();
    if (throttle != null && throttle.rateLimit() != null && (all == null || !throttle.rateLimit().equals(all.throttlingRateLimit()))) {
      throttling.add(replace("/" + ALL_METHODS + "/throttling/rateLimit", throttle.rateLimit().toString()));
    }
    if (throttle != null && throttle.burstLimit() != null && (all == null || !throttle.burstLimit().equals(all.throttlingBurstLimit()))) {
      throttling.add(replace("/" + ALL_METHODS + "/throttling/burstLimit", throttle.burstLimit().toString()));
    }
    if (!throttling.isEmpty()) {
      steps.add(new Step("stage.throttling", throttle, all == null ? null : new Throttle(all.throttlingRateLimit(), all.throttlingBurstLimit()),
          () -> gw.updateStage(r -> r.restApiId(apiId).stageName(desired.stageName()).patchOperations(throttling))));
    }
    steps.addAll(stageSettingChanges(gw, apiId, desired, observed.stage(), all));
    steps.addAll(accessLogChanges(ctx, gw, apiId, desired, observed));
    return steps;
  }

  /**
   * The stage's access log settings, after the account's CloudWatch role they need (API Gateway
   * refuses them without one): set when the account names none, never replaced. Removing
   * {@code accessLog} clears the settings only while they point at Slipway's group.
   */
  private static List<Step> accessLogChanges(StackContext ctx, ApiGatewayClient gw, String apiId, Desired desired, Observed observed) {
    ApiAccessLogs.Settings want = desired.stageSettings().accessLog();
    var have = observed.stage() == null ? null : observed.stage().accessLogSettings();
    ApiAccessLogs.Settings current = have == null || have.destinationArn() == null ? null : new ApiAccessLogs.Settings(have.destinationArn(), have.format());
    java.util.function.Function<List<PatchOperation>, Runnable> update =
        ops -> () -> gw.updateStage(r -> r.restApiId(apiId).stageName(desired.stageName()).patchOperations(ops));
    List<Step> steps = new ArrayList<>();
    if (want == null) {
      if (current != null && current.destinationArn().equals(ApiAccessLogs.Api.REST.groupArn(ctx))) {
        steps.add(new Step("stage.accessLog", null, current, update.apply(List.of(PatchOperation.builder().op("remove").path("/accessLogSettings").build()))));
      }
      return steps;
    }
    if (observed.accountRole().isEmpty()) {
      steps.add(new Step("account.cloudwatchRoleArn", ApiAccessLogs.CLOUDWATCH_ROLE, null, () -> {
        String role = ApiAccessLogs.ensureCloudWatchRole(ctx);
        gw.updateAccount(r -> r.patchOperations(replace("/cloudwatchRoleArn", role)));
      }));
    }
    if (!want.equals(current)) {
      steps.add(new Step("stage.accessLog", want, current, update.apply(List.of(
          replace("/accessLogSettings/destinationArn", want.destinationArn()), replace("/accessLogSettings/format", want.format())))));
    }
    return steps;
  }

  /** Detailed metrics, tracing and stage variables, each its own UpdateStage when it differs. */
  private static List<Step> stageSettingChanges(ApiGatewayClient gw, String apiId, Desired desired, GetStageResponse stage, MethodSetting all) {
    StageSettings want = desired.stageSettings();
    List<Step> steps = new ArrayList<>();
    java.util.function.Function<List<PatchOperation>, Runnable> update =
        ops -> () -> gw.updateStage(r -> r.restApiId(apiId).stageName(desired.stageName()).patchOperations(ops));
    boolean metrics = all != null && Boolean.TRUE.equals(all.metricsEnabled());
    if (want.detailedMetrics() != null && want.detailedMetrics() != metrics) {
      steps.add(new Step("stage.detailedMetrics", want.detailedMetrics(), metrics,
          update.apply(List.of(replace("/" + ALL_METHODS + "/metrics/enabled", want.detailedMetrics().toString())))));
    }
    boolean tracing = stage != null && Boolean.TRUE.equals(stage.tracingEnabled());
    if (want.tracing() != null && want.tracing() != tracing) {
      steps.add(new Step("stage.tracing", want.tracing(), tracing, update.apply(List.of(replace("/tracingEnabled", want.tracing().toString())))));
    }
    if (want.variables() != null) {
      SortedMap<String, String> have = new TreeMap<>(stage == null || stage.variables() == null ? Map.of() : stage.variables());
      List<PatchOperation> ops = new ArrayList<>();
      want.variables().forEach((k, v) -> {
        if (!v.equals(have.get(k))) {
          ops.add(replace("/variables/" + k, v));
        }
      });
      have.keySet().stream().filter(k -> !want.variables().containsKey(k))
          .forEach(k -> ops.add(PatchOperation.builder().op("remove").path("/variables/" + k).build()));
      if (!ops.isEmpty()) {
        steps.add(new Step("stage.variables", want.variables(), have, update.apply(ops)));
      }
    }
    return steps;
  }

  private static PatchOperation replace(String path, String value) {
    return PatchOperation.builder().op("replace").path(path).value(value).build();
  }

  private static void putMethod(ApiGatewayClient gw, String apiId, String resourceId, String method, MethodShape shape, Map<String, String> authorizerIds) {
    gw.putMethod(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method).authorizationType(shape.authorization())
        .authorizerId(shape.authorizer() == null ? null : authorizerIds.get(shape.authorizer()))
        .authorizationScopes(shape.scopes().isEmpty() ? null : shape.scopes())
        .apiKeyRequired(shape.apiKeyRequired()));
    if (!"MOCK".equals(shape.integrationType())) {
      gw.putIntegration(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method)
          .type(shape.integrationType()).integrationHttpMethod("POST").uri(shape.integrationUri()).timeoutInMillis(shape.timeoutMillis()));
      return;
    }
    Map<String, Boolean> declared = new TreeMap<>();
    shape.responseParameters().keySet().forEach(k -> declared.put(k, true));
    gw.putMethodResponse(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method).statusCode("200").responseParameters(declared));
    gw.putIntegration(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method)
        .type("MOCK").requestTemplates(Map.of(JSON, "{\"statusCode\": 200}")));
    gw.putIntegrationResponse(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method).statusCode("200")
        .responseParameters(shape.responseParameters()).responseTemplates(shape.responseTemplates()));
  }

  private static void deleteMethod(ApiGatewayClient gw, String apiId, String resourceId, String method) {
    gw.deleteMethod(r -> r.restApiId(apiId).resourceId(resourceId).httpMethod(method));
  }

  /** {@code /a/b/c} gives {@code /a}, {@code /a/b}, {@code /a/b/c}. */
  private static List<String> withAncestors(String path) {
    List<String> paths = new ArrayList<>();
    for (int i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
      paths.add(path.substring(0, i));
    }
    paths.add(path);
    return paths;
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i == 0 ? "/" : path.substring(0, i);
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static int depth(String path) {
    return (int) path.chars().filter(c -> c == '/').count();
  }

  /** The resource path as it appears in execute-api ARNs: path parameters match any segment. */
  private static String sourcePath(String path) {
    return path.replaceAll("\\{[^/]+\\}", "*");
  }

  @Override
  LambdaInvokePermissions permissions(String apiName) {
    return new LambdaInvokePermissions(KIND, apiName, LambdaInvokePermissions.API_GATEWAY);
  }

  @Override
  void deleteById(StackContext ctx, String id) {
    ctx.aws().apiGateway().deleteRestApi(r -> r.restApiId(id));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public Published publish(StackContext ctx, Desired desired, Observed observed) {
    String apiId = observed.apiId();
    // The AWS form of the URL, also when an emulator endpoint is in use: it is what clients call in AWS.
    return Published.of(apiId)
        .output(Outputs.REST_API_ID, apiId)
        .output(Outputs.REST_API_URL, "https://" + apiId + ".execute-api." + ctx.region() + ".amazonaws.com/" + desired.stageName())
        .build();
  }
}
