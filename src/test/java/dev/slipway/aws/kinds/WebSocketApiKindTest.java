package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.apigatewayv2.model.Api;
import software.amazon.awssdk.services.apigatewayv2.model.Integration;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.apigatewayv2.model.UpdateStageRequest;
import software.amazon.awssdk.services.apigatewayv2.model.UpdateStageResponse;

/**
 * The WebSocket API kind against moto 5.2.1. moto implements the v2 calls this kind makes except
 * UpdateStage (it answers 500), which only runs when an adopted stage does not auto-deploy; that
 * one test stands in for UpdateStage alone. moto also lacks CreateDeployment and GetDeployments
 * for v2 (404): the kind does not need them, its stage auto-deploys.
 */
class WebSocketApiKindTest {

  private ApiStackFixture stack;
  private ApiGatewayV2Client v2;
  private final List<UpdateStageRequest> stageUpdates = new ArrayList<>();
  private WebSocketApiKind kind;

  @BeforeEach
  void setUp() {
    stack = new ApiStackFixture();
    v2 = stack.aws.apiGatewayV2();
    kind = new WebSocketApiKind();
  }

  @AfterEach
  void tearDown() {
    stack.close();
  }

  private Action converge() {
    return stack.converge(kind, "websocket", kind::desired).action();
  }

  private String apiName() {
    return stack.service + "-prod-ws";
  }

  private List<Api> apisNamed(String name) {
    return v2.getApis(r -> {}).items().stream().filter(a -> name.equals(a.name())).toList();
  }

  private String apiId() {
    List<Api> apis = apisNamed(apiName());
    assertThat(apis).hasSize(1);
    return apis.get(0).apiId();
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

  @Test
  void nexusConvergesToExactlyTheDeclaredShape() throws Exception {
    assertThat(converge()).isEqualTo(Action.Created);

    var api = v2.getApi(r -> r.apiId(apiId()));
    assertThat(api.protocolTypeAsString()).isEqualTo("WEBSOCKET");
    assertThat(api.routeSelectionExpression()).isEqualTo("$request.body.action");
    assertThat(api.tags()).containsEntry("team", "chat").containsEntry("slipway.dev/managed-by", "slipway");
    assertThat(routeTargets()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "$connect", uri("websocket-connect"), "$disconnect", uri("websocket-disconnect"), "$default", uri("websocket-message")));
    assertThat(v2.getIntegrations(r -> r.apiId(apiId())).items()).hasSize(3);
    assertThat(stack.grantedSources("websocket-connect")).containsExactly(source("$connect"));
    assertThat(stack.grantedSources("websocket-disconnect")).containsExactly(source("$disconnect"));
    assertThat(stack.grantedSources("websocket-message")).containsExactly(source("$default"));
    assertThat(stack.grantedSources("conversation-api")).isEmpty();
    assertThat(v2.getStage(r -> r.apiId(apiId()).stageName("prod")).autoDeploy()).isTrue();

    assertThat(stack.outputs())
        .containsEntry(Outputs.WEBSOCKET_API_ID, apiId())
        .containsEntry(Outputs.WEBSOCKET_URL, "wss://" + apiId() + ".execute-api.us-east-1.amazonaws.com/prod");
    ManagedResource entry = stack.status().get(0);
    assertThat(entry.kind).isEqualTo("WebSocketApi");
    assertThat(entry.id).isEqualTo(apiId());
  }

  @Test
  void secondConvergeMakesNoMutatingCall() {
    converge();
    stack.resetCalls();

    assertThat(converge()).isEqualTo(Action.Unchanged);
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void addingARouteChangesOnlyThat() throws Exception {
    converge();
    stack.resetCalls();
    stack.spec.webSocketApi.routes.put("sendMessage", "websocket-message");

    assertThat(converge()).isEqualTo(Action.Updated);

    // No deployment call: the stage auto-deploys the change.
    assertThat(stack.mutatingCalls()).containsExactly("CreateIntegration", "CreateRoute", "AddPermission");
    assertThat(routeTargets()).containsEntry("sendMessage", uri("websocket-message")).hasSize(4);
    assertThat(stack.grantedSources("websocket-message")).containsExactlyInAnyOrder(source("$default"), source("sendMessage"));
  }

  @Test
  void removingARouteDeletesItsRouteIntegrationAndGrant() throws Exception {
    converge();
    stack.resetCalls();
    stack.spec.webSocketApi.routes.remove("$disconnect");

    converge();

    assertThat(stack.mutatingCalls()).containsExactly("DeleteRoute", "DeleteIntegration", "RemovePermission");
    assertThat(routeTargets()).containsOnlyKeys("$connect", "$default");
    assertThat(v2.getIntegrations(r -> r.apiId(apiId())).items()).hasSize(2);
    assertThat(stack.grantedSources("websocket-disconnect")).isEmpty();
  }

  @Test
  void aRouteDeletedBehindOurBackIsRestoredOnItsIntegration() {
    converge();
    Route connect = v2.getRoutes(r -> r.apiId(apiId())).items().stream().filter(r -> r.routeKey().equals("$connect")).findFirst().orElseThrow();
    v2.deleteRoute(r -> r.apiId(apiId()).routeId(connect.routeId()));
    stack.resetCalls();

    converge();

    assertThat(stack.mutatingCalls()).containsExactly("CreateRoute");
    assertThat(routeTargets()).containsEntry("$connect", uri("websocket-connect")).hasSize(3);
  }

  @Test
  void aWrongIntegrationIsPutRight() {
    converge();
    Route connect = v2.getRoutes(r -> r.apiId(apiId())).items().stream().filter(r -> r.routeKey().equals("$connect")).findFirst().orElseThrow();
    v2.updateIntegration(r -> r.apiId(apiId()).integrationId(connect.target().substring("integrations/".length())).integrationUri(uri("conversation-api")));
    stack.resetCalls();

    converge();

    assertThat(stack.mutatingCalls()).containsExactly("UpdateIntegration");
    assertThat(routeTargets()).containsEntry("$connect", uri("websocket-connect"));
  }

  @Test
  void anExistingApiIsAdoptedAndItsStageSwitchedToAutoDeploy() {
    kind = new WebSocketApiKind(ctx -> withUpdateStageDouble(v2));
    String id = v2.createApi(r -> r.name(apiName()).protocolType("WEBSOCKET").routeSelectionExpression("$request.body.action")
        .tags(stack.context().tags())).apiId();
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
  void deleteRemovesTheApiAndItsGrantsAndTreatsNotFoundAsDone() throws Exception {
    converge();
    ManagedResource entry = stack.status().get(0);

    kind.delete(stack.context(), entry);

    assertThat(apisNamed(apiName())).isEmpty();
    assertThat(stack.grantedSources("websocket-connect")).isEmpty();
    assertThat(stack.grantedSources("websocket-message")).isEmpty();
    stack.resetCalls();
    kind.delete(stack.context(), entry);
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  /**
   * moto 5.2.1 answers apigatewayv2 UpdateStage with HTTP 500: this client records that one call and
   * answers it as AWS would; every other call goes to moto.
   */
  private ApiGatewayV2Client withUpdateStageDouble(ApiGatewayV2Client real) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer) {
        // Consumer<Builder> overloads build the request and call the request overload on the proxy.
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (method.getName().equals("updateStage") && args[0] instanceof UpdateStageRequest request) {
        stageUpdates.add(request);
        return UpdateStageResponse.builder().stageName(request.stageName()).autoDeploy(request.autoDeploy()).build();
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (ApiGatewayV2Client) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ApiGatewayV2Client.class}, handler);
  }
}
