package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.createFunction;
import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.GlobalSecondaryIndexSpec;
import dev.slipway.api.v1alpha1.KeyAttribute;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.kinds.ExecutionRolePolicy;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults.Request;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.model.RestApi;
import software.amazon.awssdk.services.apigatewayv2.model.Route;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * A changed spec changes only what differs, drift is repaired at the next resync, and resources that
 * already exist are left alone until the adoption annotation takes them over.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceSpecChangeTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // A changed spec changes only what differs
  // ---------------------------------------------------------------------------------------------

  @Test
  void specChangesChangeOnlyWhatDiffers() {
    create(nexus("chg"));
    awaitReady("chg", 1);

    // A GSI on usage: one UpdateTable on that table, nothing else.
    recorder.clear();
    Instant mark = Instant.now();
    long gen = edit("chg", s -> {
      var index = new GlobalSecondaryIndexSpec();
      index.name = "date-index";
      index.partitionKey = new KeyAttribute("date", KeyAttribute.ScalarType.S);
      index.projection = GlobalSecondaryIndexSpec.Projection.KEYS_ONLY;
      table(s, "usage").globalSecondaryIndexes.add(index);
    });
    awaitReady("chg", gen);
    assertThat(mutatingOperations("chg")).containsExactly("UpdateTable");
    assertThat(faults.requests(since(mark).and(target("UpdateTable")))).singleElement()
        .satisfies(r -> assertThat(r.body()).contains("\"TableName\":\"chg-prod-usage\"").contains("date-index"));
    assertThat(dynamo.describeTable(r -> r.tableName("chg-prod-usage")).table().globalSecondaryIndexes())
        .singleElement().satisfies(i -> assertThat(i.indexName()).isEqualTo("date-index"));

    // A route: that route's resource, methods (with its CORS preflight), grant and one deployment.
    recorder.clear();
    gen = edit("chg", s -> s.getSpec().restApi.routes.add(new RestApiSpec.Route("/health", List.of(RestApiSpec.Method.GET), "usage-handler")));
    awaitReady("chg", gen);
    assertThat(mutatingOperations("chg")).containsExactlyInAnyOrder(
        "CreateResource",
        "PutMethod", "PutIntegration", // GET /health → usage-handler
        "PutMethod", "PutMethodResponse", "PutIntegration", "PutIntegrationResponse", // OPTIONS /health (CORS)
        "AddPermission",
        "CreateDeployment");
    String apiId = resource(get("chg"), "RestApi", "api").id;
    var health = apiGateway.getResources(r -> r.restApiId(apiId).embed("methods")).items().stream().filter(r -> r.path().equals("/health")).findFirst();
    assertThat(health).hasValueSatisfying(r -> assertThat(r.resourceMethods()).containsOnlyKeys("GET", "OPTIONS"));

    // prompt-crud's memory: the service updates $LATEST and publishes version 2 of that function only;
    // the alias then moves by a LambdaRelease the service creates (AllAtOnce: no releasePolicy).
    recorder.clear();
    mark = Instant.now();
    gen = edit("chg", s -> function(s, "prompt-crud").memoryMB = 768);
    awaitReady("chg", gen);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(functionStatus(get("chg"), "prompt-crud").aliasVersion).isEqualTo("2"));
    assertThat(mutatingOperations("chg")).containsExactlyInAnyOrder("UpdateFunctionConfiguration", "PublishVersion");
    assertThat(recorder.callsFor("LambdaRelease/" + ns + "/" + functionStatus(get("chg"), "prompt-crud").release))
        .filteredOn(Call::mutating).extracting(Call::operation).containsExactly("UpdateAlias");
    assertThat(faults.requests(since(mark).and(r -> r.path().startsWith("/2015-03-31/functions/chg-prod-") && !r.method().equals("GET"))))
        .extracting(Request::path)
        .containsExactlyInAnyOrder(
            "/2015-03-31/functions/chg-prod-prompt-crud/configuration",
            "/2015-03-31/functions/chg-prod-prompt-crud/versions",
            "/2015-03-31/functions/chg-prod-prompt-crud/aliases/prod");
    assertThat(lambda.getFunction(r -> r.functionName("chg-prod-prompt-crud")).configuration().memorySize()).isEqualTo(768);
    assertThat(lambda.getAlias(r -> r.functionName("chg-prod-prompt-crud").name("prod")).functionVersion()).isEqualTo("2");
    FunctionStatus promptCrud = functionStatus(get("chg"), "prompt-crud");
    assertThat(promptCrud.publishedVersion).isEqualTo("2");
    assertThat(promptCrud.release).startsWith("chg-prompt-crud-");
    var release = client.resources(LambdaRelease.class).inNamespace(get("chg").getMetadata().getNamespace()).withName(promptCrud.release).get();
    assertThat(release.getStatus().phase).isEqualTo(ReleasePhase.Succeeded);
    assertThat(release.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo("chg"));
    assertThat(functionStatus(get("chg"), "usage-handler").publishedVersion).isEqualTo("1");
  }

  // ---------------------------------------------------------------------------------------------
  // Drift is put back at the next resync
  // ---------------------------------------------------------------------------------------------

  @Test
  void driftIsRepairedAtTheNextResync() {
    create(nexus("drift"));
    ServerlessService s = awaitReady("drift", 1);
    String apiId = resource(s, "RestApi", "api").id;
    String usageId = apiGateway.getResources(r -> r.restApiId(apiId)).items().stream().filter(r -> r.path().equals("/usage")).findFirst().orElseThrow().id();

    // Behind Slipway's back:
    dynamo.updateTimeToLive(r -> r.tableName("drift-prod-conversations").timeToLiveSpecification(t -> t.enabled(false).attributeName("ttl")));
    lambda.updateFunctionConfiguration(r -> r.functionName("drift-prod-usage-handler").memorySize(256));
    apiGateway.deleteMethod(r -> r.restApiId(apiId).resourceId(usageId).httpMethod("GET"));

    // ignoreExceptions: GetMethod answers NotFound until the method is back.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      assertThat(dynamo.describeTimeToLive(r -> r.tableName("drift-prod-conversations")).timeToLiveDescription().timeToLiveStatus())
          .isEqualTo(TimeToLiveStatus.ENABLED);
      assertThat(lambda.getFunction(r -> r.functionName("drift-prod-usage-handler")).configuration().memorySize()).isEqualTo(512);
      var get = apiGateway.getMethod(r -> r.restApiId(apiId).resourceId(usageId).httpMethod("GET"));
      assertThat(get.methodIntegration().uri()).contains("function:drift-prod-usage-handler:prod/invocations");
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("drift", e -> e.getReason().equals("Updated")))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("Updated DynamoDBTable drift-prod-conversations").contains("ttlAttribute"))
        .anySatisfy(m -> assertThat(m).startsWith("Updated LambdaFunction drift-prod-usage-handler").contains("memorySize"))
        .anySatisfy(m -> assertThat(m).startsWith("Updated RestApi drift-prod-api").contains("method GET /usage")));
    // Putting the old configuration back needs no new version: version 1 holds exactly that.
    assertThat(functionStatus(awaitReady("drift", 1), "usage-handler").publishedVersion).isEqualTo("1");
    assertThat(lambda.getAlias(r -> r.functionName("drift-prod-usage-handler").name("prod")).functionVersion()).isEqualTo("1");
  }

  // ---------------------------------------------------------------------------------------------
  // Adoption
  // ---------------------------------------------------------------------------------------------

  @Test
  void resourcesThatAlreadyExistUnderTheExpectedNamesAreLeftAloneUntilTheAnnotationAdoptsThem() {
    // Made by hand (or by an earlier install) with the names Slipway derives: adopt-prod-<logical>.
    dynamo.createTable(r -> r.tableName("adopt-prod-items")
        .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
        .billingMode(BillingMode.PAY_PER_REQUEST));
    String roleArn = iam.createRole(r -> r.roleName("adopt-prod-api").assumeRolePolicyDocument(ExecutionRolePolicy.TRUST_POLICY)).role().arn();
    lambda.createFunction(r -> r.functionName("adopt-prod-api").role(roleArn).runtime("python3.12").handler("app.handler")
        .code(c -> c.s3Bucket(BUCKET).s3Key(KEY)).memorySize(128));

    recorder.clear();
    create(small("adopt"));
    ServerlessService refused = awaitCondition("adopt", "Ready", "False", Reasons.NOT_OWNED);

    // The untagged ones fail, what needs them waits, the rest converges; nothing of theirs is changed.
    assertThat(refused.getStatus().resources).extracting(r -> r.kind + "/" + r.name + "=" + r.state)
        .containsExactly("LogGroup/api=Ready", "DynamoDBTable/items=Failed", "IAMRole/api=Failed", "LambdaFunction/api=Pending");
    assertThat(condition(refused, "Ready").getMessage()).contains("DynamoDBTable adopt-prod-items", Slipway.ADOPT_ANNOTATION);
    assertCondition(refused, "Degraded", "True", Reasons.NOT_OWNED);
    assertThat(mutatingOperations("adopt")).allSatisfy(op -> assertThat(op).isIn("CreateLogGroup", "PutRetentionPolicy"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("adopt", e -> e.getReason().equals(Reasons.NOT_OWNED)))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("DynamoDBTable adopt-prod-items: ").contains(Slipway.ADOPT_ANNOTATION + ": \"DynamoDBTable\""))
        .anySatisfy(m -> assertThat(m).startsWith("IAMRole adopt-prod-api: ").contains(Slipway.ADOPT_ANNOTATION)));
    // No hot loop: looked at again only at the resync period.
    assertAttemptsOnlyAtTheResyncPeriod(target("DescribeTable").and(r -> r.bodyContains("adopt-prod-items")));

    // The annotation changes no generation; the controller reconciles on it all the same.
    client.resources(ServerlessService.class).inNamespace(ns).withName("adopt").edit(o -> {
      o.getMetadata().setAnnotations(Map.of(Slipway.ADOPT_ANNOTATION, "DynamoDBTable, IAMRole,LambdaFunction"));
      return o;
    });
    ServerlessService s = awaitReady("adopt", 1);

    assertThat(calls("adopt")).extracting(Call::operation).doesNotContain("CreateTable", "CreateRole", "CreateFunction");
    assertThat(s.getStatus().resources).extracting(r -> r.kind + "/" + r.name + "=" + r.state)
        .containsExactly("LogGroup/api=Ready", "DynamoDBTable/items=Ready", "IAMRole/api=Ready", "LambdaFunction/api=Ready");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("adopt", e -> e.getReason().equals("Adopted")))
        .extracting(Event::getMessage)
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing DynamoDBTable adopt-prod-items, which carried no slipway.dev/service tag"))
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing IAMRole adopt-prod-api, which carried no"))
        .anySatisfy(m -> assertThat(m).startsWith("Adopted existing LambdaFunction adopt-prod-api, which carried no")));
    assertThat(dynamo.listTables().tableNames().stream().filter(n -> n.equals("adopt-prod-items"))).hasSize(1);
    assertThat(lambda.listFunctions().functions().stream().filter(f -> f.functionName().equals("adopt-prod-api"))).hasSize(1);
    // Taken over means brought to the spec: the declared memory and handler, the stage alias.
    FunctionConfiguration adopted = lambda.getFunction(r -> r.functionName("adopt-prod-api")).configuration();
    assertThat(adopted.memorySize()).isEqualTo(256);
    assertThat(adopted.handler()).isEqualTo("app.handler");
    assertThat(lambda.getAlias(r -> r.functionName("adopt-prod-api").name("prod")).functionVersion()).isEqualTo(functionStatus(s, "api").aliasVersion);
  }
}
