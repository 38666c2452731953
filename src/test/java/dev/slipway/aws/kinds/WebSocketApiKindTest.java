package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.AccessLogSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.WebSocketApiSpec;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.testing.AwsFaults;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.AccessLogSettings;
import software.amazon.awssdk.services.apigatewayv2.model.Api;
import software.amazon.awssdk.services.apigatewayv2.model.CreateStageRequest;
import software.amazon.awssdk.services.apigatewayv2.model.DeleteAccessLogSettingsRequest;
import software.amazon.awssdk.services.apigatewayv2.model.DeleteAccessLogSettingsResponse;
import software.amazon.awssdk.services.apigatewayv2.model.GetStageResponse;
import software.amazon.awssdk.services.apigatewayv2.model.Integration;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.apigatewayv2.model.UpdateStageRequest;
import software.amazon.awssdk.services.apigatewayv2.model.UpdateStageResponse;

/**
 * The WebSocket API kind against moto 5.2.1. moto implements the v2 calls this kind makes except
 * UpdateStage (it answers 500) and DeleteAccessLogSettings, which only run when a stage's settings
 * change; the tests that change them stand in for those two calls alone, doing in moto what they do. moto also lacks CreateDeployment and GetDeployments
 * for v2 (404): the kind does not need them, its stage auto-deploys.
 */
class WebSocketApiKindTest extends KindContractTest {

