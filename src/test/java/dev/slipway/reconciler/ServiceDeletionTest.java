package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults.Request;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Deletion under both policies, and a deletion AWS refuses: backoff, a condition that says how to get
 * out, and the end once the resource is gone or the policy is Retain.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceDeletionTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // Deletion under both policies
  // ---------------------------------------------------------------------------------------------

  @Test
  void deletionPolicyDeleteRemovesEveryAwsResourceInReverseOrderThenTheObject() {
    create(nexus("del"));
    ServerlessService s = awaitReady("del", 1);
    String restApiId = resource(s, "RestApi", "api").id;
    String wsApiId = resource(s, "WebSocketApi", "websocket").id;

    recorder.clear();
    client.resource(s).delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("del")).isNull());

    List<String> deletes = mutatingOperations("del").stream().filter(o -> o.startsWith("Delete")).toList();
    assertThat(deletes).contains("DeleteRestApi", "DeleteApi", "DeleteFunction", "DeleteRole", "DeleteTable");
    // Reverse dependency order: APIs, then functions, then roles and tables.
    assertThat(deletes.lastIndexOf("DeleteRestApi")).isLessThan(deletes.indexOf("DeleteFunction"));
    assertThat(deletes.lastIndexOf("DeleteApi")).isLessThan(deletes.indexOf("DeleteFunction"));
    assertThat(deletes.lastIndexOf("DeleteFunction")).isLessThan(deletes.indexOf("DeleteRole"));
    assertThat(deletes.lastIndexOf("DeleteFunction")).isLessThan(deletes.indexOf("DeleteTable"));

    for (String table : List.of("conversations", "prompts", "usage", "websocket-connections")) {
      assertThatThrownBy(() -> dynamo.describeTable(r -> r.tableName("del-prod-" + table))).isInstanceOf(ResourceNotFoundException.class);
    }
    for (String function : List.of("conversation-api", "prompt-crud", "usage-handler", "websocket-connect", "websocket-disconnect", "websocket-message")) {
      assertThatThrownBy(() -> iam.getRole(r -> r.roleName("del-prod-" + function))).isInstanceOf(NoSuchEntityException.class);
      assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName("del-prod-" + function)))
          .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    }
    assertThatThrownBy(() -> apiGateway.getRestApi(r -> r.restApiId(restApiId)))
        .isInstanceOf(software.amazon.awssdk.services.apigateway.model.NotFoundException.class);
    assertThatThrownBy(() -> apiGatewayV2.getApi(r -> r.apiId(wsApiId)))
        .isInstanceOf(software.amazon.awssdk.services.apigatewayv2.model.NotFoundException.class);
    assertThat(cloudWatch.describeAlarms(r -> r.alarmNamePrefix("del-prod-")).metricAlarms()).isEmpty();
    assertThat(cloudWatch.listDashboards(r -> r.dashboardNamePrefix("del-prod")).dashboardEntries()).isEmpty();
  }

  @Test
  void deletionPolicyRetainRemovesTheObjectAndLeavesAwsAlone() {
    ServerlessService service = small("keep");
    service.getSpec().deletionPolicy = dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy.Retain;
    create(service);
    ServerlessService s = awaitReady("keep", 1);

    recorder.clear();
    client.resource(s).delete();
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("keep")).isNull());

    assertThat(calls("keep")).filteredOn(Call::mutating).isEmpty();
    assertThat(dynamo.describeTable(r -> r.tableName("keep-prod-items")).table().tableName()).isEqualTo("keep-prod-items");
    assertThat(iam.getRole(r -> r.roleName("keep-prod-api")).role().roleName()).isEqualTo("keep-prod-api");
    assertThat(lambda.getFunction(r -> r.functionName("keep-prod-api")).configuration().functionName()).isEqualTo("keep-prod-api");
    assertThat(lambda.getAlias(r -> r.functionName("keep-prod-api").name("prod")).functionVersion()).isEqualTo("1");
    assertThat(events("keep", e -> e.getReason().equals("Retained"))).isNotEmpty();
  }

  @Test
  void aDeletionAwsRefusesHoldsTheObjectWithBackoffSaysHowToGetOutAndEndsOnceTheResourceIsGone() {
    ServerlessService s = stuckDeleting("stuck");

    // No hot loop: the refused deletion is tried again with a growing delay (1s, 2s, 4s here).
    Predicate<Request> deleteTable = target("DeleteTable").and(r -> r.bodyContains("stuck-prod-items"));
    await().atMost(Duration.ofSeconds(30)).until(() -> faults.requests(deleteTable).size() >= 4);
    List<Instant> attempts = faults.requests(deleteTable).stream().map(Request::at).toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
    }
    // A busy operator may try later than scheduled, never sooner: each gap is held to its least only.
    List<Long> least = List.of(800L, 1800L, 3600L);
    for (int i = 0; i < least.size(); i++) {
      assertThat(gaps.get(i)).as("milliseconds before attempt %d (all: %s)", i + 2, gaps).isGreaterThan(least.get(i));
    }
    assertThat(s.getMetadata().getFinalizers()).contains(Slipway.FINALIZER);

    // Deleted by someone who may: already gone counts as done, and the object goes.
    dynamo.deleteTable(r -> r.tableName("stuck-prod-items"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("stuck")).isNull());
  }

  @Test
  void aStuckDeletionEndsWhenTheDeletionPolicyIsSetToRetain() {
    stuckDeleting("unstuck");

    client.resources(ServerlessService.class).inNamespace(ns).withName("unstuck").edit(o -> {
      o.getSpec().deletionPolicy = dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy.Retain;
      return o;
    });

    await().atMost(CONVERGE).untilAsserted(() -> assertThat(get("unstuck")).isNull());
    assertThat(dynamo.describeTable(r -> r.tableName("unstuck-prod-items")).table().tableName()).isEqualTo("unstuck-prod-items");
  }

  /**
   * A small service deleted while AWS refuses DeleteTable of its table with AccessDenied: returns it
   * once its conditions say so. The rest of the stack is deleted; status keeps only the table.
   */
  private ServerlessService stuckDeleting(String name) {
    create(small(name));
    awaitReady(name, 1);
    faults.accessDenied(target("DeleteTable").and(r -> r.bodyContains(name + "-prod-items")), Integer.MAX_VALUE);

    client.resource(get(name)).delete();

    ServerlessService s = awaitCondition(name, "Ready", "False", Reasons.ACCESS_DENIED);
    assertThat(condition(s, "Ready").getMessage())
        .startsWith("deleting DynamoDBTable " + name + "-prod-items failed (AccessDenied): ")
        .contains("set spec.deletionPolicy to Retain", "kubectl patch sls " + name + " -n " + ns);
    assertCondition(s, "Degraded", "True", Reasons.ACCESS_DENIED);
    assertThat(s.getStatus().resources).extracting(r -> r.key() + " " + r.state).containsExactly("DynamoDBTable/items Deleting");
    assertThatThrownBy(() -> lambda.getFunction(r -> r.functionName(name + "-prod-api")))
        .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    return s;
  }
}
