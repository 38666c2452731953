package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.ApiStage;
import software.amazon.awssdk.services.apigateway.model.GetUsagePlanResponse;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;
import software.amazon.awssdk.services.apigateway.model.UsagePlanKey;

/** The usage plan partners on the nexus REST API's stage, metering the partner and internal keys. */
class UsagePlanKindTest extends TaggedAtCreationContractTest {

  private static final String PLAN = "nexus-prod-partners";

  private ApiGatewayClient gw;

  /** The keys of {@link ApiKeyKindTest#withKeys()} and the plan partners over both: 10 requests a second (bursts of 20), 1000 a day. */
  static ServerlessServiceSpec withPlan() {
    ServerlessServiceSpec spec = ApiKeyKindTest.withKeys();
    RestApiSpec.UsagePlan plan = new RestApiSpec.UsagePlan("partners", List.of("partner", "internal"));
    plan.throttle = new RestApiSpec.Throttling();
    plan.throttle.rateLimit = 10.0;
    plan.throttle.burstLimit = 20;
    plan.quota = new RestApiSpec.Quota(1000, RestApiSpec.QuotaPeriod.DAY);
    spec.restApi.usagePlans = new ArrayList<>(List.of(plan));
    return spec;
  }

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withPlan(), new RestApiKind(), new ApiKeyKind(), new UsagePlanKind());
    harness.deployFunctions();
    gw = harness.raw().apiGateway();
    return harness;
  }

  private String planId() {
    return stack.status(kind()).get(0).id;
  }

  private GetUsagePlanResponse plan() {
    return gw.getUsagePlan(r -> r.usagePlanId(planId()));
  }

  private List<String> planKeys() {
    return gw.getUsagePlanKeys(r -> r.usagePlanId(planId())).items().stream().map(UsagePlanKey::id).toList();
  }

  private String keyId(String name) {
    return stack.context().output(ApiKeyKind.idOutput(name));
  }

  private RestApiSpec.UsagePlan specPlan(ServerlessServiceSpec s) {
    return s.restApi.usagePlans.get(0);
  }

  @Override
  protected void assertDeclaredShape() {
    GetUsagePlanResponse p = plan();
    assertThat(p.name()).isEqualTo(PLAN);
    assertThat(p.apiStages()).singleElement().satisfies(s -> {
      assertThat(s.apiId()).isEqualTo(stack.context().output(Outputs.REST_API_ID));
      assertThat(s.stage()).isEqualTo("prod");
    });
    assertThat(p.throttle().rateLimit()).isEqualTo(10.0);
    assertThat(p.throttle().burstLimit()).isEqualTo(20);
    assertThat(p.quota().limit()).isEqualTo(1000);
    assertThat(p.quota().periodAsString()).isEqualTo("DAY");
    assertThat(p.tags()).containsEntry(Tags.SERVICE, stack.tags().get(Tags.SERVICE));
    assertThat(planKeys()).containsExactlyInAnyOrder(keyId("partner"), keyId("internal"));
    assertThat(stack.context().outputs()).containsEntry(UsagePlanKind.idOutput("partners"), p.id());
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("partners", List.of("throttle"), s -> specPlan(s).throttle.rateLimit = 50.0, List.of("UpdateUsagePlan"),
            () -> assertThat(plan().throttle().rateLimit()).isEqualTo(50.0)),
        new Edit("partners", List.of("quota"), s -> specPlan(s).quota = new RestApiSpec.Quota(5000, RestApiSpec.QuotaPeriod.WEEK), List.of("UpdateUsagePlan"), () -> {
          assertThat(plan().quota().limit()).isEqualTo(5000);
          assertThat(plan().quota().periodAsString()).isEqualTo("WEEK");
        }),
        new Edit("partners", List.of("key"), s -> specPlan(s).keys.remove("internal"), List.of("DeleteUsagePlanKey"),
            () -> assertThat(planKeys()).containsExactly(keyId("partner"))),
        new Edit("partners", List.of("key"), s -> specPlan(s).keys.add("internal"), List.of("CreateUsagePlanKey"),
            () -> assertThat(planKeys()).containsExactlyInAnyOrder(keyId("partner"), keyId("internal"))),
        new Edit("partners", List.of("quota"), s -> specPlan(s).quota = null, List.of("UpdateUsagePlan"),
            () -> assertThat(plan().quota()).isNull()));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // Someone raises the plan's rate behind Slipway's back: it is put back.
        new Drift("partners", List.of("throttle"),
            () -> gw.updateUsagePlan(r -> r.usagePlanId(planId()).patchOperations(PatchOperation.builder().op("replace").path("/throttle/rateLimit").value("99").build())),
            List.of("UpdateUsagePlan"), () -> assertThat(plan().throttle().rateLimit()).isEqualTo(10.0)),
        // Someone takes a key out of the plan: it is put back.
        new Drift("partners", List.of("key"), () -> gw.deleteUsagePlanKey(r -> r.usagePlanId(planId()).keyId(keyId("internal"))),
            List.of("CreateUsagePlanKey"), () -> assertThat(planKeys()).containsExactlyInAnyOrder(keyId("partner"), keyId("internal"))),
        // Someone adds a key of their own to the plan: it is removed.
        new Drift("partners", List.of("key"), () -> {
          String other = gw.createApiKey(r -> r.name("someone-else").enabled(true)).id();
          gw.createUsagePlanKey(r -> r.usagePlanId(planId()).keyId(other).keyType("API_KEY"));
        }, List.of("DeleteUsagePlanKey"), () -> assertThat(planKeys()).containsExactlyInAnyOrder(keyId("partner"), keyId("internal"))));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atValidation(s -> specPlan(s).keys.add("ghost"), "names API key ghost, which restApi.apiKeys does not declare"));
  }

  @Override
  protected void makeNamesake() {
    gw.createUsagePlan(r -> r.name(PLAN));
  }

  /** The plan deleted and made again by hand with {@code tags} (moto 5.2.1's TagResource takes every API Gateway ARN for a stage's). */
  @Override
  protected void recreate(Map<String, String> tags) {
    stack.settle();
    GetUsagePlanResponse old = plan();
    List<String> keys = planKeys();
    gw.deleteUsagePlan(r -> r.usagePlanId(old.id()));
    String id = gw.createUsagePlan(r -> r.name(PLAN).tags(tags).apiStages(old.apiStages().toArray(ApiStage[]::new))
        .throttle(old.throttle()).quota(old.quota())).id();
    keys.forEach(k -> gw.createUsagePlanKey(r -> r.usagePlanId(id).keyId(k).keyType("API_KEY")));
    stack.status(kind()).get(0).id = id;
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/usageplans");
  }
}
