package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

class CloudWatchDashboardKindTest extends KindContractTest {

  private static final String NAME = "nexus-prod";

  private CloudWatchClient cw;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(CloudWatchAlarmKindTest.small(), new LambdaFunctionKind(), new CloudWatchDashboardKind());
    KindHarness.function(harness.spec(), "worker").code = harness.upload("worker.zip", "ok");
    cw = harness.raw().cloudWatch();
    return harness;
  }

  @Override
  protected void assertDeclaredShape() throws Exception {
    JsonNode widgets = body().path("widgets");
    List<String> titles = new ArrayList<>();
    widgets.forEach(w -> titles.add(w.path("properties").path("title").asText()));
    assertThat(titles).containsExactly("", "worker invocations", "worker errors", "worker p99 duration", "worker throttles",
        "REST API requests", "REST API 4XX", "REST API 5XX", "REST API p99 latency", "orders consumed capacity");
    assertThat(widgets.get(0).path("properties").path("markdown").asText()).contains(Tags.SERVICE + "=chat.nexus");
    assertThat(widgets.get(2).path("properties").path("metrics").get(0).toString()).isEqualTo("[\"AWS/Lambda\",\"Errors\",\"FunctionName\",\"nexus-prod-worker\"]");
    assertThat(widgets.get(7).path("properties").path("metrics").get(0).toString())
        .isEqualTo("[\"AWS/ApiGateway\",\"5XXError\",\"ApiName\",\"nexus-prod-api\",\"Stage\",\"prod\"]");
    assertThat(stack.context().outputs()).containsEntry(CloudWatchDashboardKind.URL_OUTPUT,
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=nexus-prod");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("dashboard", List.of("body"), s -> s.tables.add(Serialization.unmarshal("name: invoices\npartitionKey: { name: id, type: S }\n", TableSpec.class)),
            List.of("PutDashboard"), () -> assertThat(body().toString()).contains("nexus-prod-invoices")),
        new Edit("dashboard", List.of("body"), s -> s.restApi.stageName = "live", List.of("PutDashboard"),
            () -> assertThat(body().toString()).contains("\"Stage\",\"live\"")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone rearranges the dashboard in the console.
    return List.of(new Drift("dashboard", List.of("body"), () -> cw.putDashboard(r -> r.dashboardName(NAME).dashboardBody("{\"widgets\":[]}")),
        List.of("PutDashboard"), () -> assertThat(body().path("widgets")).hasSize(10)));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // The dashboard is generated from what the spec declares; its one input, monitoring.dashboard, is a boolean.
  }

  /** Dashboards carry no tags (PARENT-owned): a function of another service holds the dashboard back, untouched. */
  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() {
    stack.raw().lambda().createFunction(r -> r.functionName("nexus-prod-worker").runtime("python3.12").role(stack.roleArn()).handler("handler.handler")
        .code(c -> c.s3Bucket(KindHarness.BUCKET).s3Key("worker.zip")).tags(Map.of(Tags.SERVICE, OTHER_SERVICE)));

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action())
        .containsExactly("LambdaFunction/worker Failed", "CloudWatchDashboard/dashboard Blocked");
    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(cw.listDashboards().dashboardEntries()).isEmpty();
  }

  /** Its header names the owner where a tag would: a dashboard whose header names another service is left alone. */
  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() throws Exception {
    stack.settle();
    String foreign = body().toString().replace(Tags.SERVICE + "=chat.nexus", Tags.SERVICE + "=" + OTHER_SERVICE);
    cw.putDashboard(r -> r.dashboardName(NAME).dashboardBody(foreign));

    assertThat(stack.delete()).isEmpty();

    assertThat(stack.events).anyMatch(e -> e.equals(Reasons.NOT_OWNED + ": Not deleting CloudWatchDashboard " + NAME
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
    assertThat(cw.listDashboards().dashboardEntries()).extracting(d -> d.dashboardName()).containsExactly(NAME);
  }

  /** Dashboards carry no tags (PARENT-owned): an untagged function of the name holds the dashboard back, untouched. */
  @Override
  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() {
    untaggedWorker();

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().key() + " " + o.action())
        .containsExactly("LambdaFunction/worker Failed", "CloudWatchDashboard/dashboard Blocked");
    assertThat(result.outcomes().get(0).resource().message).startsWith(Reasons.NOT_OWNED + ": ");
    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(cw.listDashboards().dashboardEntries()).isEmpty();
  }

  /** The annotation names the function's kind: the function is taken over, and the dashboard follows it. */
  @Override
  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() {
    untaggedWorker();
    stack.adopt(LambdaFunctionKind.KIND);

    Result result = stack.settle();

    assertThat(result.complete()).isTrue();
    assertThat(cw.listDashboards().dashboardEntries()).extracting(d -> d.dashboardName()).containsExactly(NAME);
    assertSecondPassMutatesNothing();
  }

  private void untaggedWorker() {
    stack.raw().lambda().createFunction(r -> r.functionName("nexus-prod-worker").runtime("python3.12").role(stack.roleArn()).handler("handler.handler")
        .code(c -> c.s3Bucket(KindHarness.BUCKET).s3Key("worker.zip")));
  }

  @Test
  void aDashboardSwitchedOffIsNotPlannedAndIsDeleted() {
    stack.settle();
    var before = stack.status();
    stack.spec().monitoring.dashboard = false;
    stack.settle();

    assertThat(stack.status(CloudWatchDashboardKind.KIND)).isEmpty();
    assertThat(stack.deleteDropped(before)).isEmpty();
    assertThat(stack.events).containsExactly("Deleted: Deleted CloudWatchDashboard " + NAME);
    assertThat(cw.listDashboards().dashboardEntries()).isEmpty();
  }

  private JsonNode body() throws Exception {
    return new ObjectMapper().readTree(cw.getDashboard(r -> r.dashboardName(NAME)).dashboardBody());
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("PutDashboard");
  }
}
