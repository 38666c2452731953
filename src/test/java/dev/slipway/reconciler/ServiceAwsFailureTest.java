package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.createFunction;
import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigatewayv2.model.Route;

/**
 * AWS failures in the middle of a converge (injected by the fault proxy): server errors, a lost
 * response, AccessDenied and throttling.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceAwsFailureTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // AWS failures in the middle (injected)
  // ---------------------------------------------------------------------------------------------

  @Test
  void aServerErrorOnOneFunctionsCreateInANewStackShowsEveryResourceAndConvergesOnceItClears() {
    AwsFaults.Fault fault = faults.serverError(createFunction("fresh-prod-prompt-crud"), Integer.MAX_VALUE);
    create(nexus("fresh"));

    ServerlessService failed = awaitCondition("fresh", "Ready", "False", "AwsUnavailable");
    assertCondition(failed, "Reconciling", "True", "RetryingAfterError");
    assertCondition(failed, "Degraded", "True", "AwsUnavailable");
    var resources = failed.getStatus().resources;
    assertThat(resources).hasSize(NEXUS_RESOURCES);
    assertThat(resources).filteredOn(r -> r.kind.equals("LogGroup") || r.kind.equals("DynamoDBTable") || r.kind.equals("IAMRole"))
        .hasSize(16).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(resource(failed, "LambdaFunction", "prompt-crud")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Failed);
      assertThat(r.physicalName).isEqualTo("fresh-prod-prompt-crud");
      assertThat(r.message).startsWith("AwsUnavailable: ServiceException");
    });
    assertThat(resources).filteredOn(r -> r.kind.equals("LambdaFunction") && !r.name.equals("prompt-crud"))
        .hasSize(5).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    // Never created yet, still reported: the REST API waits for the function it routes to; the
    // WebSocket API, which does not route to it, is not held back.
    assertThat(resources).filteredOn(r -> r.kind.equals("RestApi") || r.kind.equals("WebSocketApi"))
        .extracting(r -> r.physicalName + " " + r.state + " " + r.message)
        .containsExactly("fresh-prod-api Pending waiting for LambdaFunction/prompt-crud", "fresh-prod-ws Ready created");
    assertThat(resource(failed, "RestApi", "api").id).isNull();
    assertThat(restApisNamed("fresh-prod-api")).isEmpty();

    faults.clearFaults();
    ServerlessService converged = awaitReady("fresh", 1);
    assertThat(converged.getStatus().resources).hasSize(NEXUS_RESOURCES).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(fault.served()).isGreaterThanOrEqualTo(3);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("fresh-prod-prompt-crud"))).hasSize(1);
    assertThat(restApisNamed("fresh-prod-api")).hasSize(1);
    assertThat(functionStatus(converged, "prompt-crud").aliasVersion).isEqualTo("1");
  }

  @Test
  void aServerErrorOnOneFunctionsCreateLeavesAConsistentStatusAndConvergesOnceItClears() {
    create(nexus("fault"));
    awaitReady("fault", 1);

    // A new function and a route to it; Lambda answers its CreateFunction with 500 until told otherwise.
    AwsFaults.Fault fault = faults.serverError(createFunction("fault-prod-reports"), Integer.MAX_VALUE);
    long gen = edit("fault", s -> {
      FunctionSpec reports = s.getSpec().functions.stream().filter(f -> f.name.equals("usage-handler")).findFirst().orElseThrow();
      FunctionSpec copy = client.getKubernetesSerialization().clone(reports);
      copy.name = "reports";
      s.getSpec().functions.add(copy);
      s.getSpec().restApi.routes.add(new RestApiSpec.Route("/reports", List.of(RestApiSpec.Method.GET), "reports"));
    });

    ServerlessService failed = awaitCondition("fault", "Ready", "False", "AwsUnavailable");
    assertThat(failed.getStatus().observedGeneration).isEqualTo(gen);
    assertCondition(failed, "Reconciling", "True", "RetryingAfterError");
    assertCondition(failed, "Degraded", "True", "AwsUnavailable");
    assertThat(condition(failed, "Ready").getMessage()).contains("LambdaFunction fault-prod-reports").contains("ServiceException");
    var resources = failed.getStatus().resources;
    assertThat(resources).filteredOn(r -> r.kind.equals("LogGroup") || r.kind.equals("DynamoDBTable") || r.kind.equals("IAMRole"))
        .hasSize(18).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    assertThat(resource(failed, "LambdaFunction", "reports")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Failed);
      assertThat(r.message).startsWith("AwsUnavailable: ServiceException");
    });
    assertThat(resources).filteredOn(r -> r.kind.equals("LambdaFunction") && !r.name.equals("reports"))
        .hasSize(6).allSatisfy(r -> assertThat(r.state).isEqualTo(ManagedResource.State.Ready));
    // The REST API routes to the new function and waits for it, keeping its id; the WebSocket API does not and stays Ready.
    assertThat(resource(failed, "RestApi", "api")).satisfies(r -> {
      assertThat(r.state).isEqualTo(ManagedResource.State.Pending);
      assertThat(r.message).isEqualTo("waiting for LambdaFunction/reports");
      assertThat(r.id).isNotBlank();
    });
    assertThat(resource(failed, "WebSocketApi", "websocket").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(events("fault", e -> e.getType().equals("Warning"))).isNotEmpty();
    // Retried with backoff, not given up: the fault keeps being asked.
    await().atMost(Duration.ofSeconds(15)).until(() -> fault.served() >= 6);

    faults.clearFaults();
    ServerlessService converged = awaitReady("fault", gen);
    assertThat(resource(converged, "LambdaFunction", "reports").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("fault-prod-reports"))).hasSize(1);
    assertThat(restApisNamed("fault-prod-api")).hasSize(1);
    String apiId = resource(converged, "RestApi", "api").id;
    assertThat(apiGateway.getResources(r -> r.restApiId(apiId)).items()).extracting(r -> r.path()).contains("/reports");
  }

  @Test
  void aCreateRestApiWhoseAnswerIsLostLeavesOneApiAndTheServiceReady() {
    // API Gateway makes the API, the answer never arrives: neither a retry nor the next reconcile may make a second one.
    AwsFaults.Rewrite lost = faults.loseResponse(AwsFaults.rest("POST", "/restapis").and(r -> r.bodyContains("lost-prod-api")), 1);
    create(nexus("lost"));

    ServerlessService ready = awaitReady("lost", 1);

    assertThat(lost.served()).isEqualTo(1);
    assertThat(restApisNamed("lost-prod-api")).singleElement()
        .satisfies(api -> assertThat(resource(ready, "RestApi", "api").id).isEqualTo(api.id()));
    assertThat(resource(ready, "RestApi", "api").state).isEqualTo(ManagedResource.State.Ready);
  }

  @Test
  void accessDeniedIsTerminalAndNotRetriedBeforeTheResyncPeriod() {
    AwsFaults.Fault fault = faults.accessDenied(createFunction("denied-prod-api"), Integer.MAX_VALUE);
    create(small("denied"));

    ServerlessService s = awaitCondition("denied", "Ready", "False", "AccessDenied");
    assertCondition(s, "Degraded", "True", "AccessDenied");
    assertCondition(s, "Reconciling", "False", "AccessDenied");
    assertThat(resource(s, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Failed);
    assertThat(events("denied", e -> e.getType().equals("Warning"))).isNotEmpty().allSatisfy(e -> assertThat(e.getReason()).isEqualTo("AccessDenied"));

    assertAttemptsOnlyAtTheResyncPeriod(createFunction("denied-prod-api"));
    assertThat(fault.served()).isGreaterThanOrEqualTo(3);

    // Permission granted (fault gone): the next resync converges without a spec change.
    faults.clearFaults();
    awaitReady("denied", 1);
  }

  @Test
  void throttlingIsRetriedWithBackoffAndConvergesWithoutDuplicates() {
    // More throttles than the SDK's own three attempts: the reconciler's retry has to carry on.
    AwsFaults.Fault fault = faults.throttle(target("CreateTable").and(r -> r.bodyContains("throttled-prod-items")), 5);
    create(small("throttled"));

    awaitReady("throttled", 1);
    assertThat(fault.served()).isEqualTo(5);
    assertThat(dynamo.listTables().tableNames().stream().filter(n -> n.equals("throttled-prod-items"))).hasSize(1);
  }
}
