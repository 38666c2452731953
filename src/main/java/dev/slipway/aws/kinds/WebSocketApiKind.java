package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.WebSocketApiSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Published;
import dev.slipway.aws.Step;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.LambdaInvokePermissions.Grant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.AccessLogSettings;
import software.amazon.awssdk.services.apigatewayv2.model.Api;
import software.amazon.awssdk.services.apigatewayv2.model.GetApiResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetApisResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetAuthorizerResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetIntegrationsResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetRoutesResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetStageResponse;
import software.amazon.awssdk.services.apigatewayv2.model.Integration;
import software.amazon.awssdk.services.apigatewayv2.model.ProtocolType;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.apigatewayv2.model.RouteSettings;
import software.amazon.awssdk.services.apigatewayv2.model.UpdateStageRequest;

/**
 * A WebSocket API (API Gateway v2): per route key an AWS_PROXY integration to the function's stage
 * alias and a route targeting it, invoke grants on the aliases, and an auto-deploying stage, so
 * every route or integration change goes live without a deployment of Slipway's own. An optional
 * Lambda REQUEST authorizer guards {@code $connect}, the one route API Gateway lets one guard.
 */
public final class WebSocketApiKind extends ApiKind<WebSocketApiKind.Desired, WebSocketApiKind.Observed> {