  private ApiGatewayV2Client v2;
  private final List<UpdateStageRequest> stageUpdates = new ArrayList<>();
  private int accessLogDeletions;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(KindHarness.nexus(), new WebSocketApiKind());
    harness.deployFunctions();
    v2 = harness.raw().apiGatewayV2();
    return harness;
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        // No deployment call: the stage auto-deploys the change.
        new Edit("websocket", List.of("route", "permission"), s -> s.webSocketApi.routes.put("sendMessage", "websocket-message"),
            List.of("CreateIntegration", "CreateRoute", "AddPermission"), () -> {
              assertThat(routeTargets()).containsEntry("sendMessage", uri("websocket-message")).hasSize(4);
              assertThat(grantedSources("websocket-message")).containsExactlyInAnyOrder(source("$default"), source("sendMessage"));
            }),
        new Edit("websocket", List.of("routeSelectionExpression"), s -> s.webSocketApi.routeSelectionExpression = "$request.body.type",
            List.of("UpdateApi"), () -> assertThat(v2.getApi(r -> r.apiId(apiId())).routeSelectionExpression()).isEqualTo("$request.body.type")),
        new Edit("websocket", List.of("authorizer", "permission"), s -> s.webSocketApi.authorizer = authorizer("conversation-api"),
            List.of("CreateAuthorizer", "UpdateRoute", "AddPermission"), () -> {
              Route connect = route("$connect");
              assertThat(connect.authorizationTypeAsString()).isEqualTo("CUSTOM");
              var a = v2.getAuthorizer(r -> r.apiId(apiId()).authorizerId(connect.authorizerId()));
              assertThat(a.authorizerTypeAsString()).isEqualTo("REQUEST");
              assertThat(a.authorizerUri()).isEqualTo(uri("conversation-api"));
              assertThat(a.identitySource()).containsExactly("route.request.querystring.token");
              assertThat(grantedSources("conversation-api")).containsExactly(authorizersSource());
              assertThat(route("$default").authorizationTypeAsString()).as("only $connect is guarded").isEqualTo("NONE");
            }));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("websocket", List.of("route"), () -> v2.deleteRoute(r -> r.apiId(apiId()).routeId(route("$connect").routeId())),
            List.of("CreateRoute"), () -> assertThat(routeTargets()).containsEntry("$connect", uri("websocket-connect")).hasSize(3)),
        new Drift("websocket", List.of("route"), () -> v2.updateIntegration(r -> r.apiId(apiId())
                .integrationId(route("$connect").target().substring("integrations/".length())).integrationUri(uri("conversation-api"))),
            List.of("UpdateIntegration"), () -> assertThat(routeTargets()).containsEntry("$connect", uri("websocket-connect"))));
  }

  /** A route's function spans the spec and is checked by the reconciler's ServiceValidator, not by the kind. */
  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atValidation(s -> s.webSocketApi.stageVariables = Map.of("feature.flags", "chat"),
        "webSocketApi stage variable feature.flags: names are letters, digits and underscores only"));
  }

  @Override
  protected void makeNamesake() {
    v2.createApi(r -> r.name(apiName()).protocolType("WEBSOCKET").routeSelectionExpression("$request.body.action"));
  }

  /** Two WebSocket APIs of the name, both this service's: the one with routes is kept, the bare one deleted. */
  @Test
  void anUntouchedDuplicateSlipwayMadeIsDeletedAndTheOneWorkedOnKept() {
    stack.settle();
    String kept = stack.status(kind()).get(0).id;
    String duplicate = v2.createApi(r -> r.name(apiName()).protocolType("WEBSOCKET").routeSelectionExpression("$request.body.action").tags(stack.tags()))
        .apiId();
    stack.forgetStatus();

    var result = stack.settle();

    assertThat(result.firstFailure()).as("failure").isEmpty();
    assertThat(stack.status(kind())).singleElement().satisfies(r -> {
      assertThat(r.id).isEqualTo(kept);
      assertThat(r.state).isEqualTo(ManagedResource.State.Ready);
    });
    assertThat(v2.getApis(r -> r.maxResults("500")).items()).extracting(Api::apiId).contains(kept).doesNotContain(duplicate);
  }

  private Action converge() {
    return stack.converge().outcomes().get(0).action();
  }

  private Route route(String key) {
    return v2.getRoutes(r -> r.apiId(apiId())).items().stream().filter(r -> r.routeKey().equals(key)).findFirst().orElseThrow();
  }

  private List<String> grantedSources(String function) throws IOException {
    return stack.grantedSources(function, LambdaInvokePermissions.API_GATEWAY);
  }

  private String apiName() {
    return stack.physicalName("ws");
  }

  private List<Api> apisNamed(String name) {
    return v2.getApis(r -> {}).items().stream().filter(a -> name.equals(a.name())).toList();
  }

  /** The API status records: with a namesake around, names alone do not tell. */
  private String apiId() {
    return stack.status(kind()).isEmpty() ? apisNamed(apiName()).get(0).apiId() : stack.status(kind()).get(0).id;
  }

  /** Route key to the URI of the integration the route targets. */
  private Map<String, String> routeTargets() {
    Map<String, Integration> integrations = new TreeMap<>();
    v2.getIntegrations(r -> r.apiId(apiId())).items().forEach(i -> integrations.put("integrations/" + i.integrationId(), i));
    Map<String, String> targets = new TreeMap<>();
    for (Route route : v2.getRoutes(r -> r.apiId(apiId())).items()) {
      Integration i = integrations.get(route.target());
      assertThat(i.integrationTypeAsString()).isEqualTo("AWS_PROXY");
      targets.put(route.routeKey(), i.integrationUri());
    }
    return targets;
  }

  private String uri(String function) {
    return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + stack.aliasArn(function) + "/invocations";
  }

  private String source(String routeKey) {
    return "arn:aws:execute-api:us-east-1:123456789012:" + apiId() + "/*/" + routeKey;
  }

  @Override
  protected void assertDeclaredShape() throws Exception {
    var api = v2.getApi(r -> r.apiId(apiId()));
    assertThat(api.protocolTypeAsString()).isEqualTo("WEBSOCKET");
    assertThat(api.routeSelectionExpression()).isEqualTo("$request.body.action");
    assertThat(api.tags()).containsEntry("team", "chat").containsEntry("slipway.dev/managed-by", "slipway");
    assertThat(routeTargets()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "$connect", uri("websocket-connect"), "$disconnect", uri("websocket-disconnect"), "$default", uri("websocket-message")));
    assertThat(v2.getIntegrations(r -> r.apiId(apiId())).items()).hasSize(3);
    assertThat(grantedSources("websocket-connect")).containsExactly(source("$connect"));
    assertThat(grantedSources("websocket-disconnect")).containsExactly(source("$disconnect"));
    assertThat(grantedSources("websocket-message")).containsExactly(source("$default"));
    assertThat(grantedSources("conversation-api")).isEmpty();
    assertThat(v2.getStage(r -> r.apiId(apiId()).stageName("prod")).autoDeploy()).isTrue();

    assertThat(stack.context().outputs())
        .containsEntry(Outputs.WEBSOCKET_API_ID, apiId())
        .containsEntry(Outputs.WEBSOCKET_URL, "wss://" + apiId() + ".execute-api.us-east-1.amazonaws.com/prod");
    ManagedResource entry = stack.status().get(0);
    assertThat(entry.kind).isEqualTo("WebSocketApi");
    assertThat(entry.id).isEqualTo(apiId());
  }

  @Test
  void removingARouteDeletesItsRouteIntegrationAndGrant() throws Exception {
    converge();
    stack.spec().webSocketApi.routes.remove("$disconnect");

    converge();

    assertThat(stack.mutatingCalls()).containsExactly("DeleteRoute", "DeleteIntegration", "RemovePermission");
    assertThat(routeTargets()).containsOnlyKeys("$connect", "$default");
    assertThat(v2.getIntegrations(r -> r.apiId(apiId())).items()).hasSize(2);
    assertThat(grantedSources("websocket-disconnect")).isEmpty();
  }

  @Test
  void theAuthorizersSourcesAndFunctionChangeInPlaceAndRemovingItDetachesItFirst() throws Exception {
    stack.spec().webSocketApi.authorizer = authorizer("conversation-api");
    converge();
    String id = route("$connect").authorizerId();

    stack.spec().webSocketApi.authorizer.identitySources = List.of("route.request.header.Authorization");
    stack.spec().webSocketApi.authorizer.function = "websocket-connect";
    converge();

    assertThat(stack.mutatingCalls()).containsExactlyInAnyOrder("UpdateAuthorizer", "UpdateAuthorizer", "AddPermission", "RemovePermission");
    assertThat(route("$connect").authorizerId()).isEqualTo(id);
    var a = v2.getAuthorizer(r -> r.apiId(apiId()).authorizerId(id));
    assertThat(a.identitySource()).containsExactly("route.request.header.Authorization");
    assertThat(a.authorizerUri()).isEqualTo(uri("websocket-connect"));
    assertThat(grantedSources("websocket-connect")).containsExactlyInAnyOrder(source("$connect"), authorizersSource());
    assertThat(grantedSources("conversation-api")).isEmpty();

    stack.spec().webSocketApi.authorizer = null;
    converge();

    assertThat(stack.mutatingCalls()).containsExactlyInAnyOrder("UpdateRoute", "DeleteAuthorizer", "RemovePermission");
    assertThat(route("$connect").authorizationTypeAsString()).isEqualTo("NONE");
    assertThat(grantedSources("websocket-connect")).containsExactly(source("$connect"));
    stack.settle();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  private static dev.slipway.api.v1alpha1.WebSocketApiSpec.Authorizer authorizer(String function) {
    var a = new dev.slipway.api.v1alpha1.WebSocketApiSpec.Authorizer();
    a.function = function;
    return a;
  }

  private String authorizersSource() {
    return "arn:aws:execute-api:us-east-1:123456789012:" + apiId() + "/authorizers/*";
  }

  @Test
  void anExistingApiIsAdoptedAndItsStageSwitchedToAutoDeploy() {
    stack.use(new WebSocketApiKind(ctx -> withUpdateStageDouble(ctx.aws().apiGatewayV2())));
    String id = v2.createApi(r -> r.name(apiName()).protocolType("WEBSOCKET").routeSelectionExpression("$request.body.action")
        .tags(stack.tags())).apiId();
    v2.createStage(r -> r.apiId(id).stageName("prod"));

    assertThat(converge()).isEqualTo(Action.Adopted);

    assertThat(apiId()).isEqualTo(id);
    assertThat(routeTargets()).hasSize(3);
    assertThat(stageUpdates).singleElement().satisfies(u -> {
      assertThat(u.apiId()).isEqualTo(id);
      assertThat(u.stageName()).isEqualTo("prod");
      assertThat(u.autoDeploy()).isTrue();
    });
  }

  @Test
  void deletionTakesTheGrantsBack() throws Exception {
    converge();

    assertThat(stack.delete()).isEmpty();

    assertThat(grantedSources("websocket-connect")).isEmpty();
    assertThat(grantedSources("websocket-message")).isEmpty();
    stack.delete();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  // Issue 10: the stage's detailed metrics, throttling, variables and access log, made with it and then each changed alone.
  @Test
  void theStagesSettingsAreMadeWithItAndEachChangesAlone() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    WebSocketApiSpec ws = spec.webSocketApi;
    ws.detailedMetrics = true;
    ws.throttling = new dev.slipway.api.v1alpha1.RestApiSpec.Throttling();
    ws.throttling.rateLimit = 50.0;
    ws.throttling.burstLimit = 100;
    ws.stageVariables = new TreeMap<>(Map.of("table", "prod"));
    ws.accessLog = new AccessLogSpec();
    try (KindHarness logged = new KindHarness(spec, new LogGroupKind(), new WebSocketApiKind(ctx -> withUpdateStageDouble(ctx.aws().apiGatewayV2())))) {
      logged.deployFunctions();
      assertThat(logged.settle().firstFailure()).as("failure").isEmpty();
      ApiGatewayV2Client raw = logged.raw().apiGatewayV2();
      String apiId = logged.status(WebSocketApiKind.KIND).get(0).id;
      java.util.function.Supplier<GetStageResponse> stage = () -> raw.getStage(r -> r.apiId(apiId).stageName("prod"));
      assertThat(stage.get().defaultRouteSettings()).satisfies(d -> {
        assertThat(d.detailedMetricsEnabled()).isTrue();
        assertThat(d.throttlingRateLimit()).isEqualTo(50.0);
        assertThat(d.throttlingBurstLimit()).isEqualTo(100);
      });
      assertThat(stage.get().stageVariables()).containsExactlyEntriesOf(Map.of("table", "prod"));
      String group = "/aws/apigateway/" + logged.physicalName("ws");
      assertThat(stage.get().accessLogSettings().destinationArn()).isEqualTo("arn:aws:logs:us-east-1:123456789012:log-group:" + group);
      assertThat(stage.get().accessLogSettings().format()).isEqualTo(ApiAccessLogs.WEBSOCKET_FORMAT).contains("$context.routeKey");
      logged.settle();
      assertThat(logged.mutatingCalls()).as("second pass").isEmpty();
      assertThat(stageUpdates).isEmpty();

      ws.detailedMetrics = false;
      logged.settle();
      assertThat(stageUpdates).singleElement().satisfies(u -> assertThat(u.defaultRouteSettings().detailedMetricsEnabled()).isFalse());
      assertThat(stage.get().defaultRouteSettings().throttlingRateLimit()).as("the others kept").isEqualTo(50.0);

      stageUpdates.clear();
      ws.throttling.burstLimit = 20;
      logged.settle();
      assertThat(stageUpdates).singleElement().satisfies(u -> assertThat(u.defaultRouteSettings().throttlingBurstLimit()).isEqualTo(20));

      stageUpdates.clear();
      ws.stageVariables.put("flags", "chat,usage");
      logged.settle();
      assertThat(stageUpdates).singleElement().satisfies(u -> assertThat(u.defaultRouteSettings()).as("variables alone").isNull());
      assertThat(stage.get().stageVariables()).containsExactlyInAnyOrderEntriesOf(Map.of("table", "prod", "flags", "chat,usage"));

      stageUpdates.clear();
      ws.accessLog.format = "$context.requestId $context.routeKey";
      logged.settle();
      assertThat(stageUpdates).singleElement().satisfies(u -> assertThat(u.accessLogSettings().format()).isEqualTo("$context.requestId $context.routeKey"));
      assertThat(logged.mutatingCalls()).isEmpty();

      stageUpdates.clear();
      ws.accessLog = null;
      logged.settle();
      assertThat(accessLogDeletions).isEqualTo(1);
      assertThat(stage.get().accessLogSettings()).isNull();
      assertThat(stageUpdates).isEmpty();
      logged.settle();
      assertThat(accessLogDeletions).as("second pass").isEqualTo(1);
    }
  }

  /**
   * A test double of moto for two calls: moto 5.2.1 answers apigatewayv2 UpdateStage with HTTP 500
   * and has no DeleteAccessLogSettings. This client records those calls and does what they do by
   * making the stage again in moto with the change; every other call goes to moto.
   */
  private ApiGatewayV2Client withUpdateStageDouble(ApiGatewayV2Client real) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        // Consumer<Builder> overloads build the request and call the request overload on the proxy.
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (method.getName().equals("updateStage") && args[0] instanceof UpdateStageRequest request) {
        stageUpdates.add(request);
        replaceStage(request.apiId(), request.stageName(), b -> {
          if (request.autoDeploy() != null) {
            b.autoDeploy(request.autoDeploy());
          }
          if (request.defaultRouteSettings() != null) {
            b.defaultRouteSettings(request.defaultRouteSettings());
          }
          if (request.hasStageVariables()) {
            b.stageVariables(request.stageVariables());
          }
          if (request.accessLogSettings() != null) {
            b.accessLogSettings(request.accessLogSettings());
          }
        });
        return UpdateStageResponse.builder().stageName(request.stageName()).autoDeploy(request.autoDeploy()).build();
      }
      if (method.getName().equals("deleteAccessLogSettings") && args[0] instanceof DeleteAccessLogSettingsRequest request) {
        accessLogDeletions++;
        replaceStage(request.apiId(), request.stageName(), b -> b.accessLogSettings((AccessLogSettings) null));
        return DeleteAccessLogSettingsResponse.builder().build();
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (ApiGatewayV2Client) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ApiGatewayV2Client.class}, handler);
  }

  /** What UpdateStage does, done in moto by deleting the stage and making it again as it was but for {@code change}. */
  private void replaceStage(String apiId, String stageName, java.util.function.Consumer<CreateStageRequest.Builder> change) {
    // Through the client the recorder does not see: the kind made one call.
    GetStageResponse was = v2.getStage(r -> r.apiId(apiId).stageName(stageName));
    CreateStageRequest.Builder again = CreateStageRequest.builder().apiId(apiId).stageName(stageName).autoDeploy(was.autoDeploy())
        .defaultRouteSettings(was.defaultRouteSettings()).stageVariables(was.stageVariables()).accessLogSettings(was.accessLogSettings()).tags(was.tags());
    change.accept(again);
    v2.deleteStage(r -> r.apiId(apiId).stageName(stageName));
    v2.createStage(again.build());
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/v2/apis");
  }
}