  public static final String KIND = "WebSocketApi";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(LambdaFunctionKind.KIND, LogGroupKind.KIND));
  private static final String TARGET = "integrations/";
  private static final String CONNECT = "$connect";
  /** The grant's key and the authorizer's name: one authorizer per API. */
  private static final String AUTHORIZER = "authorizer";
  private static final String AUTHORIZER_NAME = "slipway-connect";

  private final Function<StackContext, ApiGatewayV2Client> client;

  public WebSocketApiKind() {
    this(ctx -> ctx.aws().apiGatewayV2());
  }

  /** With another client: tests stand in for the single calls moto does not implement. */
  WebSocketApiKind(Function<StackContext, ApiGatewayV2Client> client) {
    this.client = client;
  }

  /** The API as the spec wants it: route key to the alias ARN it invokes; {@code authorizer} null for none. */
  public record Desired(
      String physicalName,
      String stageName,
      String routeSelectionExpression,
      Map<String, String> tags,
      SortedMap<String, String> routes,
      Authorizer authorizer,
      StageSettings stageSettings,
      Set<String> knownAliases)
      implements DesiredResource {}

  /**
   * The stage's settings: null throttle fields, detailed metrics or variables are left as AWS has
   * them; a null access log means none.
   */
  public record StageSettings(RestApiKind.Throttle throttle, Boolean detailedMetrics, SortedMap<String, String> variables,
      ApiAccessLogs.Settings accessLog) {}

  /** The $connect authorizer: the alias it invokes and where the credentials are. */
  public record Authorizer(String aliasArn, List<String> identitySources) {}

  /** The API as AWS shows it; {@code stage} is null while there is none. */
  public record Observed(
      String apiId,
      String routeSelectionExpression,
      Map<String, String> tags,
      Map<String, Route> routes,
      Map<String, Integration> integrations,
      GetStageResponse stage,
      GetAuthorizerResponse authorizer,
      Set<Grant> grants) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  boolean declared(StackContext ctx) {
    return ctx.spec().webSocketApi != null;
  }

  @Override
  java.util.Collection<String> routedFunctions(StackContext ctx) {
    WebSocketApiSpec spec = ctx.spec().webSocketApi;
    List<String> functions = new ArrayList<>(spec.routes.values());
    if (spec.authorizer != null) {
      functions.add(spec.authorizer.function);
    }
    return functions;
  }

  @Override
  public void retag(StackContext ctx, Observed observed, Map<String, String> set, java.util.Collection<String> remove) {
    ApiGatewayV2Client v2 = client.apply(ctx);
    String arn = ApiGatewayArns.of(ctx.region(), "/apis/" + observed.apiId());
    if (!remove.isEmpty()) {
      v2.untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      v2.tagResource(r -> r.resourceArn(arn).tags(set));
    }
  }

  /** The desired API of the service; the Lambda kind must have published the alias ARNs. */
  @Override
  public Desired desired(StackContext ctx) {
    WebSocketApiSpec spec = ctx.spec().webSocketApi;
    SortedMap<String, String> routes = new TreeMap<>();
    spec.routes.forEach((key, function) -> routes.put(key, ctx.output(Outputs.aliasArn(function))));
    Authorizer authorizer = spec.authorizer == null ? null
        : new Authorizer(ctx.output(Outputs.aliasArn(spec.authorizer.function)), List.copyOf(spec.authorizer.identitySources));
    StageSettings stage = new StageSettings(
        spec.throttling == null ? null : new RestApiKind.Throttle(spec.throttling.rateLimit, spec.throttling.burstLimit),
        spec.detailedMetrics,
        spec.stageVariables == null ? null : new TreeMap<>(spec.stageVariables),
        ApiAccessLogs.settings(ctx, spec.accessLog, ApiAccessLogs.Api.WEBSOCKET));
    return new Desired(
        physicalName(ctx),
        spec.stageName,
        spec.routeSelectionExpression,
        ctx.tags(),
        routes,
        authorizer,
        stage,
        LambdaInvokePermissions.knownAliases(ctx));
  }

  /** The API's name: {@code webSocketApi.name} or {@code <prefix>-ws}. */
  @Override
  String physicalName(StackContext ctx) {
    WebSocketApiSpec spec = ctx.spec().webSocketApi;
    return spec.name != null ? spec.name : ctx.physicalName("ws");
  }

  @Override
  public List<String> validate(dev.slipway.api.v1alpha1.ServerlessServiceSpec spec) {
    return spec.webSocketApi == null ? List.of() : stageVariableNames("webSocketApi", spec.webSocketApi.stageVariables);
  }

  /** Its access log group, when the stage declares one. */
  @Override
  List<String> otherDependencies(StackContext ctx) {
    return ApiAccessLogs.dependencies(ctx.spec().webSocketApi.accessLog, ApiAccessLogs.Api.WEBSOCKET);
  }

  @Override
  String logicalName() {
    return "websocket";
  }

  @Override
  Optional<String> nameOf(StackContext ctx, String id) {
    return readById(ctx, id, () -> client.apply(ctx).getApi(r -> r.apiId(id))).map(GetApiResponse::name);
  }

  @Override
  Map<String, String> tagsOf(StackContext ctx, String id) {
    return client.apply(ctx).getApi(r -> r.apiId(id)).tags();
  }

  /** The WebSocket API with this name; several are ambiguous unless exactly one carries this service's tag. */
  @Override
  Optional<String> find(StackContext ctx, String name) {
    ApiGatewayV2Client v2 = client.apply(ctx);
    List<Api> named = new ArrayList<>(paged(t -> v2.getApis(r -> r.nextToken(t)), GetApisResponse::items, GetApisResponse::nextToken));
    named.removeIf(a -> !name.equals(a.name()) || a.protocolType() != ProtocolType.WEBSOCKET);
    // A duplicate is untouched while it has no route.
    Lookups.Duplicates<Api> duplicates = new Lookups.Duplicates<>(Api::createdDate,
        a -> v2.getRoutes(r -> r.apiId(a.apiId())).items().isEmpty(), a -> deleteById(ctx, a.apiId()));
    return Lookups.unique(ctx, named, Api::tags, "WebSocket API", name, duplicates).map(Api::apiId);
  }

  @Override
  Observed observe(StackContext ctx, Desired desired, String apiId) {
    ApiGatewayV2Client v2 = client.apply(ctx);
    var api = takeById(ctx, apiId, () -> v2.getApi(r -> r.apiId(apiId)));
    Map<String, Route> routes = new TreeMap<>();
    paged(t -> v2.getRoutes(r -> r.apiId(apiId).nextToken(t)), GetRoutesResponse::items, GetRoutesResponse::nextToken)
        .forEach(r -> routes.put(r.routeKey(), r));
    Map<String, Integration> integrations = new TreeMap<>();
    paged(t -> v2.getIntegrations(r -> r.apiId(apiId).nextToken(t)), GetIntegrationsResponse::items, GetIntegrationsResponse::nextToken)
        .forEach(i -> integrations.put(i.integrationId(), i));
    GetStageResponse stage = null;
    try {
      stage = v2.getStage(r -> r.apiId(apiId).stageName(desired.stageName()));
    } catch (RuntimeException e) {
      if (!AwsErrors.isNotFound(e)) {
        throw e;
      }
    }
    // Found through the route it guards (moto 5.2.1 has no GetAuthorizers listing).
    Route connect = routes.get(CONNECT);
    GetAuthorizerResponse authorizer = connect == null || !guarded(connect) ? null
        : AwsErrors.unlessNotFound(() -> v2.getAuthorizer(r -> r.apiId(apiId).authorizerId(connect.authorizerId()))).orElse(null);
    Set<Grant> grants = permissions(desired.physicalName()).observe(ctx, desired.knownAliases());
    return new Observed(apiId, api.routeSelectionExpression(), api.tags(), routes, integrations, stage, authorizer, grants);
  }

  @Override
  String createBare(StackContext ctx, Desired desired) {
    return client.apply(ctx).createApi(r -> r
            .name(desired.physicalName())
            .protocolType(ProtocolType.WEBSOCKET)
            .routeSelectionExpression(desired.routeSelectionExpression())
            .description("Managed by Slipway")
            .tags(desired.tags()))
        .apiId();
  }

  @Override
  String id(Observed observed) {
    return observed.apiId();
  }

  /**
   * The changes, in order: API settings, routes and their integrations, stale routes, integrations no
   * route uses any more, grants, then the stage.
   */
  @Override
  List<Step> changes(StackContext ctx, Desired desired, Observed observed) {
    ApiGatewayV2Client v2 = client.apply(ctx);
    String apiId = observed.apiId();
    List<Step> steps = new ArrayList<>();

    if (!desired.routeSelectionExpression().equals(observed.routeSelectionExpression())) {
      steps.add(new Step("routeSelectionExpression", desired.routeSelectionExpression(), observed.routeSelectionExpression(),
          () -> v2.updateApi(r -> r.apiId(apiId).routeSelectionExpression(desired.routeSelectionExpression()))));
    }

    // Integrations no surviving route targets: reused for a route being (re)created, deleted otherwise.
    Map<String, Integration> spare = new TreeMap<>(observed.integrations());
    observed.routes().forEach((key, route) -> {
      if (desired.routes().containsKey(key)) {
        spare.remove(integrationId(route));
      }
    });
    desired.routes().forEach((key, aliasArn) -> {
      String uri = LambdaInvokePermissions.invocationUri(ctx.region(), aliasArn);
      Route route = observed.routes().get(key);
      Integration current = route == null ? null : observed.integrations().get(integrationId(route));
      if (route == null) {
        Optional<Integration> reusable = spare.values().stream().filter(i -> proxiesTo(i, uri)).findFirst();
        reusable.ifPresent(i -> spare.remove(i.integrationId()));
        steps.add(new Step("route " + key, uri, null, () -> {
          String target = reusable.map(Integration::integrationId).orElseGet(() -> createIntegration(v2, apiId, uri));
          v2.createRoute(r -> r.apiId(apiId).routeKey(key).authorizationType("NONE").target(TARGET + target));
        }));
      } else if (current == null) {
        steps.add(new Step("route " + key + " integration", uri, null,
            () -> v2.updateRoute(r -> r.apiId(apiId).routeId(route.routeId()).target(TARGET + createIntegration(v2, apiId, uri)))));
      } else if (!proxiesTo(current, uri)) {
        steps.add(new Step("route " + key + " integration", uri, current.integrationUri(), () -> v2.updateIntegration(r -> r
            .apiId(apiId).integrationId(current.integrationId()).integrationType("AWS_PROXY").integrationMethod("POST").integrationUri(uri))));
      }
    });
    observed.routes().forEach((key, route) -> {
      if (!desired.routes().containsKey(key)) {
        steps.add(new Step("route " + key, null, route.target(), () -> v2.deleteRoute(r -> r.apiId(apiId).routeId(route.routeId()))));
      }
    });
    spare.forEach((id, integration) -> steps.add(new Step("integration " + id, null, integration.integrationUri(),
        () -> v2.deleteIntegration(r -> r.apiId(apiId).integrationId(id)))));

    steps.addAll(authorizerChanges(ctx, v2, desired, observed));

    LambdaInvokePermissions permissions = permissions(desired.physicalName());
    Set<Grant> grants = LambdaInvokePermissions.sorted();
    desired.routes().forEach((key, aliasArn) ->
        grants.add(permissions.grant(aliasArn, key, LambdaInvokePermissions.executeApiArn(aliasArn, apiId, "*/" + key))));
    if (desired.authorizer() != null) {
      String aliasArn = desired.authorizer().aliasArn();
      grants.add(permissions.grant(aliasArn, AUTHORIZER, LambdaInvokePermissions.executeApiArn(aliasArn, apiId, "authorizers/*")));
    }
    steps.addAll(permissions.steps(ctx.aws().lambda(), grants, observed.grants()));

    steps.addAll(stageChanges(ctx, v2, desired, observed));
    return steps;
  }

  /** The stage: created with every setting, or each setting that differs updated by itself. */
  private static List<Step> stageChanges(StackContext ctx, ApiGatewayV2Client v2, Desired desired, Observed observed) {
    String apiId = observed.apiId();
    StageSettings want = desired.stageSettings();
    GetStageResponse stage = observed.stage();
    RouteSettings defaults = routeSettings(want, stage == null ? null : stage.defaultRouteSettings());
    if (stage == null) {
      return List.of(new Step("stage", desired.stageName(), null, () -> v2.createStage(r -> r.apiId(apiId).stageName(desired.stageName())
          .autoDeploy(true).tags(desired.tags()).defaultRouteSettings(defaults).stageVariables(want.variables())
          .accessLogSettings(accessLogSettings(want.accessLog())))));
    }
    List<Step> steps = new ArrayList<>();
    Function<java.util.function.Consumer<UpdateStageRequest.Builder>, Runnable> update =
        change -> () -> v2.updateStage(r -> change.accept(r.apiId(apiId).stageName(desired.stageName())));
    if (!Boolean.TRUE.equals(stage.autoDeploy())) {
      steps.add(new Step("stage.autoDeploy", true, stage.autoDeploy(), update.apply(r -> r.autoDeploy(true))));
    }
    if (!defaults.equals(stage.defaultRouteSettings())) {
      steps.add(new Step("stage.defaultRouteSettings", defaults, stage.defaultRouteSettings(), update.apply(r -> r.defaultRouteSettings(defaults))));
    }
    if (want.variables() != null && !want.variables().equals(new TreeMap<>(stage.stageVariables()))) {
      steps.add(new Step("stage.variables", want.variables(), stage.stageVariables(), update.apply(r -> r.stageVariables(want.variables()))));
    }
    AccessLogSettings have = stage.accessLogSettings();
    ApiAccessLogs.Settings current = have == null || have.destinationArn() == null ? null : new ApiAccessLogs.Settings(have.destinationArn(), have.format());
    if (want.accessLog() != null && !want.accessLog().equals(current)) {
      steps.add(new Step("stage.accessLog", want.accessLog(), current, update.apply(r -> r.accessLogSettings(accessLogSettings(want.accessLog())))));
    } else if (want.accessLog() == null && current != null && current.destinationArn().equals(ApiAccessLogs.Api.WEBSOCKET.groupArn(ctx))) {
      steps.add(new Step("stage.accessLog", null, current,
          () -> v2.deleteAccessLogSettings(r -> r.apiId(apiId).stageName(desired.stageName()))));
    }
    return steps;
  }

  /** The stage's default route settings with the declared ones in place of what AWS has. */
  private static RouteSettings routeSettings(StageSettings want, RouteSettings have) {
    RouteSettings.Builder b = have == null ? RouteSettings.builder() : have.toBuilder();
    if (want.detailedMetrics() != null) {
      b.detailedMetricsEnabled(want.detailedMetrics());
    }
    if (want.throttle() != null && want.throttle().rateLimit() != null) {
      b.throttlingRateLimit(want.throttle().rateLimit());
    }
    if (want.throttle() != null && want.throttle().burstLimit() != null) {
      b.throttlingBurstLimit(want.throttle().burstLimit());
    }
    return b.build();
  }

  private static AccessLogSettings accessLogSettings(ApiAccessLogs.Settings settings) {
    return settings == null ? null : AccessLogSettings.builder().destinationArn(settings.destinationArn()).format(settings.format()).build();
  }

  /**
   * The $connect authorizer, after the routes: created and attached in one step (an authorizer left
   * unattached by a failed attach is deleted again: nothing would find it), changed in place, or
   * detached and then deleted.
   */
  private static List<Step> authorizerChanges(StackContext ctx, ApiGatewayV2Client v2, Desired desired, Observed observed) {
    String apiId = observed.apiId();
    Authorizer want = desired.authorizer();
    GetAuthorizerResponse have = observed.authorizer();
    if (want == null) {
      return have == null ? List.of() : List.of(new Step("authorizer", null, have.authorizerUri(), () -> {
        v2.updateRoute(r -> r.apiId(apiId).routeId(routeId(v2, apiId)).authorizationType("NONE"));
        v2.deleteAuthorizer(r -> r.apiId(apiId).authorizerId(have.authorizerId()));
      }));
    }
    String uri = LambdaInvokePermissions.invocationUri(ctx.region(), want.aliasArn());
    if (have == null) {
      return List.of(new Step("authorizer", uri, null, () -> {
        String id = v2.createAuthorizer(r -> r.apiId(apiId).name(AUTHORIZER_NAME).authorizerType("REQUEST")
            .authorizerUri(uri).identitySource(want.identitySources())).authorizerId();
        try {
          v2.updateRoute(r -> r.apiId(apiId).routeId(routeId(v2, apiId)).authorizationType("CUSTOM").authorizerId(id));
        } catch (RuntimeException e) {
          AwsErrors.ignoreNotFound(() -> v2.deleteAuthorizer(r -> r.apiId(apiId).authorizerId(id)));
          throw e;
        }
      }));
    }
    List<Step> steps = new ArrayList<>();
    if (!uri.equals(have.authorizerUri())) {
      steps.add(new Step("authorizer.function", uri, have.authorizerUri(),
          () -> v2.updateAuthorizer(r -> r.apiId(apiId).authorizerId(have.authorizerId()).authorizerUri(uri))));
    }
    if (!want.identitySources().equals(have.identitySource())) {
      steps.add(new Step("authorizer.identitySources", want.identitySources(), have.identitySource(),
          () -> v2.updateAuthorizer(r -> r.apiId(apiId).authorizerId(have.authorizerId()).identitySource(want.identitySources()))));
    }
    return steps;
  }

  /** Whether a route is guarded by an authorizer. */
  private static boolean guarded(Route route) {
    return "CUSTOM".equals(route.authorizationTypeAsString()) && route.authorizerId() != null && !route.authorizerId().isBlank();
  }

  /** The $connect route's id as AWS shows it now: the route steps before this one may just have made it. */
  private static String routeId(ApiGatewayV2Client v2, String apiId) {
    return paged(t -> v2.getRoutes(r -> r.apiId(apiId).nextToken(t)), GetRoutesResponse::items, GetRoutesResponse::nextToken).stream()
        .filter(r -> CONNECT.equals(r.routeKey())).map(Route::routeId).findFirst()
        .orElseThrow(() -> new IllegalStateException("the $connect route is gone"));
  }

  private static String createIntegration(ApiGatewayV2Client v2, String apiId, String uri) {
    return v2.createIntegration(r -> r.apiId(apiId).integrationType("AWS_PROXY").integrationMethod("POST").integrationUri(uri)).integrationId();
  }

  private static boolean proxiesTo(Integration integration, String uri) {
    return "AWS_PROXY".equals(integration.integrationTypeAsString()) && uri.equals(integration.integrationUri());
  }

  private static String integrationId(Route route) {
    String target = route.target();
    return target != null && target.startsWith(TARGET) ? target.substring(TARGET.length()) : null;
  }

  @Override
  LambdaInvokePermissions permissions(String apiName) {
    return new LambdaInvokePermissions(KIND, apiName, LambdaInvokePermissions.API_GATEWAY);
  }

  /** Every item of a NextToken-paged v2 listing (the v2 SDK generates no paginators for these). */
  private static <P, T> List<T> paged(Function<String, P> call, Function<P, List<T>> items, Function<P, String> next) {
    List<T> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String token = null;
    do {
      P page = call.apply(token);
      all.addAll(items.apply(page));
      token = next.apply(page);
    } while (token != null && seen.add(token));
    return all;
  }

  @Override
  void deleteById(StackContext ctx, String id) {
    client.apply(ctx).deleteApi(r -> r.apiId(id));
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
        .output(Outputs.WEBSOCKET_API_ID, apiId)
        .output(Outputs.WEBSOCKET_URL, "wss://" + apiId + ".execute-api." + ctx.region() + ".amazonaws.com/" + desired.stageName())
        .build();
  }
}
